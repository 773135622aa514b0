"""Purchases connected stores push into closets (STO-6), and the person's inbox: accept or dismiss.

A pushed order line becomes a ``StorePurchase`` and a closet ``Item`` (source STORE): a DRAFT waiting in the inbox,
or ACTIVE at once when the person chose "purchases go straight to my closet". Each order line is imported once per
store and person; a repeat is answered with the purchase already made and changes nothing. A product image goes
through the same photo pipeline as the person's own uploads (validated in the request, stripped of every piece of
metadata in the background), and a refused image refuses the whole push: no purchase, no item, no file.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from closet.models import Category, Colour, Item, ItemStatus, Source
from closet.services.items import closet_item_create, closet_item_delete
from closet.services.photos import DRAFT_CATEGORY, item_draft_publish, item_photo_add
from stores.models import PurchaseStatus, StoreConnection, StorePurchase

# The closet's fields are shorter than what a store may send; the purchase keeps the store's full text.
_ITEM_NAME_MAX = Item._meta.get_field("name").max_length
_ITEM_BRAND_MAX = Item._meta.get_field("brand").max_length
_ITEM_SIZE_MAX = Item._meta.get_field("size").max_length

# Words shops use for the built-in categories (closet.taxonomy), singular, lower case. Staff-added categories are
# matched by their own slug and name.
_CATEGORY_WORDS = {
    "tshirt": "t-shirts", "t-shirt": "t-shirts", "tee": "t-shirts", "shirt": "shirts-blouses",
    "blouse": "shirts-blouses", "sweater": "knitwear", "jumper": "knitwear", "cardigan": "knitwear",
    "pullover": "knitwear", "knit": "knitwear", "hoodie": "sweatshirts-hoodies", "sweatshirt": "sweatshirts-hoodies",
    "tank": "tank-tops", "top": "tops", "jean": "jeans", "trouser": "trousers", "pant": "trousers",
    "chino": "trousers", "skirt": "skirts", "short": "shorts", "legging": "leggings", "dress": "dresses",
    "jumpsuit": "jumpsuits", "playsuit": "jumpsuits", "coat": "coats", "parka": "coats", "jacket": "jackets",
    "blazer": "blazers", "raincoat": "raincoats", "sneaker": "sneakers", "trainer": "sneakers", "boot": "boots",
    "flat": "flats", "loafer": "flats", "heel": "heels", "pump": "heels", "sandal": "sandals", "shoe": "shoes",
    "footwear": "shoes", "handbag": "handbags", "backpack": "backpacks", "tote": "totes", "clutch": "clutches",
    "bag": "bags", "scarf": "scarves", "scarve": "scarves", "hat": "hats", "cap": "hats", "beanie": "hats",
    "belt": "belts", "jewellery": "jewellery", "jewelry": "jewellery", "necklace": "jewellery",
    "earring": "jewellery", "bracelet": "jewellery", "ring": "jewellery", "sunglass": "sunglasses",
    "accessory": "accessories", "accessorie": "accessories", "outerwear": "outerwear",
}  # fmt: skip

# Colour names shops use for the built-in palette colours (closet.taxonomy), lower case.
_COLOUR_WORDS = {
    "gray": "grey", "off-white": "cream", "ivory": "cream", "ecru": "cream", "offwhite": "cream",
    "tan": "camel", "sand": "beige", "taupe": "beige", "chocolate": "brown", "bordeaux": "burgundy",
    "maroon": "burgundy", "wine": "burgundy", "indigo": "denim", "sky": "light-blue", "turquoise": "teal",
    "petrol": "teal", "lime": "green", "mint": "green", "forest": "green", "army": "olive", "ochre": "mustard",
    "coral": "orange", "terracotta": "rust", "rose": "pink", "blush": "pink", "fuchsia": "pink",
    "violet": "purple", "plum": "purple", "lavender": "lilac", "anthracite": "charcoal",
}  # fmt: skip


class PurchaseConflict(Exception):
    """A purchase cannot do what was asked in its present state (``code`` for programs, ``detail`` for people)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class PurchaseImport:
    purchase: StorePurchase
    created: bool


