"""The demo account that `make run` creates, so a newcomer sees a closet with something in it."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from closet.services import closet_item_create

DEMO_EMAIL = "demo@sesiocloset.local"
DEMO_PASSWORD = "sesio-demo-closet"  # noqa: S105 (a published demo credential for the local profile)

SAMPLE_CLOSET = [
    ("Navy wool blazer", "outerwear", "navy", "Arket"),
    ("White oxford shirt", "top", "white", "Uniqlo"),
    ("Striped Breton top", "top", "navy and white", "Armor Lux"),
    ("Camel trench coat", "outerwear", "camel", "COS"),
    ("Straight dark jeans", "bottom", "indigo", "Levi's"),
    ("Pleated midi skirt", "bottom", "olive", "& Other Stories"),
    ("Black slip dress", "one_piece", "black", ""),
    ("White leather sneakers", "shoes", "white", "Veja"),
    ("Brown Chelsea boots", "shoes", "brown", "Blundstone"),
    ("Tan crossbody bag", "bag", "tan", ""),
]


def demo_account_ensure():
    """Return (user, created). Only creates: an existing demo account is left exactly as it is."""
    User = get_user_model()
    user = User.objects.filter(email=DEMO_EMAIL).first()
    if user is not None:
        return user, False
    user = User.objects.create_user(
        email=DEMO_EMAIL, password=DEMO_PASSWORD, display_name="Demo", age_check_passed_at=timezone.now()
    )
    EmailAddress.objects.create(user=user, email=DEMO_EMAIL, verified=True, primary=True)
    for name, category, colour, brand in SAMPLE_CLOSET:
        closet_item_create(owner=user, name=name, category=category, colour=colour, brand=brand)
    return user, True
