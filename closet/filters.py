"""Search, filter and sort for the closet: one FilterSet serves the API (``/api/v1/items/``) and the HTML list
(``/closet/``), so both accept the same parameters and refuse the same bad input.

It filters a queryset that already went through ``closet.selectors.items.items_with_wear_stats`` (sorting by
wear count, last worn or cost per wear needs those annotations), and every filter on a related table is an
``EXISTS`` subquery rather than a join, so no filter can multiply rows under the wear-count aggregate or change
the number of queries a page needs.
"""

from __future__ import annotations

import datetime

import django_filters
import django_filters.fields
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from closet.models import SEASONS, Category, Colour, Item, ItemStatus, Tag, Wear
from closet.selectors.items import category_list, colour_list, tag_list
from closet.selectors.stats import RECENT_DAYS, recent_since

SEARCH_MAX_WORDS = 8

# How the filter bar names each parameter in its error messages.
FIELD_LABELS = {
    "q": "Search",
    "category": "Category",
    "colour": "Colour",
    "season": "Season",
    "tag": "Tag",
    "status": "Status",
    "not_worn_since": "Not worn since",
    "ordering": "Sort",
}

SEASON_CHOICES = [(season, season.capitalize()) for season in SEASONS]

# (parameter, model field or annotation). Parameters are what clients send: ``ordering=-wear_count``.
ORDERING_FIELDS = (
    ("created_at", "created_at"),
    ("name", "name"),
    ("wear_count", "wear_count"),
    ("last_worn_on", "last_worn_on"),
    ("cost_per_wear", "cost_per_wear"),
    ("price", "price"),
)
# Items without a value (never worn, no price) come last whichever the direction: a sort by cost per wear
# shows real numbers first, not a page of blanks.
NULLABLE_ORDERING = frozenset({"last_worn_on", "cost_per_wear", "price"})

ORDERING_CHOICES = [
    ("-created_at", "Newest first"),
    ("created_at", "Oldest first"),
    ("name", "Name (A–Z)"),
    ("-name", "Name (Z–A)"),
    ("-wear_count", "Most worn"),
    ("wear_count", "Least worn"),
    ("-last_worn_on", "Recently worn"),
    ("last_worn_on", "Worn longest ago"),
    ("cost_per_wear", "Cost per wear (low to high)"),
    ("-cost_per_wear", "Cost per wear (high to low)"),
    ("-price", "Price (high to low)"),
    ("price", "Price (low to high)"),
]


def _user_tags(request) -> QuerySet[Tag]:
    """Only the signed-in person's own tags are valid choices (another person's tag name is simply unknown)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Tag.objects.none()
    return tag_list(user=user)


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """django-filter's ordering with NULLs last for nullable fields and a stable tie-break for pagination."""

    def get_ordering_value(self, param: str):
        descending = param.startswith("-")
        name = self.param_map.get(param.lstrip("-"), param.lstrip("-"))
        if name in NULLABLE_ORDERING:
            expression = F(name)
            return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
        return f"-{name}" if descending else name

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value if param]
        return qs.order_by(*ordering, "-created_at", "pk")


class _BlankTolerantMultipleChoiceField(django_filters.fields.MultipleChoiceField):
    """``status=`` (what a form's "any" option sends) means no choice, not an invalid one."""

    def to_python(self, value):
        return [choice for choice in super().to_python(value) if choice != ""]


class BlankTolerantMultipleChoiceFilter(django_filters.MultipleChoiceFilter):
    field_class = _BlankTolerantMultipleChoiceField


class ItemFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_text",
        max_length=100,
        label="Search",
        help_text="Words to find in the name, brand, notes, material or tags (every word must match).",
    )
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(),
        to_field_name="slug",
        method="filter_category",
        help_text="A category slug, main (`tops`) or sub (`t-shirts`).",
    )
    colour = django_filters.ModelChoiceFilter(
        queryset=Colour.objects.all(), to_field_name="slug", method="filter_colour", help_text="A colour slug."
    )
    season = django_filters.ChoiceFilter(choices=SEASON_CHOICES, method="filter_season")
    tag = django_filters.ModelChoiceFilter(
        queryset=_user_tags, to_field_name="name", method="filter_tag", help_text="One of your tags, by name."
    )
    status = BlankTolerantMultipleChoiceFilter(
        choices=ItemStatus.choices,
        distinct=False,  # a column of the item itself: no join, so no duplicates to remove
        help_text="Repeat for several (`status=active&status=wishlist`). The API returns every status by default; "
        "the closet page leaves drafts out unless asked.",
    )
    not_worn_since = django_filters.DateFilter(
        method="filter_not_worn_since",
        help_text="YYYY-MM-DD: items not worn on or after this day, including items never worn.",
    )
    ordering = NullsLastOrderingFilter(
        fields=ORDERING_FIELDS,
        choices=ORDERING_CHOICES,
        help_text="One of the sort keys, `-` for descending; several separated by commas. Items without a "
        "value (never worn, no price) come last. Default: newest first.",
    )

    class Meta:
        model = Item
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Item], name: str, value: str) -> QuerySet[Item]:
        for word in value.split()[:SEARCH_MAX_WORDS]:
            tagged = Item.tags.through.objects.filter(item_id=OuterRef("pk"), tag__name__icontains=word)
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(brand__icontains=word)
                | Q(notes__icontains=word)
                | Q(material__icontains=word)
                | Q(Exists(tagged))
            )
        return queryset

    def filter_category(self, queryset: QuerySet[Item], name: str, value: Category) -> QuerySet[Item]:
        return queryset.filter(Q(category=value) | Q(subcategory=value))

    def filter_colour(self, queryset: QuerySet[Item], name: str, value: Colour) -> QuerySet[Item]:
        return queryset.filter(Exists(Item.colours.through.objects.filter(item_id=OuterRef("pk"), colour=value)))

    def filter_season(self, queryset: QuerySet[Item], name: str, value: str) -> QuerySet[Item]:
        return queryset.filter(**{f"season_{value}": True})

    def filter_tag(self, queryset: QuerySet[Item], name: str, value: Tag) -> QuerySet[Item]:
        return queryset.filter(Exists(Item.tags.through.objects.filter(item_id=OuterRef("pk"), tag=value)))

    def filter_not_worn_since(self, queryset: QuerySet[Item], name: str, value: datetime.date) -> QuerySet[Item]:
        # "Last wear before the date, or never worn" is "no wear on or after the date".
        return queryset.filter(~Exists(Wear.objects.filter(item=OuterRef("pk"), worn_on__gte=value)))


def _sent(data, name: str) -> list[str]:
    values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name, "")]
    return [value for value in values if value]


def item_filter_context(filterset: ItemFilterSet, *, user, today: datetime.date) -> dict:
    """What ``templates/closet/_item_filters.html`` needs to draw the filter bar for the current request."""
    data = filterset.data
    # The "Not worn in 90+ days" toggle is just ``not_worn_since`` with the stats page's window.
    quick_since = recent_since(today).isoformat()
    values = {name: data.get(name, "") for name in ("q", "category", "colour", "season", "tag", "ordering")}
    values["status"] = data.get("status", "")
    values["not_worn_since"] = data.get("not_worn_since", "")
    errors = filterset.form.errors if filterset.is_bound else {}
    return {
        "values": values,
        "categories": category_list(),
        "colours": colour_list(),
        "tags": tag_list(user=user),
        "seasons": SEASON_CHOICES,
        "statuses": ItemStatus.choices,
        "orderings": ORDERING_CHOICES,
        "quick_since": quick_since,
        "quick_days": RECENT_DAYS,
        "error_fields": set(errors),
        # (label, what was sent, messages): the bar shows the value it could not use next to the reason.
        "errors": [
            (FIELD_LABELS.get(name, name), ", ".join(_sent(data, name)), messages) for name, messages in errors.items()
        ],
        "active": any(
            values[name] for name in ("q", "category", "colour", "season", "tag", "status", "not_worn_since")
        ),
    }
