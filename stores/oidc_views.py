"""The consent screen stores send people to: allauth's authorization endpoint with our rules (STO-1).

* Every store shows it: ``skip_consent`` is ignored, and a silent request (``prompt=none``) succeeds only for a
  person already connected to that store with at least the fields asked for; otherwise the store gets
  ``consent_required``, as OIDC Core 3.1.2.6 says.
* The screen names the store, links its privacy policy and lists exactly the fields it would receive, in plain
  words. The pseudonym is always part of it; every other field can be unticked.
* Agreeing connects the person (a new pseudonym generation after a revocation) and writes a consent event
  before any code is issued; declining writes a "declined" event (unless the person is already connected, and
  keeps that connection) and sends the store ``access_denied``.
"""

from __future__ import annotations

from allauth.idp.oidc.forms import AuthorizationForm
from allauth.idp.oidc.models import Client
from allauth.idp.oidc.views import AuthorizationView, _ClientHttpResponseRedirect
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import cached_property
from django.views.generic.edit import FormView

from stores.fields import STORE_FIELDS, fields_describe
from stores.models import Store
from stores.selectors.connections import store_connection_active
from stores.services.connections import store_connection_decline, store_connection_grant


class StoreConsentForm(AuthorizationForm):
    """allauth's form with our labels; the pseudonym cannot be unticked (it is what a connection is).

    allauth adds an address picker when the person has several verified addresses; a store always receives the
    primary verified one (``store_claims``), so the picker would promise a choice nobody honours: it is removed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("email", None)
        field = self.fields["scopes"]
        requested = [value for value, _label in field.choices]
        field.choices = [(f.scope, f.label) for f in fields_describe(requested)]
        field.required = False
        field.label = "Fields to share"

    def clean_scopes(self) -> list[str]:
        scopes = [s for s in self.cleaned_data.get("scopes") or [] if s in STORE_FIELDS]
        return ["openid", *[s for s in scopes if s != "openid"]]


class StoreAuthorizationView(AuthorizationView):
    form_class = StoreConsentForm
    template_name = "stores/consent.html"

    @cached_property
    def _client_and_store(self) -> tuple[Client | None, Store | None]:
        """The request's client, and its store when that store is active: one lookup, though the screen needs them
        several times. A POST names the client in the signed request (the query string could say anything), a
        GET in its query."""
        request_info = getattr(self, "_request_info", None)
        client_id = request_info.get("client_id", "") if request_info else self.request.GET.get("client_id", "")
        client = Client.objects.filter(pk=client_id).select_related("store").first() if client_id else None
        store = getattr(client, "store", None)
        return client, store if store is not None and store.is_active else None

    @property
    def _active_store(self) -> Store | None:
        return self._client_and_store[1]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        client, store = self._client_and_store
        if client is not None and store is None:
            return render(request, "stores/consent_unavailable.html", status=400)
        if "none" in request.GET.get("prompt", "").split() and store is not None:
            refusal = self._silent_refusal(request, store)
            if refusal is not None:
                return refusal
        return super().get(request, *args, **kwargs)

    def _silent_refusal(self, request: HttpRequest, store) -> HttpResponse | None:
        """``prompt=none`` is allowed only when the person is signed in and already agreed to these fields."""
        requested = set(request.GET.get("scope", "").split())
        connection = store_connection_active(store=store, user=request.user) if request.user.is_authenticated else None
        if connection is not None and requested <= set(connection.fields):
            return None
        redirect_uri = request.GET.get("redirect_uri", "")
        if redirect_uri not in store.client.get_redirect_uris():
            return render(request, "stores/consent_unavailable.html", status=400)
        error = "login_required" if not request.user.is_authenticated else "consent_required"
        params = {"error": error}
        if request.GET.get("state"):
            params["state"] = request.GET["state"]
        from allauth.core.internal.httpkit import add_query_params

        return _ClientHttpResponseRedirect(add_query_params(redirect_uri, params))

    def _skip_consent(self) -> HttpResponse:
        # STO-1: no store skips the consent screen, whatever its client says.
        return FormView.get(self, self.request)

    def _respond_with_access_denied(self) -> HttpResponse:
        store = self._active_store
        if store is not None:
            store_connection_decline(user=self.request.user, store=store, request=self.request)
        return super()._respond_with_access_denied()

    def form_valid(self, form: forms.Form) -> HttpResponse:
        store = self._active_store
        if store is None:
            raise PermissionDenied
        connection = store_connection_grant(
            user=self.request.user, store=store, fields=form.cleaned_data["scopes"], request=self.request
        )
        # The code carries exactly what the connection holds: the fields ticked, within what the store may ask.
        form.cleaned_data["scopes"] = [s for s in connection.fields if s in set(self._scopes) | {"openid"}]
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        store = self._active_store
        if store is None:
            raise PermissionDenied
        requested = fields_describe(self._scopes)
        context.update(
            {
                "store": store,
                "fields": requested,
                "connection": store_connection_active(store=store, user=self.request.user),
            }
        )
        return context


authorization = StoreAuthorizationView.as_view()
