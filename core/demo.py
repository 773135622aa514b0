"""The demo account that `make run` creates, so a newcomer sees a closet with something in it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from closet.models import Category, Colour
from closet.services import closet_item_create

DEMO_EMAIL = "demo@sesiocloset.local"
DEMO_PASSWORD = "sesio-demo-closet"  # noqa: S105 (a published demo credential for the local profile)

SAMPLE_CLOSET = [
    # name, subcategory slug, colour slugs, brand, price (EUR), seasons
    ("Navy wool blazer", "blazers", ["navy"], "Arket", "189.00", ["autumn", "winter", "spring"]),
    ("White oxford shirt", "shirts-blouses", ["white"], "Uniqlo", "39.90", ["spring", "summer", "autumn"]),
    ("Striped Breton top", "t-shirts", ["navy", "white"], "Armor Lux", "65.00", ["spring", "summer"]),
    ("Camel trench coat", "coats", ["camel"], "COS", "225.00", ["autumn", "spring"]),
    ("Straight dark jeans", "jeans", ["denim"], "Levi's", "110.00", ["spring", "autumn", "winter"]),
    ("Pleated midi skirt", "skirts", ["olive"], "& Other Stories", "79.00", ["spring", "summer"]),
    ("Black slip dress", "dresses", ["black"], "", "95.00", ["summer"]),
    ("White leather sneakers", "sneakers", ["white"], "Veja", "120.00", ["spring", "summer", "autumn"]),
    ("Brown Chelsea boots", "boots", ["brown"], "Blundstone", "199.00", ["autumn", "winter"]),
    ("Tan crossbody bag", "handbags", ["camel"], "", "140.00", ["spring", "summer", "autumn", "winter"]),
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
    items = {}
    for name, subcategory_slug, colour_slugs, brand, price, seasons in SAMPLE_CLOSET:
        subcategory = Category.objects.select_related("parent").get(slug=subcategory_slug)
        items[name] = closet_item_create(
            owner=user,
            name=name,
            category=subcategory.parent,
            subcategory=subcategory,
            colours=Colour.objects.filter(slug__in=colour_slugs),
            brand=brand,
            price=Decimal(price),
            currency="EUR",
            seasons=seasons,
        )
    _demo_history(user, items)
    return user, True


def _demo_history(user, items) -> None:
    """A few months of wears and one outfit, so stats, ideas and outfits have something to show."""
    from closet.services.outfits import outfit_create
    from closet.services.wears import wear_log

    today = timezone.localdate()
    worn_often = ["Straight dark jeans", "White leather sneakers", "White oxford shirt", "Striped Breton top"]
    for days_ago in range(2, 120, 9):
        for name in worn_often[(days_ago % 3) :]:
            wear_log(owner=user, item=items[name], worn_on=today - timedelta(days=days_ago))
    wear_log(owner=user, item=items["Camel trench coat"], worn_on=today - timedelta(days=97))
    outfit_create(
        owner=user,
        name="Weekend classic",
        items=[items["Striped Breton top"], items["Straight dark jeans"], items["White leather sneakers"]],
        occasion="weekend",
        seasons=["spring", "summer"],
    )