@transaction.atomic
def store_purchase_import(
    *,
    connection: StoreConnection,
    product_name: str,
    order_id: str,
    line_id: str,
    brand: str = "",
    category: str = "",
    colour: str = "",
    size: str = "",
    price: Decimal | None = None,
    currency: str = "",
    purchased_on: datetime.date | None = None,
    image: Any = None,
) -> PurchaseImport:
    """A store pushes one order line of the person behind ``connection`` (STO-6).

    Creates the purchase and its closet item (a DRAFT in the inbox, or ACTIVE and accepted at once when the
    connection has ``auto_accept_purchases``); the store's category and colour are matched to the closet's
    taxonomy and palette where they can be. An ``image`` goes through ``item_photo_add``, like an upload.

    Once per connection, order and line: a repeat returns the existing purchase with ``created`` False and
    changes nothing. Raises ``core.images.ImageRejected`` for an image the pipeline refuses, and then nothing is
    stored (one transaction); ``ValueError`` for a revoked connection.
    """
    # Pushes for one person from one store queue here (PostgreSQL), so a line sent twice at once is imported once.
    connection = (
        StoreConnection.objects.select_for_update(of=("self",)).select_related("store", "user").get(pk=connection.pk)
    )
    if connection.revoked_at is not None:
        raise ValueError("The connection is revoked.")
    store, owner = connection.store, connection.user
    # Once per connection: a line sent again after a reconnection is a new shopper's (see StorePurchase).
    existing = StorePurchase.objects.filter(connection=connection, order_id=order_id, line_id=line_id).first()
    if existing is not None:
        return PurchaseImport(existing, created=False)

    main, sub = _category_match(category)
    accepted = connection.auto_accept_purchases
    item = closet_item_create(
        owner=owner,
        name=product_name[:_ITEM_NAME_MAX],
        category=main,
        subcategory=sub,
        colours=_colours_match(colour),
        brand=brand[:_ITEM_BRAND_MAX],
        size=size[:_ITEM_SIZE_MAX],
        price=price,
        currency=currency.upper(),
        purchase_date=purchased_on,
        source=Source.STORE,
        status=ItemStatus.ACTIVE if accepted else ItemStatus.DRAFT,
        notes=f"Bought at {store.name} (order {order_id})."[:5000],
    )
    purchase = StorePurchase.objects.create(
        owner=owner,
        store=store,
        connection=connection,
        order_id=order_id,
        line_id=line_id,
        product_name=product_name,
        brand=brand,
        category=category,
        colour=colour,
        size=size,
        price=price,
        currency=currency.upper(),
        purchased_on=purchased_on,
        item=item,
        status=PurchaseStatus.ACCEPTED if accepted else PurchaseStatus.INBOX,
    )
    if image is not None:
        item_photo_add(item=item, upload=image)  # ImageRejected rolls back the item and the purchase too
    return PurchaseImport(purchase, created=True)


@transaction.atomic
def store_purchase_accept(*, purchase: StorePurchase) -> StorePurchase:
    """One-tap Accept: the purchase's draft item goes into the closet (ACTIVE) and the purchase is accepted.

    Accepting twice is a no-op. An item the person already published in the closet stays as it is. Raises
    ``PurchaseConflict`` for a dismissed purchase or one whose item the person deleted meanwhile."""
    purchase = StorePurchase.objects.select_for_update(of=("self",)).select_related("item").get(pk=purchase.pk)
    if purchase.status == PurchaseStatus.ACCEPTED:
        return purchase
    if purchase.status == PurchaseStatus.DISMISSED:
        raise PurchaseConflict("purchase_dismissed", "This purchase was dismissed.")
    if purchase.item is None:
        raise PurchaseConflict("item_deleted", "The item of this purchase was deleted from your closet.")
    if purchase.item.status == ItemStatus.DRAFT:
        item_draft_publish(item=purchase.item)
    purchase.status = PurchaseStatus.ACCEPTED
    purchase.save(update_fields=["status"])
    return purchase


