"""Staff roles with least privilege, and the audit of every admin page of personal data a staff member opens
(SEC-1)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from security.models import AccessAction, StaffAccessLog
from security.roles import PRIVACY_OFFICER, STAFF_GROUPS, SUPPORT, staff_groups_ensure
from tests.accounts.factories import UserFactory
from tests.closet.factories import ItemFactory
from tests.privacy.factories import ConsentEventFactory, PrivacyRequestFactory

pytestmark = [pytest.mark.django_db, pytest.mark.promise("SEC-1")]


def _staff(group_name: str, email: str):
    member = UserFactory(email=email, is_staff=True)
    member.groups.add(Group.objects.get(name=group_name))
    return member


@pytest.fixture
def support_agent(db):
    return _staff(SUPPORT, "support@sesiocloset.test")


@pytest.fixture
def privacy_officer(db):
    return _staff(PRIVACY_OFFICER, "dpo@sesiocloset.test")


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@sesiocloset.test", is_staff=True, is_superuser=True)


def _codes(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


# --- Roles ------------------------------------------------------------------------------------------------


def test_migrating_creates_both_groups_with_exactly_the_documented_permissions():
    for name, wanted in STAFF_GROUPS.items():
        existing = {
            f"{app}.{code}"
            for app, code in (w.split(".", 1) for w in wanted)
            if Permission.objects.filter(content_type__app_label=app, codename=code).exists()
        }
        assert _codes(Group.objects.get(name=name)) == existing
    assert "accounts.view_user" in _codes(Group.objects.get(name=SUPPORT))
    assert "security.view_staffaccesslog" in _codes(Group.objects.get(name=PRIVACY_OFFICER))


def test_no_staff_group_may_delete_anything_change_a_user_or_change_the_consent_log():
    for group in Group.objects.filter(name__in=STAFF_GROUPS):
        codes = _codes(group)
        assert not [c for c in codes if ".delete_" in c], group.name
        assert "accounts.change_user" not in codes and "privacy.change_consentevent" not in codes
    assert "privacy.change_privacyrequest" not in _codes(Group.objects.get(name=SUPPORT))
    assert not [c for c in _codes(Group.objects.get(name=PRIVACY_OFFICER)) if c.startswith("support.")]


def test_ensuring_the_groups_again_is_harmless_and_removes_a_permission_added_by_hand():
    support = Group.objects.get(name=SUPPORT)
    before = _codes(support)
    support.permissions.add(Permission.objects.get(content_type__app_label="accounts", codename="delete_user"))

    staff_groups_ensure()
    staff_groups_ensure()

    assert Group.objects.filter(name__in=STAFF_GROUPS).count() == 2
    assert _codes(Group.objects.get(name=SUPPORT)) == before


def test_support_can_read_a_privacy_request_but_not_change_it_and_a_privacy_officer_can(
    client, support_agent, privacy_officer
):
    privacy_request = PrivacyRequestFactory()
    url = f"/admin/privacy/privacyrequest/{privacy_request.pk}/change/"

    client.force_login(support_agent)
    assert client.post(url, {}).status_code == 403
    assert client.get("/admin/privacy/privacyrequest/add/").status_code == 403
    assert client.get("/admin/privacy/consentevent/").status_code == 403
    assert client.get("/admin/security/staffaccesslog/").status_code == 403

    client.force_login(privacy_officer)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["has_change_permission"] is True
    assert client.get("/admin/privacy/consentevent/").status_code == 200
    assert client.get("/admin/security/staffaccesslog/").status_code == 200


def test_neither_role_may_delete_a_user_or_change_a_consent_event(client, user, support_agent, privacy_officer):
    consent = ConsentEventFactory(user=user)
    for member in (support_agent, privacy_officer):
        client.force_login(member)
        assert client.get(f"/admin/accounts/user/{user.pk}/delete/").status_code == 403
        assert client.post(f"/admin/accounts/user/{user.pk}/change/", {"email": "x@example.com"}).status_code == 403
        assert client.post(f"/admin/privacy/consentevent/{consent.pk}/change/", {}).status_code == 403
    user.refresh_from_db()
    assert user.email == "alice@example.com"


@pytest.mark.parametrize("url", ["/staff/analytics/", "/staff/privacy/retention/", "/staff/privacy/data-map/"])
def test_the_staff_pages_open_to_a_privacy_officer_and_not_to_support(client, support_agent, privacy_officer, url):
    client.force_login(privacy_officer)
    assert client.get(url).status_code == 200
    client.force_login(support_agent)
    assert client.get(url).status_code == 403


def test_the_admin_index_links_a_privacy_officer_to_the_usage_dashboard(client, support_agent, privacy_officer):
    client.force_login(privacy_officer)
    assert "/staff/analytics/" in client.get("/admin/").content.decode()
    client.force_login(support_agent)
    assert "/staff/analytics/" not in client.get("/admin/").content.decode()


# --- Staff access log ----------------------------------------------------------------------------------------


def test_opening_a_users_page_is_logged_with_who_whom_when_and_what(client, user, privacy_officer):
    client.force_login(privacy_officer)
    assert client.get(f"/admin/accounts/user/{user.pk}/change/").status_code == 200

    log = StaffAccessLog.objects.get()
    assert log.staff == privacy_officer
    assert log.subject == user
    assert (log.model_label, log.object_id, log.action) == ("accounts.User", str(user.pk), AccessAction.VIEW)
    assert log.path == f"/admin/accounts/user/{user.pk}/change/"
    assert log.at is not None


def test_opening_a_closet_items_page_names_its_owner_as_the_subject(client, user, superuser):
    item = ItemFactory(owner=user)
    client.force_login(superuser)
    assert client.get(f"/admin/closet/item/{item.pk}/change/").status_code == 200
    assert client.get(f"/admin/closet/item/{item.pk}/history/").status_code == 200

    rows = list(StaffAccessLog.objects.order_by("id").values_list("subject", "model_label", "object_id", "action"))
    assert rows == [
        (user.pk, "closet.Item", str(item.pk), AccessAction.VIEW),
        (user.pk, "closet.Item", str(item.pk), AccessAction.HISTORY),
    ]


def test_a_list_page_is_one_row_with_how_many_rows_it_showed_and_no_subject(client, user, other_user, superuser):
    ItemFactory.create_batch(2, owner=user)
    ItemFactory(owner=other_user)
    client.force_login(superuser)
    assert client.get("/admin/closet/item/").status_code == 200

    log = StaffAccessLog.objects.get()
    assert (log.action, log.subject, log.object_id, log.object_count) == (AccessAction.LIST, None, "", 3)


def test_saving_and_deleting_are_logged_as_such(client, user, superuser):
    item = ItemFactory(owner=user)
    client.force_login(superuser)
    client.get(f"/admin/closet/item/{item.pk}/delete/")
    assert client.post(f"/admin/closet/item/{item.pk}/delete/", {"post": "yes"}).status_code == 302
    actions = list(StaffAccessLog.objects.order_by("id").values_list("action", "subject"))
    assert actions == [(AccessAction.VIEW, user.pk), (AccessAction.DELETE, user.pk)]


def test_pages_without_personal_data_and_refused_pages_are_not_logged(client, support_agent, superuser):
    client.force_login(superuser)
    assert client.get("/admin/closet/category/").status_code == 200
    client.force_login(support_agent)
    assert client.get("/admin/privacy/consentevent/").status_code == 403
    assert not StaffAccessLog.objects.exists()


def test_when_the_subject_is_erased_the_log_keeps_no_link_to_them(client, user, privacy_officer):
    client.force_login(privacy_officer)
    client.get(f"/admin/accounts/user/{user.pk}/change/")
    user_pk = user.pk
    user.delete()

    log = StaffAccessLog.objects.get()
    assert log.subject is None and log.object_id == ""
    row = StaffAccessLog.objects.values().get()
    kept = {k: v for k, v in row.items() if k not in ("id", "staff_id", "at", "object_count")}
    assert kept == {"subject_id": None, "model_label": "accounts.User", "object_id": "", "action": "view", "path": ""}
    assert user_pk != privacy_officer.pk
    assert log.staff == privacy_officer, "who looked is still on record"


def test_a_staff_member_deleting_an_account_is_logged_without_a_link_to_it(client, user, superuser):
    client.force_login(superuser)
    assert client.post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"}).status_code == 302

    assert not type(user).objects.filter(pk=user.pk).exists()
    log = StaffAccessLog.objects.get()
    assert (log.action, log.subject, log.object_id, log.path) == (AccessAction.DELETE, None, "", "")


def test_logging_a_page_that_deletes_nothing_does_not_look_the_subject_up_again(user, privacy_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from security.services import staff_access_record

    for action in (AccessAction.VIEW, AccessAction.CHANGE, AccessAction.HISTORY):
        with CaptureQueriesContext(connection) as queries:
            staff_access_record(
                staff=privacy_officer, model=User, action=action, path="/admin/", object_id=str(user.pk),
                subject_id=user.pk,
            )  # fmt: skip
        assert [q["sql"].split()[0] for q in queries if "accounts_user" in q["sql"]] == [], action
    assert set(StaffAccessLog.objects.values_list("subject", flat=True)) == {user.pk}


def test_support_staff_who_may_only_view_requests_cannot_move_them_with_an_action(client, support_agent, user):
    request = PrivacyRequestFactory(user=user)
    client.force_login(support_agent)
    page = client.get("/admin/privacy/privacyrequest/")
    assert page.status_code == 200 and "mark_identity_verified" not in page.content.decode()

    client.post(
        "/admin/privacy/privacyrequest/", {"action": "mark_identity_verified", "_selected_action": [str(request.pk)]}
    )

    request.refresh_from_db()
    assert request.status == "received"
