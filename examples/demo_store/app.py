"""Linen House, a demo store that connects to SesioCloset as a real store would (issue 8, item 7).

A small Flask app, separate from the product and sharing none of its code: it talks to SesioCloset only over HTTP,
with Authlib as its OpenID Connect client.

* ``/login`` sends the person to SesioCloset's consent screen (authorization code flow with PKCE, S256).
* ``/callback`` exchanges the code for tokens (the ID token is verified by Authlib against the provider's keys) and
  shows the claims the person granted: a pseudonym (``sub``) and only the fields they ticked.
* "Push a purchase" sends an order line for that pseudonym to ``POST /api/v1/store/users/{sub}/purchases/``,
  with a store token from the client-credentials grant.
* ``/webhooks/sesiocloset`` receives deletion notices: it checks the signature and the timestamp exactly as
  SesioCloset documents (HMAC-SHA256 over ``"<timestamp>.<raw body>"``, at most five minutes old), answers 401
  otherwise, and deletes what it holds for the pseudonym.

Run it with ``flask --app examples.demo_store.app:create_app run --port 5000`` (see README.md). ``create_app``
takes a mapping of settings, which the product's end-to-end test uses to run it in-process.

What the store "holds" lives in memory (``app.extensions["demo_store"]``): enough to show a deletion at work.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from typing import Any

from authlib.integrations.flask_client import OAuth
from authlib.integrations.requests_client import OAuth2Session
from flask import Flask, abort, jsonify, redirect, render_template_string, request, session, url_for

SIGNATURE_HEADER = "SesioCloset-Signature"
TIMESTAMP_HEADER = "SesioCloset-Timestamp"
WEBHOOK_TOLERANCE_SECONDS = 300
SCOPES = "openid profile email sizes style"


def webhook_signature_valid(
    *, key: str, body: bytes, timestamp: str | None, signature: str | None, now: float | None = None
) -> bool:
    """SesioCloset's webhook check, as a store implements it: the timestamp is recent (no replays) and the
    signature, ``v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`` under our webhook key, matches in constant time."""
    if not key or not timestamp or not signature:
        return False
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent_at) > WEBHOOK_TOLERANCE_SECONDS:
        return False
    expected = "v1=" + hmac.new(key.encode(), f"{sent_at}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Linen House (demo store)</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}
pre{background:#f4f1ea;padding:1rem;overflow:auto}button,.button{padding:.5rem 1rem}</style></head>
<body>
<h1>Linen House <small>(a demo store)</small></h1>
{% if message %}<p><strong>{{ message }}</strong></p>{% endif %}
{% if customer %}
  <p>Signed in with SesioCloset. This store knows you only as <code>{{ sub }}</code>.</p>
  <h2>What you shared with us</h2>
  <pre>{{ customer.claims | tojson(indent=2) }}</pre>
  <form method="post" action="{{ url_for('push_purchase') }}">
    <input type="hidden" name="csrf" value="{{ csrf }}">
    <p>Order <input name="order_id" value="A-1042" size="8"> line <input name="line_id" value="1" size="3"></p>
    <p><button type="submit">Push a purchase: white linen shirt, size M, 49.00 EUR</button></p>
  </form>
  {% if pushed %}
  <h2>SesioCloset answered {{ pushed.status }}</h2><pre>{{ pushed.body | tojson(indent=2) }}</pre>
  {% endif %}
  <p><a href="{{ url_for('logout') }}">Sign out of the demo store</a></p>
{% else %}
  <p><a class="button" href="{{ url_for('login') }}">Sign in with SesioCloset</a></p>
{% endif %}
<h2>Deletion notices received</h2>
{% if deletions %}<ul>{% for d in deletions %}<li>{{ d.reason }}: deleted <code>{{ d.sub }}</code>
({{ "had data" if d.held else "held nothing" }})</li>{% endfor %}</ul>{% else %}<p>None yet.</p>{% endif %}
</body></html>
"""


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        SESIOCLOSET_URL=os.environ.get("SESIOCLOSET_URL", "http://localhost:8000").rstrip("/"),
        CLIENT_ID=os.environ.get("DEMO_STORE_CLIENT_ID", ""),
        CLIENT_SECRET=os.environ.get("DEMO_STORE_CLIENT_SECRET", ""),
        WEBHOOK_KEY=os.environ.get("DEMO_STORE_WEBHOOK_KEY", ""),
        SCOPES=os.environ.get("DEMO_STORE_SCOPES", SCOPES),
        SECRET_KEY=os.environ.get("DEMO_STORE_SECRET_KEY") or secrets.token_hex(32),
        # localhost:5000 and localhost:8000 share cookies: keep ours apart from the product's.
        SESSION_COOKIE_NAME="demo_store_session",
    )
    app.config.update(config or {})
    base = app.config["SESIOCLOSET_URL"]

    oauth = OAuth(app)
    oauth.register(
        "sesiocloset",
        client_id=app.config["CLIENT_ID"],
        client_secret=app.config["CLIENT_SECRET"],
        server_metadata_url=f"{base}/.well-known/openid-configuration",
        client_kwargs={"scope": app.config["SCOPES"], "code_challenge_method": "S256"},
    )
    provider = oauth.sesiocloset
    # The store's own records, by pseudonym: what a real store keeps in its database.
    held: dict[str, Any] = {"customers": {}, "deletions": [], "notice_ids": set()}
    app.extensions["demo_store"] = held

    def csrf_token() -> str:
        session.setdefault("csrf", secrets.token_urlsafe(32))
        return session["csrf"]

    def page(**context: Any) -> str:
        sub = session.get("sub")
        customer = held["customers"].get(sub) if sub else None
        if customer is None:
            session.pop("sub", None)
        return render_template_string(
            PAGE, sub=sub, customer=customer, deletions=held["deletions"], csrf=csrf_token(), **context
        )

    @app.get("/")
    def home():
        return page()

    @app.get("/login")
    def login():
        # Authlib adds state, nonce and the PKCE challenge, and keeps the verifier in our session.
        return provider.authorize_redirect(url_for("callback", _external=True))

    @app.get("/callback")
    def callback():
        if "error" in request.args:
            return page(message=f"Not connected: {request.args['error']}"), 400
        token = provider.authorize_access_token()  # checks state, sends the verifier, verifies the ID token
        claims = dict(provider.userinfo(token=token))
        sub = claims["sub"]
        held["customers"][sub] = {"claims": claims, "id_token": dict(token["userinfo"]), "purchases": []}
        session["sub"] = sub
        return redirect(url_for("home"))

    @app.get("/logout")
    def logout():
        session.pop("sub", None)
        return redirect(url_for("home"))

    def store_session() -> OAuth2Session:
        """A store-level token (client credentials), for the store API: it acts for the store, not for a person."""
        client = OAuth2Session(app.config["CLIENT_ID"], app.config["CLIENT_SECRET"], scope="openid")
        client.fetch_token(provider.load_server_metadata()["token_endpoint"], grant_type="client_credentials")
        return client

    @app.post("/purchases")
    def push_purchase():
        if not hmac.compare_digest(request.form.get("csrf", ""), session.get("csrf", "")):
            abort(400)
        sub = session.get("sub")
        if not sub or sub not in held["customers"]:
            return redirect(url_for("home"))
        purchase = {
            "order_id": request.form.get("order_id", "A-1042"),
            "line_id": request.form.get("line_id", "1"),
            "product_name": "Linen shirt",
            "brand": "Linen House",
            "category": "Shirts",
            "colour": "White",
            "size": "M",
            "price": "49.00",
            "currency": "EUR",
        }
        with store_session() as client:
            answer = client.post(f"{base}/api/v1/store/users/{sub}/purchases/", json=purchase, timeout=10)
        body = answer.json() if answer.headers.get("Content-Type", "").startswith("application/json") else {}
        if answer.status_code in (200, 201):
            held["customers"][sub]["purchases"].append(purchase)
        return page(pushed={"status": answer.status_code, "body": body})

    @app.post("/webhooks/sesiocloset")
    def sesiocloset_webhook():
        body = request.get_data()  # the raw bytes: the signature is over exactly these
        if not webhook_signature_valid(
            key=app.config["WEBHOOK_KEY"],
            body=body,
            timestamp=request.headers.get(TIMESTAMP_HEADER),
            signature=request.headers.get(SIGNATURE_HEADER),
        ):
            return jsonify(error="invalid signature or stale timestamp"), 401
        notice = request.get_json(silent=True) or {}
        if notice.get("type") != "subject.delete" or not notice.get("sub"):
            return jsonify(error="unknown notice"), 400
        if notice.get("notice_id") not in held["notice_ids"]:  # the same notice may come twice (a retry)
            held["notice_ids"].add(notice.get("notice_id"))
            removed = held["customers"].pop(notice["sub"], None)
            held["deletions"].append({"sub": notice["sub"], "reason": notice.get("reason"), "held": bool(removed)})
        return jsonify(deleted=True), 200

    return app


if __name__ == "__main__":
    create_app().run(port=int(os.environ.get("PORT", "5000")))
