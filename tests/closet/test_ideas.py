"""Outfit ideas as jobs (AI-1 to AI-6, RET-5): started only by the person, uploads only with consent and deleted
when the job ends, computed with no outbound call, suggestions that the person keeps, wears or ignores."""

from __future__ import annotations

import io
import socket
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from closet.models import JobStatus, OutfitJob, Suggestion, Wear
from closet.selectors.ideas import engine_feedback
from closet.services import ideas as services
from privacy.services import ConsentRequired, consent_record
from tests.closet.factories import ItemFactory, WearFactory, category, colour

pytestmark = pytest.mark.django_db


def _closet(user):
    """A small closet that makes complete outfits in any season."""
    made = {}
    for name, slug, colours in [
        ("Navy blazer", "outerwear", ["navy"]),
        ("White shirt", "tops", ["white"]),
        ("Grey knit", "tops", ["grey"]),
        ("Camel trousers", "bottoms", ["camel"]),
        ("Dark jeans", "bottoms", ["denim"]),
        ("White sneakers", "shoes", ["white"]),
        ("Brown boots", "shoes", ["brown"]),
    ]:
        made[name] = ItemFactory(
            owner=user, name=name, category=category(slug), colours=[colour(c) for c in colours], formality=3, warmth=3
        )
    return made


def _picture() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (31, 42, 68)).save(buffer, format="JPEG")
    return SimpleUploadedFile("inspo.jpg", buffer.getvalue(), content_type="image/jpeg")


def _allow_uploads(user):
    consent_record(user=user, purpose="ai_uploads", choice="granted", method="settings", channel="web")


def _start(user, **kwargs) -> OutfitJob:
    return services.outfit_job_start(owner=user, **kwargs)


@pytest.mark.promise("AI-1")
class TestOnlyWhenAsked:
    def test_a_job_with_an_upload_needs_the_ai_uploads_consent(self, user):
        with pytest.raises(ConsentRequired, match="AI uploads"):
            _start(user, upload=_picture())
        with pytest.raises(ConsentRequired):
            _start(user, text="navy and linen")
        assert not OutfitJob.objects.exists()

    def test_the_api_refuses_it_with_a_clear_message_and_stores_nothing(self, api_client, user):
        response = api_client.post("/api/v1/outfit-jobs/", {"inspiration_image": _picture()}, format="multipart")
        assert response.status_code == 403
        assert response.json()["code"] == "consent_required" and "AI uploads" in response.json()["detail"]
        assert not OutfitJob.objects.exists()
        assert not default_storage.exists("ai-uploads")

    def test_a_job_without_an_upload_needs_no_consent(self, api_client, user):
        response = api_client.post("/api/v1/outfit-jobs/", {"occasion": "office", "temperature_c": 4}, format="json")
        assert response.status_code == 201
        assert response.json()["status"] == "queued"

    def test_a_bad_picture_is_refused_before_anything_is_stored(self, api_client, user):
        _allow_uploads(user)
        fake = SimpleUploadedFile("inspo.jpg", b"not a picture", content_type="image/jpeg")
        response = api_client.post("/api/v1/outfit-jobs/", {"inspiration_image": fake}, format="multipart")
        assert response.status_code == 400
        assert not OutfitJob.objects.exists()


