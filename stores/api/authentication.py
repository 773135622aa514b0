"""Who is calling the store API: a store, proven by one of its OAuth access tokens (STO-3).

The token is checked by allauth's OpenID Connect provider, exactly as its userinfo endpoint and its DRF
``TokenAuthentication`` check it (hash lookup, expiry, the client, an active user for a delegated token). The
principal is the *store* behind the token's client, never a person: a store token is not a sign-in. A token from
the client-credentials grant reaches every person connected to the store; a token a person delegated (the code
flow) reaches that one person only.

The token must come in the ``Authorization: Bearer`` header. Query-string tokens leak into logs (allauth refuses
them too), and form-body tokens would make us parse an upload before knowing who sent it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.idp.oidc.internal.oauthlib.server import get_server
from allauth.idp.oidc.internal.oauthlib.utils import extract_headers, get_uri, get_validator_context
from allauth.idp.oidc.internal.resources import is_resources_subset
from allauth.idp.oidc.models import Token
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied

from stores.models import Store

REALM = "store-api"


@dataclass(frozen=True)
class StorePrincipal:
    """A store calling the store API (``request.user`` there). ``person`` is set for a token a person delegated:
    the store may then reach that person only."""

    store: Store
    token: Token
    person: Any = None

    # What DRF and its permission classes ask of ``request.user``; a store is authenticated but is nobody's account.
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    @property
    def pk(self) -> str:
        return f"store:{self.store.pk}"

    def __str__(self) -> str:
        return f"store {self.store.pk}"


class StoreTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <access token>`` issued by our OpenID Connect provider to a store's client.

    No header: not authenticated (401). A token that is unknown, expired or revoked, or whose client is not a store
    or is an inactive store: 401 ``authentication_failed``. Never returns a user.
    """

    def authenticate(self, request) -> tuple[StorePrincipal, Token] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        if len(header) != 2:
            raise AuthenticationFailed("Send the access token as `Authorization: Bearer <token>`.")
        # allauth's resource-server check, with an empty body: only the header counts.
        valid, _ = get_server().verify_request(
            get_uri(request), request.method, "", extract_headers(request), scopes=[]
        )
        token = get_validator_context().access_token if valid else None
        if token is None or token.type != Token.Type.ACCESS_TOKEN:
            raise AuthenticationFailed("The access token is not valid, or it expired or was revoked.")
        if not is_resources_subset([request.build_absolute_uri(request.path)], token.get_resources()):
            raise PermissionDenied("The access token was not issued for this resource.")
        store = Store.objects.filter(client_id=token.client_id).first()
        if store is None or not store.is_active:
            raise AuthenticationFailed("The access token does not belong to an active store.")
        return StorePrincipal(store=store, token=token, person=token.user if token.user_id else None), token

    def authenticate_header(self, request) -> str:
        # A challenge makes DRF answer 401 (not 403) to a request without a token.
        return f'Bearer realm="{REALM}"'


class StoreTokenScheme(OpenApiAuthenticationExtension):
    target_class = "stores.api.authentication.StoreTokenAuthentication"
    name = "storeToken"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A store's OAuth 2.0 access token from `/identity/o/api/token`: the client-credentials grant (the "
                "store itself, reaching every person connected to it) or a token a person delegated through the "
                "authorization-code flow (that person only)."
            ),
        }
