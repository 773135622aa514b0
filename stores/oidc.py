"""The product as an OpenID Connect provider for stores: allauth's IdP, extended through its adapter.

What changes from allauth's defaults, and why:
* ``sub`` is the pairwise pseudonym of the person's live connection to that store (STO-2), never the user id;
  a ``sub`` is resolved back only within its own store.
* claims are only those of the fields the person granted (STO-3): ``profile`` is the display name alone,
  ``email`` the verified address, and two scopes of ours, ``sizes`` and ``style``.
* the discovery document says ``pairwise`` and lists our scopes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from allauth.account.models import EmailAddress
from allauth.idp.oidc.adapter import DefaultOIDCAdapter
from django.utils.translation import gettext_lazy as _
from oauthlib.oauth2.rfc6749.errors import AccessDeniedError

from stores.fields import STORE_FIELDS, STORE_SCOPES

_SIZE_FIELDS = ("height_cm", "chest_cm", "waist_cm", "hips_cm", "inseam_cm", "shoe_size")
_STYLE_FIELDS = ("vibes", "favourite_colours", "avoided_colours", "fit_preferences")


def _claim_value(value):
    """A measurement as JSON: decimals as strings (exact), blanks as null."""
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def _store_of(client):
    """The active store behind an OIDC client, else None. The one place the OIDC endpoints learn that a store was
    deactivated: with no store there is no ``sub`` and no claims, so its tokens refresh and read nothing, as the
    consent screen and the store API already refuse it."""
    store = getattr(client, "store", None)
    return store if store is not None and store.is_active else None


def _connection_of(client, user):
    """The person's live connection to the (active) store behind ``client``; refuses the store otherwise."""
    from stores.selectors.connections import store_connection_active

    store = _store_of(client)
    connection = store_connection_active(store=store, user=user) if store is not None else None
    if connection is None:
        # No consent, no identifier. The authorization view connects the person before any code is issued, so
        # this is a code exchanged or a token used after the person revoked or the store was deactivated: the
        # store is refused (oauthlib turns this into an ``access_denied`` answer), never given a user id.
        raise AccessDeniedError(description="The person is not connected to this store.")
    return connection


def store_claims(*, user, scopes: Iterable[str]) -> dict[str, Any]:
    """The granted fields of a person, as claims (shared by the userinfo endpoint, ID tokens and the store API).

    ``scopes`` must already be limited to what the person's connection holds now."""
    from accounts.selectors import profile_of

    scopes = set(scopes)
    claims: dict[str, Any] = {}
    if "profile" in scopes:
        name = getattr(user, "display_name", "") or ""
        if name:
            claims["name"] = name
    if "email" in scopes:
        address = EmailAddress.objects.filter(user=user, primary=True, verified=True).first()
        if address is not None:
            claims["email"] = address.email
            claims["email_verified"] = True
    if scopes & {"sizes", "style"}:
        profile = profile_of(user)
        if "sizes" in scopes:
            claims["sizes"] = {name: _claim_value(getattr(profile, name)) for name in _SIZE_FIELDS}
        if "style" in scopes:
            claims["style"] = {name: list(getattr(profile, name) or []) for name in _STYLE_FIELDS}
    return claims


class StoreOIDCAdapter(DefaultOIDCAdapter):
    scope_display = {scope: _(field.label) for scope, field in STORE_FIELDS.items()}

    def get_user_sub(self, client, user) -> str:
        return _connection_of(client, user).sub

    def get_user_by_sub(self, client, sub: str):
        from stores.selectors.connections import store_connection_by_sub

        store = _store_of(client)
        if store is None:
            return None
        connection = store_connection_by_sub(store=store, sub=sub)
        return connection.user if connection is not None else None

    def get_claims(
        self,
        purpose: Literal["id_token", "userinfo"],
        user,
        client,
        scopes: Iterable[str],
        email: str | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """The claims of the fields the person grants *now*. A token keeps the scopes it was issued with (a refresh
        too), so after a re-consent with fewer fields, or one the store got before it, the connection decides.
        ``email`` (an address picked on the consent screen) is ignored: the screen offers no choice, the claim is
        always the primary verified address."""
        connection = _connection_of(client, user)
        granted = set(scopes) & set(connection.fields)
        return {"sub": connection.sub, **store_claims(user=user, scopes=granted)}

    def is_introspection_allowed(self, token, *, caller_client) -> bool:
        # Introspection answers with the token's ``sub``, which an inactive store or a lost connection no longer
        # has (and get_user_sub would refuse mid-answer): such a token is simply not active.
        if _store_of(token.client) is None:
            return False
        if token.user_id is not None:
            from stores.selectors.connections import store_connection_active

            return store_connection_active(store=token.client.store, user=token.user) is not None
        return True

    def populate_server_metadata(self, data: dict) -> None:
        data["subject_types_supported"] = ["pairwise"]
        data["scopes_supported"] = list(STORE_SCOPES)
        data["claims_supported"] = ["sub", "name", "email", "email_verified", "sizes", "style"]
        data["grant_types_supported"] = ["authorization_code", "client_credentials", "refresh_token"]
        data.pop("device_authorization_endpoint", None)
