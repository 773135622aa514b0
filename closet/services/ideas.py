"""Outfit ideas as background jobs (AI-1 to AI-6, RET-5).

A job is a row; the Celery task only advances it, with idempotent steps, so a worker killed mid-job leaves a job
that completes when the message is delivered again. The engine (closet/engine.py) runs in the worker, on this
person's own closet and feedback, with no network call. An inspiration upload exists only while its job runs:
it is deleted when the job ends, whatever the outcome, and only a receipt (size, type, deleted at) remains.
"""

from __future__ import annotations

import datetime
import logging
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from closet.engine import IdeaRequest, outfit_ideas
from closet.models import Item, ItemStatus, JobStatus, OutfitJob, PairFeedback, Suggestion, SuggestionState
from closet.selectors.ideas import engine_closet, engine_feedback
from closet.selectors.wears import user_today
from closet.services.outfits import outfit_create
from closet.services.wears import wear_log
from core.images import ImageRejected, image_dominant_colours, image_validate, upload_as_file
from privacy.selectors import consent_given, processing_restricted
from privacy.services import ConsentRequired, ProcessingRestricted

logger = logging.getLogger(__name__)

AI_UPLOADS_REQUIRED = "Inspiration uploads need your OK first: turn on “AI uploads” in Settings → Privacy."
_WORD = re.compile(r"[a-zA-Z][a-zA-Z-]{1,30}")


class JobCancelled(Exception):
    """Raised inside the engine's progress callback when the person cancelled the job."""


@transaction.atomic
def outfit_job_start(
    *,
    owner,
    occasion: str = "",
    for_date: datetime.date | None = None,
    temperature_c: Decimal | float | None = None,
    season: str = "",
    count: int = 3,
    upload=None,
    text: str = "",
) -> OutfitJob:
    """Start a job: the only way the engine ever runs is a person asking (AI-1).

    A job that uses an uploaded picture or words needs the ``ai_uploads`` consent at this moment; without it the
    job is refused with a clear message and nothing is stored. The upload is checked (real type, size, pixels)
    but not decoded here; the worker does the rest.
    """
    if processing_restricted(owner, "ai"):
        raise ProcessingRestricted("You turned off AI outfit ideas in Settings → Privacy; turn them back on to ask.")
    text = (text or "").strip()
    if (upload is not None or text) and not consent_given(owner, "ai_uploads"):
        raise ConsentRequired(AI_UPLOADS_REQUIRED)
    job = OutfitJob(
        owner=owner,
        occasion=occasion.strip()[:120],
        for_date=for_date,
        temperature_c=temperature_c,
        season=season or "",
        count=count,
        inspiration_text=text[:500],
    )
    job.full_clean(exclude=["owner", "inspiration_upload"])
    if upload is not None:
        checked = image_validate(upload)  # ImageRejected with a clear message; nothing saved yet
        content = upload_as_file(upload)
        job.upload_size = content.size
        job.upload_type = checked.content_type
        job.inspiration_upload.save(f"inspiration{checked.extension}", content, save=False)
    job.save()
    # robust: the job is saved whatever the broker says; the sweep sends a lost message again.
    transaction.on_commit(lambda: _enqueue(job.pk), robust=True)
    return job


def _enqueue(job_id) -> None:
    from closet.tasks.ideas import outfit_job_run as task

    task.delay(str(job_id))


def _inspiration_colours(job: OutfitJob) -> tuple[str, ...]:
    if not job.inspiration_upload:
        return ()
    with default_storage.open(job.inspiration_upload.name, "rb") as handle:
        return tuple(image_dominant_colours(handle.read(), count=3))


def _inspiration_words(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(word.lower() for word in _WORD.findall(text)))[:20]


