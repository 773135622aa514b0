"""Registering stores, and a person connecting to or revoking a store (STO-1 to STO-5)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.idp.oidc.adapter import get_adapter as get_oidc_adapter
from allauth.idp.oidc.models import Client, Token
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from privacy.models import Channel, Choice, Method
from privacy.services import consent_record
from stores.fields import STORE_FIELDS, STORE_SCOPES
from stores.models import Store, StoreConnection
from stores.pseudonyms import store_pseudonym
from stores.selectors.connections import store_connection_active
from stores.webhooks import store_webhook_key

logger = logging.getLogger(__name__)

_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class StoreSecrets:
    """What staff see once: the client id and secret for the store's OIDC client, and its webhook key."""

    client_id: str
    client_secret: str
    webhook_key: str


def _address_problem(value: str, *, what: str) -> str | None:
    try:
        URLValidator(schemes=["https", "http"])(value)
    except ValidationError:
        return f"Not a valid address: {value}"
    parts = urlsplit(value)
    local = parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS and not settings.PRODUCTION
    if parts.scheme != "https" and not local:
        return f"{what} must be an https:// address (http:// only for localhost in development)."
    if parts.fragment:
        return f"{what} cannot have a #fragment."
    return None


def store_addresses_check(*, redirect_uris: list[str], webhook_url: str) -> None:
    """Codes and deletion notices carry personal data, so a store's redirect URIs and webhook URL are https only,
    except a local address outside production (the demo store running next to the product). Raises a
    ``ValidationError`` keyed by ``redirect_uris`` / ``webhook_url``."""
    errors: dict[str, list[str]] = {}
    if not redirect_uris:
        errors["redirect_uris"] = ["Give at least one redirect URI."]
    for uri in redirect_uris:
        problem = _address_problem(uri, what="A redirect URI")
        if problem:
            errors.setdefault("redirect_uris", []).append(problem)
    if webhook_url:
        problem = _address_problem(webhook_url, what="The webhook URL")
        if problem:
            errors["webhook_url"] = [problem]
    if errors:
        raise ValidationError(errors)


def _client_configure(client: Client, *, name: str, redirect_uris: list[str], fields: list[str]) -> None:
    unknown = sorted(set(fields) - set(STORE_SCOPES))
    if unknown:
        raise ValueError(f"Unknown store fields: {', '.join(unknown)}.")
    client.name = name
    client.type = Client.Type.CONFIDENTIAL
    client.skip_consent = False  # STO-1: no store skips the consent screen
    client.set_scopes(["openid", *[f for f in STORE_SCOPES if f in fields and f != "openid"]])
    client.set_default_scopes(["openid"])
    client.set_redirect_uris(redirect_uris)
    client.set_response_types(["code"])
    # The authorization code flow for people; client credentials for the store API (purchases, reading fields).
    client.set_grant_types(
        [Client.GrantType.AUTHORIZATION_CODE, Client.GrantType.REFRESH_TOKEN, Client.GrantType.CLIENT_CREDENTIALS]
    )


@transaction.atomic
def store_register(
    *,
    name: str,
    website: str,
    privacy_policy_url: str,
    redirect_uris: list[str],
    fields: list[str],
    webhook_url: str = "",
    logo_url: str = "",
) -> tuple[Store, StoreSecrets]:
    """Create a store and its OIDC client. The secret is returned here only; the database keeps its hash."""
    store_addresses_check(redirect_uris=redirect_uris, webhook_url=webhook_url)
    secret = get_oidc_adapter().generate_client_secret()
    client = Client()
    _client_configure(client, name=name, redirect_uris=redirect_uris, fields=fields)
    client.set_secret(secret)
    client.full_clean(exclude=["secret", "owner"])
    client.save()
    store = Store.objects.create(
        client=client,
        name=name,
        website=website,
        privacy_policy_url=privacy_policy_url,
        webhook_url=webhook_url,
        logo_url=logo_url,
    )
    return store, StoreSecrets(client.id, secret, store_webhook_key(store_id=store.pk, secret_version=1))


@transaction.atomic
def store_update(*, store: Store, redirect_uris: list[str], fields: list[str], **values) -> Store:
    """Change a store's public details, redirect URIs or allowed fields. Narrowing the fields does not widen any
    connection; people keep exactly what they agreed to (a connection never gains a field)."""
    store_addresses_check(redirect_uris=redirect_uris, webhook_url=values.get("webhook_url", store.webhook_url))
    for name, value in values.items():
        setattr(store, name, value)
    store.save()
    _client_configure(store.client, name=store.name, redirect_uris=redirect_uris, fields=fields)
    store.client.full_clean(exclude=["secret", "owner"])
    store.client.save()
    return store


