"""The closet: garments and their photos, what was worn when, outfits, plans and trips.

The wear log is the single source of truth for how often and when something was worn, its cost per wear and
whether it needs a wash: nothing stores a counter that could drift from it (see closet/selectors).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from closet.taxonomy import SEASONS
from core.storage import PrivateUploadTo
from privacy.registry import DataCategory, Erasure, Export, Retention, personal_data


class CategoryKind(models.TextChoices):
    """What a garment does in an outfit; the outfit engine and the stats group by it."""

    TOP = "top", "Top"
    BOTTOM = "bottom", "Bottom"
    ONE_PIECE = "one_piece", "Dress / one-piece"
    OUTERWEAR = "outerwear", "Outerwear"
    SHOES = "shoes", "Shoes"
    BAG = "bag", "Bag"
    ACCESSORY = "accessory", "Accessory"


class Category(models.Model):
    """The garment taxonomy, shared by everyone: built-in rows come from a migration, staff add more in the admin.

    A category without a parent is a main category ("Tops"); one with a parent is a subcategory ("T-shirts").
    """

    name = models.CharField(max_length=60)
    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=CategoryKind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "name")
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name


class Colour(models.Model):
    """The named colour palette (with hex values) that items are tagged with and photos are matched against."""

    name = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    hex = models.CharField(max_length=7, validators=[RegexValidator(r"^#[0-9a-f]{6}$", "Use #rrggbb.")])
    is_neutral = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name


class Pattern(models.TextChoices):
    SOLID = "solid", "Solid"
    STRIPED = "striped", "Striped"
    CHECKED = "checked", "Checked / plaid"
    FLORAL = "floral", "Floral"
    DOTTED = "dotted", "Polka dot"
    PRINTED = "printed", "Printed / graphic"
    ANIMAL = "animal", "Animal print"
    TEXTURED = "textured", "Textured"
    OTHER = "other", "Other"


class Source(models.TextChoices):
    MANUAL = "manual", "Added by hand"
    IMPORT = "import", "Imported from a file"
    STORE = "store", "From a connected store"


class ItemStatus(models.TextChoices):
    ACTIVE = "active", "In my closet"
    DRAFT = "draft", "Draft (to review)"
    WISHLIST = "wishlist", "Wishlist"
    ARCHIVED = "archived", "Archived"
    DONATED = "donated", "Donated"
    SOLD = "sold", "Sold"


class SeasonFields(models.Model):
    """Which seasons something suits: four flags (filterable on any database) read as a list."""

    season_spring = models.BooleanField(default=False)
    season_summer = models.BooleanField(default=False)
    season_autumn = models.BooleanField(default=False)
    season_winter = models.BooleanField(default=False)

    class Meta:
        abstract = True

    @property
    def seasons(self) -> list[str]:
        return [season for season in SEASONS if getattr(self, f"season_{season}")]

    def seasons_set(self, seasons) -> None:
        """Set the four flags from a list of season names; ValidationError (on ``seasons``) for an unknown one."""
        unknown = set(seasons) - set(SEASONS)
        if unknown:
            raise ValidationError({"seasons": f"Unknown season: {', '.join(sorted(unknown))}."})
        for season in SEASONS:
            setattr(self, f"season_{season}", season in seasons)


def _one_to_five(verbose_name: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose_name, null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


@personal_data(
    category=DataCategory.WARDROBE,
    owner="owner",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="Your tags for garments and outfits.",
)
class Tag(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="closet_tags")
    name = models.CharField(max_length=40)

    class Meta:
        ordering = ("name",)
        constraints = [models.UniqueConstraint(fields=("owner", "name"), name="closet_tag_unique_per_owner")]

    def __str__(self) -> str:
        return self.name


@personal_data(
    category=DataCategory.WARDROBE,
    owner="owner",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="The garments in your closet and what you noted about them: category, colours, size, price, "
    "where they came from, laundry settings.",
)
class Item(SeasonFields):
    """A garment or accessory in someone's closet (or on their wishlist)."""

    # Random ids: a URL or API answer never reveals how many items exist or lets anyone guess the next one.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="closet_items")
    name = models.CharField(max_length=120)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="items")
    subcategory = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="sub_items")
    colours = models.ManyToManyField(Colour, blank=True, related_name="items")
    pattern = models.CharField(max_length=20, choices=Pattern.choices, blank=True)
    material = models.CharField(max_length=80, blank=True)
    brand = models.CharField(max_length=80, blank=True)
    size = models.CharField(max_length=20, blank=True)
    formality = _one_to_five("formality (1 casual – 5 formal)")
    warmth = _one_to_five("warmth (1 light – 5 warm)")
    price = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(
        max_length=3, blank=True, validators=[RegexValidator(r"^[A-Z]{3}$", "A three-letter code such as EUR.")]
    )
    purchase_date = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.ACTIVE)
    # Laundry: how many wears between washes, and when it was last washed. "Wears since wash" and "needs a wash"
    # are counted from the wear log after last_washed_on, never stored.
    wash_interval = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    last_washed_on = models.DateField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="items")
    notes = models.TextField(blank=True, max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=("owner", "status", "-created_at")),
            models.Index(fields=("owner", "category")),
            # The closet list's default order (newest first, the id to break ties: closet.selectors.items),
            # read in index order instead of sorting every item of the owner for each page.
            models.Index(fields=("owner", "-created_at", "id"), name="closet_item_owner_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__isnull=True) | ~Q(currency=""), name="closet_item_price_has_currency"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PhotoStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


@personal_data(
    category=DataCategory.WARDROBE,
    owner="owner",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="Photos of your garments: the picture without any metadata (no location, no camera details), "
    "its thumbnails and its main colours. Never analysed for faces.",
)
class ItemPhoto(models.Model):
    """A photo of an item. Uploads are validated in the request; the rest happens in the background (a job row)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="closet_photos")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="photos")
    # The upload as received, until processing replaces it: private, never served, deleted once processed.
    upload = models.FileField(upload_to=PrivateUploadTo("incoming"), blank=True)
    original = models.FileField(upload_to=PrivateUploadTo("photos"), blank=True)
    thumbnail = models.FileField(upload_to=PrivateUploadTo("thumbnails"), blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    dominant_colours = models.JSONField(default=list, blank=True)
    is_primary = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=PhotoStatus.choices, default=PhotoStatus.PROCESSING)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-is_primary", "created_at")
        constraints = [
            models.UniqueConstraint(
                fields=("item",), condition=Q(is_primary=True), name="closet_photo_one_primary_per_item"
            )
        ]

    def __str__(self) -> str:
        return f"Photo of {self.item}"


@personal_data(
    category=DataCategory.WARDROBE,
    owner="owner",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="Your outfits: which garments, the occasion, seasons, rating, notes and a collage picture.",
)
class Outfit(SeasonFields):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="closet_outfits")
    name = models.CharField(max_length=120)
    items = models.ManyToManyField(Item, through="OutfitItem", related_name="outfits")
    occasion = models.CharField(max_length=80, blank=True)
    rating = _one_to_five("rating")
    favourite = models.BooleanField(default=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="outfits")
    notes = models.TextField(blank=True, max_length=5000)
    collage = models.FileField(upload_to=PrivateUploadTo("collages"), blank=True)
    # Bumped by every change of the items; the collage job renders only if it still matches (idempotent, and a
    # stale job never overwrites a newer collage).
    collage_version = models.PositiveIntegerField(default=0)
    collage_rendered_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=("owner", "-created_at"))]

    def __str__(self) -> str:
        return self.name


@personal_data(
    category=DataCategory.WARDROBE,
    owner="outfit__owner",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="Which garments make up each outfit, in order.",
)
class OutfitItem(models.Model):
    outfit = models.ForeignKey(Outfit, on_delete=models.CASCADE, related_name="outfit_items")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="outfit_items")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position",)
        constraints = [models.UniqueConstraint(fields=("outfit", "item"), name="closet_outfit_item_once")]

    def __str__(self) -> str:
        return f"{self.item} in {self.outfit}"


@personal_data(
    category=DataCategory.WARDROBE,
    owner="owner",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="The wear log: which garment you wore on which day (and in which outfit).",
)
class Wear(models.Model):
    """One garment worn on one day. The only record of wearing: counts, last worn and cost per wear come from here."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="closet_wears")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="wears")
    worn_on = models.DateField()
    outfit = models.ForeignKey(Outfit, null=True, blank=True, on_delete=models.SET_NULL, related_name="wears")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-worn_on", "-created_at")
        constraints = [models.UniqueConstraint(fields=("item", "worn_on"), name="closet_wear_once_per_day")]
        indexes = [models.Index(fields=("owner", "-worn_on")), models.Index(fields=("item", "-worn_on"))]

    def __str__(self) -> str:
        return f"{self.item} on {self.worn_on}"


@personal_data(
    category=DataCategory.WARDROBE,
    owner="owner",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="Outfits you planned for a day, and whether you wore them.",
)
class Plan(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="closet_plans")
    planned_on = models.DateField()
    outfit = models.ForeignKey(Outfit, on_delete=models.CASCADE, related_name="plans")
    note = models.CharField(max_length=200, blank=True)
    worn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("planned_on", "created_at")
        indexes = [models.Index(fields=("owner", "planned_on"))]

    def __str__(self) -> str:
        return f"{self.outfit} on {self.planned_on}"


@personal_data(
    category=DataCategory.WARDROBE,
    owner="owner",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="Trips you pack for: name, destination and dates.",
)
class Trip(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="closet_trips")
    name = models.CharField(max_length=120)
    destination = models.CharField(max_length=120, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    notes = models.TextField(blank=True, max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-starts_on",)
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="closet_trip_dates_in_order")
        ]

    def __str__(self) -> str:
        return self.name


@personal_data(
    category=DataCategory.WARDROBE,
    owner="trip__owner",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="Packing lists: the garments and outfits for each trip and whether they are packed.",
)
class PackingEntry(models.Model):
    """One line of a trip's packing list: a garment or an outfit, ticked off when packed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="packing")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.CASCADE, related_name="packing")
    outfit = models.ForeignKey(Outfit, null=True, blank=True, on_delete=models.CASCADE, related_name="packing")
    quantity = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(99)])
    packed = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position",)
        constraints = [
            models.CheckConstraint(
                condition=(Q(item__isnull=False) & Q(outfit__isnull=True))
                | (Q(item__isnull=True) & Q(outfit__isnull=False)),
                name="closet_packing_item_xor_outfit",
            ),
        ]

    def __str__(self) -> str:
        return str(self.item or self.outfit)


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


@personal_data(
    category=DataCategory.AI,
    owner="owner",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="Outfit-idea requests you started: occasion, date, weather, progress, and a receipt for an "
    "inspiration upload (its size, type and when it was deleted: never its content).",
)
class OutfitJob(models.Model):
    """One request for outfit ideas (jobs are rows): the Celery task only advances it (AI-1)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outfit_jobs")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    error = models.CharField(max_length=300, blank=True)
    occasion = models.CharField(max_length=120, blank=True)
    for_date = models.DateField(null=True, blank=True)
    temperature_c = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    season = models.CharField(max_length=10, blank=True, choices=[(s, s.capitalize()) for s in SEASONS])
    count = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1), MaxValueValidator(10)])
    # The inspiration (AI uploads consent): deleted as soon as the job ends, whatever the outcome (AI-2, RET-5).
    inspiration_upload = models.FileField(upload_to=PrivateUploadTo("ai-uploads"), blank=True)
    inspiration_text = models.CharField(max_length=500, blank=True)
    # The receipt that remains: what was uploaded and when it was deleted, never the content.
    upload_size = models.PositiveIntegerField(null=True, blank=True)
    upload_type = models.CharField(max_length=40, blank=True)
    upload_deleted_at = models.DateTimeField(null=True, blank=True)
    missing = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=("owner", "-created_at")), models.Index(fields=("status", "created_at"))]

    def __str__(self) -> str:
        return f"Outfit ideas ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class SuggestionState(models.TextChoices):
    NEW = "new", "New"
    SAVED = "saved", "Saved as an outfit"
    WORN = "worn", "Worn"
    DISMISSED = "dismissed", "Dismissed"