@transaction.atomic
def store_purchase_dismiss(*, purchase: StorePurchase) -> StorePurchase:
    """One-tap Dismiss: the draft item is deleted with its photo files (after commit, by the closet service) and
    the purchase is kept as dismissed, so the store sending the line again does not bring it back.

    Dismissing twice is a no-op. An item the person already published in the closet is theirs and is kept.
    Raises ``PurchaseConflict`` for an accepted purchase (its item is in the closet: delete it there)."""
    purchase = StorePurchase.objects.select_for_update(of=("self",)).select_related("item").get(pk=purchase.pk)
    if purchase.status == PurchaseStatus.DISMISSED:
        return purchase
    if purchase.status == PurchaseStatus.ACCEPTED:
        raise PurchaseConflict("purchase_accepted", "This purchase is already in your closet; delete the item there.")
    if purchase.item is not None and purchase.item.status == ItemStatus.DRAFT:
        closet_item_delete(item=purchase.item)
        purchase.item = None
    purchase.status = PurchaseStatus.DISMISSED
    purchase.save(update_fields=["status", "item"])
    return purchase


@transaction.atomic
def store_connection_auto_accept_set(*, connection: StoreConnection, enabled: bool) -> StoreConnection:
    """The person's "purchases go straight to my closet" switch for one live connection. Applies to purchases
    pushed from now on; the inbox stays as it is."""
    connection = StoreConnection.objects.select_for_update().get(pk=connection.pk)
    if connection.revoked_at is not None:
        raise PurchaseConflict("connection_revoked", "This connection was revoked.")
    if connection.auto_accept_purchases != enabled:
        connection.auto_accept_purchases = enabled
        connection.save(update_fields=["auto_accept_purchases"])
    return connection


# --- matching the store's words to the closet's taxonomy and palette ------------------------------------------------


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9-]+", text.lower()) if w]


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _category_match(text: str) -> tuple[Category, Category | None]:
    """The closet category (and subcategory) for a store's category text such as "Women > Tops > Blouses".

    The most specific part that names a category wins: by slug, by name, or by a word shops use. Without a match,
    the placeholder drafts use (Tops), which the person can change."""
    categories = list(Category.objects.select_related("parent"))
    by_key: dict[str, Category] = {}
    for cat in categories:
        by_key.setdefault(cat.slug, cat)
        by_key.setdefault(slugify(cat.name), cat)
    for part in reversed([p for p in re.split(r"[>/|,;]+", text) if p.strip()]):
        candidates = [slugify(part)]
        words = _words(part)
        candidates += [_CATEGORY_WORDS.get(_singular(w), "") for w in reversed(words)]
        candidates += [_CATEGORY_WORDS.get(w, "") for w in reversed(words)]
        for key in candidates:
            found = by_key.get(key) if key else None
            if found is not None:
                return (found.parent, found) if found.parent_id else (found, None)
    placeholder = by_key.get(DRAFT_CATEGORY) or next((c for c in categories if c.parent_id is None), None)
    if placeholder is None:
        raise ValueError("There are no categories to file purchases under.")
    return placeholder, None


def _colours_match(text: str) -> list[Colour]:
    """The palette colour a store's colour names, e.g. "Navy", "light blue", "Dark green"; none if nothing
    matches (the photo, when there is one, then suggests the colours)."""
    if not text.strip():
        return []
    palette: dict[str, Colour] = {}
    for colour in Colour.objects.all():
        palette.setdefault(colour.slug, colour)
        palette.setdefault(slugify(colour.name), colour)
    for key in [slugify(text), *_words(text)]:
        key = _COLOUR_WORDS.get(key, key)
        if key in palette:
            return [palette[key]]
    return []
