"""Every API error is JSON with a stable ``code`` and a human ``detail``, whatever the status."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.test import RequestFactory
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

from closet.api.items import ItemViewSet
from core.views import server_error
from tests.accounts.factories import PASSWORD
from tests.closet.factories import ItemFactory

pytestmark = pytest.mark.django_db


def _shape(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) >= {"code", "detail"}, body
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def test_an_unknown_object_is_404_not_found(api_client):
    response = api_client.get(f"/api/v1/items/{uuid.uuid4()}/")
    assert response.status_code == 404
    assert _shape(response)["code"] == "not_found"


def test_an_unknown_api_url_is_a_json_404(api_client):
    response = api_client.get("/api/v1/no-such-resource/")
    assert response.status_code == 404
    assert _shape(response)["code"] == "not_found"


def test_invalid_input_is_400_with_the_field_errors_and_nothing_saved(api_client, user):
    response = api_client.post("/api/v1/items/", {"name": "", "category": "spacesuit"}, format="json")
    assert response.status_code == 400
    body = _shape(response)
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"name", "category"}
    assert user.closet_items.count() == 0


def test_malformed_json_is_400_parse_error(api_client):
    response = api_client.post("/api/v1/items/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert _shape(response)["code"] == "parse_error"


def test_no_credentials_is_401(anonymous_api_client):
    response = anonymous_api_client.get("/api/v1/items/")
    assert response.status_code == 401
    assert _shape(response)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"]


def test_a_session_write_without_csrf_token_is_403(user):
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(email=user.email, password=PASSWORD)
    response = client.post("/api/v1/items/", {"name": "Coat", "category": "outerwear"}, format="json")
    assert response.status_code == 403
    assert _shape(response)["code"] == "permission_denied"
    assert user.closet_items.count() == 0


def test_a_method_the_route_does_not_allow_is_405(api_client):
    response = api_client.delete("/api/v1/items/")
    assert response.status_code == 405
    assert _shape(response)["code"] == "method_not_allowed"


def test_too_many_requests_is_429_with_retry_after(api_client, monkeypatch):
    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", "2/min")
    for _ in range(2):
        assert api_client.get("/api/v1/items/").status_code == 200
    response = api_client.get("/api/v1/items/")
    assert response.status_code == 429
    assert _shape(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_an_unexpected_error_is_a_json_500_without_internals(api_client, monkeypatch):
    def explode(self, request, *args, **kwargs):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(ItemViewSet, "list", explode)
    response = api_client.get("/api/v1/items/")
    assert response.status_code == 500
    body = _shape(response)
    assert body["code"] == "server_error"
    assert "hunter2" not in response.content.decode()


def _refuse_listing_with(monkeypatch, error: DjangoValidationError) -> None:
    def refuse(self, request, *args, **kwargs):
        raise error

    monkeypatch.setattr(ItemViewSet, "list", refuse)


def test_a_django_validation_error_with_fields_is_400_invalid_with_the_field_errors(api_client, monkeypatch):
    _refuse_listing_with(monkeypatch, DjangoValidationError({"name": ["Too long."], "size": ["Unknown size."]}))
    response = api_client.get("/api/v1/items/")
    assert response.status_code == 400
    body = _shape(response)
    assert body["code"] == "invalid"
    assert body["errors"] == {"name": ["Too long."], "size": ["Unknown size."]}


def test_a_django_validation_error_with_a_plain_message_is_400_invalid_with_non_field_errors(api_client, monkeypatch):
    _refuse_listing_with(monkeypatch, DjangoValidationError("There are %(count)s too many.", params={"count": 3}))
    response = api_client.get("/api/v1/items/")
    assert response.status_code == 400
    body = _shape(response)
    assert body["code"] == "invalid"
    assert body["errors"] == {"non_field_errors": ["There are 3 too many."]}


def test_a_model_wide_django_validation_error_is_filed_under_non_field_errors(api_client, monkeypatch):
    _refuse_listing_with(monkeypatch, DjangoValidationError({NON_FIELD_ERRORS: ["Pick a date after the start."]}))
    response = api_client.get("/api/v1/items/")
    assert response.status_code == 400
    assert _shape(response)["errors"] == {"non_field_errors": ["Pick a date after the start."]}


def test_a_service_refusing_with_a_plain_message_is_400_and_nothing_saved(api_client, user, monkeypatch):
    def refuse(**kwargs):
        raise DjangoValidationError("Your closet is full.")

    monkeypatch.setattr("closet.services.closet_item_create", refuse)
    response = api_client.post("/api/v1/items/", {"name": "Coat", "category": "outerwear"}, format="json")
    assert response.status_code == 400
    assert _shape(response)["errors"] == {"non_field_errors": ["Your closet is full."]}
    assert user.closet_items.count() == 0


def test_django_500_handler_answers_json_under_api_and_html_elsewhere():
    api = server_error(RequestFactory().get("/api/v1/items/"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"
    html = server_error(RequestFactory().get("/closet/"))
    assert html.status_code == 500 and html["Content-Type"].startswith("text/html")


def test_a_list_is_paginated(api_client, user):
    ItemFactory.create_batch(3, owner=user)
    body = api_client.get("/api/v1/items/?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
