import factory
from allauth.idp.oidc.models import Client, Token
from django.contrib.auth.hashers import make_password

from stores.fields import STORE_SCOPES
from stores.models import (
    NoticeReason,
    Store,
    StoreConnection,
    StoreNotice,
    StoreNoticeAttempt,
    StorePurchase,
)
from stores.pseudonyms import store_pseudonym
from tests.accounts.factories import UserFactory

CLIENT_SECRET = "store-client-secret-for-tests"


class ClientFactory(factory.django.DjangoModelFactory):
    """allauth's OIDC client, set up as ``store_register`` does (confidential, code flow, client credentials)."""

    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Store {n}")
    type = Client.Type.CONFIDENTIAL
    scopes = "\n".join(STORE_SCOPES)
    default_scopes = "openid"
    redirect_uris = "https://store.example/callback"
    response_types = "code"
    grant_types = "authorization_code\nrefresh_token\nclient_credentials"
    secret = factory.LazyFunction(lambda: make_password(CLIENT_SECRET))


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store

    client = factory.SubFactory(ClientFactory)
    name = factory.SelfAttribute("client.name")
    website = "https://store.example/"
    privacy_policy_url = "https://store.example/privacy"
    webhook_url = "https://store.example/webhooks/sesiocloset"


class StoreConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoreConnection

    store = factory.SubFactory(StoreFactory)
    user = factory.SubFactory(UserFactory)
    generation = 1
    sub = factory.LazyAttribute(
        lambda o: store_pseudonym(store_id=o.store.pk, user_id=o.user.pk, generation=o.generation)
    )
    fields = factory.LazyFunction(lambda: ["openid", "profile"])


class StorePurchaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StorePurchase

    owner = factory.SubFactory(UserFactory)
    store = factory.SubFactory(StoreFactory)
    order_id = factory.Sequence(lambda n: f"order-{n}")
    line_id = "1"
    product_name = "Linen shirt"
    brand = "Acme"
    category = "tops"
    colour = "white"
    size = "M"
    price = "49.00"
    currency = "EUR"


class StoreNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoreNotice

    store = factory.SubFactory(StoreFactory)
    user = factory.SubFactory(UserFactory)
    sub = factory.Sequence(lambda n: f"{n:064x}")
    reason = NoticeReason.REVOKED


class StoreNoticeAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoreNoticeAttempt

    notice = factory.SubFactory(StoreNoticeFactory)
    status_code = 200


class TokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Token

    type = Token.Type.ACCESS_TOKEN
    hash = factory.Sequence(lambda n: f"{n:064x}")
    client = factory.SubFactory(ClientFactory)
    user = factory.SubFactory(UserFactory)
    scopes = "openid"
