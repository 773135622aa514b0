from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now

from accounts.user_agents import device_name
from core.storage import PrivateUploadTo
from privacy.registry import DataCategory, Erasure, Export, Retention, personal_data

LOCALES = [
    ("en", "English"),
    ("en-gb", "English (UK)"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("nl", "Nederlands"),
    ("pt", "Português"),
    ("sv", "Svenska"),
    ("fi", "Suomi"),
]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An account needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, email: str) -> User:
        return self.get(email__iexact=email)


@personal_data(
    category=DataCategory.ACCOUNT,
    owner="self",
    retention=Retention.account_lifetime(),
    export=Export.rows(exclude=("password",)),
    erasure=Erasure.delete(),
    description="Your account: e-mail address, display name, when you joined, signed in and passed the age check.",
)
class User(AbstractBaseUser, PermissionsMixin):
    """A person with a closet. The e-mail address is the login; there is no username."""

    # Stored lower-cased (manager and clean()), so "unique" also means unique regardless of case.
    email = models.EmailField("e-mail address", max_length=254, unique=True)
    display_name = models.CharField(max_length=80, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=now)
    # The date of birth itself is never stored (ACC-3): only that the minimum-age check passed, and when.
    age_check_passed_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    def __str__(self) -> str:
        return self.display_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()


class UnitSystem(models.TextChoices):
    METRIC = "metric", "Metric (cm)"
    IMPERIAL = "imperial", "Imperial (in)"


VIBES = (
    "minimal", "classic", "casual", "streetwear", "romantic", "bohemian",
    "sporty", "preppy", "edgy", "vintage", "workwear", "glam",
)  # fmt: skip
FIT_PREFERENCES = (
    "relaxed", "regular", "slim", "oversized", "cropped", "longline",
    "high-rise", "mid-rise", "wide-leg", "straight-leg", "tapered",
)  # fmt: skip
MEASUREMENT_FIELDS = ("height_cm", "chest_cm", "waist_cm", "hips_cm", "inseam_cm")
LIST_FIELDS = ("vibes", "favourite_colours", "avoided_colours", "fit_preferences")
# What a person may edit on their profile, in the order the API and forms show it (the avatar has its own path).
PROFILE_FIELDS = ("locale", "timezone", "unit_system", *MEASUREMENT_FIELDS, "shoe_size", *LIST_FIELDS)


def _measurement(verbose_name: str, maximum: int) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("20")), MaxValueValidator(Decimal(maximum))],
    )


@personal_data(
    category=DataCategory.PROFILE,
    owner="user",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="Your profile: avatar, language, time zone, units, measurements and style preferences.",
)
class Profile(models.Model):
    """What a person chooses to tell us about themselves (ACC-5). Every field is optional and clearable."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True)
    avatar = models.FileField(upload_to=PrivateUploadTo("avatars"), blank=True)
    locale = models.CharField(max_length=8, blank=True, choices=LOCALES)
    timezone = models.CharField(max_length=64, blank=True)
    unit_system = models.CharField(max_length=10, blank=True, choices=UnitSystem.choices)
    height_cm = _measurement("height (cm)", 260)
    chest_cm = _measurement("chest / bust (cm)", 200)
    waist_cm = _measurement("waist (cm)", 200)
    hips_cm = _measurement("hips (cm)", 200)
    inseam_cm = _measurement("inseam (cm)", 130)
    shoe_size = models.CharField(max_length=12, blank=True, help_text="As you would ask for it in a shop, e.g. EU 39.")
    vibes = models.JSONField(default=list, blank=True)
    favourite_colours = models.JSONField(default=list, blank=True)
    avoided_colours = models.JSONField(default=list, blank=True)
    fit_preferences = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"


@personal_data(
    category=DataCategory.DEVICE,
    owner="owner",
    retention=Retention.days_after(90, after="last_seen_at", setting="RETENTION_SECURITY_LOG_DAYS"),
    export=Export.rows(exclude=("token_hash",)),
    erasure=Erasure.delete(),
    description="The browsers and apps signed in to your account: a keyed hash of a random cookie (never the "
    "cookie itself), the browser's user agent, time zone, screen size, first and last seen.",
)
class Device(models.Model):
    """A browser or app that has signed in to an account (ACC-4). Recognised by a hashed first-party cookie."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="devices")
    token_hash = models.CharField(max_length=64)
    user_agent = models.CharField(max_length=400, blank=True)
    timezone = models.CharField(max_length=64, blank=True)
    screen = models.CharField(max_length=20, blank=True)
    first_seen_at = models.DateTimeField(default=now)
    last_seen_at = models.DateTimeField(default=now)

    class Meta:
        ordering = ("-last_seen_at",)
        constraints = [models.UniqueConstraint(fields=("owner", "token_hash"), name="accounts_device_unique_token")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return device_name(self.user_agent)


class LocationPrecision(models.TextChoices):
    APPROXIMATE = "approximate", "Approximate (city or region)"
    PRECISE = "precise", "Precise (from my browser)"


@personal_data(
    category=DataCategory.PROFILE,
    owner="user",
    retention=Retention.custom("Kept only while the location consent stands; withdrawing it deletes it at once."),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="Where you are, for weather-aware outfit ideas: a city or region, or a position your browser gave, "
    "only if you allowed it.",
)
class Location(models.Model):
    """CON-5: off by default; approximate or precise by the person's choice; exists only under the consent."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True)
    precision = models.CharField(max_length=12, choices=LocationPrecision.choices)
    place = models.CharField(max_length=120, blank=True, help_text="City or region, e.g. Helsinki.")
    # Precise positions are kept to 3 decimals (about 100 m): enough for the weather, no more.
    latitude = models.DecimalField(
        max_digits=6, decimal_places=3, null=True, blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )  # fmt: skip
    longitude = models.DecimalField(
        max_digits=7, decimal_places=3, null=True, blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.place or f"{self.latitude}, {self.longitude}"