@pytest.mark.promise("AI-2")
class TestUploadsGoWhenTheJobEnds:
    def test_after_success_no_upload_remains_only_a_receipt(self, user):
        _closet(user)
        _allow_uploads(user)
        job = _start(user, upload=_picture(), text="navy minimal")
        stored = job.inspiration_upload.name
        assert default_storage.exists(stored)
        services.outfit_job_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED and job.progress == 100
        assert not default_storage.exists(stored) and job.inspiration_upload.name == ""
        assert job.inspiration_text == "" and job.upload_deleted_at is not None
        assert job.upload_size > 0 and job.upload_type == "image/jpeg"

    def test_after_failure_no_upload_remains(self, user, monkeypatch):
        _allow_uploads(user)
        job = _start(user, upload=_picture())
        stored = job.inspiration_upload.name
        monkeypatch.setattr(services, "outfit_ideas", lambda *a, **k: 1 / 0)
        services.outfit_job_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == JobStatus.FAILED and "try again" in job.error
        assert not default_storage.exists(stored) and job.upload_deleted_at is not None

    def test_after_cancel_no_upload_remains(self, user):
        _allow_uploads(user)
        job = _start(user, upload=_picture())
        stored = job.inspiration_upload.name
        services.outfit_job_cancel(job=job)
        assert job.status == JobStatus.CANCELLED and not default_storage.exists(stored)
        services.outfit_job_run(job_id=job.pk)  # the queued task arrives after the cancel: it does nothing
        job.refresh_from_db()
        assert job.status == JobStatus.CANCELLED and not job.suggestions.exists()


@pytest.mark.promise("RET-5")
def test_the_sweep_deletes_uploads_older_than_an_hour_and_fails_stuck_jobs(user):
    _allow_uploads(user)
    job = _start(user, upload=_picture())
    stored = job.inspiration_upload.name
    OutfitJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    young = _start(user, upload=_picture())
    assert services.outfit_jobs_sweep(now=timezone.now() + timedelta(minutes=20)) >= 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not default_storage.exists(stored)
    assert default_storage.exists(young.inspiration_upload.name) is False or young.created_at
    services.outfit_jobs_sweep(now=timezone.now() + timedelta(minutes=61))
    young.refresh_from_db()
    assert young.inspiration_upload.name == ""


