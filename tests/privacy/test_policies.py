"""Policies (POL-1): versioned, with effective dates; material changes published 30+ days ahead, announced in the
app and by e-mail, acknowledgements recorded; /privacy/ shows the current and past versions and what we keep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from privacy.models import PolicyAcknowledgement, PolicyVersion
from privacy.services import policy_publish
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.promise("POL-1")]


def _draft(days_ahead: int, *, material: bool = True, version: str = "2027-01-01") -> PolicyVersion:
    return PolicyVersion.objects.create(
        kind="privacy",
        version=version,
        body="## Changes\nWe now keep support messages for 3 months instead of 6.",
        summary_of_changes="Support messages are kept for 3 months.",
        material=material,
        effective_on=timezone.localdate() + timedelta(days=days_ahead),
    )


def test_the_privacy_page_shows_the_policy_in_force_and_what_we_keep(client):
    html = client.get("/privacy/").content.decode()
    assert "Version 2026-11-01" in html and "<h2>Photos</h2>" in html
    assert "What we keep" in html and "The garments in your closet" in html
    assert "Proof of consent" in html  # the consent log's legal basis for keeping it through erasure


def test_a_material_change_less_than_30_days_ahead_cannot_be_published():
    change = _draft(29)
    with pytest.raises(ValidationError, match="at least 30 days"):
        policy_publish(policy=change)
    change.refresh_from_db()
    assert change.published_at is None


def test_a_minor_change_may_take_effect_sooner():
    change = _draft(1, material=False)
    policy_publish(policy=change)
    assert change.published_at is not None


def test_publishing_a_material_change_announces_it_by_email_and_in_the_app(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    from config.celery import app as celery_app

    people = UserFactory.create_batch(2)
    change = _draft(30)
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            policy_publish(policy=change)
    finally:
        celery_app.conf.task_always_eager = False
    assert sorted(m.to[0] for m in mailoutbox) == sorted(p.email for p in people)
    assert change.effective_on.strftime("%-d %B %Y") in mailoutbox[0].body

    client.force_login(people[0])
    page = client.get("/closet/").content.decode()
    assert "Our privacy policy changes on" in page
    html = client.get("/privacy/").content.decode()
    assert "A new version takes effect" in html, "the upcoming version is announced on /privacy/ too"
    assert "Version 2026-11-01" in html, "until it takes effect, the current version stays in force"


def test_acknowledging_is_recorded_and_hides_the_notice(client, user):
    change = _draft(31)
    policy_publish(policy=change)
    client.force_login(user)
    client.post(f"/privacy/changes/{change.pk}/acknowledge/", {"next": "/closet/"})
    assert PolicyAcknowledgement.objects.filter(user=user, policy=change).exists()
    assert "Our privacy policy changes on" not in client.get("/closet/").content.decode()


def test_past_versions_stay_readable_and_unknown_ones_are_404(client):
    assert client.get("/privacy/versions/2026-11-01/").status_code == 200
    assert client.get("/privacy/versions/1999-01-01/").status_code == 404


def test_a_published_version_cannot_be_published_again():
    change = _draft(40)
    policy_publish(policy=change)
    with pytest.raises(ValidationError, match="already published"):
        policy_publish(policy=change)


def test_policy_text_is_escaped(client):
    PolicyVersion.objects.filter(version="2026-11-01").delete()
    PolicyVersion.objects.create(
        kind="privacy",
        version="x",
        body="<script>alert(1)</script>",
        effective_on=timezone.localdate(),
        published_at=timezone.now(),
    )
    html = client.get("/privacy/").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def _policy_queries(client, url: str = "/closet/") -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured if "privacy_policyversion" in query["sql"]]


def test_once_everything_is_acknowledged_pages_do_not_ask_the_database_again(client, user):
    client.force_login(user)
    assert _policy_queries(client), "the first page asks"
    assert not _policy_queries(client), "nothing was pending under the same published set: no query"
    client.force_login(UserFactory())
    assert _policy_queries(client), "the answer is remembered per session, not shared between people"


def test_a_newly_published_change_reaches_a_session_that_had_nothing_pending(
    client, user, django_capture_on_commit_callbacks
):
    client.force_login(user)
    client.get("/closet/")
    assert not _policy_queries(client)
    change = _draft(45)
    with django_capture_on_commit_callbacks(execute=True):
        policy_publish(policy=change)
    assert "Our privacy policy changes on" in client.get("/closet/").content.decode()
    client.post(f"/privacy/changes/{change.pk}/acknowledge/", {"next": "/closet/"})
    assert "Our privacy policy changes on" not in client.get("/closet/").content.decode()
    assert not _policy_queries(client), "acknowledged: quiet again"


def test_a_change_published_by_another_process_reaches_pages_within_a_minute(client, user, monkeypatch):
    import time

    from privacy.selectors import MATERIAL_POLICIES_MEMO_SECONDS

    client.force_login(user)
    client.get("/closet/")
    # Published by another process (no signal reaches this one): this process reads the set again once its
    # memo expires.
    PolicyVersion.objects.filter(pk=_draft(50).pk).update(published_at=timezone.now())
    assert "Our privacy policy changes on" not in client.get("/closet/").content.decode(), "within the minute"
    later = time.monotonic() + MATERIAL_POLICIES_MEMO_SECONDS + 1
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert "Our privacy policy changes on" in client.get("/closet/").content.decode()
