"""Nobody reaches another user's objects, on any interface (promise SEC-3; DESIGN.md idea 1).

The harness walks every URL route that carries an object id, on the API and on the HTML side, creates an
object of the route's model owned by alice (with the model's factory), and asks for it as bob with every method
the route accepts: each answer must be 404, the same as for an object that does not exist, and the object must
be untouched. It then checks that alice herself gets 200, so a 404 is never the route being simply broken.
New routes are covered without editing this file; a new model only needs a factory in tests/<app>/factories.py.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from core.api.viewsets import OwnerScopedViewSet
from core.views import OwnerScopedObjectMixin
from privacy.registry import registered_entry
from tests.factories import factory_for

pytestmark = pytest.mark.promise("SEC-3")

# Routes with an object id that are not owner-scoped, each with the reason. Keep this list short.
NOT_OWNER_SCOPED = {
    "private-file": "a signed link is the credential (tests/core/test_storage.py)",
    "privacy:unsubscribe": "a signed, single-use token is the credential (tests/privacy/test_marketing.py)",
    "privacy:erasure-cancel": "a signed token e-mailed to the closed account is the credential (test_erasure.py)",
    "privacy:policy-version": "public policy versions, not anybody's data",
    "privacy:policy-acknowledge": "the id of a public policy; the write is always the signed-in person's own",
    "privacy:consent-toggle": "a purpose key, not an object; always the signed-in person's own consent",
    "store-api-person": "a store's token is the credential; scoped to its live connections (test_store_api.py)",
    "store-api-purchases": "a store's token is the credential; scoped to its live connections (test_store_api.py)",
}
SKIPPED_PREFIXES = ("admin/", "accounts/", "_allauth/")  # staff and allauth's own account pages


@dataclass(frozen=True)
class Route:
    route: str
    name: str
    kwargs: tuple[str, ...]
    callback: object

    def __str__(self) -> str:
        return self.route


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, route, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            kwargs = tuple(pattern.pattern.regex.groupindex)
            if kwargs:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield Route(route, name, kwargs, pattern.callback)


def _object_routes() -> list[Route]:
    return [
        r
        for r in _walk(get_resolver().url_patterns)
        if not r.route.startswith(SKIPPED_PREFIXES) and r.name not in NOT_OWNER_SCOPED
    ]


API_ROUTES = [r for r in _object_routes() if r.route.startswith("api/")]
HTML_ROUTES = [r for r in _object_routes() if not r.route.startswith("api/")]


def _owned_object(model, owner):
    """An object of ``model`` that belongs to ``owner``, built through the owner path the model declared."""
    entry = registered_entry(model)
    assert entry is not None, f"{model._meta.label} holds user data but is not in the privacy registry"
    return factory_for(model)(**{entry.owner: owner})


def _url(route: Route, obj) -> str:
    values = {}
    for kwarg in route.kwargs:
        if kwarg in ("pk", "id", "uuid"):
            values[kwarg] = obj.pk
        elif kwarg.endswith("_pk"):  # nested routes: items/<item_pk>/photos/<pk>
            values[kwarg] = getattr(obj, f"{kwarg[:-3]}_id")
        else:
            raise AssertionError(f"{route}: the harness does not know how to fill <{kwarg}>")
    return reverse(route.name, kwargs=values)


def test_the_harness_finds_the_routes_it_must_check():
    assert API_ROUTES, "no API route with an object id was found: the harness would check nothing"
    assert HTML_ROUTES, "no HTML route with an object id was found: the harness would check nothing"


@pytest.mark.parametrize("route", API_ROUTES, ids=str)
def test_api_routes_answer_404_for_another_users_object(route, user, other_user, db):
    viewset = getattr(route.callback, "cls", None)
    assert viewset is not None and issubclass(viewset, OwnerScopedViewSet), (
        f"{route} is not served by an OwnerScopedViewSet: its queryset is not scoped to the owner"
    )
    model = viewset.serializer_class.Meta.model
    obj = _owned_object(model, user)
    url = _url(route, obj)
    before = model._default_manager.filter(pk=obj.pk).values().get()

    bob = APIClient()
    bob.force_authenticate(other_user)
    for method in list(route.callback.actions):
        response = bob.generic(method.upper(), url, data="{}", content_type="application/json")
        assert response.status_code == 404, f"{method.upper()} {url} as another user: {response.status_code}"
        if method != "head":  # DRF adds HEAD for GET routes; it has no body
            assert response.json() == {"code": "not_found", "detail": "Not found."}
        assert model._default_manager.filter(pk=obj.pk).values().get() == before, f"{method.upper()} changed it"

    missing = bob.get(url.replace(str(obj.pk), str(uuid.uuid4()))).json() if "get" in route.callback.actions else None
    if missing is not None:
        assert missing == {"code": "not_found", "detail": "Not found."}, "missing and foreign must look the same"

    alice = APIClient()
    alice.force_authenticate(user)
    if "get" in route.callback.actions:
        assert alice.get(url).status_code == 200, f"{url} is broken for its owner, so its 404 proves nothing"


@pytest.mark.parametrize("route", HTML_ROUTES, ids=str)
def test_html_routes_answer_404_for_another_users_object(route, user, other_user, client, db):
    view_class = getattr(route.callback, "view_class", None)
    assert view_class is not None and issubclass(view_class, OwnerScopedObjectMixin), (
        f"{route} is not an OwnerScopedObjectMixin view: its object lookup is not scoped to the owner"
    )
    model = view_class.model
    obj = _owned_object(model, user)
    url = _url(route, obj)
    before = model._default_manager.filter(pk=obj.pk).values().get()

    client.force_login(other_user)
    methods = [m for m in ("get", "post") if m in view_class.http_method_names and hasattr(view_class, m)]
    assert methods, f"{route} answers neither GET nor POST"
    for method in methods:
        response = getattr(client, method)(url)
        assert response.status_code == 404, f"{method.upper()} {url} as another user: {response.status_code}"
        assert model._default_manager.filter(pk=obj.pk).values().get() == before, f"{method.upper()} changed it"

    client.force_login(user)
    if "get" in methods:
        # Followed, so a download route that redirects to its signed file link is checked down to the file.
        response = client.get(url, follow=True)
        assert response.status_code == 200, f"{url} is broken for its owner, so its 404 proves nothing"


def test_a_viewset_cannot_replace_its_scoped_queryset():
    from closet.models import Item

    with pytest.raises(TypeError, match="selector"):

        class Leaky(OwnerScopedViewSet):
            queryset = Item.objects.all()

    with pytest.raises(TypeError, match="selector"):

        class AlsoLeaky(OwnerScopedViewSet):
            def get_queryset(self):
                return Item.objects.all()


def test_an_html_view_cannot_replace_its_scoped_queryset():
    from django.views.generic import DetailView

    from closet.models import Item

    with pytest.raises(TypeError, match="selector"):

        class Leaky(OwnerScopedObjectMixin, DetailView):
            model = Item
            queryset = Item.objects.all()
