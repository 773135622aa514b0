"""Photos on the item page, and fast digitising: add many photos at once, then review the drafts in a grid.

Every form works without JavaScript (a plain POST, then a redirect or the page again with the errors); with
htmx the same views answer with the fragment to swap in (``request.htmx``), and uploads show their progress.
"""

from __future__ import annotations

import os
import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic.detail import SingleObjectMixin
from django_htmx.http import HttpResponseClientRedirect

from closet.models import Category, Colour, Item, ItemPhoto
from closet.selectors import item_list, items_with_wear_stats
from closet.selectors.photos import item_draft_list, item_photo_list, item_photos_of_item
from closet.services import photos as services
from closet.views.items import ItemDetailView
from core.images import ImageRejected
from core.views import OwnerScopedObjectMixin, OwnerScopedPostView, form_add_service_errors

# The review grid shows this many drafts at a time (oldest first): one form, so one "Save all", per screenful.
REVIEW_PAGE_SIZE = 60
ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif,.jpg,.jpeg,.png,.webp,.heic,.heif"


def _items_with_stats(*, user):
    return items_with_wear_stats(item_list(user=user))


def _panel(request: HttpRequest, item: Item, *, upload_errors=(), status: int = 200) -> HttpResponse:
    """The photos panel of an item page (the fragment htmx swaps in)."""
    return render(
        request,
        "closet/photos_panel.html",
        {"item": item, "upload_errors": list(upload_errors), "accept": ACCEPT},
        status=status,
    )


def _item_page(request: HttpRequest, item: Item, *, status: int) -> HttpResponse:
    """The item page as its own view renders it (same context), with the messages queued on this request."""
    view = ItemDetailView()
    view.setup(request, pk=item.pk)
    view.object = view.get_object()
    return view.render_to_response(view.get_context_data(object=view.object), status=status)


# --- photos of one item -------------------------------------------------------------------------------------------


class ItemPhotosView(OwnerScopedObjectMixin, SingleObjectMixin, View):
    """GET: the photos panel (htmx polls it while a photo is processing). POST: upload one or more photos."""

    model = Item
    selector = _items_with_stats

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return _panel(request, self.get_object())

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        item = self.get_object()
        uploads = request.FILES.getlist("photos")
        errors: list[str] = []
        added = 0
        if not uploads:
            errors.append("Choose a photo to upload.")
        elif len(uploads) > services.BULK_MAX_FILES:
            errors.append(f"Up to {services.BULK_MAX_FILES} photos at a time, please.")
        else:
            for upload in uploads:
                try:
                    services.item_photo_add(item=item, upload=upload)
                except ImageRejected as exc:
                    errors.append(_about(upload, exc.message, many=len(uploads) > 1))
                else:
                    added += 1
        if request.htmx:
            # htmx swaps only successful answers, so the errors travel inside a 200 fragment.
            return _panel(request, self.get_object(), upload_errors=errors)
        for error in errors:
            messages.error(request, error)
        if added:
            messages.success(request, _added_message(added))
            return redirect("closet:item-detail", pk=item.pk)
        return _item_page(request, item, status=400)


class _PhotoActionView(OwnerScopedPostView):
    model = ItemPhoto
    selector = item_photo_list

    def _done(self, request: HttpRequest, item_id, message: str) -> HttpResponse:
        if request.htmx:
            return _panel(request, _items_with_stats(user=request.user).get(pk=item_id))
        messages.success(request, message)
        return redirect("closet:item-detail", pk=item_id)


class PhotoPrimaryView(_PhotoActionView):
    """POST: make this photo the item's main photo."""

    def act(self, request: HttpRequest, photo: ItemPhoto) -> HttpResponse:
        try:
            services.item_photo_make_primary(photo=photo)
        except ValidationError as exc:
            if request.htmx:
                item = _items_with_stats(user=request.user).get(pk=photo.item_id)
                return _panel(request, item, upload_errors=exc.messages)
            messages.error(request, " ".join(exc.messages))
            return redirect("closet:item-detail", pk=photo.item_id)
        return self._done(request, photo.item_id, "That photo is now the main one.")


class PhotoDeleteView(_PhotoActionView):
    """POST: delete this photo and its files (CLO-4)."""

    def act(self, request: HttpRequest, photo: ItemPhoto) -> HttpResponse:
        item_id = photo.item_id
        services.item_photo_delete(photo=photo)
        return self._done(request, item_id, "The photo is deleted.")


# --- fast digitising ----------------------------------------------------------------------------------------------


class AddPhotosView(LoginRequiredMixin, View):
    """Many photos at once: each becomes a draft item, reviewed afterwards on /closet/review/."""

    template_name = "closet/bulk_add.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            batch = services.item_drafts_create(owner=request.user, uploads=request.FILES.getlist("photos"))
        except ValidationError as exc:
            return self._render(request, errors=exc.messages, status=200 if request.htmx else 400)
        rejected = [_about_name(r.file_name, r.message) for r in batch.rejected]
        if not batch.created:
            return self._render(request, errors=rejected, status=200 if request.htmx else 400)
        messages.success(request, f"{_count(len(batch.created), 'draft')} to review. Give each a name and a category.")
        for message in rejected:
            messages.warning(request, message)
        if request.htmx:
            return HttpResponseClientRedirect(reverse("closet:review"))
        return redirect("closet:review")

    def _render(self, request: HttpRequest, *, errors=(), status: int = 200) -> HttpResponse:
        context = {
            "errors": list(errors),
            "accept": ACCEPT,
            "max_files": services.BULK_MAX_FILES,
            "draft_count": item_draft_list(user=request.user).count(),
        }
        template = "closet/bulk_add_form.html" if request.htmx else self.template_name
        return render(request, template, context, status=status)


