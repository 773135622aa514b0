"""The plan calendar (week and month), planning an outfit for a day, "wore it", and trips with packing lists."""

from __future__ import annotations

import contextlib
import datetime
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.generic import DeleteView, DetailView, FormView, ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin

from closet.models import Item, Outfit, PackingEntry, Plan, Trip
from closet.selectors.items import item_list
from closet.selectors.outfits import outfit_list
from closet.selectors.plans import (
    month_weeks,
    packing_choices,
    packing_list,
    packing_progress,
    plan_calendar,
    plan_list,
    trip_list,
    trip_packing_list,
    week_first_day,
)
from closet.selectors.wears import user_today
from closet.services.plans import (
    packing_entry_create,
    packing_entry_delete,
    packing_entry_update,
    plan_create,
    plan_delete,
    plan_wear_log,
    trip_create,
    trip_delete,
    trip_update,
)
from closet.views.wears import refusal_message, wear_log_message
from core.views import OwnerScopedObjectMixin, OwnerScopedPostView, form_add_service_errors, next_or

WEEK_PARAM = re.compile(r"^(\d{4})-W(\d{2})$")
MONTH_PARAM = re.compile(r"^(\d{4})-(\d{2})$")
# The calendar's reach: wide enough for anyone's plans, narrow enough that no link runs off the end of time.
FIRST_YEAR, LAST_YEAR = 1900, 2999
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def week_param(day: datetime.date) -> str:
    """``2026-W48``: the ISO week containing ``day``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _week_of(value: str | None) -> datetime.date | None:
    match = WEEK_PARAM.match(value or "")
    if not match or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        return None
    try:
        return week_first_day(int(match[1]), int(match[2]))
    except ValueError:  # a week 53 in a year that has 52, week 00...
        return None


def _month_of(value: str | None) -> tuple[int, int] | None:
    match = MONTH_PARAM.match(value or "")
    if not match or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR or not 1 <= int(match[2]) <= 12:
        return None
    return int(match[1]), int(match[2])


def _in_reach(day: datetime.date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def week_url(day: datetime.date) -> str:
    return f"{reverse('closet:plan-week')}?week={week_param(day)}"


def _day_label(day: datetime.date) -> str:
    return date_format(day, "l j F Y")


class PlanForm(forms.Form):
    outfit = forms.ModelChoiceField(
        queryset=Outfit.objects.none(), error_messages={"invalid_choice": "Unknown outfit."}
    )
    planned_on = forms.DateField(label="Day", widget=DATE_INPUT)
    note = forms.CharField(max_length=200, required=False, help_text="Optional: dinner at Sara's, big meeting…")

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outfit"].queryset = outfit_list(user=user).order_by("name")


class CalendarMixin(LoginRequiredMixin):
    """What both calendar views show: the add-a-plan form and the user's today."""

    def calendar_context(self, *, first, last, today: datetime.date, period=None) -> dict:
        return {
            "days": plan_calendar(user=self.request.user, first=first, last=last, today=today, period=period),
            "today": today,
            "weekdays": WEEKDAYS,
            "plan_form": PlanForm(
                user=self.request.user, initial={"planned_on": today if first <= today <= last else first}
            ),
            "this_week_url": week_url(today),
            "this_month_url": f"{reverse('closet:plan-month')}?month={today:%Y-%m}",
        }

    def bad_parameter(self, what: str) -> None:
        messages.warning(self.request, f"That {what} is not in the calendar, so here is this {what}.")


class PlanWeekView(CalendarMixin, TemplateView):
    """/plan/?week=2026-W48: the seven days of an ISO week (default: this week) with the outfits planned."""

    template_name = "closet/plan_week.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        today = user_today(user=self.request.user)
        requested = self.request.GET.get("week")
        monday = _week_of(requested)
        if monday is None:
            if requested:
                self.bad_parameter("week")
            monday = today - datetime.timedelta(days=today.weekday())
        sunday = monday + datetime.timedelta(days=6)
        previous, following = monday - datetime.timedelta(days=7), monday + datetime.timedelta(days=7)
        year, week, _ = monday.isocalendar()
        context.update(self.calendar_context(first=monday, last=sunday, today=today))
        context.update(
            {
                "week": week,
                "week_year": year,
                "first": monday,
                "last": sunday,
                "previous_url": week_url(previous) if _in_reach(previous) else None,
                "next_url": week_url(following) if _in_reach(following) else None,
                "month_url": f"{reverse('closet:plan-month')}?month={monday:%Y-%m}",
            }
        )
        return context


