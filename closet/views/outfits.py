"""Outfits in the browser: the list, the visual picker that composes one, its page, edit, delete and "wore it"."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import DeleteView, DetailView, FormView, ListView
from django.views.generic.detail import SingleObjectMixin

from closet.models import SEASONS, Outfit
from closet.selectors.outfits import (
    outfit_item_choices,
    outfit_items_with_stats,
    outfit_list,
    outfit_wear_days,
    outfits_with_items,
)
from closet.services.outfits import MAX_ITEMS, outfit_create, outfit_delete, outfit_update, outfit_wear_log
from closet.views.wears import wear_from_post
from core.views import OwnerScopedObjectMixin, OwnerScopedPostView, form_add_service_errors, next_or

RATINGS = [("", "No rating"), *((str(n), f"{n} of 5") for n in range(1, 6))]


class OutfitForm(forms.Form):
    """The outfit picker: the garments (a grid of cards with check-boxes) and what to note about the outfit."""

    items = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Pick at least one item for the outfit.", "invalid_choice": "Unknown item."},
    )
    name = forms.CharField(max_length=120)
    occasion = forms.CharField(max_length=80, required=False, help_text="Work, dinner, weekend…")
    seasons = forms.MultipleChoiceField(
        choices=[(s, s.capitalize()) for s in SEASONS], required=False, widget=forms.CheckboxSelectMultiple
    )
    rating = forms.TypedChoiceField(choices=RATINGS, coerce=int, empty_value=None, required=False)
    favourite = forms.BooleanField(required=False, label="A favourite")
    tags = forms.CharField(required=False, max_length=400, help_text="Separate tags with commas: work, summer")
    notes = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, choices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["items"].choices = [(str(item.pk), item.name) for item in choices]

    def clean_items(self) -> list[str]:
        items = self.cleaned_data["items"]
        if len(items) > MAX_ITEMS:
            raise ValidationError(f"An outfit holds at most {MAX_ITEMS} items.")
        return items

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]

    def selected(self) -> set[str]:
        """The ids ticked in the grid: as submitted, or as the outfit has them."""
        if self.is_bound:
            return set(self.data.getlist("items"))
        return {str(value) for value in self.initial.get("items", ())}


class OutfitFormMixin:
    form_class = OutfitForm
    template_name = "closet/outfit_form.html"

    def current_item_ids(self) -> list:
        return []

    def get_form_kwargs(self) -> dict:
        kwargs = super().get_form_kwargs()
        kwargs["choices"] = outfit_item_choices(user=self.request.user, include_ids=self.current_item_ids())
        return kwargs

    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "max_items": MAX_ITEMS}

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class OutfitListView(LoginRequiredMixin, ListView):
    template_name = "closet/outfit_list.html"
    context_object_name = "outfits"
    paginate_by = 48

    def get_queryset(self):
        return outfits_with_items(outfit_list(user=self.request.user)).order_by("-favourite", "-created_at", "pk")


class OutfitCreateView(LoginRequiredMixin, OutfitFormMixin, FormView):
    def get_initial(self) -> dict:
        # "Make an outfit with this" on an item page arrives with ?item=<id> already ticked.
        return {"items": self.request.GET.getlist("item")}

    def form_valid(self, form: OutfitForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            outfit = outfit_create(owner=self.request.user, **data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{outfit.name} is saved. Its collage is being put together.")
        return redirect("closet:outfit-detail", pk=outfit.pk)


class OutfitDetailView(OwnerScopedObjectMixin, DetailView):
    model = Outfit
    selector = outfit_list
    template_name = "closet/outfit_detail.html"
    context_object_name = "outfit"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["items"] = outfit_items_with_stats(outfit=self.object)
        context["wear_days"] = outfit_wear_days(outfit=self.object)
        return context


class OutfitUpdateView(OwnerScopedObjectMixin, SingleObjectMixin, OutfitFormMixin, FormView):
    model = Outfit
    selector = outfit_list
    context_object_name = "outfit"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def current_item_ids(self) -> list:
        # Asked by the form's choices and by its initial values: one query per request.
        if not hasattr(self, "_current_item_ids"):
            self._current_item_ids = list(
                self.object.outfit_items.order_by("position").values_list("item_id", flat=True)
            )
        return self._current_item_ids

    def get_initial(self) -> dict:
        outfit = self.object
        return {
            "items": self.current_item_ids(),
            "name": outfit.name,
            "occasion": outfit.occasion,
            "seasons": outfit.seasons,
            "rating": outfit.rating,
            "favourite": outfit.favourite,
            "tags": ", ".join(tag.name for tag in outfit.tags.all()),
            "notes": outfit.notes,
        }

    def form_valid(self, form: OutfitForm) -> HttpResponse:
        try:
            outfit_update(outfit=self.object, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Saved.")
        return redirect("closet:outfit-detail", pk=self.object.pk)


class OutfitDeleteView(OwnerScopedObjectMixin, DeleteView):
    model = Outfit
    selector = outfit_list
    template_name = "closet/outfit_confirm_delete.html"
    context_object_name = "outfit"

    def form_valid(self, form) -> HttpResponse:
        name = self.object.name
        outfit_delete(outfit=self.object)
        messages.success(self.request, f"{name} is deleted. Its garments stay in your closet.")
        return redirect("closet:outfit-list")


class OutfitWearView(OwnerScopedPostView):
    """ "Wore it": a wear for every garment of the outfit, today or on the day given (idempotent per day)."""

    model = Outfit
    selector = outfit_list

    def act(self, request: HttpRequest, outfit: Outfit) -> HttpResponse:
        wear_from_post(
            request,
            what=outfit.name,
            log=lambda worn_on: outfit_wear_log(owner=request.user, outfit=outfit, worn_on=worn_on),
        )
        return redirect(next_or(request, reverse("closet:outfit-detail", kwargs={"pk": outfit.pk})))
