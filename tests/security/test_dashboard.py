"""The staff usage dashboard: counts only, for staff allowed to see usage, nobody else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from privacy.models import UsageEvent
from security.selectors import usage_active_users_per_week, usage_events_per_day, usage_top_views
from tests.accounts.factories import UserFactory
from tests.privacy.factories import UsageEventFactory

pytestmark = pytest.mark.django_db

URL = "/staff/analytics/"


@pytest.fixture
def analyst(db):
    member = UserFactory(email="analyst@sesiocloset.test", is_staff=True)
    member.user_permissions.add(Permission.objects.get(content_type__app_label="privacy", codename="view_usageevent"))
    return member


def _events(user, view_name: str, count: int, days_ago: int = 0) -> None:
    for event in UsageEventFactory.create_batch(count, user=user, view_name=view_name):
        UsageEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(days=days_ago))


def test_the_figures_are_counts_per_day_per_page_and_distinct_people_per_week(user, other_user):
    _events(user, "closet:item-list", 3)
    _events(other_user, "closet:item-list", 1)
    _events(other_user, "closet:stats", 2, days_ago=1)
    _events(user, "closet:stats", 5, days_ago=40)

    per_day = usage_events_per_day(days=30)
    assert len(per_day) == 30 and per_day[-1].day == timezone.localdate()
    assert (per_day[-1].count, per_day[-2].count, sum(d.count for d in per_day)) == (4, 2, 6)
    assert sum(d.count for d in usage_events_per_day(days=90)) == 11
    assert usage_top_views(days=30) == [("closet:item-list", 4), ("closet:stats", 2)]
    weeks = usage_active_users_per_week(weeks=12)
    assert len(weeks) == 12 and weeks[-1].day.weekday() == 0
    assert weeks[-1].count == 2, "alice and bob this week, each counted once"
    # bob's visit yesterday is another week on a Monday; alice's from 40 days ago is in a week of its own.
    assert sum(w.count for w in weeks) == (4 if timezone.localdate().weekday() == 0 else 3)


def test_staff_with_the_permission_see_the_counts_and_no_person(client, analyst, user):
    _events(user, "closet:item-list", 3)
    _events(user, "closet:outfit-list", 1)
    client.force_login(analyst)

    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="usage-total">4<' in page
    assert "closet:item-list: 3 views" in page and "<svg" in page
    assert user.email not in page and str(user.display_name) not in page
    assert client.get(URL, {"days": "90"}).status_code == 200
    assert client.get(URL, {"days": "nonsense"}).status_code == 200


def test_people_who_are_not_staff_are_sent_to_sign_in_and_staff_without_the_permission_get_403(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]

    client.force_login(UserFactory(email="support@sesiocloset.test", is_staff=True))
    assert client.get(URL).status_code == 403


def test_the_admin_index_links_to_the_dashboard_for_those_who_may_see_it(client, analyst):
    client.force_login(analyst)
    assert URL in client.get("/admin/").content.decode()

    client.force_login(UserFactory(email="support@sesiocloset.test", is_staff=True))
    assert URL not in client.get("/admin/").content.decode()
