from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import DeleteView, DetailView, FormView, ListView, UpdateView

from closet import services
from closet.forms import ItemForm
from closet.models import Item, ItemStatus
from closet.selectors import item_list, items_with_wear_stats
from core.views import OwnerScopedObjectMixin


def _with_stats(*, user):
    return items_with_wear_stats(item_list(user=user))


class ItemListView(LoginRequiredMixin, ListView):
    template_name = "closet/item_list.html"
    context_object_name = "items"
    paginate_by = 60

    def get_queryset(self):
        return _with_stats(user=self.request.user).exclude(status=ItemStatus.DRAFT)


class ItemDetailView(OwnerScopedObjectMixin, DetailView):
    model = Item
    selector = _with_stats
    template_name = "closet/item_detail.html"
    context_object_name = "item"


def _save_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class ItemCreateView(LoginRequiredMixin, FormView):
    form_class = ItemForm
    template_name = "closet/item_form.html"

    def form_valid(self, form: ItemForm):
        changes = form.changes()
        try:
            item = services.closet_item_create(owner=self.request.user, **changes)
        except ValidationError as exc:
            _save_errors(form, exc)
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
            _save_errors(form, exc)
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
