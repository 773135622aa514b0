"""GET /api/v1/stats/: what the signed-in person's closet costs, what they wear and what they never wear."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from closet.selectors.stats import PERIOD_COUNT, PERIODS, closet_stats


class StatsQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=PERIODS, default="week", required=False)


class StatsItemSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    category = serializers.CharField(source="category.slug", help_text="Main category slug.")
    subcategory = serializers.CharField(source="subcategory.slug", allow_null=True)
    wear_count = serializers.IntegerField()
    last_worn_on = serializers.DateField(allow_null=True)
    price = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    currency = serializers.CharField(help_text="Three letters, empty when no price is set.")
    cost_per_wear = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, help_text="Price divided by wears; null without both."
    )


class MoneyTotalSerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    item_count = serializers.IntegerField(help_text="Items with a price in this currency.")


class CostPerWearSerializer(serializers.Serializer):
    best = StatsItemSerializer(
        many=True,
        source="best_cost_per_wear",
        help_text="Lowest cost per wear first (priced items worn at least once).",
    )
    worst = StatsItemSerializer(many=True, source="worst_cost_per_wear", help_text="Highest cost per wear first.")
    unworn_with_price = StatsItemSerializer(many=True, help_text="Never worn, dearest first (at most 50).")
    unworn_with_price_count = serializers.IntegerField()


class WornRecentlySerializer(serializers.Serializer):
    days = serializers.IntegerField(source="recent_days")
    since = serializers.DateField(source="recent_since", help_text="The first day of the window (today is the last).")
    count = serializers.IntegerField(source="worn_recently_count", help_text="Active items worn in the window.")
    percent = serializers.FloatField(
        source="worn_recently_percent", allow_null=True, help_text="Share of active items; null for an empty closet."
    )


class NotWornRecentlySerializer(serializers.Serializer):
    days = serializers.IntegerField(source="recent_days")
    since = serializers.DateField(
        source="recent_since", help_text="Not worn on or after this day; never-worn items included."
    )
    count = serializers.IntegerField(source="not_worn_recently_count")
    items = StatsItemSerializer(
        many=True, source="not_worn_recently", help_text="Never worn first, then the longest unworn (at most 50)."
    )


class CategoryCountSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.FloatField(help_text="Of the active items.")


class ColourCountSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    hex = serializers.CharField()
    is_neutral = serializers.BooleanField()
    count = serializers.IntegerField(help_text="Items with this colour (an item with two colours counts in both).")
    percent = serializers.FloatField(help_text="Of the active items.")


class WearPeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="Inclusive.")
    count = serializers.IntegerField()


class WearsOverTimeSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=PERIODS, source="wear_period")
    total = serializers.IntegerField(source="wear_total")
    periods = WearPeriodSerializer(
        many=True,
        source="wears_over_time",
        help_text=f"The last {PERIOD_COUNT} calendar weeks (Monday to Sunday) or months, oldest first, the current "
        "one included, zeros included.",
    )


class ClosetStatsSerializer(serializers.Serializer):
    """From ``closet.selectors.stats.ClosetStats``. Every number covers the active items only."""

    today = serializers.DateField()
    item_count = serializers.IntegerField()
    total_value = MoneyTotalSerializer(many=True, help_text="Sum of prices, one entry per currency, largest first.")
    cost_per_wear = CostPerWearSerializer(source="*")
    most_worn = StatsItemSerializer(many=True, help_text="Most wears first (items worn at least once).")
    least_worn = StatsItemSerializer(many=True, help_text="Fewest wears first, never worn included.")
    worn_recently = WornRecentlySerializer(source="*")
    not_worn_recently = NotWornRecentlySerializer(source="*")
    categories = CategoryCountSerializer(many=True, help_text="Per main category, most items first.")
    colours = ColourCountSerializer(many=True, help_text="Per colour, most items first.")
    wears_over_time = WearsOverTimeSerializer(source="*")


class StatsView(GenericAPIView):
    """Numbers about the signed-in person's closet (active items only), all computed from the wear log."""

    permission_classes = [IsAuthenticated]
    serializer_class = ClosetStatsSerializer
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period",
                str,
                enum=list(PERIODS),
                description="Wears over time per week (the last 12 weeks, default) or per month (the last 12 months).",
            )
        ],
        responses=ClosetStatsSerializer,
    )
    def get(self, request: Request) -> Response:
        query = StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        stats = closet_stats(user=request.user, period=query.validated_data["period"])
        return Response(self.get_serializer(stats).data)
