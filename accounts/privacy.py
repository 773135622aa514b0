"""Privacy declarations for the allauth models that hold data about a person."""

from allauth.account.models import EmailAddress
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
