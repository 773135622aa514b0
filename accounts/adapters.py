"""allauth, extended where the product needs more: the age gate, the display name, and data minimisation for
social sign-in (only name, e-mail and avatar are taken from a provider: ACC-1)."""

from __future__ import annotations

import base64
import logging
from functools import lru_cache

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

# What we keep of a provider's answer: its account id and the three fields we use. Everything else a provider
# sends (locale, hosted domain, given/family names, ...) is dropped before it is stored (see accounts.signals).
PROVIDER_FIELDS_KEPT = ("sub", "id", "email", "email_verified", "name", "picture")
AVATAR_DOWNLOAD_TIMEOUT = 5


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """Every sign-up (web, headless, social) comes through here after SignupDetailsForm validated the age.

        The date of birth is not kept: only the time at which the minimum-age check passed.
        """
        details = form.cleaned_data
        if details.get("display_name"):
            user.display_name = details["display_name"].strip()
        user.age_check_passed_at = timezone.now()
        user = super().save_user(request, user, form, commit=commit)
        if commit and "marketing_email" in details:
            self._record_marketing_choice(request, user, granted=bool(details["marketing_email"]))
        return user

    def _record_marketing_choice(self, request, user, *, granted: bool) -> None:
        """The sign-up asked (unticked by default, CON-4); what the person answered is proof either way."""
        from privacy.models import Channel, Choice, Method
        from privacy.services import consent_record

        consent_record(
            user=user,
            purpose="marketing_email",
            choice=Choice.GRANTED if granted else Choice.DECLINED,
            method=Method.SIGNUP,
            channel=Channel.API if request.path.startswith("/_allauth/") else Channel.WEB,
            request=request,
        )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        """Copy only the e-mail address and the name from the provider (ACC-1).

        The name is the provider's own ``name`` claim when it has one: OpenID Connect orders it the way the person
        writes it ("Puskás Ferenc"), which first name + last name would not. Apple sends only the two parts.
        """
        user = sociallogin.user
        user.email = (data.get("email") or "").strip().lower()
        name = (sociallogin.account.extra_data or {}).get("name")
        if not isinstance(name, str) or not name.strip():
            name = " ".join(filter(None, (data.get("first_name"), data.get("last_name"))))
        user.display_name = name.strip()[:80]
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        picture = (sociallogin.account.extra_data or {}).get("picture")
        if picture:
            self._copy_avatar(user, picture)
        return user

    def _copy_avatar(self, user, url: str) -> None:
        """Fetch the provider's avatar once and store it through the same pipeline as uploads.

        A provider that is slow or sends something that is not a picture leaves the profile without an avatar;
        signing up never fails because of it.
        """
        from accounts.services import ImageRejected, profile_avatar_set

        try:
            with self.get_requests_session() as session:
                response = session.get(url, timeout=AVATAR_DOWNLOAD_TIMEOUT)
            response.raise_for_status()
            profile_avatar_set(user=user, upload=response.content)
        except ImageRejected as exc:
            logger.warning("Provider avatar refused for user %s: %s", user.pk, exc.code)
        except Exception as exc:  # network errors of any kind
            logger.warning("Provider avatar not fetched for user %s: %s", user.pk, type(exc).__name__)


@lru_cache(maxsize=4)
def _fernet(key_material: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"sesiocloset mfa secrets").derive(
        key_material.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


class MFAAdapter(DefaultMFAAdapter):
    """Two-factor secrets (the TOTP key, the recovery-code seed) are stored encrypted, not in the clear (SEC-2).

    The key comes from MFA_ENCRYPTION_KEY (falling back to SECRET_KEY): rotating it makes enrolled authenticators
    unreadable, so it is kept separate from SECRET_KEY in production.
    """

    def encrypt(self, text: str) -> str:
        return _fernet(settings.MFA_ENCRYPTION_KEY).encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet(settings.MFA_ENCRYPTION_KEY).decrypt(encrypted_text.encode()).decode()
