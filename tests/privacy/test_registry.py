"""The privacy registry: no model that holds a link to the user or a file can escape it (DESIGN.md idea 2)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.test.utils import isolate_apps

from privacy import registry
from privacy.registry import DataCategory, Erasure, Export, Retention


def test_every_model_with_a_user_link_or_a_file_is_registered():
    missing = [m._meta.label for m in registry.models_requiring_registration() if not registry.registered_entry(m)]
    assert not missing, f"declare these in the privacy registry (privacy/registry.py explains how): {missing}"


def test_the_check_finds_user_links_and_file_fields_it_must_guard():
    """If the detector went blind the test above would pass on anything; make sure it sees what it must."""
    required = {m._meta.label for m in registry.models_requiring_registration()}
    assert {settings.AUTH_USER_MODEL, "closet.Item", "admin.LogEntry", "account.EmailAddress"} <= required
    assert "contenttypes.ContentType" not in required


@isolate_apps("privacy")
def test_an_unregistered_model_with_a_user_link_or_a_file_is_caught(monkeypatch):
    class Orphan(models.Model):
        owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

        class Meta:
            app_label = "privacy"

    class Scan(models.Model):
        scan = models.FileField()

        class Meta:
            app_label = "privacy"

    class Fans(models.Model):
        people = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")

        class Meta:
            app_label = "privacy"

    real = apps.get_models
    monkeypatch.setattr(apps, "get_models", lambda *a, **k: [*real(*a, **k), Orphan, Scan, Fans])
    required = registry.models_requiring_registration()
    assert {Orphan, Scan, Fans} <= set(required)
    assert not any(registry.registered_entry(m) for m in (Orphan, Scan, Fans))


def test_every_declaration_is_consistent_with_its_model():
    registry.registry_validate()  # raises on an owner path, field or retention field that does not exist
    for entry in registry.registered_entries():
        assert entry.description
        assert entry.export.included or entry.export.reason
        assert entry.erasure.kind in {"delete", "anonymise", "keep"}


def test_a_declaration_whose_owner_path_does_not_reach_the_user_is_refused(monkeypatch):
    from closet.models import Item

    monkeypatch.setattr(registry, "_registry", dict(registry._registry))
    registry.register(
        Item,
        category=DataCategory.WARDROBE,
        owner="brand",
        retention=Retention.account_lifetime(),
        export=Export.rows(),
        erasure=Erasure.delete(),
        description="wrong",
    )
    with pytest.raises(ImproperlyConfigured, match="does not lead to the user model"):
        registry.registry_validate()


def test_keeping_data_through_erasure_needs_a_legal_basis():
    with pytest.raises(ValueError, match="legal basis"):
        Erasure.keep(legal_basis="")


@pytest.mark.django_db
def test_rows_of_finds_exactly_one_users_rows(user, other_user):
    from tests.closet.factories import ItemFactory

    mine = ItemFactory.create_batch(2, owner=user)
    ItemFactory(owner=other_user)
    entry = registry.registered_entry(mine[0].__class__)
    assert set(entry.rows_of(user)) == set(mine)
    user_entry = registry.registered_entry(type(user))
    assert list(user_entry.rows_of(user)) == [user]
