"""Settings → Connected stores (HTML): each store with what it receives, the purchases it sent, the "straight to my
closet" switch and Revoke; and the inbox of purchases with one-tap Accept and Dismiss (also on /closet/).

Every object is looked up through the person's own selectors (OwnerScopedObjectMixin): another person's
connection or purchase is a 404, as on the API. The writes are the same services the API calls.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import DetailView, View
from django.views.generic.detail import SingleObjectMixin

from core.views import OwnerScopedObjectMixin, next_or
from stores.fields import fields_describe
from stores.forms import AutoAcceptForm
from stores.models import StoreConnection, StorePurchase
from stores.selectors.connections import store_connections_of
from stores.selectors.purchases import store_purchase_inbox, store_purchases_of
from stores.services.connections import store_connection_revoke
from stores.services.purchases import (
    PurchaseConflict,
    store_connection_auto_accept_set,
    store_purchase_accept,
    store_purchase_dismiss,
)


@login_required
def connections(request):
    rows = list(store_connections_of(user=request.user))
    for connection in rows:
        connection.shared_fields = fields_describe(connection.fields)
    return render(
        request,
        "stores/settings_connections.html",
        {
            "tab": "stores",
            "active": [c for c in rows if c.revoked_at is None],
            "revoked": [c for c in rows if c.revoked_at is not None],
            "inbox": store_purchase_inbox(user=request.user)[:50],
        },
    )


def _back(request, default: str) -> HttpResponseRedirect:
    """Back where the form was (the closet's strip or Settings), never to another site."""
    return HttpResponseRedirect(next_or(request, default))


class ConnectionRevokeView(OwnerScopedObjectMixin, DetailView):
    """GET asks "Revoke <store>?"; POST revokes at once (STO-4) and goes back to Settings."""

    model = StoreConnection
    selector = store_connections_of
    template_name = "stores/connection_revoke.html"
    context_object_name = "connection"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tab"] = "stores"
        context["shared_fields"] = fields_describe(self.object.fields)
        return context

    def post(self, request, *args, **kwargs):
        connection = self.get_object()
        if store_connection_revoke(connection=connection, request=request):
            messages.success(request, f"{connection.store.name} is disconnected. Its access ended now.")
        return HttpResponseRedirect(reverse("stores:connections"))


class ConnectionAutoAcceptView(OwnerScopedObjectMixin, SingleObjectMixin, View):
    """POST the "purchases go straight to my closet" switch of one live connection."""

    model = StoreConnection
    selector = store_connections_of
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        connection = self.get_object()
        form = AutoAcceptForm(request.POST)
        if form.is_valid():
            enabled = form.cleaned_data["auto_accept_purchases"]
            try:
                store_connection_auto_accept_set(connection=connection, enabled=enabled)
            except PurchaseConflict as exc:
                messages.error(request, exc.detail)
            else:
                if enabled:
                    messages.success(request, f"Purchases from {connection.store.name} now go straight to your closet.")
                else:
                    messages.success(request, f"Purchases from {connection.store.name} now wait in your inbox.")
        return HttpResponseRedirect(reverse("stores:connections"))


class _PurchaseDecisionView(OwnerScopedObjectMixin, SingleObjectMixin, View):
    model = StorePurchase
    selector = store_purchases_of
    http_method_names = ["post"]

    def decide(self, purchase: StorePurchase) -> str:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        purchase = self.get_object()
        try:
            messages.success(request, self.decide(purchase))
        except PurchaseConflict as exc:
            messages.error(request, exc.detail)
        return _back(request, reverse("stores:connections"))


class PurchaseAcceptView(_PurchaseDecisionView):
    def decide(self, purchase: StorePurchase) -> str:
        store_purchase_accept(purchase=purchase)
        return f"{purchase.product_name} is in your closet."


class PurchaseDismissView(_PurchaseDecisionView):
    def decide(self, purchase: StorePurchase) -> str:
        store_purchase_dismiss(purchase=purchase)
        return f"{purchase.product_name} was dismissed."
