from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.generic import DeleteView, DetailView, FormView, ListView, UpdateView

from closet import services
from closet.filters import ItemFilterSet, item_filter_context
from closet.forms import ItemForm
from closet.list_cache import closet_list_cached
from closet.models import Item, ItemStatus
from closet.selectors import item_list, items_with_wear_stats
from closet.selectors.items import item_rows_in_order, items_sortable
from core.storage import private_url
from core.views import OwnerScopedObjectMixin, form_add_service_errors
from stores.selectors.purchases import store_purchase_inbox


def _with_stats(*, user):
    return items_with_wear_stats(item_list(user=user))


class _Related(tuple):
    """A row's related objects, read by templates like a related manager: ``item.colours.all``."""

    __slots__ = ()

    def all(self) -> _Related:
        return self


class _Swatch:
    """A colour of a card, with what ``_item_card.html`` reads of a Colour (its name, its hex, str())."""

    __slots__ = ("hex", "name")

    def __init__(self, name: str, hex_: str) -> None:
        self.name, self.hex = name, hex_

    def __str__(self) -> str:
        return self.name


def item_card(row: dict) -> dict:
    """What ``templates/closet/_item_card.html`` reads of an item (an Item from ``items_with_wear_stats``),
    from a row of ``item_rows_in_order``: the same keys, so the card renders the same markup from either.
    ``tests/closet/test_list_cache.py`` compares the cards of both shapes."""
    thumbnail = row["thumbnail"]
    return {
        "pk": row["id"],
        "name": row["name"],
        "brand": row["brand"],
        "category": {"name": row["category_name"], "kind": row["category_kind"]},
        "subcategory": {"name": row["subcategory_name"]} if row["subcategory_slug"] else None,
        "colours": _Related(_Swatch(name, hex_) for _slug, name, hex_ in row["colours"]),
        # The storage signs the link, as ``FieldFile.url`` does for a photo's thumbnail.
        "primary_photos": [{"thumbnail": {"url": private_url(thumbnail)}}] if thumbnail else [],
        "wear_count": row["wear_count"],
        "last_worn_on": row["last_worn_on"],
    }


class ItemListView(LoginRequiredMixin, ListView):
    """The closet, searched, filtered and sorted with the API's FilterSet (closet/filters.py)."""

    template_name = "closet/item_list.html"
    context_object_name = "items"
    paginate_by = 60

    def get_queryset(self):
        # Only the wear numbers the sort needs: the cards' rows carry them all (item_rows_in_order).
        sortable = items_sortable(
            item_list(user=self.request.user), ordering=",".join(self.request.GET.getlist("ordering"))
        )
        self.filterset = ItemFilterSet(self.request.GET, queryset=sortable, request=self.request)
        if not self.filterset.is_valid():
            # Never quietly show a list other than the one asked for: the filter bar says what to fix.
            return self.filterset.queryset.none()
        items = self.filterset.qs
        if not self.filterset.form.cleaned_data.get("status"):
            items = items.exclude(status=ItemStatus.DRAFT)  # drafts (to review) only when asked for
        return items

    def paginate_queryset(self, queryset, page_size):
        # Filter, sort and page on ids, then build the page's cards from plain rows
        # (closet.selectors.items.item_rows_in_order): no model instances or per-item querysets.
        ids = queryset.prefetch_related(None).values_list("pk", flat=True)
        paginator, page, _, is_paginated = super().paginate_queryset(ids, page_size)
        rows = item_rows_in_order(user=self.request.user, pks=list(page.object_list), with_tags=False)
        page.object_list = [item_card(row) for row in rows]
        return paginator, page, page.object_list, is_paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filters"] = item_filter_context(self.filterset, user=self.request.user, today=timezone.localdate())
        return context

    def get(self, request, *args, **kwargs):
        # The list's content (filter bar, cards, pages) comes from the per-owner list cache when it can; the page
        # around it (messages, the sign-out form's token, the stores inbox strip's forms) is rendered for every
        # request.
        valid, content, purchases_waiting = closet_list_cached(
            request,
            kind="html",
            compute=self._list_content,
            extra=[timezone.localdate().isoformat()],  # the "not worn in 90+ days" toggle counts from today
            keep=lambda answer: answer[0],  # a bad filter's message is not worth keeping
        )
        # Bad filter input is a 400 like any invalid form, except for htmx, which swaps only 2xx answers into
        # the page: there the message must still reach the filter bar.
        status = 400 if not valid and not request.htmx else 200
        context = {"list_content": mark_safe(content), "store_purchases_waiting": purchases_waiting}  # noqa: S308
        return render(request, self.template_name, context, status=status)

    def _list_content(self) -> tuple[bool, str, bool]:
        """(whether the filters were valid, the HTML of the list's content, whether purchases from the person's
        stores wait in the inbox: the strip above the list asks, and an empty inbox, the usual case, then costs
        nothing on a cached page. Purchases clear the owner's list cache, stores/signals.py)."""
        self.object_list = self.get_queryset()
        context = self.get_context_data()
        html = render_to_string("closet/_item_list_content.html", context, request=self.request)
        return self.filterset.is_valid(), html, store_purchase_inbox(user=self.request.user).exists()


class ItemDetailView(OwnerScopedObjectMixin, DetailView):
    model = Item
    selector = _with_stats
    template_name = "closet/item_detail.html"
    context_object_name = "item"


class ItemCreateView(LoginRequiredMixin, FormView):
    form_class = ItemForm
    template_name = "closet/item_form.html"

    def form_valid(self, form: ItemForm):
        changes = form.changes()
        try:
            item = services.closet_item_create(owner=self.request.user, **changes)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{item.name} is in your closet.")
        return redirect("closet:item-detail", pk=item.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ItemUpdateView(OwnerScopedObjectMixin, UpdateView):
    model = Item
    selector = item_list
    form_class = ItemForm
    template_name = "closet/item_form.html"

    def form_valid(self, form: ItemForm):
        try:
            services.closet_item_update(item=self.object, **form.changes())
        except ValidationError as exc:
            form_add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Saved.")
        return redirect("closet:item-detail", pk=self.object.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ItemDeleteView(OwnerScopedObjectMixin, DeleteView):
    """Deleting removes the item, its photos and their files at once (CLO-4)."""

    model = Item
    selector = item_list
    template_name = "closet/item_confirm_delete.html"

    def form_valid(self, form):
        name = self.object.name
        services.closet_item_delete(item=self.object)
        messages.success(self.request, f"{name} and its photos are deleted.")
        return redirect("closet:item-list")