def outfit_job_upload_discard(*, job: OutfitJob) -> None:
    """Delete the inspiration (file and words) now, keeping only the receipt (AI-2, AI-4: never reused)."""
    name = job.inspiration_upload.name
    if name:
        default_storage.delete(name)
    if name or job.inspiration_text:
        OutfitJob.objects.filter(pk=job.pk).update(
            inspiration_upload="", inspiration_text="", upload_deleted_at=timezone.now() if name else None
        )
        job.inspiration_upload, job.inspiration_text = "", ""


def outfit_job_run(*, job_id) -> None:
    """Advance one job to its end. Safe to run again after a crash: a finished job is left alone, an unfinished
    one is computed again from the start and its suggestions replaced."""
    job = OutfitJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None:
        return
    if job.is_finished:
        outfit_job_upload_discard(job=job)
        return
    # Only a job still waiting or running starts: a cancel that landed since the read above must stand.
    started = OutfitJob.objects.filter(pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1, progress=5
    )
    if not started:
        outfit_job_upload_discard(job=job)
        return
    try:
        last_progress = [5]

        def progress(percent: int) -> None:
            # Cancelling takes effect here, between the engine's steps; progress is written in steps of 10.
            if OutfitJob.objects.filter(pk=job.pk, status=JobStatus.CANCELLED).exists():
                raise JobCancelled
            shown = 10 + int(percent * 0.8)
            if shown >= last_progress[0] + 10:
                OutfitJob.objects.filter(pk=job.pk).update(progress=shown)
                last_progress[0] = shown

        items, names, neutrals = engine_closet(user=job.owner)
        request = IdeaRequest(
            count=job.count,
            occasion=job.occasion,
            date=job.for_date,
            temperature_c=float(job.temperature_c) if job.temperature_c is not None else None,
            season=job.season or None,
            inspiration_colours=_inspiration_colours(job),
            inspiration_words=_inspiration_words(job.inspiration_text),
        )
        result = outfit_ideas(
            items,
            request,
            today=user_today(user=job.owner),  # "not worn for N days" and the season, where the person is
            feedback=engine_feedback(user=job.owner),
            colour_names=names,
            neutral_hexes=neutrals,
            progress=progress,
        )
        with transaction.atomic():
            current = OutfitJob.objects.select_for_update().get(pk=job.pk)
            if current.status == JobStatus.CANCELLED:
                raise JobCancelled
            current.suggestions.all().delete()
            for position, idea in enumerate(result.ideas):
                suggestion = Suggestion.objects.create(
                    owner=job.owner,
                    job=current,
                    item_order=list(idea.item_ids),
                    rationale=list(idea.rationale),
                    harmony=idea.harmony,
                    score=idea.score,
                    position=position,
                )
                suggestion.items.set(idea.item_ids)
            current.status = JobStatus.SUCCEEDED
            current.progress = 100
            current.missing = list(result.missing)
            current.finished_at = timezone.now()
            current.save(update_fields=["status", "progress", "missing", "finished_at"])
    except JobCancelled:
        pass
    except (ImageRejected, OSError) as exc:
        logger.warning("Outfit job %s: inspiration unreadable (%s)", job.pk, type(exc).__name__)
        _fail(job, "The inspiration picture could not be read. Try another one.")
    except Exception:
        logger.exception("Outfit job %s failed", job.pk)
        _fail(job, "Something went wrong while making ideas. Nothing was changed; please try again.")
    finally:
        outfit_job_upload_discard(job=job)


def _fail(job: OutfitJob, message: str) -> None:
    OutfitJob.objects.filter(pk=job.pk).exclude(status=JobStatus.CANCELLED).update(
        status=JobStatus.FAILED, error=message, finished_at=timezone.now()
    )


@transaction.atomic
def outfit_job_cancel(*, job: OutfitJob) -> OutfitJob:
    """Stop a job that has not finished; its upload is deleted at once."""
    if not job.is_finished:
        job.status = JobStatus.CANCELLED
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "finished_at"])
    outfit_job_upload_discard(job=job)
    return job