@personal_data(
    category=DataCategory.AI,
    owner="owner",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="Outfit ideas suggested to you, why, and what you did with them (saved, wore, dismissed, liked).",
)
class Suggestion(models.Model):
    """One outfit idea: a suggestion, never a decision (AI-5); the person saves, wears or dismisses it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestions")
    job = models.ForeignKey(OutfitJob, on_delete=models.CASCADE, related_name="suggestions")
    items = models.ManyToManyField(Item, related_name="suggestions")
    item_order = models.JSONField(default=list)  # the ids in display order (outer layer first)
    rationale = models.JSONField(default=list)
    harmony = models.CharField(max_length=20, blank=True)
    score = models.FloatField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=10, choices=SuggestionState.choices, default=SuggestionState.NEW)
    liked = models.BooleanField(null=True, blank=True)
    outfit = models.ForeignKey(Outfit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("job", "position")

    def __str__(self) -> str:
        return f"Idea {self.position + 1} of {self.job}"

    @property
    def ordered_items(self) -> list[Item]:
        """The suggested garments in the engine's order (outer layer first), from the prefetched items."""
        by_id = {str(item.pk): item for item in self.items.all()}
        return [by_id[item_id] for item_id in self.item_order if item_id in by_id]


@personal_data(
    category=DataCategory.AI,
    owner="owner",
    retention=Retention.account_lifetime(),
    export=Export.rows(),
    erasure=Erasure.delete(),
    description="Pairs of your garments you told us go (or don't go) together, used only for your own ideas.",
)
class PairFeedback(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pair_feedback")
    item_a = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    item_b = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    liked = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("owner", "item_a", "item_b"), name="closet_pair_once")]

    def __str__(self) -> str:
        return f"{self.item_a} + {self.item_b}: {'like' if self.liked else 'dislike'}"
