"""Deleting an account from Settings (RGT-4) needs a fresh re-authentication, with the second factor when
enrolled; staff close an under-age account (POL-2) and correct data only under a request (RGT-3)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from privacy.models import AccountErasure, PrivacyRequest, PrivacyRequestEvent, RequestKind, RequestStatus
from tests.accounts.factories import PASSWORD, AuthenticatorFactory
from tests.privacy.factories import PrivacyRequestFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
DELETE_URL = "/settings/privacy/delete-account/"


def _reauthenticate(client) -> None:
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD, "next": DELETE_URL})
    assert response.status_code == 302, response.content


@pytest.mark.promise("RGT-4")
class TestDeleteFromSettings:
    def test_it_asks_for_the_password_first(self, client, user):
        client.force_login(user)
        response = client.get(DELETE_URL)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
        assert client.post(DELETE_URL, {"email": user.email}).status_code == 302
        assert not AccountErasure.objects.exists()

    def test_with_a_second_factor_the_password_alone_is_not_enough(self, client, user):
        AuthenticatorFactory(user=user)
        client.force_login(user)
        _reauthenticate(client)
        response = client.get(DELETE_URL)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/reauthenticate/")

    def test_a_wrong_address_is_refused_and_nothing_happens(self, client, user):
        client.force_login(user)
        _reauthenticate(client)
        response = client.post(DELETE_URL, {"email": "someone.else@example.com"})
        assert response.status_code == 400
        assert "not the address of the account" in response.content.decode()
        user.refresh_from_db()
        assert user.is_active and not AccountErasure.objects.exists()

    def test_after_reauthenticating_the_account_closes_and_the_person_is_signed_out(self, client, user):
        client.force_login(user)
        _reauthenticate(client)
        page = client.get(DELETE_URL)
        assert page.status_code == 200 and "What happens" in page.content.decode()

        response = client.post(DELETE_URL, {"email": user.email.upper()})

        assert response.status_code == 200 and "Your account is closed" in response.content.decode()
        user.refresh_from_db()
        assert not user.is_active
        assert "_auth_user_id" not in client.session
        assert AccountErasure.objects.get().reason == "user_request"


@pytest.mark.promise("POL-2")
def test_staff_close_an_account_reported_as_under_age_with_the_reason_recorded(client, admin_user, user):
    client.force_login(admin_user)
    changelist = "/admin/accounts/user/"
    ask = client.post(changelist, {"action": "close_as_under_age", "_selected_action": [user.pk]})
    assert ask.status_code == 200 and "under age" in ask.content.decode()
    assert not AccountErasure.objects.exists()  # nothing happens before the reason is given

    client.post(
        changelist,
        {"action": "close_as_under_age", "_selected_action": [user.pk], "confirm": "1", "note": "Parent wrote in."},
    )

    erasure = AccountErasure.objects.get()
    user.refresh_from_db()
    assert erasure.reason == "under_age" and not user.is_active
    request = PrivacyRequest.objects.get(user=user, kind=RequestKind.ERASURE)
    assert request.details == "Parent wrote in."
    assert request.events.filter(actor=admin_user, note__icontains="under age").exists()


@pytest.mark.promise("RGT-3")
class TestStaffCorrections:
    def _change(self, client, user, **data):
        form = {
            "email": user.email, "display_name": user.display_name, "is_active": "on", "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00", "initial-date_joined_0": "2026-01-01", "initial-date_joined_1": "10:00:00",
            **data,
        }  # fmt: skip
        return client.post(f"/admin/accounts/user/{user.pk}/change/", form)

    def test_a_correction_without_a_request_is_refused(self, client, admin_user, user):
        client.force_login(admin_user)
        response = self._change(client, user, display_name="Alicia")
        assert response.status_code == 200
        assert "rectification request" in response.content.decode()
        user.refresh_from_db()
        assert user.display_name == "Alice"

    def test_a_correction_under_a_request_is_recorded_and_completes_it(self, client, admin_user, user, mailoutbox):
        request = PrivacyRequestFactory(user=user, kind=RequestKind.RECTIFICATION, details="My name is Alicia.")
        client.force_login(admin_user)
        response = self._change(client, user, display_name="Alicia", rectification_request=str(request.pk))
        assert response.status_code == 302, response.content.decode()[:2000]
        user.refresh_from_db()
        request.refresh_from_db()
        assert user.display_name == "Alicia"
        assert request.status == RequestStatus.COMPLETED
        last = PrivacyRequestEvent.objects.filter(request=request).last()
        assert last.actor == admin_user and last.note == "Corrected: display_name."

    def test_the_person_edits_every_profile_field_themselves(self):
        from accounts.forms import ProfileForm
        from accounts.models import Profile

        editable = {f.name for f in Profile._meta.concrete_fields if f.editable} - {"user", "avatar", "updated_at"}
        assert editable <= set(ProfileForm.base_fields)  # the avatar has its own upload in the same page
