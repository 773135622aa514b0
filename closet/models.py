from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from privacy.registry import DataCategory, Erasure, Export, Retention, personal_data


class Category(models.TextChoices):
    TOP = "top", "Top"
    BOTTOM = "bottom", "Bottom"
    ONE_PIECE = "one_piece", "Dress / one-piece"
    OUTERWEAR = "outerwear", "Outerwear"
    SHOES = "shoes", "Shoes"
    BAG = "bag", "Bag"
    ACCESSORY = "accessory", "Accessory"


@personal_data(
    category=DataCategory.WARDROBE,
    owner="owner",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="The garments in your closet and what you noted about them.",
)
class Item(models.Model):
    """A garment or accessory in someone's closet."""

    # Random ids: a URL or API answer never reveals how many items exist or lets anyone guess the next one.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="closet_items")
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=20, choices=Category.choices)
    colour = models.CharField(max_length=40, blank=True)
    brand = models.CharField(max_length=80, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=("owner", "-created_at"))]

    def __str__(self) -> str:
        return self.name
