"""The fields a store may receive, as OpenID Connect scopes (STO-1, STO-3), in the plain words of the consent
screen. ``openid`` is the pseudonym alone and is always part of a connection; the others are optional."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoreField:
    scope: str
    label: str
    detail: str
    required: bool = False


STORE_FIELDS: dict[str, StoreField] = {
    field.scope: field
    for field in (
        StoreField(
            "openid",
            "A pseudonym",
            "A code that identifies you to this store only: not your name, not your e-mail, and different for "
            "every store.",
            required=True,
        ),
        StoreField("profile", "Your display name", "The name shown on your SesioCloset profile."),
        StoreField("email", "Your e-mail address", "The verified address of your account."),
        StoreField(
            "sizes",
            "Your sizes",
            "Height, chest or bust, waist, hips, inseam and shoe size, as far as you filled them in.",
        ),
        StoreField(
            "style",
            "Your style preferences",
            "The vibes, favourite and avoided colours, and fit preferences in your profile.",
        ),
    )
}
STORE_SCOPES: tuple[str, ...] = tuple(STORE_FIELDS)


def fields_describe(scopes) -> list[StoreField]:
    """The fields for these scopes, in the consent screen's order; unknown scopes are left out."""
    wanted = set(scopes)
    return [field for scope, field in STORE_FIELDS.items() if scope in wanted]
