"""The privacy registry: every model that holds personal data says, next to its definition, what it holds, how
long it is kept, how it is exported and how it is erased.

Export, erasure, the retention sweeps, the staff data map and the public "what we keep" page all read this one
registry, so a table cannot be forgotten by one of them and remembered by another. A test fails when a model
with a link to the user or a file field is not registered (tests/privacy/test_registry.py).

Declaring a model of our own::

    @personal_data(
        category=DataCategory.WARDROBE,
        owner="owner",                       # the lookup from this model to the user it is about
        retention=Retention.account_lifetime(),
        export=Export.rows(),
        erasure=Erasure.delete(),
        description="Garments in the closet.",
    )
    class Item(models.Model): ...

A model of another package is declared with ``register(Model, ...)`` in the ``privacy.py`` module of the app
that uses it; app configs import that module in ``ready()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import QuerySet


class DataCategory(StrEnum):
    ACCOUNT = "account"
    PROFILE = "profile"
    DEVICE = "device"
    WARDROBE = "wardrobe"
    AI = "ai"
    CONSENT = "consent"
    PRIVACY_REQUEST = "privacy_request"
    SUPPORT = "support"
    STORE = "store"
    USAGE = "usage"
    SECURITY_LOG = "security_log"
    STAFF_AUDIT = "staff_audit"


@dataclass(frozen=True)
class CategoryInfo:
    title: str
    why: str
    legal_basis: str


# Why each category is held and on what legal basis (GDPR art. 6): the public "What we keep" page shows ``why``,
# the staff data map shows both. A test fails when a category lacks an entry.
CATEGORY_INFO: dict[DataCategory, CategoryInfo] = {
    DataCategory.ACCOUNT: CategoryInfo(
        "Account", "To let you sign in and keep your account safe.", "Contract (art. 6(1)(b))"
    ),
    DataCategory.PROFILE: CategoryInfo(
        "Profile",
        "To show your name and tailor outfit ideas to the style and sizes you give.",
        "Contract (art. 6(1)(b))",
    ),
    DataCategory.DEVICE: CategoryInfo(
        "Devices and location",
        "To warn you of sign-ins from new devices and, if you allow it, to suggest outfits for your weather.",
        "Legitimate interest in account security (art. 6(1)(f)); consent for location (art. 6(1)(a))",
    ),
    DataCategory.WARDROBE: CategoryInfo(
        "Closet", "Your items, photos, wears, outfits, plans and trips: the service itself.", "Contract (art. 6(1)(b))"
    ),
    DataCategory.AI: CategoryInfo(
        "Outfit ideas",
        "To build outfit ideas you ask for, on our own servers; uploads are deleted as soon as the idea is ready.",
        "Contract (art. 6(1)(b)); consent for uploads (art. 6(1)(a))",
    ),
    DataCategory.CONSENT: CategoryInfo(
        "Consents and restrictions",
        "To prove what you allowed and to obey what you restricted.",
        "Legal obligation to prove consent (art. 6(1)(c), art. 7(1))",
    ),
    DataCategory.PRIVACY_REQUEST: CategoryInfo(
        "Privacy requests and exports",
        "To answer your requests and prove they were answered in time.",
        "Legal obligation (art. 6(1)(c), art. 12)",
    ),
    DataCategory.SUPPORT: CategoryInfo(
        "Support messages", "To answer the questions you send us.", "Contract (art. 6(1)(b))"
    ),
    DataCategory.STORE: CategoryInfo(
        "Connected stores",
        "To share the fields you chose with the stores you connected, and import your purchases from them.",
        "Consent (art. 6(1)(a))",
    ),
    DataCategory.USAGE: CategoryInfo(
        "Usage analytics", "To learn which features help, only if you allow it.", "Consent (art. 6(1)(a))"
    ),
    DataCategory.SECURITY_LOG: CategoryInfo(
        "Security log",
        "To detect and stop attacks on your account: sign-ins, failures, sessions.",
        "Legitimate interest in security (art. 6(1)(f), recital 49)",
    ),
    DataCategory.STAFF_AUDIT: CategoryInfo(
        "Staff audit",
        "To record which staff member looked at or changed whose data, and when.",
        "Legal obligation of accountability (art. 5(2), art. 32)",
    ),
}


@dataclass(frozen=True)
class Retention:
    """How long rows are kept. ``days`` counts from the datetime field ``after``; when ``setting`` names a Django
    setting, that setting's value replaces ``days`` (so deployments can shorten a period without code)."""

    kind: str  # "account_lifetime" | "days" | "rule"
    days: int | None = None
    after: str | None = None
    rule: str = ""
    setting: str = ""

    @property
    def effective_days(self) -> int | None:
        if self.kind != "days":
            return None
        return getattr(settings, self.setting) if self.setting else self.days

    @classmethod
    def account_lifetime(cls) -> Retention:
        return cls(kind="account_lifetime")

    @classmethod
    def days_after(cls, days: int, *, after: str, setting: str = "") -> Retention:
        """Rows are deleted ``days`` after their ``after`` field by the retention sweep (privacy.retention)."""
        if days < 0:
            raise ValueError("Retention days cannot be negative.")
        return cls(kind="days", days=days, after=after, setting=setting)

    @classmethod
    def custom(cls, rule: str) -> Retention:
        """A rule a sweep applies that is more than "N days after a date"; ``rule`` says it in plain words."""
        return cls(kind="rule", rule=rule)

    def describe(self) -> str:
        if self.kind == "account_lifetime":
            return "Kept while the account exists."
        if self.kind == "rule":
            return self.rule
        return f"Deleted {self.effective_days} days after {self.after.replace('_', ' ')}."


