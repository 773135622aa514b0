"""The person's own security log (Settings → Security log) and the staff usage dashboard (aggregates only)."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from closet.charts import Bar, Column, bar_chart, column_chart
from security.selectors import (
    security_events_of,
    usage_active_users_per_week,
    usage_events_per_day,
    usage_top_views,
)

SECURITY_LOG_PAGE_SIZE = 50
DASHBOARD_PERIODS = (30, 90)
DASHBOARD_WEEKS = 12


@login_required
def security_log(request: HttpRequest) -> HttpResponse:
    page = Paginator(security_events_of(user=request.user), SECURITY_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "security/settings_security_log.html",
        {"page_obj": page, "events": page.object_list, "is_paginated": page.has_other_pages(), "tab": "security"},
    )


def _day_columns(days) -> list[Column]:
    """One column per day; a short day-of-month label every few days, counted back from today."""
    step = 5 if len(days) <= 31 else 14
    return [
        Column(
            label=str(d.day) if (len(days) - 1 - index) % step == 0 else "",
            long_label=d.day.strftime("%-d %b %Y"),
            value=d.count,
        )
        for index, d in enumerate(days)
    ]


@staff_member_required
@permission_required("privacy.view_usageevent", raise_exception=True)
def usage_dashboard(request: HttpRequest) -> HttpResponse:
    """Page views per day, the most opened pages and distinct active people per week: counts only, no row about
    anyone, so staff learn how the app is used without watching a person (CON-3 analytics, RET-2)."""
    try:
        days = int(request.GET.get("days", DASHBOARD_PERIODS[0]))
    except ValueError:
        days = DASHBOARD_PERIODS[0]
    if days not in DASHBOARD_PERIODS:
        days = DASHBOARD_PERIODS[0]
    per_day = usage_events_per_day(days=days)
    top = usage_top_views(days=days)
    weekly = usage_active_users_per_week(weeks=DASHBOARD_WEEKS)
    context = {
        "days": days,
        "periods": DASHBOARD_PERIODS,
        "total": sum(d.count for d in per_day),
        "per_day_chart": column_chart(
            _day_columns(per_day), chart_id="usage-per-day", title=f"Page views per day, last {days} days", unit="views"
        ),
        "top_views": top,
        "top_chart": bar_chart(
            [Bar(label=name, value=n, display=f"{n} view{'s' if n != 1 else ''}") for name, n in top],
            chart_id="usage-top-views",
            title=f"Most opened pages, last {days} days",
        ),
        "weekly": weekly,
        "weekly_chart": column_chart(
            [
                Column(label=w.day.strftime("%-d %b"), long_label=w.day.strftime("Week of %-d %b %Y"), value=w.count)
                for w in weekly
            ],
            chart_id="usage-active-weekly",
            title=f"Distinct signed-in people per week, last {DASHBOARD_WEEKS} weeks",
            unit="people",
        ),
    }
    return render(request, "security/usage_dashboard.html", context)