class PlanMonthView(CalendarMixin, TemplateView):
    """/plan/month/?month=2026-11: a month as whole Monday-to-Sunday weeks (default: this month)."""

    template_name = "closet/plan_month.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        today = user_today(user=self.request.user)
        requested = self.request.GET.get("month")
        month = _month_of(requested)
        if month is None:
            if requested:
                self.bad_parameter("month")
            month = today.year, today.month
        year, number = month
        first_of_month = datetime.date(year, number, 1)
        last_of_month = (first_of_month + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1)
        first, last = month_weeks(year, number)
        previous = (first_of_month - datetime.timedelta(days=1)).replace(day=1)
        following = last_of_month + datetime.timedelta(days=1)
        context.update(
            self.calendar_context(first=first, last=last, today=today, period=(first_of_month, last_of_month))
        )
        days = context["days"]
        context.update(
            {
                "month_start": first_of_month,
                "weeks": [days[index : index + 7] for index in range(0, len(days), 7)],
                "previous_url": f"?month={previous:%Y-%m}" if _in_reach(previous) else None,
                "next_url": f"?month={following:%Y-%m}" if _in_reach(following) else None,
                "week_url": week_url(first_of_month),
            }
        )
        return context


class PlanCreateView(LoginRequiredMixin, FormView):
    """Plan an outfit for a day. GET ?date=2026-11-27&outfit=<id> fills the form in."""

    form_class = PlanForm
    template_name = "closet/plan_form.html"

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self) -> dict:
        initial = {"planned_on": user_today(user=self.request.user)}
        with contextlib.suppress(ValueError):  # no date, or not one: today
            initial["planned_on"] = datetime.date.fromisoformat(self.request.GET.get("date", ""))
        if self.request.GET.get("outfit"):
            initial["outfit"] = self.request.GET["outfit"]
        return initial

    def form_valid(self, form: PlanForm) -> HttpResponse:
        try:
            plan = plan_create(owner=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{plan.outfit.name} is planned for {_day_label(plan.planned_on)}.")
        return redirect(week_url(plan.planned_on))

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PlanWoreView(OwnerScopedPostView):
    """ "Wore it": the plan becomes wears of its garments on its day (idempotent)."""

    model = Plan
    selector = plan_list

    def act(self, request: HttpRequest, plan: Plan) -> HttpResponse:
        try:
            logged = plan_wear_log(plan=plan)
        except ValidationError as exc:
            refusal_message(request, exc)
        else:
            wear_log_message(request, logged, what=plan.outfit.name)
        return redirect(next_or(request, week_url(plan.planned_on)))


class PlanDeleteView(OwnerScopedPostView):
    model = Plan
    selector = plan_list

    def act(self, request: HttpRequest, plan: Plan) -> HttpResponse:
        name, day = plan.outfit.name, plan.planned_on
        plan_delete(plan=plan)
        messages.success(request, f"{name} is no longer planned for {_day_label(day)}.")
        return redirect(next_or(request, week_url(day)))


# --- trips --------------------------------------------------------------------------------------------------------


class TripForm(forms.Form):
    name = forms.CharField(max_length=120)
    destination = forms.CharField(max_length=120, required=False)
    starts_on = forms.DateField(label="From", widget=DATE_INPUT)
    ends_on = forms.DateField(label="Until", widget=DATE_INPUT)
    notes = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class PackingAddForm(forms.Form):
    item = forms.ModelChoiceField(
        queryset=Item.objects.none(), required=False, error_messages={"invalid_choice": "Unknown item."}
    )
    outfit = forms.ModelChoiceField(
        queryset=Outfit.objects.none(), required=False, error_messages={"invalid_choice": "Unknown outfit."}
    )
    quantity = forms.IntegerField(min_value=1, max_value=99, initial=1, required=False)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        items, outfits = packing_choices(user=user)
        # The menu offers the active items; any of the user's own items may be posted (an archived coat still
        # travels). Another user's item is never among the choices: it is an unknown item.
        self.fields["item"].queryset = item_list(user=user) if self.is_bound else items
        self.fields["outfit"].queryset = outfits

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and (data.get("item") is None) == (data.get("outfit") is None):
            raise ValidationError("Choose an item or an outfit to add.")
        return data


class TripFormMixin:
    form_class = TripForm
    template_name = "closet/trip_form.html"

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TripListView(LoginRequiredMixin, ListView):
    template_name = "closet/trip_list.html"
    context_object_name = "trips"

    def get_queryset(self):
        return trip_list(user=self.request.user)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        today = user_today(user=self.request.user)
        trips = list(context["trips"])
        context["upcoming"] = sorted((t for t in trips if t.ends_on >= today), key=lambda t: t.starts_on)
        context["past"] = [t for t in trips if t.ends_on < today]
        return context


class TripCreateView(LoginRequiredMixin, TripFormMixin, FormView):
    def form_valid(self, form: TripForm) -> HttpResponse:
        try:
            trip = trip_create(owner=self.request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{trip.name} is on. Now add what to pack.")
        return redirect("closet:trip-detail", pk=trip.pk)


class TripUpdateView(OwnerScopedObjectMixin, SingleObjectMixin, TripFormMixin, FormView):
    model = Trip
    selector = trip_list
    context_object_name = "trip"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.object = self.get_object()
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)

    def get_initial(self) -> dict:
        trip = self.object
        return {field: getattr(trip, field) for field in ("name", "destination", "starts_on", "ends_on", "notes")}

    def form_valid(self, form: TripForm) -> HttpResponse:
        try:
            trip_update(trip=self.object, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Saved.")
        return redirect("closet:trip-detail", pk=self.object.pk)


def _packing_context(*, trip: Trip) -> dict:
    packed, total = packing_progress(trip=trip)
    return {"trip": trip, "packed_count": packed, "entry_count": total}


class TripDetailView(OwnerScopedObjectMixin, DetailView):
    """A trip and its packing list, ticked off as things go in the suitcase."""

    model = Trip
    selector = trip_list
    template_name = "closet/trip_detail.html"
    context_object_name = "trip"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        # trip_list has counted the entries already; no need to count them again.
        context.update({"packed_count": self.object.packed_count, "entry_count": self.object.entry_count})
        context["entries"] = trip_packing_list(user=self.request.user, trip_id=self.object.pk)
        context["add_form"] = kwargs.get("add_form") or PackingAddForm(user=self.request.user)
        return context


class TripDeleteView(OwnerScopedObjectMixin, DeleteView):
    model = Trip
    selector = trip_list
    template_name = "closet/trip_confirm_delete.html"
    context_object_name = "trip"

    def form_valid(self, form) -> HttpResponse:
        name = self.object.name
        trip_delete(trip=self.object)
        messages.success(self.request, f"{name} and its packing list are deleted.")
        return redirect("closet:trip-list")


class PackingCreateView(OwnerScopedPostView):
    """Add one of the user's items or outfits to a trip's packing list."""

    model = Trip
    selector = trip_list

    def act(self, request: HttpRequest, trip: Trip) -> HttpResponse:
        form = PackingAddForm(request.POST, user=request.user)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        else:
            data = form.cleaned_data
            try:
                entry = packing_entry_create(
                    trip=trip, item=data["item"], outfit=data["outfit"], quantity=data["quantity"] or 1
                )
            except ValidationError as exc:
                refusal_message(request, exc)
            else:
                messages.success(request, f"{entry} is on the packing list.")
        return redirect("closet:trip-detail", pk=trip.pk)


class PackingEntryPostView(OwnerScopedPostView):
    """A button on one line of a packing list. Scoped by owner and by the trip in the address."""

    model = PackingEntry
    selector = packing_list

    def get_object(self, queryset=None):
        return super().get_object(self.get_queryset().filter(trip_id=self.kwargs["trip_pk"]))


class PackingToggleView(PackingEntryPostView):
    """Tick an entry off as packed, or not. Sends the state wanted (not "flip"), so a double submit is harmless.

    With htmx the answer is just the line and the progress; without JavaScript, the trip page again.
    """

    def act(self, request: HttpRequest, entry: PackingEntry) -> HttpResponse:
        packed = request.POST.get("packed") in ("1", "true", "on")
        entry = packing_entry_update(entry=entry, packed=packed)
        if getattr(request, "htmx", False):
            context = _packing_context(trip=entry.trip)
            return render(request, "closet/trip_packing_row.html", {**context, "entry": entry, "oob": True})
        return redirect("closet:trip-detail", pk=entry.trip_id)


class PackingDeleteView(PackingEntryPostView):
    def act(self, request: HttpRequest, entry: PackingEntry) -> HttpResponse:
        name, trip_id = str(entry), entry.trip_id
        packing_entry_delete(entry=entry)
        messages.success(request, f"{name} is off the packing list.")
        return redirect("closet:trip-detail", pk=trip_id)
