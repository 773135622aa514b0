"""End to end (issue 8, "Done when"): real OpenID Connect clients against the live test server.

Two stores connect one person through the authorization-code flow with PKCE, each with Authlib's requests-based
client: Linen House is the demo store (examples/demo_store, its Flask app run in-process, its webhook served on a
loopback port), Denim Yard a bare ``OAuth2Session``. The person's browser is a ``requests.Session`` carrying their
sign-in cookie: it reads the consent screen and agrees. Nothing on this path is mocked.
"""

from __future__ import annotations

import io
import json
import threading
import time
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from joserfc import jwt
from joserfc.jwk import KeySet
from werkzeug.serving import make_server

from examples.demo_store.app import SIGNATURE_HEADER, create_app
from stores.models import NoticeStatus, StoreConnection, StoreNotice, StorePurchase
from stores.services.connections import store_register
from stores.webhooks import webhook_headers
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True)]

DEMO_REDIRECT_URI = "http://localhost/callback"  # where Flask's test client serves the demo store
DENIM_REDIRECT_URI = "https://denimyard.example/callback"


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "input":
            self.inputs.append({k: v or "" for k, v in attrs})


def _input(html: str, name: str) -> str:
    parser = _Inputs()
    parser.feed(html)
    return next(i["value"] for i in parser.inputs if i.get("name") == name)


def _agree(browser: requests.Session, authorize_url: str, *, tick: list[str]) -> str:
    """The person reads the consent screen and agrees with these fields ticked; returns where they are sent back."""
    screen = browser.get(authorize_url, allow_redirects=False)
    assert screen.status_code == 200, screen.text[:500]
    answer = browser.post(
        screen.url,
        data={
            "csrfmiddlewaretoken": _input(screen.text, "csrfmiddlewaretoken"),
            "request": _input(screen.text, "request"),
            "action": "grant",
            "scopes": ["openid", *tick],
        },
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


def _revoke(browser: requests.Session, base: str, connection: StoreConnection) -> None:
    """The person revokes in Settings → Connected stores."""
    url = f"{base}/settings/stores/{connection.pk}/revoke/"
    page = browser.get(url)
    assert page.status_code == 200
    done = browser.post(url, data={"csrfmiddlewaretoken": _input(page.text, "csrfmiddlewaretoken")})
    assert done.status_code == 200  # back on Settings


class DenimYard:
    """A store written directly against Authlib's requests-based OAuth2 client."""

    def __init__(self, base: str, client_id: str, client_secret: str) -> None:
        self.metadata = requests.get(f"{base}/.well-known/openid-configuration", timeout=10).json()
        self.client_id = client_id
        self.session = OAuth2Session(
            client_id, client_secret, scope="openid profile email", redirect_uri=DENIM_REDIRECT_URI,
            code_challenge_method="S256",
        )  # fmt: skip

    def authorize_url(self) -> str:
        self.verifier, self.nonce = generate_token(48), generate_token(16)
        url, self.state = self.session.create_authorization_url(
            self.metadata["authorization_endpoint"], code_verifier=self.verifier, nonce=self.nonce
        )
        assert "code_challenge=" in url and "code_challenge_method=S256" in url
        return url

    def finish(self, location: str) -> tuple[dict, dict]:
        """Exchange the code (with the PKCE verifier); verify the ID token's signature, issuer, audience, nonce."""
        assert location.startswith(DENIM_REDIRECT_URI)
        token = self.session.fetch_token(
            self.metadata["token_endpoint"], authorization_response=location, state=self.state,
            code_verifier=self.verifier,
        )  # fmt: skip
        keys = KeySet.import_key_set(requests.get(self.metadata["jwks_uri"], timeout=10).json())
        id_token = jwt.decode(token["id_token"], keys)
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": self.metadata["issuer"]},
            aud={"essential": True, "value": self.client_id},
            nonce={"essential": True, "value": self.nonce},
            exp={"essential": True},
        ).validate(id_token.claims)
        return token, id_token.claims

    def userinfo(self) -> requests.Response:
        return self.session.get(self.metadata["userinfo_endpoint"])


@pytest.fixture
def person(db):
    return UserFactory(email="alice@example.com", display_name="Alice")