class DraftReviewForm(forms.Form):
    """The quick fields of a draft in the review grid; writes go through closet.services."""

    name = forms.CharField(max_length=120)
    category = forms.ModelChoiceField(queryset=Category.objects.filter(parent__isnull=True), empty_label=None)
    subcategory = forms.ChoiceField(required=False)
    colours = forms.ModelMultipleChoiceField(
        queryset=Colour.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, item: Item, subcategory_choices: list | None = None, **kwargs) -> None:
        kwargs.setdefault("prefix", str(item.pk))
        kwargs.setdefault(
            "initial",
            {
                "name": item.name,
                "category": item.category_id,
                "subcategory": item.subcategory.slug if item.subcategory_id else "",
                "colours": [colour.pk for colour in item.colours.all()],
            },
        )
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["subcategory"].choices = subcategory_choices or _subcategory_choices()
        self.fields["name"].widget.attrs["placeholder"] = "What is it? e.g. Striped linen shirt"

    def clean_subcategory(self) -> Category | None:
        slug = self.cleaned_data.get("subcategory")
        return Category.objects.filter(slug=slug, parent__isnull=False).first() if slug else None

    def changes(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "category": data["category"],
            "subcategory": data["subcategory"],
            "colours": list(data["colours"]),
        }


def _subcategory_choices() -> list:
    """Subcategories grouped under their category (one query set for a whole grid of cards)."""
    groups = Category.objects.filter(parent__isnull=True).prefetch_related("children")
    return [("", "—")] + [(g.name, [(child.slug, child.name) for child in g.children.all()]) for g in groups]


def _draft_save(form: DraftReviewForm) -> bool:
    """Publish the draft if the form is valid; otherwise leave the errors on the form."""
    if not form.is_valid():
        return False
    try:
        services.item_draft_publish(item=form.item, **form.changes())
    except ValidationError as exc:
        form_add_service_errors(form, exc)
        return False
    return True


def _review_page(request: HttpRequest, bound: dict | None = None, *, status: int = 200) -> HttpResponse:
    """The grid of the oldest ``REVIEW_PAGE_SIZE`` drafts; ``bound`` maps an item id to its submitted form."""
    bound = bound or {}
    drafts = item_draft_list(user=request.user)
    total = drafts.count()
    choices = _subcategory_choices()
    forms_ = [
        bound.get(draft.pk) or DraftReviewForm(item=draft, subcategory_choices=choices)
        for draft in drafts[:REVIEW_PAGE_SIZE]
    ]
    context = {"forms": forms_, "total": total, "more": max(0, total - len(forms_))}
    return render(request, "closet/bulk_review.html", context, status=status)


class ReviewView(LoginRequiredMixin, View):
    """The review grid of draft items; POST is "Save all" (each draft saved on its own, errors kept per card)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return _review_page(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        wanted = _uuids(request.POST.getlist("items"))
        choices = _subcategory_choices()
        failed: dict = {}
        saved = 0
        for item in item_draft_list(user=request.user).filter(pk__in=wanted):
            form = DraftReviewForm(request.POST, item=item, subcategory_choices=choices)
            if _draft_save(form):
                saved += 1
            else:
                failed[item.pk] = form
        if saved:
            messages.success(request, f"{_count(saved, 'item')} added to your closet.")
        if failed:
            messages.error(request, "Some drafts need another look: see the messages on each card.")
            return _review_page(request, failed, status=400)
        has_more = item_draft_list(user=request.user).exists()
        return redirect("closet:review" if has_more else "closet:item-list")


class ReviewSaveView(OwnerScopedPostView):
    """POST: save one draft from the review grid (htmx swaps its card; without JavaScript, back to the grid)."""

    model = Item
    selector = item_draft_list

    def act(self, request: HttpRequest, item: Item) -> HttpResponse:
        form = DraftReviewForm(request.POST, item=item)
        saved = _draft_save(form)
        if request.htmx:
            return render(request, "closet/bulk_review_card.html", {"form": form, "saved": saved})
        if saved:
            messages.success(request, f"{form.cleaned_data['name']} is in your closet.")
            return redirect("closet:review")
        return _review_page(request, {item.pk: form}, status=400)


class DraftPhotoView(OwnerScopedObjectMixin, SingleObjectMixin, View):
    """GET: the photo of a card in the review grid, polled by htmx while it is processing. When it is ready, the
    card's colours are refreshed too, with those suggested from the photo."""

    model = Item
    selector = item_list

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        item = self.get_object()
        photo = item_photos_of_item(user=request.user, item_pk=item.pk).first()
        context = {"form": DraftReviewForm(item=item), "item": item, "photo": photo, "refresh_colours": True}
        return render(request, "closet/bulk_review_photo.html", context)


# --- helpers ------------------------------------------------------------------------------------------------------


def _uuids(values: list[str]) -> set[uuid.UUID]:
    found = set()
    for value in values:
        try:
            found.add(uuid.UUID(value))
        except ValueError:
            continue
    return found


def _about(upload, message: str, *, many: bool) -> str:
    name = os.path.basename(str(getattr(upload, "name", "") or ""))[:200] or "photo"
    return _about_name(name, message) if many else message


def _about_name(file_name: str, message: str) -> str:
    return f"{file_name}: {message}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _added_message(added: int) -> str:
    pronoun = "It is" if added == 1 else "They are"
    return f"{_count(added, 'photo')} uploaded. {pronoun} being prepared; this takes a moment."
