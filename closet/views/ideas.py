from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import DetailView

from closet.models import SEASONS, OutfitJob, Suggestion
from closet.selectors import item_list
from closet.selectors.ideas import outfit_job_list, outfit_job_with_suggestions, suggestion_list
from closet.services import ideas as services
from closet.views.wears import wear_from_post
from core.images import ImageRejected
from core.views import OwnerScopedObjectMixin, OwnerScopedPostView, form_add_service_errors, next_or
from privacy.selectors import consent_given
from privacy.services import ConsentRequired


class IdeaRequestForm(forms.Form):
    occasion = forms.CharField(
        max_length=120, required=False, help_text="Office, wedding, gym, beach, date, interview, rain…"
    )
    for_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="For the day")
    temperature_c = forms.DecimalField(
        required=False,
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("-40"),
        max_value=Decimal("50"),
        label="Temperature (°C)",
    )
    season = forms.ChoiceField(choices=[("", "From the date")] + [(s, s.capitalize()) for s in SEASONS], required=False)
    count = forms.IntegerField(min_value=1, max_value=10, initial=3, label="How many ideas")
    inspiration_image = forms.ImageField(required=False, label="Inspiration picture")
    inspiration_text = forms.CharField(
        max_length=500,
        required=False,
        label="Inspiration words",
        widget=forms.TextInput(attrs={"placeholder": "navy, linen, minimal"}),
    )


class IdeasView(LoginRequiredMixin, View):
    """/ideas/: ask for ideas, see the recent requests. Nothing runs unless the person presses the button (AI-1)."""

    template_name = "closet/ideas.html"

    def get(self, request):
        return self._render(IdeaRequestForm())

    def post(self, request):
        form = IdeaRequestForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = services.outfit_job_start(
                    owner=request.user,
                    occasion=data["occasion"],
                    for_date=data["for_date"],
                    temperature_c=data["temperature_c"],
                    season=data["season"],
                    count=data["count"],
                    upload=data["inspiration_image"],
                    text=data["inspiration_text"],
                )
            except ConsentRequired as exc:
                form.add_error(None, str(exc))
            except ImageRejected as exc:
                form.add_error("inspiration_image", exc.message)
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                return redirect("closet:idea-job", pk=job.pk)
        return self._render(form, status=400)

    def _render(self, form, status=200):
        context = {
            "form": form,
            "jobs": outfit_job_list(user=self.request.user)[:10],
            "uploads_allowed": consent_given(self.request.user, "ai_uploads"),
        }
        return render(self.request, self.template_name, context, status=status)


class IdeaJobView(OwnerScopedObjectMixin, DetailView):
    """A job's page: a live progress bar while it runs (htmx polls the partial), then the suggestions."""

    model = OutfitJob
    selector = outfit_job_with_suggestions
    context_object_name = "job"

    def get_template_names(self):
        if self.request.htmx:
            return ["closet/_idea_job.html"]
        return ["closet/idea_job.html"]


class IdeaJobCancelView(OwnerScopedPostView):
    model = OutfitJob
    selector = outfit_job_list

    def act(self, request: HttpRequest, job: OutfitJob) -> HttpResponse:
        job = services.outfit_job_cancel(job=job)
        messages.info(request, "Stopped. Any inspiration you uploaded is deleted.")
        return redirect("closet:idea-job", pk=job.pk)


class SuggestionActionView(OwnerScopedPostView):
    """Save / wear / dismiss / like / dislike one suggestion (AI-5: nothing happens without the person)."""

    model = Suggestion
    selector = suggestion_list
    action = ""

    def act(self, request: HttpRequest, suggestion: Suggestion) -> HttpResponse:
        if self.action == "wear":

            def log(worn_on: datetime.date | None) -> None:
                services.suggestion_wear(suggestion=suggestion, worn_on=worn_on)
                return None  # it does not say which wears it made: the message names the day asked for

            wear_from_post(request, what="the idea", log=log)
            return redirect("closet:idea-job", pk=suggestion.job_id)
        try:
            if self.action == "save":
                outfit = services.suggestion_save(suggestion=suggestion, name=request.POST.get("name", ""))
                messages.success(request, "Saved as an outfit. Edit it any time.")
                return redirect("closet:outfit-detail", pk=outfit.pk)
            if self.action == "dismiss":
                services.suggestion_dismiss(suggestion=suggestion)
            elif self.action in ("like", "dislike"):
                services.suggestion_rate(suggestion=suggestion, liked=self.action == "like")
                messages.info(request, "Thanks: your next ideas take this into account.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("closet:idea-job", pk=suggestion.job_id)


class PairFeedbackView(LoginRequiredMixin, View):
    """ "These two go together" (or don't), from a suggestion card; used for this person's ideas only (AI-4)."""

    http_method_names = ["post"]

    def post(self, request):
        ids = [request.POST.get("item_a"), request.POST.get("item_b")]
        items = {str(i.pk): i for i in item_list(user=request.user).filter(pk__in=[i for i in ids if _is_uuid(i)])}
        try:
            services.pair_feedback_set(
                owner=request.user,
                item_a=items[ids[0]],
                item_b=items[ids[1]],
                liked=request.POST.get("liked") == "yes",
            )
        except (KeyError, ValidationError):
            messages.error(request, "Choose two different garments of your own.")
        else:
            messages.info(request, "Noted: your next ideas take this pair into account.")
        return redirect(next_or(request, reverse("closet:ideas")))


def _is_uuid(value: str | None) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
