"""Marketing e-mail (CON-4): opt-in only, sent only while the consent stands, one-click unsubscribe in every copy."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from privacy.models import ConsentEvent, Newsletter, NewsletterDelivery, NewsletterStatus
from privacy.selectors import consent_given
from privacy.services import consent_record, newsletter_send
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.promise("CON-4")]


def _opt_in(user):
    consent_record(user=user, purpose="marketing_email", choice="granted", method="settings", channel="web")


def _newsletter():
    return Newsletter.objects.create(subject="Autumn edit", body="Five ways to wear a camel coat.")


def _unsubscribe_url(mail) -> str:
    return mail.extra_headers["List-Unsubscribe"].strip("<>").replace("http://127.0.0.1:8000", "")


def test_the_signup_box_is_unticked_and_its_answer_is_recorded(client):
    page = client.get("/accounts/signup/").content.decode()
    assert 'name="marketing_email"' in page and 'name="marketing_email" checked' not in page
    client.post(
        "/accounts/signup/",
        {"email": "nina@example.com", "password1": "linen-coat-autumn-42", "date_of_birth": "1990-01-01"},
    )
    event = ConsentEvent.objects.get()
    assert (event.purpose, event.choice, event.method) == ("marketing_email", "declined", "signup")


def test_ticking_the_signup_box_opts_in(client):
    client.post(
        "/_allauth/app/v1/auth/signup",
        json.dumps(
            {
                "email": "nina@example.com",
                "password": "linen-coat-autumn-42",
                "date_of_birth": "1990-01-01",
                "marketing_email": True,
            }
        ),
        content_type="application/json",
    )
    event = ConsentEvent.objects.get()
    assert (event.choice, event.method, event.channel) == ("granted", "signup", "api")


def test_a_newsletter_goes_only_to_people_whose_consent_stands(mailoutbox):
    yes, never, withdrew = UserFactory(), UserFactory(), UserFactory()
    _opt_in(yes)
    _opt_in(withdrew)
    consent_record(user=withdrew, purpose="marketing_email", choice="withdrawn", method="settings", channel="web")
    newsletter = _newsletter()
    assert newsletter_send(newsletter_id=newsletter.pk) == 1
    (mail,) = mailoutbox
    assert mail.to == [yes.email] and mail.subject == "Autumn edit"
    assert not {never.email, withdrew.email} & set(mail.to)
    newsletter.refresh_from_db()
    assert newsletter.status == NewsletterStatus.SENT


def test_a_send_skips_someone_who_withdrew_a_minute_earlier(mailoutbox):
    person = UserFactory()
    _opt_in(person)
    consent_record(user=person, purpose="marketing_email", choice="withdrawn", method="unsubscribe", channel="email")
    assert newsletter_send(newsletter_id=_newsletter().pk) == 0
    assert mailoutbox == []


def test_every_copy_carries_one_click_unsubscribe_headers_and_a_visible_link(mailoutbox):
    _opt_in(UserFactory())
    newsletter_send(newsletter_id=_newsletter().pk)
    (mail,) = mailoutbox
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mail.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http") and "/privacy/unsubscribe/" in link
    assert link in mail.body


def test_sending_twice_does_not_mail_anyone_twice(mailoutbox):
    _opt_in(UserFactory())
    newsletter = _newsletter()
    newsletter_send(newsletter_id=newsletter.pk)
    Newsletter.objects.filter(pk=newsletter.pk).update(status=NewsletterStatus.SENDING)  # a retried task
    assert newsletter_send(newsletter_id=newsletter.pk) == 0
    assert len(mailoutbox) == 1


def test_one_click_unsubscribe_works_with_a_post_and_no_session(mailoutbox):
    person = UserFactory()
    _opt_in(person)
    newsletter_send(newsletter_id=_newsletter().pk)
    mail_client = Client(enforce_csrf_checks=True)  # like a mail provider: no cookies, no CSRF token
    response = mail_client.post(_unsubscribe_url(mailoutbox[0]), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not consent_given(person, "marketing_email")
    event = ConsentEvent.objects.order_by("-id").first()
    assert (event.choice, event.method, event.channel) == ("withdrawn", "unsubscribe", "email")


def test_opening_the_link_only_asks_for_confirmation(client, mailoutbox):
    person = UserFactory()
    _opt_in(person)
    newsletter_send(newsletter_id=_newsletter().pk)
    page = client.get(_unsubscribe_url(mailoutbox[0]))
    assert page.status_code == 200 and "Stop news by e-mail?" in page.content.decode()
    assert consent_given(person, "marketing_email"), "a link scanner's GET must not unsubscribe"


def test_a_forged_token_is_refused_and_changes_nothing(client):
    person = UserFactory()
    _opt_in(person)
    response = client.post("/privacy/unsubscribe/not-a-real-token/")
    assert response.status_code == 400 and "not valid" in response.content.decode()
    assert consent_given(person, "marketing_email")


def test_a_replayed_token_changes_nothing(client, mailoutbox):
    person = UserFactory()
    _opt_in(person)
    newsletter_send(newsletter_id=_newsletter().pk)
    url = _unsubscribe_url(mailoutbox[0])
    client.post(url)
    _opt_in(person)  # they opted in again later
    replay = client.post(url)
    assert replay.status_code == 409 and "already used" in replay.content.decode()
    assert consent_given(person, "marketing_email"), "an old link must not undo a newer choice"
    assert NewsletterDelivery.objects.get().unsubscribed_at is not None


def test_staff_send_from_the_admin_through_the_task(admin_client, mailoutbox, django_capture_on_commit_callbacks):
    from config.celery import app as celery_app

    _opt_in(UserFactory())
    newsletter = _newsletter()
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post("/admin/privacy/newsletter/", {"action": "send", "_selected_action": [newsletter.pk]})
    finally:
        celery_app.conf.task_always_eager = False
    assert len(mailoutbox) == 1