@pytest.mark.promise("AI-3")
def test_a_job_makes_no_outbound_network_call(user, monkeypatch):
    _closet(user)

    def refuse(*args, **kwargs):
        raise AssertionError("the engine tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    job = _start(user, occasion="office", temperature_c=8)
    services.outfit_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.suggestions.exists()


@pytest.mark.promise("AI-4")
def test_learning_uses_only_this_persons_own_feedback(user, other_user):
    _closet(user)
    bobs = _closet(other_user)
    job = _start(other_user)
    services.outfit_job_run(job_id=job.pk)
    for suggestion in Suggestion.objects.filter(owner=other_user):
        services.suggestion_rate(suggestion=suggestion, liked=False)
    assert engine_feedback(user=user).disliked_combos == frozenset()
    assert engine_feedback(user=other_user).disliked_combos
    assert str(bobs["White shirt"].pk) not in str(engine_feedback(user=user))


@pytest.mark.promise("AI-4")
def test_a_disliked_idea_is_never_suggested_again(user):
    _closet(user)
    first = _start(user, occasion="office", temperature_c=15)
    services.outfit_job_run(job_id=first.pk)
    disliked = Suggestion.objects.filter(job=first).first()
    services.suggestion_rate(suggestion=disliked, liked=False)
    second = _start(user, occasion="office", temperature_c=15, count=5)
    services.outfit_job_run(job_id=second.pk)
    combos = [frozenset(s.item_order) for s in Suggestion.objects.filter(job=second)]
    assert frozenset(disliked.item_order) not in combos


@pytest.mark.promise("AI-5")
class TestSuggestionsNotDecisions:
    def _suggestion(self, user) -> Suggestion:
        _closet(user)
        job = _start(user, occasion="office")
        services.outfit_job_run(job_id=job.pk)
        return Suggestion.objects.filter(job=job).first()

    def test_ideas_are_labelled_suggestions_and_change_nothing_by_themselves(self, api_client, user):
        suggestion = self._suggestion(user)
        body = api_client.get(f"/api/v1/outfit-jobs/{suggestion.job_id}/").json()
        assert all(s["label"] == "suggestion" for s in body["suggestions"])
        assert not Wear.objects.exists() and not user.closet_outfits.exists()

    def test_saving_makes_an_editable_outfit(self, api_client, user):
        suggestion = self._suggestion(user)
        response = api_client.post(f"/api/v1/suggestions/{suggestion.pk}/save/", {"name": "Monday"}, format="json")
        assert response.status_code == 200 and response.json()["state"] == "saved"
        outfit = user.closet_outfits.get()
        assert outfit.name == "Monday"
        assert [str(i) for i in outfit.outfit_items.values_list("item_id", flat=True)] == suggestion.item_order

    def test_wearing_logs_each_item_and_dismissing_keeps_the_closet_as_it_was(self, api_client, user):
        suggestion = self._suggestion(user)
        api_client.post(f"/api/v1/suggestions/{suggestion.pk}/wear/", {}, format="json")
        assert Wear.objects.filter(owner=user).count() == len(suggestion.item_order)
        other = Suggestion.objects.filter(job=suggestion.job).exclude(pk=suggestion.pk).first()
        assert api_client.post(f"/api/v1/suggestions/{other.pk}/dismiss/").json()["state"] == "dismissed"

    def test_feedback_needs_a_clear_value(self, api_client, user):
        suggestion = self._suggestion(user)
        assert api_client.post(f"/api/v1/suggestions/{suggestion.pk}/feedback/", {}, format="json").status_code == 400
        response = api_client.post(f"/api/v1/suggestions/{suggestion.pk}/feedback/", {"liked": True}, format="json")
        assert response.json()["liked"] is True


@pytest.mark.promise("AI-6")
def test_a_job_favours_what_has_not_been_worn_for_a_long_time(user):
    closet = _closet(user)
    today = timezone.localdate()
    for name, item in closet.items():
        if name != "Grey knit":  # everything else was worn in the last two weeks
            for days in range(1, 15):
                WearFactory(owner=user, item=item, worn_on=today - timedelta(days=days))
    WearFactory(owner=user, item=closet["Grey knit"], worn_on=today - timedelta(days=120))
    job = _start(user, temperature_c=18)
    services.outfit_job_run(job_id=job.pk)
    best = Suggestion.objects.filter(job=job).order_by("position").first()
    assert str(closet["Grey knit"].pk) in best.item_order
    assert any("120 days" in reason for reason in best.rationale)


def test_running_a_job_again_after_a_crash_replaces_its_suggestions(user):
    _closet(user)
    job = _start(user)
    services.outfit_job_run(job_id=job.pk)
    count = Suggestion.objects.filter(job=job).count()
    OutfitJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)  # as if the worker died before the end
    services.outfit_job_run(job_id=job.pk)
    assert Suggestion.objects.filter(job=job).count() == count
    job.refresh_from_db()
    assert job.attempts == 2 and job.status == JobStatus.SUCCEEDED


def test_an_empty_closet_says_what_is_missing(user):
    job = _start(user)
    services.outfit_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.missing and not job.suggestions.exists()


