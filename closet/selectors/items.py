from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Func,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from closet.models import Category, Colour, Item, ItemPhoto, PhotoStatus, Tag, Wear


def item_list(*, user) -> QuerySet[Item]:
    """All of the user's items, any status. Every closet read starts here."""
    return Item.objects.filter(owner=user)


def item_get(*, user, pk) -> Item:
    """One of the user's items, with what its page shows; Item.DoesNotExist for anyone else's (a 404)."""
    return items_with_wear_stats(item_list(user=user)).get(pk=pk)


class _CostPerWear(Func):
    """``price / wears`` as a decimal on every database.

    SQLite stores a whole-number price (120.00) as an INTEGER and would divide it by 25 wears into 4, not 4.80;
    there the price is divided as REAL, and the DecimalField converter rounds the result to cents. PostgreSQL
    divides numerics exactly.
    """

    arg_joiner = " / "
    template = "(%(expressions)s)"
    output_field = DecimalField(max_digits=12, decimal_places=2)

    def as_sqlite(self, compiler, connection, **extra_context):
        price, wears = (compiler.compile(expression) for expression in self.get_source_expressions())
        return f"(CAST({price[0]} AS REAL) / {wears[0]})", (*price[1], *wears[1])


def _wear_subquery(wears: QuerySet[Wear], aggregate) -> Subquery:
    return Subquery(wears.order_by().values("item").annotate(value=aggregate).values("value"))


# Built once: every list and page annotates with these (annotate() resolves a copy, the originals stay as is).
_WEARS = Wear.objects.filter(item=OuterRef("pk"))
_WEAR_COUNT = Coalesce(_wear_subquery(_WEARS, Count("pk")), Value(0))
_LAST_WORN_ON = _wear_subquery(_WEARS, Max("worn_on"))
_WEARS_SINCE_WASH = Case(
    When(last_washed_on__isnull=True, then=F("wear_count")),
    default=Coalesce(_wear_subquery(_WEARS.filter(worn_on__gt=OuterRef("last_washed_on")), Count("pk")), Value(0)),
)
# Guarded: PostgreSQL raises on division by zero, and an unworn item has no cost per wear yet.
_COST_PER_WEAR = Case(
    When(wear_count__gt=0, then=_CostPerWear(F("price"), F("wear_count"))),
    default=None,
    output_field=DecimalField(max_digits=12, decimal_places=2),
)


def items_with_wear_stats(queryset: QuerySet[Item]) -> QuerySet[Item]:
    """Items with everything a list or a card shows, computed from the wear log, in a fixed number of queries:

    ``wear_count``, ``last_worn_on``, ``cost_per_wear`` (price / wears, None when either is missing),
    ``wears_since_wash`` (wears after ``last_washed_on``), and the primary photo as ``primary_photos`` (a list of
    at most one), plus category, subcategory, colours and tags.

    The wear numbers are correlated subqueries, not a JOIN with GROUP BY: the database computes them only for
    the rows it returns (a page), ``count()`` leaves them out, and no filter on a related table can multiply
    the rows they count.
    """
    if not queryset.query.order_by:
        # A stable order for pages: the newest first, the id to break ties.
        queryset = queryset.order_by("-created_at", "pk")
    return (
        queryset.select_related("category", "subcategory")
        .prefetch_related(
            "colours",
            "tags",
            Prefetch(
                "photos",
                queryset=ItemPhoto.objects.filter(is_primary=True, status=PhotoStatus.READY),
                to_attr="primary_photos",
            ),
        )
        .annotate(wear_count=_WEAR_COUNT, last_worn_on=_LAST_WORN_ON)
        .annotate(wears_since_wash=_WEARS_SINCE_WASH, cost_per_wear=_COST_PER_WEAR)
    )


def items_sortable(queryset: QuerySet[Item], *, ordering: str = "") -> QuerySet[Item]:
    """The items a list filters, sorts and pages on ids, with only the wear numbers its sort needs.

    ``ordering`` is the list's raw sort parameter (closet/filters.py, e.g. ``-wear_count,name``): a sort by wear
    count, last worn or cost per wear needs that annotation; any other list needs none, and the page's rows
    carry the numbers (:func:`item_rows_in_order`). Building the subquery expressions costs more than the
    database's work on an index-ordered list. Unsorted, the newest come first, the id breaking ties.
    """
    if "wear_count" in ordering or "cost_per_wear" in ordering:
        queryset = queryset.annotate(wear_count=_WEAR_COUNT)
    if "last_worn_on" in ordering:
        queryset = queryset.annotate(last_worn_on=_LAST_WORN_ON)
    if "cost_per_wear" in ordering:
        queryset = queryset.annotate(cost_per_wear=_COST_PER_WEAR)
    if not queryset.query.order_by:
        queryset = queryset.order_by("-created_at", "pk")
    return queryset


# The item columns a list row carries, read with values(): no model instances on the list's hot path.
ITEM_ROW_FIELDS = (
    "id", "name", "pattern", "material", "brand", "size",
    "season_spring", "season_summer", "season_autumn", "season_winter", "formality", "warmth", "price",
    "currency", "purchase_date", "source", "status", "wash_interval", "last_washed_on", "notes",
    "created_at", "updated_at",
)  # fmt: skip
_PRIMARY_THUMBNAIL = Subquery(
    ItemPhoto.objects.filter(item=OuterRef("pk"), is_primary=True, status=PhotoStatus.READY)
    .order_by()
    .values("thumbnail")[:1]
)
# Wears since the last wash, only for items washed at least once (the others: every wear, known from the count).
_WEARS_SINCE_LAST_WASH = Case(
    When(last_washed_on__isnull=True, then=Value(None)),
    default=Coalesce(_wear_subquery(_WEARS.filter(worn_on__gt=OuterRef("last_washed_on")), Count("pk")), Value(0)),
)
_CENTS = Decimal("0.01")