@pytest.fixture
def browser(client, person):
    """The person's browser, signed in (the session cookie of a test-client sign-in)."""
    client.force_login(person)
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    return session


@pytest.fixture
def demo_store(live_server, monkeypatch):
    """Linen House: the demo store's Flask app, registered by staff; its webhook listens on a loopback port and
    every body it receives is kept in ``bodies``."""
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the live server speaks http
    bodies: list[bytes] = []
    recorder: dict = {}

    def recording(environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        bodies.append(body)
        environ["wsgi.input"] = io.BytesIO(body)
        return recorder["app"].wsgi_app(environ, start_response)

    server = make_server("127.0.0.1", 0, recording)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    store, secrets = store_register(
        name="Linen House",
        website="https://linenhouse.example/",
        privacy_policy_url="https://linenhouse.example/privacy",
        redirect_uris=[DEMO_REDIRECT_URI],
        fields=["openid", "profile", "email", "sizes", "style"],
        webhook_url=f"http://127.0.0.1:{server.server_port}/webhooks/sesiocloset",
    )
    app = create_app(
        {
            "SESIOCLOSET_URL": live_server.url,
            "CLIENT_ID": secrets.client_id,
            "CLIENT_SECRET": secrets.client_secret,
            "WEBHOOK_KEY": secrets.webhook_key,
            "SECRET_KEY": "demo-store-test",
            "TESTING": True,
        }
    )
    recorder["app"] = app
    app.store, app.webhook_bodies = store, bodies
    yield app
    server.shutdown()
    server.server_close()


@pytest.fixture
def denim_yard(live_server, monkeypatch):
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    store, secrets = store_register(
        name="Denim Yard",
        website="https://denimyard.example/",
        privacy_policy_url="https://denimyard.example/privacy",
        redirect_uris=[DENIM_REDIRECT_URI],
        fields=["openid", "profile", "email"],
    )
    denim = DenimYard(live_server.url, secrets.client_id, secrets.client_secret)
    denim.store = store
    return denim


def _demo_connect(demo, browser: requests.Session, *, tick: list[str]):
    """The person clicks "Sign in with SesioCloset" at the demo store, agrees, and lands back on its callback."""
    shop = demo.test_client()
    to_consent = shop.get("/login")
    assert to_consent.status_code == 302
    back = _agree(browser, to_consent.headers["Location"], tick=tick)
    assert back.startswith(DEMO_REDIRECT_URI)
    parts = urlsplit(back)
    landed = shop.get(f"{parts.path}?{parts.query}")
    assert landed.status_code == 302, landed.text
    with shop.session_transaction() as session:
        sub = session["sub"]
    return shop, sub


def _names_user_id(claims: dict, user_id: int) -> bool:
    """Whether any claim (nested ones too) is the user id, as a number or as text. (``True == 1``: booleans are
    not ids.)"""
    for value in claims.values():
        if isinstance(value, dict):
            if _names_user_id(value, user_id):
                return True
        elif not isinstance(value, bool) and value in (user_id, str(user_id)):
            return True
    return False


@pytest.mark.promise("STO-2")
@pytest.mark.promise("STO-3")
@pytest.mark.promise("STO-4")
@pytest.mark.promise("STO-6")
@pytest.mark.promise("RGT-7")
def test_two_stores_connect_one_person_through_the_full_flow(
    live_server, person, browser, demo_store, denim_yard, celery_eager
):
    # Linen House (the demo store) asks for everything; the person unticks sizes and style.
    shop, linen_sub = _demo_connect(demo_store, browser, tick=["profile", "email"])
    home = shop.get("/")
    assert linen_sub in home.text and "alice@example.com" in home.text
    linen_claims = demo_store.extensions["demo_store"]["customers"][linen_sub]["claims"]
    assert set(linen_claims) == {"sub", "name", "email", "email_verified"}  # STO-3: only what stayed ticked
    assert set(demo_store.extensions["demo_store"]["customers"][linen_sub]["id_token"]) >= {"sub", "aud", "nonce"}

    # Denim Yard asks for openid, profile and email; the person shares only their name.
    denim = denim_yard
    token, id_claims = denim.finish(_agree(browser, denim.authorize_url(), tick=["profile"]))
    denim_sub = id_claims["sub"]
    info = denim.userinfo()
    assert info.status_code == 200
    assert info.json() == {"sub": denim_sub, "name": "Alice"}

    # STO-2: one person, two stores, two unrelated pseudonyms; the internal id is in no token and no claim.
    assert len({linen_sub, denim_sub}) == 2
    for claims in (linen_claims, id_claims, info.json()):
        assert not _names_user_id(claims, person.pk)
    assert str(person.pk) not in (linen_sub, denim_sub)
    for value in (token["access_token"], token.get("refresh_token", "")):
        assert value.count(".") != 2  # opaque, not a JWT that could carry claims

    # STO-6: the demo store pushes a purchase twice (client-credentials token); it lands once.
    with shop.session_transaction() as session:
        csrf = session["csrf"]
    pushed = [shop.post("/purchases", data={"csrf": csrf, "order_id": "A-1042", "line_id": "1"}) for _ in range(2)]
    assert ["answered 201" in pushed[0].text, "answered 200" in pushed[1].text] == [True, True]
    assert StorePurchase.objects.filter(owner=person).count() == 1

    # STO-4: the person revokes Denim Yard; its token is refused at once, and reconnecting is a new pseudonym.
    _revoke(browser, live_server.url, StoreConnection.objects.get(store=denim.store, user=person))
    assert denim.userinfo().status_code == 401
    _token, again = denim.finish(_agree(browser, denim.authorize_url(), tick=["profile"]))
    assert again["sub"] not in (denim_sub, linen_sub)

    # RGT-7: revoking Linen House sends it a signed deletion notice, which the demo store verifies and acts on.
    _revoke(browser, live_server.url, StoreConnection.objects.get(store=demo_store.store, user=person))
    notice = StoreNotice.objects.get(store=demo_store.store)
    assert (notice.status, notice.sub) == (NoticeStatus.DELIVERED, linen_sub)
    assert linen_sub not in demo_store.extensions["demo_store"]["customers"]
    assert demo_store.extensions["demo_store"]["deletions"] == [{"sub": linen_sub, "reason": "revoked", "held": True}]
    (body,) = demo_store.webhook_bodies
    assert set(json.loads(body)) == {"type", "notice_id", "sub", "reason", "sent_at"}
    assert not _names_user_id(json.loads(body), person.pk)
    assert person.email.encode() not in body
    # STO-3: the store's own credentials no longer reach the person under the old pseudonym.
    store_token = OAuth2Session(demo_store.config["CLIENT_ID"], demo_store.config["CLIENT_SECRET"], scope="openid")
    store_token.fetch_token(f"{live_server.url}/identity/o/api/token", grant_type="client_credentials")
    late = store_token.post(
        f"{live_server.url}/api/v1/store/users/{linen_sub}/purchases/",
        json={"order_id": "A-1043", "line_id": "1", "product_name": "Linen trousers"},
    )
    assert late.status_code == 404
    assert StorePurchase.objects.filter(owner=person).count() == 1


@pytest.mark.promise("RGT-7")
def test_the_demo_store_refuses_a_webhook_with_a_bad_signature_or_an_old_timestamp(demo_store):
    shop = demo_store.test_client()
    key = demo_store.config["WEBHOOK_KEY"]
    body = json.dumps({"type": "subject.delete", "notice_id": "n1", "sub": "f" * 64, "reason": "erased"}).encode()

    def send(headers: dict[str, str], payload: bytes = body):
        return shop.post("/webhooks/sesiocloset", data=payload, headers=headers)

    assert send(webhook_headers(key="whsec_not-the-key", body=body)).status_code == 401
    assert send({"Content-Type": "application/json"}).status_code == 401  # unsigned
    signed = webhook_headers(key=key, body=body)
    assert send(signed, payload=body.replace(b"erased", b"revoked")).status_code == 401  # tampered body
    stale = webhook_headers(key=key, body=body, timestamp=int(time.time()) - 600)  # a replay ten minutes later
    assert send(stale).status_code == 401
    assert send({**signed, SIGNATURE_HEADER: signed[SIGNATURE_HEADER].upper()}).status_code == 401
    assert send(signed).status_code == 200
    assert demo_store.extensions["demo_store"]["deletions"] == [{"sub": "f" * 64, "reason": "erased", "held": False}]