class TestIdeaPages:
    def test_the_page_starts_a_job_and_shows_its_progress(self, client, user):
        client.force_login(user)
        assert "Suggest outfits" in client.get("/ideas/").content.decode()
        response = client.post("/ideas/", {"occasion": "office", "count": 3})
        job = OutfitJob.objects.get()
        assert response["Location"] == f"/ideas/{job.pk}/"
        page = client.get(response["Location"]).content.decode()
        assert "<progress" in page and 'hx-trigger="every 1s"' in page

    def test_without_consent_the_form_says_how_to_give_it(self, client, user):
        client.force_login(user)
        response = client.post("/ideas/", {"count": 3, "inspiration_text": "navy"})
        assert response.status_code == 400 and "Settings → Privacy" in response.content.decode()
        assert not OutfitJob.objects.exists()

    def test_saving_a_suggestion_on_the_web_opens_the_outfit(self, client, user):
        _closet(user)
        job = _start(user)
        services.outfit_job_run(job_id=job.pk)
        suggestion = Suggestion.objects.filter(job=job).first()
        client.force_login(user)
        html = client.get(f"/ideas/{job.pk}/").content.decode()
        assert "Suggestion 1" in html and "Save as outfit" in html
        response = client.post(f"/ideas/suggestions/{suggestion.pk}/save/")
        assert response["Location"].startswith("/outfits/")

    def _suggestion(self, client, user) -> Suggestion:
        _closet(user)
        job = _start(user)
        services.outfit_job_run(job_id=job.pk)
        client.force_login(user)
        return Suggestion.objects.filter(job=job).first()

    def test_wearing_a_suggestion_on_a_date_we_cannot_read_logs_nothing_and_says_so(self, client, user):
        suggestion = self._suggestion(client, user)
        response = client.post(f"/ideas/suggestions/{suggestion.pk}/wear/", {"worn_on": "31/31/2026"}, follow=True)
        page = response.content.decode()
        assert "not a date we can read" in page and "worn today" not in page
        assert not Wear.objects.exists()
        suggestion.refresh_from_db()
        assert suggestion.state != "worn"

    def test_wearing_a_suggestion_on_a_given_day_logs_it_on_that_day(self, client, user):
        suggestion = self._suggestion(client, user)
        day = timezone.localdate() - timedelta(days=3)
        response = client.post(f"/ideas/suggestions/{suggestion.pk}/wear/", {"worn_on": str(day)}, follow=True)
        assert set(Wear.objects.filter(owner=user).values_list("worn_on", flat=True)) == {day}
        assert Wear.objects.filter(owner=user).count() == len(suggestion.item_order)
        assert f"worn on {day.day} {day:%B %Y}" in response.content.decode()


@pytest.mark.promise("AI-4")
def test_a_pair_marked_as_not_going_together_is_kept_apart(client, user):
    closet = _closet(user)
    client.force_login(user)
    shirt, jeans = closet["White shirt"], closet["Dark jeans"]
    client.post("/ideas/pairs/", {"item_a": shirt.pk, "item_b": jeans.pk, "liked": "no", "next": "/ideas/"})
    job = _start(user, count=5)
    services.outfit_job_run(job_id=job.pk)
    for suggestion in Suggestion.objects.filter(job=job):
        assert not {str(shirt.pk), str(jeans.pk)} <= set(suggestion.item_order)


def test_a_pair_of_someone_elses_garments_is_refused(client, user, other_user):
    from closet.models import PairFeedback

    bobs = _closet(other_user)
    client.force_login(user)
    client.post("/ideas/pairs/", {"item_a": bobs["White shirt"].pk, "item_b": bobs["Dark jeans"].pk, "liked": "no"})
    assert not PairFeedback.objects.exists()


def test_a_job_whose_message_was_lost_is_sent_again_by_the_sweep(user, monkeypatch):
    sent = []
    monkeypatch.setattr(services, "_enqueue", lambda job_id: sent.append(job_id))
    lost = _start(user)
    _start(user)  # queued just now: its own message is still on the way
    OutfitJob.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    services.outfit_jobs_sweep()
    assert sent == [lost.pk], "a job queued for minutes is sent again; a fresh one waits for its own message"
    lost.refresh_from_db()
    assert lost.status == JobStatus.QUEUED


def test_a_cancel_landing_after_the_worker_read_the_job_stands(user, monkeypatch):
    _closet(user)
    job = _start(user)
    services.outfit_job_cancel(job=job)
    # The worker read the job just before the person cancelled it: to it, the job still looks unfinished.
    monkeypatch.setattr(OutfitJob, "is_finished", property(lambda self: False))
    services.outfit_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and not job.suggestions.exists()


def test_the_engine_counts_days_where_the_person_is_and_knows_the_palettes_neutrals(user, monkeypatch):
    from closet.models import Colour
    from closet.selectors.wears import user_today

    _closet(user)
    Colour.objects.create(slug="oatmeal", name="Oatmeal", hex="#d8c8a8", is_neutral=True, position=99)
    seen = {}
    real = services.outfit_ideas

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "outfit_ideas", spy)
    services.outfit_job_run(job_id=_start(user).pk)
    assert seen["today"] == user_today(user=user)
    assert "#d8c8a8" in seen["neutral_hexes"]