@dataclass(frozen=True)
class Export:
    """What of a row goes into the user's export. ``exclude`` names fields that are never exported (secrets)."""

    included: bool
    exclude: tuple[str, ...] = ()
    reason: str = ""

    @classmethod
    def rows(cls, *, exclude: tuple[str, ...] = ()) -> Export:
        return cls(included=True, exclude=exclude)

    @classmethod
    def not_exported(cls, reason: str) -> Export:
        return cls(included=False, reason=reason)


@dataclass(frozen=True)
class Erasure:
    """What erasure does to a row: delete it, blank the named fields, or keep it under a stated legal basis."""

    kind: str  # "delete" | "anonymise" | "keep"
    fields: tuple[str, ...] = ()
    legal_basis: str = ""

    @classmethod
    def delete(cls) -> Erasure:
        return cls(kind="delete")

    @classmethod
    def anonymise(cls, *fields: str) -> Erasure:
        if not fields:
            raise ValueError("Anonymising needs the fields that hold personal data.")
        return cls(kind="anonymise", fields=fields)

    @classmethod
    def keep(cls, *, legal_basis: str) -> Erasure:
        if not legal_basis:
            raise ValueError("Keeping data through erasure needs a stated legal basis.")
        return cls(kind="keep", legal_basis=legal_basis)


@dataclass(frozen=True)
class PersonalDataEntry:
    model: type[models.Model]
    category: DataCategory
    owner: str
    retention: Retention
    export: Export
    erasure: Erasure
    description: str
    # The model's own post_delete receiver deletes the files of every row deleted, however it goes (a cascade, a
    # bulk delete, the admin): the retention sweep and erasure then count those files but leave deleting them to it.
    files_deleted_by_signal: bool = False

    @property
    def file_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.model._meta.get_fields() if isinstance(f, models.FileField))

    @property
    def label(self) -> str:
        return self.model._meta.label

    def rows_of(self, user: models.Model) -> QuerySet:
        """Every row of this model that is about ``user`` (unscoped by design: export and erasure need all)."""
        if self.owner == "self":
            return self.model._default_manager.filter(pk=user.pk)
        return self.model._default_manager.filter(**{self.owner: user})


_registry: dict[str, PersonalDataEntry] = {}


def _owner_target(model: type[models.Model], lookup: str) -> type[models.Model] | None:
    """The model a lookup such as ``item__owner`` ends on, or None when it is not a relation path."""
    current = model
    for part in lookup.split("__"):
        try:
            relation = current._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        if not relation.is_relation or relation.related_model is None:
            return None
        current = relation.related_model
    return current


def _validate(entry: PersonalDataEntry) -> None:
    model = entry.model
    if entry.owner != "self":
        target = _owner_target(model, entry.owner)
        if target is None or target._meta.label != settings.AUTH_USER_MODEL:
            raise ImproperlyConfigured(f"{entry.label}: owner lookup {entry.owner!r} does not lead to the user model.")
    names = {f.name for f in model._meta.get_fields()}
    for name in (*entry.erasure.fields, *entry.export.exclude):
        if name not in names:
            raise ImproperlyConfigured(f"{entry.label}: the privacy declaration names a field {name!r} it lacks.")
    if entry.retention.after and entry.retention.after not in names:
        raise ImproperlyConfigured(f"{entry.label}: retention counts from {entry.retention.after!r}, not a field.")


def register(
    model: type[models.Model],
    *,
    category: DataCategory,
    owner: str,
    retention: Retention,
    export: Export,
    erasure: Erasure,
    description: str,
    files_deleted_by_signal: bool = False,
) -> type[models.Model]:
    """Declare how a model's personal data is kept, exported and erased. ``owner="self"`` for the user model."""
    entry = PersonalDataEntry(model, category, owner, retention, export, erasure, description, files_deleted_by_signal)
    _registry[entry.label] = entry
    return model


def personal_data(**declaration: object):
    """Class decorator form of :func:`register` for our own models."""

    def decorate(model: type[models.Model]) -> type[models.Model]:
        return register(model, **declaration)  # type: ignore[arg-type]

    return decorate


def registry_validate() -> None:
    """Check every declaration against its model. Called once the app registry is ready."""
    for entry in _registry.values():
        _validate(entry)


def registered_entries() -> list[PersonalDataEntry]:
    return sorted(_registry.values(), key=lambda e: e.label)


def registered_entry(model: type[models.Model]) -> PersonalDataEntry | None:
    return _registry.get(model._meta.label)


def _label(model: type[models.Model] | str) -> str:
    """A model's "app.Model" label; a relation not resolved yet still holds that label as a string."""
    return model if isinstance(model, str) else model._meta.label


def models_requiring_registration() -> list[type[models.Model]]:
    """Models that hold a link to the user (or are the user) or hold files: each must be declared."""
    from django.apps import apps

    user_label = settings.AUTH_USER_MODEL
    required = []
    for model in apps.get_models():
        if model._meta.label == user_label:
            required.append(model)
            continue
        for f in model._meta.get_fields():
            # Forward relations declared on this model (FK, one-to-one, many-to-many); reverse ones are auto_created.
            forward_relation = f.is_relation and not f.auto_created and f.related_model is not None
            if (forward_relation and _label(f.related_model) == user_label) or isinstance(f, models.FileField):
                required.append(model)
                break
    return required


def registered_by_category() -> list[tuple[DataCategory, CategoryInfo, list[PersonalDataEntry]]]:
    """The registry grouped by data category, in the order categories are declared: for the public page and the
    staff data map."""
    grouped: dict[DataCategory, list[PersonalDataEntry]] = {}
    for entry in registered_entries():
        grouped.setdefault(entry.category, []).append(entry)
    return [(category, CATEGORY_INFO[category], grouped[category]) for category in DataCategory if category in grouped]
