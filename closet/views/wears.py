"""Wear and laundry buttons on the item page: worn today / worn on a day, washed, undo a wear."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import date_format

from closet.models import Item, Wear
from closet.selectors.items import item_list
from closet.selectors.wears import wear_list
from closet.services.wears import WearLog, item_wash_log, wear_delete, wear_log
from core.views import OwnerScopedPostView, next_or

BAD_DATE = "That is not a date we can read; use the date picker."


class WornOnForm(forms.Form):
    worn_on = forms.DateField(required=False)


class WashedOnForm(forms.Form):
    washed_on = forms.DateField(required=False)


def refusal_message(request: HttpRequest, exc: ValidationError) -> None:
    """A service's refusal as error messages on the next page."""
    for message in exc.messages:
        messages.error(request, message)


def day_label(day) -> str:
    return date_format(day, "j F Y")


def wear_log_message(request: HttpRequest, logged: WearLog, *, what: str) -> None:
    day = day_label(logged.wears[0].worn_on)
    if logged.created:
        messages.success(request, f"Logged: {what} worn on {day}.")
    else:
        messages.info(request, f"{what} was already logged for {day}.")


def wear_from_post(request: HttpRequest, *, what: str, log: Callable[[datetime.date | None], WearLog | None]) -> None:
    """A "wore it" button: the day posted in ``worn_on`` (none: today) goes to ``log``, and the next page says
    what happened. A date we cannot read logs nothing (never "today" instead of the day meant); a service's
    refusal is the message. ``log`` returns None when its service does not say which wears it made."""
    form = WornOnForm(request.POST)
    if not form.is_valid():
        messages.error(request, BAD_DATE)
        return
    worn_on = form.cleaned_data["worn_on"]
    try:
        logged = log(worn_on)
    except ValidationError as exc:
        refusal_message(request, exc)
        return
    if logged is not None:
        wear_log_message(request, logged, what=what)
    else:
        messages.success(request, f"Logged: {what} worn {f'on {day_label(worn_on)}' if worn_on else 'today'}.")


class ItemWearView(OwnerScopedPostView):
    """ "Worn today", or worn on the day given: idempotent per day, a future day is refused."""

    model = Item
    selector = item_list

    def act(self, request: HttpRequest, item: Item) -> HttpResponse:
        wear_from_post(
            request, what=item.name, log=lambda worn_on: wear_log(owner=request.user, item=item, worn_on=worn_on)
        )
        return redirect(next_or(request, reverse("closet:item-detail", kwargs={"pk": item.pk})))


class ItemWashedView(OwnerScopedPostView):
    """ "Washed": the laundry counter starts again from today (or the day given)."""

    model = Item
    selector = item_list

    def act(self, request: HttpRequest, item: Item) -> HttpResponse:
        form = WashedOnForm(request.POST)
        if not form.is_valid():
            messages.error(request, BAD_DATE)
        else:
            try:
                item_wash_log(owner=request.user, item=item, washed_on=form.cleaned_data["washed_on"])
            except ValidationError as exc:
                refusal_message(request, exc)
            else:
                messages.success(request, f"{item.name} is fresh: the laundry counter starts again.")
        return redirect(next_or(request, reverse("closet:item-detail", kwargs={"pk": item.pk})))


class WearDeleteView(OwnerScopedPostView):
    """Undo a wear logged by mistake."""

    model = Wear
    selector = wear_list

    def act(self, request: HttpRequest, wear: Wear) -> HttpResponse:
        item_id, day = wear.item_id, wear.worn_on
        wear_delete(wear=wear)
        messages.success(request, f"Removed the wear of {day_label(day)}.")
        return redirect(next_or(request, reverse("closet:item-detail", kwargs={"pk": item_id})))