@transaction.atomic
def store_secrets_rotate(*, store: Store) -> StoreSecrets:
    """A new client secret and webhook key; the old ones stop working at once, as do the store's tokens."""
    store = Store.objects.select_for_update().get(pk=store.pk)
    secret = get_oidc_adapter().generate_client_secret()
    store.client.set_secret(secret)
    store.client.save(update_fields=["secret"])
    Token.objects.filter(client=store.client).delete()
    store.secret_version += 1
    store.save(update_fields=["secret_version"])
    key = store_webhook_key(store_id=store.pk, secret_version=store.secret_version)
    return StoreSecrets(store.client.id, secret, key)


def _channel(request: HttpRequest | None) -> str:
    if request is not None and request.path.startswith("/api/"):
        return Channel.API
    return Channel.WEB


@transaction.atomic
def store_connection_grant(
    *, user, store: Store, fields: list[str], request: HttpRequest | None = None
) -> StoreConnection:
    """The person agreed on the consent screen: connect them (or change the fields of their connection).

    The first connection, and every one after a revocation, is a new generation with a new pseudonym. The fields
    are what the person ticked, never more than the store may ask for; ``openid`` is always included. Writes a
    consent event for the store's purpose (CON-2, STO-5).
    """
    allowed = set(store.client.get_scopes())
    chosen = [f for f in STORE_SCOPES if f in set(fields) | {"openid"} and f in allowed]
    unknown = set(fields) - set(STORE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown store fields: {', '.join(sorted(unknown))}.")
    connection = (
        StoreConnection.objects.select_for_update().filter(store=store, user=user, revoked_at__isnull=True).first()
    )
    if connection is None:
        last = StoreConnection.objects.filter(store=store, user=user).aggregate(n=Max("generation"))["n"] or 0
        generation = last + 1
        connection = StoreConnection.objects.create(
            store=store,
            user=user,
            generation=generation,
            sub=store_pseudonym(store_id=store.pk, user_id=user.pk, generation=generation),
            fields=chosen,
        )
    elif connection.fields != chosen:
        withdrawn = set(connection.fields) - set(chosen)
        connection.fields = chosen
        connection.save(update_fields=["fields"])
        if withdrawn:
            # The store's tokens carry the scopes they were issued with, and a refresh keeps them: end them, so
            # the store has to come back through a code holding only what the person grants now.
            Token.objects.filter(client_id=store.client_id, user=user).delete()
    _consent_screen_record(store=store, user=user, choice=Choice.GRANTED, request=request)
    return connection


def store_connection_decline(*, user, store: Store, request: HttpRequest | None = None) -> bool:
    """The person said no on the consent screen. A person not connected to the store declined it: a consent event
    records that (CON-2). A connected person who declines a new request keeps the connection they have, so
    nothing is written. Returns whether an event was written."""
    if store_connection_active(store=store, user=user) is not None:
        return False
    _consent_screen_record(store=store, user=user, choice=Choice.DECLINED, request=request)
    return True


def _consent_screen_record(*, store: Store, user, choice: str, request: HttpRequest | None) -> None:
    """The person's answer on the store's consent screen, in the consent log (CON-2)."""
    consent_record(
        purpose=store.consent_purpose,
        choice=choice,
        method=Method.STORE_CONNECTION,
        channel=_channel(request),
        user=user,
        request=request,
    )


@transaction.atomic
def store_connection_revoke(*, connection: StoreConnection, request: HttpRequest | None = None) -> bool:
    """End a connection at once (STO-4): the store's tokens for the person are deleted, the withdrawal is logged,
    and the store is sent a signed notice to delete what it holds for the pseudonym (RGT-7). The next connection
    will be a new generation. Returns False when it was already revoked."""
    from stores.services.notices import store_notice_send

    connection = StoreConnection.objects.select_for_update().get(pk=connection.pk)
    if connection.revoked_at is not None:
        return False
    connection.revoked_at = timezone.now()
    connection.save(update_fields=["revoked_at"])
    Token.objects.filter(client_id=connection.store.client_id, user=connection.user).delete()
    consent_record(
        purpose=connection.store.consent_purpose,
        choice=Choice.WITHDRAWN,
        method=Method.SETTINGS,
        channel=_channel(request),
        user=connection.user,
        request=request,
    )
    store_notice_send(store=connection.store, sub=connection.sub, reason="revoked", user=connection.user)
    logger.info("Store connection %s revoked", connection.pk)
    return True


def store_connections_erase(*, user) -> int:
    """Erasure (RGT-7): every store the person is connected to is sent a deletion notice for its pseudonym, and
    every store token of theirs ends. Called by the account erasure inside its transaction, before the rows go; the
    notices keep no link to the account."""
    from stores.services.notices import store_notice_send

    connections = list(StoreConnection.objects.select_related("store").filter(user=user, revoked_at__isnull=True))
    for connection in connections:
        store_notice_send(store=connection.store, sub=connection.sub, reason="erased", user=None)
    Token.objects.filter(user=user).delete()
    return len(connections)
