"""Fixtures of the stores tests: a registered store with its secrets, and an OIDC flow driven by the test client."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

import pytest

from stores.services.connections import store_register

REDIRECT_URI = "https://shop.example/callback"


@dataclass
class RegisteredStore:
    store: object
    client_id: str
    client_secret: str
    webhook_key: str


def _register(name: str, fields=("openid", "profile", "email", "sizes", "style")) -> RegisteredStore:
    store, secrets_ = store_register(
        name=name,
        website=f"https://{name.lower().replace(' ', '')}.example/",
        privacy_policy_url=f"https://{name.lower().replace(' ', '')}.example/privacy",
        redirect_uris=[REDIRECT_URI],
        fields=list(fields),
        webhook_url=f"https://{name.lower().replace(' ', '')}.example/webhooks",
    )
    return RegisteredStore(store, secrets_.client_id, secrets_.client_secret, secrets_.webhook_key)


@pytest.fixture
def shop(db) -> RegisteredStore:
    return _register("Linen House")


@pytest.fixture
def other_shop(db) -> RegisteredStore:
    return _register("Denim Yard", fields=("openid", "profile"))


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def connect(client, registered: RegisteredStore, *, scopes="openid profile email", grant=None, action="grant"):
    """Drive the authorization-code flow with PKCE through Django's test client (signed in as the person).

    Returns the token response's JSON (or the redirect's query for a refusal)."""
    verifier, challenge = pkce_pair()
    params = {
        "response_type": "code",
        "client_id": registered.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": scopes,
        "state": "s1",
        "nonce": "n1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    page = client.get("/identity/o/authorize", params)
    assert page.status_code == 200, page.content[:500]
    form = page.context["form"]
    data = {"request": form.initial["request"], "action": action, "scopes": scopes.split() if grant is None else grant}
    answer = client.post("/identity/o/authorize", data)
    assert answer.status_code == 302, answer.content[:500]
    query = parse_qs(urlparse(answer["Location"]).query)
    if action != "grant":
        return query
    token = client.post(
        "/identity/o/api/token",
        {
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
            "client_id": registered.client_id,
            "client_secret": registered.client_secret,
        },
    )
    assert token.status_code == 200, token.content
    return token.json()
