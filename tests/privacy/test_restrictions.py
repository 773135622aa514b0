"""Restriction and objection (RGT-5): each restricted use of a person's data stops, in the code path that does it."""

from __future__ import annotations

import pytest

from closet.models import OutfitJob, Suggestion
from closet.selectors.ideas import engine_feedback
from closet.services import ideas as closet_services
from privacy.models import Newsletter, NewsletterDelivery, PrivacyRequest, RequestKind, UsageEvent
from privacy.selectors import processing_restricted
from privacy.services import consent_record, newsletter_send, processing_restrictions_set
from tests.closet.test_ideas import _closet

pytestmark = [pytest.mark.django_db, pytest.mark.promise("RGT-5")]


def _consent(user, purpose: str) -> None:
    consent_record(user=user, purpose=purpose, choice="granted", method="settings", channel="web")


def test_restricting_analytics_stops_counting_pages_despite_the_consent(client, user):
    _consent(user, "analytics")
    client.force_login(user)
    client.get("/closet/")
    assert UsageEvent.objects.filter(user=user).count() == 1

    processing_restrictions_set(user=user, purposes={"analytics"})
    client.get("/closet/")
    client.get("/closet/")

    assert UsageEvent.objects.filter(user=user).count() == 1


def test_objecting_to_marketing_stops_newsletters_despite_the_consent(user, other_user, mailoutbox):
    _consent(user, "marketing_email")
    _consent(other_user, "marketing_email")
    processing_restrictions_set(user=user, purposes={"marketing"})

    newsletter_send(newsletter_id=Newsletter.objects.create(subject="News", body="Hello").pk)

    assert [mail.to for mail in mailoutbox] == [[other_user.email]]
    assert not NewsletterDelivery.objects.filter(user=user).exists()


def test_restricting_ai_stops_outfit_ideas_with_a_clear_answer(api_client, user):
    processing_restrictions_set(user=user, purposes={"ai"})

    response = api_client.post("/api/v1/outfit-jobs/", {"occasion": "office"}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "processing_restricted"
    assert not OutfitJob.objects.exists()


def test_restricting_personalisation_stops_learning_from_likes_and_dislikes(user):
    _closet(user)
    job = closet_services.outfit_job_start(owner=user)
    closet_services.outfit_job_run(job_id=job.pk)
    for suggestion in Suggestion.objects.filter(owner=user):
        closet_services.suggestion_rate(suggestion=suggestion, liked=False)
    assert engine_feedback(user=user).disliked_combos

    processing_restrictions_set(user=user, purposes={"personalisation"})

    assert not engine_feedback(user=user).disliked_combos


def test_lifting_a_restriction_resumes_the_use(user):
    processing_restrictions_set(user=user, purposes={"ai", "analytics"})
    processing_restrictions_set(user=user, purposes={"analytics"})
    assert not processing_restricted(user, "ai")
    assert processing_restricted(user, "analytics")


def test_each_change_is_recorded_as_a_completed_request(user):
    processing_restrictions_set(user=user, purposes={"marketing"})
    processing_restrictions_set(user=user, purposes=set())
    processing_restrictions_set(user=user, purposes=set())  # no change, no record

    details = list(PrivacyRequest.objects.order_by("received_at").values_list("kind", "status", "details"))
    assert details == [
        (RequestKind.RESTRICTION, "completed", "Restricted: marketing."),
        (RequestKind.RESTRICTION, "completed", "Lifted: marketing."),
    ]


def test_a_restriction_change_is_a_request_and_writes_nothing_to_the_consent_log(user):
    from privacy.models import ConsentEvent
    from privacy.selectors import processing_restrictions_of

    assert processing_restrictions_set(user=user, purposes={"ai", "marketing"}) == {"ai", "marketing"}
    assert processing_restrictions_set(user=user, purposes={"ai", "marketing"}) == processing_restrictions_of(user)
    assert processing_restrictions_set(user=user, purposes={"ai"}) == {"ai"} == processing_restrictions_of(user)
    assert not ConsentEvent.objects.exists()
    assert PrivacyRequest.objects.filter(user=user, kind=RequestKind.RESTRICTION).count() == 2


def test_the_settings_form_saves_restrictions_and_refuses_unknown_ones(client, user):
    client.force_login(user)
    page = client.get("/settings/privacy/")
    assert b"Restrict or object" in page.content

    client.post("/settings/privacy/restrictions/", {"purposes": ["analytics", "ai"]})
    assert processing_restricted(user, "ai") and processing_restricted(user, "analytics")

    response = client.post("/settings/privacy/restrictions/", {"purposes": ["everything"]}, follow=True)
    assert response.status_code == 200
    assert b"Choose among the listed uses" in response.content
    assert processing_restricted(user, "ai")  # nothing lost on bad input
