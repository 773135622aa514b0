"""Reads about accounts."""

from __future__ import annotations

import pytest

from accounts.selectors import user_by_email

pytestmark = pytest.mark.django_db


def test_an_address_finds_its_account_whatever_the_case_and_the_spaces_around_it(user, other_user):
    assert user_by_email("alice@example.com") == user
    assert user_by_email("  ALICE@Example.COM ") == user
    assert user_by_email("bob@example.com") == other_user


def test_an_unknown_or_empty_address_finds_nobody(user):
    assert user_by_email("carol@example.com") is None
    assert user_by_email("") is None
    assert user_by_email("   ") is None
    assert user_by_email("alice@example") is None
