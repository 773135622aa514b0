"""/stats/: the closet in numbers and server-drawn SVG charts (closet/charts.py), from closet.selectors.stats."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.views.generic import TemplateView

from closet import charts
from closet.models import ItemStatus
from closet.selectors.stats import PERIODS, ClosetStats, closet_stats

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}


def format_money(amount: Decimal | None, currency: str) -> str:
    """ "€3,210", "€12.50", "1,200 SEK": whole amounts without cents, a symbol where one is unambiguous."""
    if amount is None:
        return ""
    number = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{number} {currency}".strip()


def _closet_url(**params: str) -> str:
    """The closet list filtered to what a number counts (active items, as the stats are)."""
    return f"{reverse('closet:item-list')}?{urlencode({'status': ItemStatus.ACTIVE, **params})}"


def _wear_columns(stats: ClosetStats) -> list[charts.Column]:
    columns = []
    for period in stats.wears_over_time:
        if stats.wear_period == "week":
            label = f"{period.start.day} {period.start:%b}"
            long_label = f"Week of {period.start.day} {period.start:%b %Y}"
        else:
            label = f"{period.start:%b}"
            long_label = f"{period.start:%B %Y}"
        columns.append(charts.Column(label=label, long_label=long_label, value=period.count))
    return columns


class StatsView(LoginRequiredMixin, TemplateView):
    template_name = "closet/stats.html"

    def get(self, request, *args, **kwargs):
        period = request.GET.get("period") or "week"
        self.period_error = ""
        if period not in PERIODS:
            self.period_error = "Wears over time can be shown per week or per month: showing weeks."
            period = "week"
        self.period = period
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=400 if self.period_error else 200)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stats = closet_stats(user=self.request.user, period=self.period)
        context.update(stats=stats, period=self.period, period_error=self.period_error)
        if not stats.item_count:
            return context

        def priced(items, attribute):
            return [(item, format_money(getattr(item, attribute), item.currency)) for item in items]

        context.update(
            total_value=" + ".join(format_money(total.amount, total.currency) for total in stats.total_value),
            worn_percent=round(stats.worn_recently_percent or 0),
            not_worn_url=_closet_url(not_worn_since=stats.recent_since.isoformat()),
            best_cost=priced(stats.best_cost_per_wear, "cost_per_wear"),
            worst_cost=priced(stats.worst_cost_per_wear, "cost_per_wear"),
            unworn_priced=priced(stats.unworn_with_price, "price"),
            categories=[
                (category, min(index, charts.PALETTE_SIZE - 1) + 1, _closet_url(category=category.slug))
                for index, category in enumerate(stats.categories)
            ],
            category_chart=charts.donut_chart(
                [charts.Segment(label=c.name, value=c.count) for c in stats.categories],
                chart_id="chart-categories",
                title="Items per category",
            ),
            colour_chart=charts.swatch_bars(
                [
                    charts.Bar(label=c.name, value=c.count, display=f"{c.count} ({round(c.percent)}%)", hex=c.hex)
                    for c in stats.colours
                ],
                chart_id="chart-colours",
                title="Items per colour",
            ),
            most_worn_chart=charts.bar_chart(
                [
                    charts.Bar(label=item.name, value=item.wear_count, display=f"{item.wear_count}×")
                    for item in stats.most_worn
                ],
                chart_id="chart-most-worn",
                title="Your most worn items, with their number of wears",
                empty_text="Log what you wear and your favourites show up here.",
            ),
            wears_chart=charts.column_chart(
                _wear_columns(stats),
                chart_id="chart-wears",
                title=f"Wears per {stats.wear_period}, the last {len(stats.wears_over_time)} {stats.wear_period}s",
            ),
        )
        return context
