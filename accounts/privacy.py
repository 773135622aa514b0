"""Privacy declarations for the allauth models that hold data about a person."""

from allauth.account.models import EmailAddress
from allauth.idp.oidc.models import Client, Token
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession

from privacy.registry import DataCategory, Erasure, Export, Retention, register

register(
    EmailAddress,
    category=DataCategory.ACCOUNT,
    owner="user",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="The e-mail address of your account and whether it is verified.",
)
register(
    SocialAccount,
    category=DataCategory.ACCOUNT,
    owner="user",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="Google or Apple accounts you sign in with: the provider's id for you, your name and e-mail.",
)
register(
    UserSession,
    category=DataCategory.SECURITY_LOG,
    owner="user",
    retention=Retention.days_after(90, after="last_seen_at", setting="RETENTION_SECURITY_LOG_DAYS"),
    export=Export.rows(exclude=("session_key",)),
    erasure=Erasure.delete(),
    description="Your signed-in sessions: IP address, browser and when each was last used.",
)
register(
    Authenticator,
    category=DataCategory.ACCOUNT,
    owner="user",
    retention=Retention.account_lifetime(),
    export=Export.rows(exclude=("data",)),
    erasure=Erasure.delete(),
    description="Two-factor sign-in you set up (authenticator app, recovery codes). Secrets are never exported.",
)
# allauth's OpenID Connect provider, which connected stores sign people in through (issue 8).

register(
    Token,
    category=DataCategory.STORE,
    owner="user",
    retention=Retention.custom("Each token expires on its own (an hour for access tokens); revoking a store ends all."),
    export=Export.not_exported("Hashes of the tokens stores hold; they reveal nothing about you."),
    erasure=Erasure.delete(),
    description="The tokens a connected store holds to act for you (only their hashes are stored).",
)
register(
    Client,
    category=DataCategory.STORE,
    owner="owner",
    retention=Retention.account_lifetime(),
    export=Export.not_exported("A store's sign-in registration, made by staff; it holds nothing about you."),
    erasure=Erasure.anonymise("owner"),
    description="A store's sign-in registration. Stores are registered by staff, never owned by a customer.",
)