# A job still queued after this lost its message (the broker was down when it was started): it is sent again.
JOB_RESEND_AFTER = datetime.timedelta(minutes=2)


def outfit_jobs_sweep(*, now: datetime.datetime | None = None) -> int:
    """Send again the message of jobs still queued after ``JOB_RESEND_AFTER``, fail jobs stuck beyond
    OUTFIT_JOB_TIMEOUT, and delete any inspiration upload older than one hour that a crashed job left behind
    (RET-5). Returns how many jobs it touched."""
    now = now or timezone.now()
    touched = 0
    waiting = OutfitJob.objects.filter(
        status=JobStatus.QUEUED,
        created_at__lt=now - JOB_RESEND_AFTER,
        created_at__gte=now - settings.OUTFIT_JOB_TIMEOUT,
    ).values_list("pk", flat=True)
    for job_id in waiting:
        _enqueue(job_id)  # running a job again is safe: outfit_job_run is idempotent
        touched += 1
    stuck = OutfitJob.objects.filter(
        status__in=[JobStatus.QUEUED, JobStatus.RUNNING], created_at__lt=now - settings.OUTFIT_JOB_TIMEOUT
    )
    for job in stuck:
        _fail(job, "This took too long and was stopped. Please start again.")
        outfit_job_upload_discard(job=job)
        touched += 1
    for job in OutfitJob.objects.exclude(inspiration_upload="").filter(
        created_at__lt=now - datetime.timedelta(hours=1)
    ):
        outfit_job_upload_discard(job=job)
        touched += 1
    return touched


# --- What the person does with a suggestion (AI-5) ------------------------------------------------------------


@transaction.atomic
def suggestion_save(*, suggestion: Suggestion, name: str = ""):
    """Keep an idea as an outfit of one's own (then editable like any outfit)."""
    items = [item for item in suggestion.ordered_items if item.status == ItemStatus.ACTIVE]
    if not items:
        raise ValidationError({"items": "The garments of this idea are no longer in your closet."})
    label = name.strip() or (f"Idea for {suggestion.job.occasion}" if suggestion.job.occasion else "Outfit idea")
    outfit = outfit_create(owner=suggestion.owner, name=label[:120], items=items, occasion=suggestion.job.occasion)
    suggestion.state = SuggestionState.SAVED
    suggestion.outfit = outfit
    suggestion.save(update_fields=["state", "outfit"])
    return outfit


@transaction.atomic
def suggestion_wear(*, suggestion: Suggestion, worn_on: datetime.date | None = None) -> Suggestion:
    for item in suggestion.ordered_items:
        wear_log(owner=suggestion.owner, item=item, worn_on=worn_on)
    suggestion.state = SuggestionState.WORN
    suggestion.save(update_fields=["state"])
    return suggestion


def suggestion_dismiss(*, suggestion: Suggestion) -> Suggestion:
    suggestion.state = SuggestionState.DISMISSED
    suggestion.save(update_fields=["state"])
    return suggestion


def suggestion_rate(*, suggestion: Suggestion, liked: bool | None) -> Suggestion:
    """Like or dislike a whole idea; a disliked combination is never suggested to this person again (AI-4)."""
    suggestion.liked = liked
    suggestion.save(update_fields=["liked"])
    return suggestion


@transaction.atomic
def pair_feedback_set(*, owner, item_a: Item, item_b: Item, liked: bool) -> PairFeedback:
    """ "These two go together" (or not), for this person's own ideas only."""
    if item_a.owner_id != owner.pk or item_b.owner_id != owner.pk or item_a.pk == item_b.pk:
        raise ValidationError({"items": "Choose two different garments of your own."})
    first, second = sorted((item_a, item_b), key=lambda item: str(item.pk))
    feedback, _ = PairFeedback.objects.update_or_create(
        owner=owner, item_a=first, item_b=second, defaults={"liked": liked}
    )
    return feedback