def item_cost_per_wear(price: Decimal | None, wear_count: int) -> Decimal | None:
    """Price / wears to the cent, None when either is missing: what ``cost_per_wear`` of
    :func:`items_with_wear_stats` gives, computed in Python from numbers a row already holds.

    The database's value is rounded to cents half to even (DecimalField's converter on SQLite, the API's
    DecimalField on PostgreSQL), and so is this one: ``tests/closet/test_list_cache.py`` compares both on prices
    that end on a half cent.
    """
    if price is None or not wear_count:
        return None
    return (price / wear_count).quantize(_CENTS, rounding=ROUND_HALF_EVEN)


def item_rows_in_order(*, user, pks: Sequence[uuid.UUID], with_tags: bool = True) -> list[dict]:
    """One page of a list as plain dictionaries, in the order of ``pks``, in three queries whatever the page size
    (two ``with_tags=False``: ``tag_names`` stays empty).

    Lists sort, filter and page on ids alone (:func:`items_sortable`), then load the page's rows here: the cost
    of a page does not grow with the size of the closet. The same numbers as :func:`items_with_wear_stats`, read
    from the wear log, without model instances or per-row querysets, which cost most of a page's time.

    Each row holds the item's columns (``ITEM_ROW_FIELDS``), ``category_slug``, ``category_name``,
    ``category_kind``, ``subcategory_slug`` and ``subcategory_name`` (or None), ``colours`` (``(slug, name, hex)``
    in palette order), ``colour_slugs``, ``tag_names`` (sorted), ``thumbnail`` (the ready primary photo's thumbnail
    file name, or "") and the wear numbers ``wear_count``, ``last_worn_on``, ``wears_since_wash`` and
    ``cost_per_wear``.

    Each wear number is counted once per row: the count and the last wear by one subquery each, the wears since
    the last wash only for items washed at least once, the cost per wear in Python (:func:`item_cost_per_wear`).
    """
    pks = list(pks)
    if not pks:
        return []
    rows = (
        # Filtered on the ids alone and scoped to the owner below: with "owner_id = ? AND id IN (...)" SQLite's
        # planner (no table statistics) walks the owner's whole index, every item of a big closet, instead of
        # looking up the page's primary keys.
        Item.objects.filter(pk__in=pks)
        .order_by()
        .annotate(
            wear_count=_WEAR_COUNT,
            last_worn_on=_LAST_WORN_ON,
            thumbnail=_PRIMARY_THUMBNAIL,
            wears_since_last_wash=_WEARS_SINCE_LAST_WASH,
        )
        .values(
            *ITEM_ROW_FIELDS,
            "owner_id",
            "wear_count",
            "last_worn_on",
            "thumbnail",
            "wears_since_last_wash",
            category_slug=F("category__slug"),
            category_name=F("category__name"),
            category_kind=F("category__kind"),
            subcategory_slug=F("subcategory__slug"),
            subcategory_name=F("subcategory__name"),
        )
    )
    found = {}
    for row in rows:
        if row.pop("owner_id") != user.pk:  # someone else's id: as if it did not exist
            continue
        since_wash = row.pop("wears_since_last_wash")
        row["wears_since_wash"] = row["wear_count"] if since_wash is None else since_wash
        row["cost_per_wear"] = item_cost_per_wear(row["price"], row["wear_count"])
        row["thumbnail"] = row["thumbnail"] or ""
        row["colours"], row["colour_slugs"], row["tag_names"] = [], [], []
        found[row["id"]] = row
    ids = list(found)
    if ids:
        # Palette order, as Colour's Meta.ordering gives the detail view; tags by name, as Tag's does.
        colours = Item.colours.through.objects.filter(item_id__in=ids).order_by("colour__position", "colour__name")
        for item_id, slug, name, hex_ in colours.values_list("item_id", "colour__slug", "colour__name", "colour__hex"):
            found[item_id]["colours"].append((slug, name, hex_))
            found[item_id]["colour_slugs"].append(slug)
        tags = Item.tags.through.objects.filter(item_id__in=ids).order_by("tag__name")
        for item_id, name in tags.values_list("item_id", "tag__name") if with_tags else ():
            found[item_id]["tag_names"].append(name)
    return [found[pk] for pk in pks if pk in found]


def item_row_needs_wash(row: dict) -> bool:
    """:func:`item_needs_wash` for a row of :func:`item_rows_in_order`."""
    return bool(row["wash_interval"]) and (row["wears_since_wash"] or 0) >= row["wash_interval"]


def item_needs_wash(item: Item) -> bool:
    """Needs a wash when it has been worn ``wash_interval`` times since it was last washed."""
    return bool(item.wash_interval) and getattr(item, "wears_since_wash", 0) >= item.wash_interval


def category_list() -> QuerySet[Category]:
    """The shared taxonomy (not personal data): main categories with their subcategories."""
    return Category.objects.filter(parent__isnull=True).prefetch_related("children")


def colour_list() -> QuerySet[Colour]:
    return Colour.objects.all()


def tag_list(*, user) -> QuerySet[Tag]:
    return Tag.objects.filter(owner=user)
