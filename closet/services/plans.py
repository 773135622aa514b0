"""Plans (an outfit for a day) and trips with their packing lists."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from closet.models import Item, Outfit, PackingEntry, Plan, Trip
from closet.selectors.wears import user_latest_allowed_day
from closet.services.wears import UNKNOWN_ITEM, UNKNOWN_OUTFIT, WearLog, wear_log

PLAN_FIELDS = ("outfit", "planned_on", "note")
TRIP_FIELDS = ("name", "destination", "starts_on", "ends_on", "notes")
PACKING_FIELDS = ("item", "outfit", "quantity", "packed", "position")


def _blank_strings(fields: dict, names: tuple[str, ...]) -> dict:
    return {name: ("" if value is None and name in names else value) for name, value in fields.items()}


# --- plans --------------------------------------------------------------------------------------------------------


def _plan_apply(plan: Plan, **fields) -> Plan:
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in _blank_strings(fields, ("note",)).items():
        setattr(plan, name, value)
    if plan.outfit_id and plan.outfit.owner_id != plan.owner_id:
        raise ValidationError({"outfit": UNKNOWN_OUTFIT})
    plan.full_clean(exclude=["owner"])
    plan.save()
    return plan


@transaction.atomic
def plan_create(*, owner, outfit: Outfit, planned_on: datetime.date, note: str = "") -> Plan:
    """Plan one of the owner's outfits for a day. Another user's outfit is refused as unknown."""
    return _plan_apply(Plan(owner=owner), outfit=outfit, planned_on=planned_on, note=note)


@transaction.atomic
def plan_update(*, plan: Plan, **changes) -> Plan:
    return _plan_apply(plan, **changes)


@transaction.atomic
def plan_delete(*, plan: Plan) -> None:
    """Delete a plan. Wears already logged from it stay: they happened."""
    plan.delete()


@transaction.atomic
def plan_wear_log(*, plan: Plan) -> WearLog:
    """ "Wore it": log a wear of every garment of the planned outfit on the planned day and mark the plan worn.

    Idempotent: doing it again logs nothing new and keeps the first ``worn_at``. A day still to come is refused.
    """
    if plan.planned_on > user_latest_allowed_day(user=plan.owner):
        raise ValidationError({"planned_on": "This day has not come yet: you can say you wore it on the day."})
    logged = wear_log(owner=plan.owner, outfit=plan.outfit, worn_on=plan.planned_on)
    if plan.worn_at is None:
        plan.worn_at = timezone.now()
        plan.save(update_fields=["worn_at"])
    return logged


# --- trips and packing --------------------------------------------------------------------------------------------


def _trip_apply(trip: Trip, **fields) -> Trip:
    unknown = set(fields) - set(TRIP_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in _blank_strings(fields, ("destination", "notes")).items():
        setattr(trip, name, value)
    if trip.starts_on and trip.ends_on and trip.ends_on < trip.starts_on:
        raise ValidationError({"ends_on": "A trip can't end before it starts: pick an end on or after the start."})
    trip.full_clean(exclude=["owner"])
    trip.save()
    return trip


@transaction.atomic
def trip_create(
    *,
    owner,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    destination: str = "",
    notes: str = "",
) -> Trip:
    """A trip to pack for. It ends on or after the day it starts."""
    trip = Trip(owner=owner)
    return _trip_apply(trip, name=name, starts_on=starts_on, ends_on=ends_on, destination=destination, notes=notes)


@transaction.atomic
def trip_update(*, trip: Trip, **changes) -> Trip:
    return _trip_apply(trip, **changes)


@transaction.atomic
def trip_delete(*, trip: Trip) -> None:
    """Delete a trip and its packing list (the garments and outfits themselves stay)."""
    trip.delete()


def _packing_apply(entry: PackingEntry, **fields) -> PackingEntry:
    unknown = set(fields) - set(PACKING_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(entry, name, value)
    if (entry.item_id is None) == (entry.outfit_id is None):
        raise ValidationError({"non_field_errors": "A packing entry is one item or one outfit."})
    owner_id = entry.trip.owner_id
    if entry.item_id and entry.item.owner_id != owner_id:
        raise ValidationError({"item": UNKNOWN_ITEM})
    if entry.outfit_id and entry.outfit.owner_id != owner_id:
        raise ValidationError({"outfit": UNKNOWN_OUTFIT})
    entry.full_clean(exclude=["trip"])
    entry.save()
    return entry


@transaction.atomic
def packing_entry_create(
    *, trip: Trip, item: Item | None = None, outfit: Outfit | None = None, quantity: int = 1, packed: bool = False
) -> PackingEntry:
    """Put one of the trip owner's items or outfits on the packing list (at the end). Another user's item or
    outfit is refused as unknown. Adding what is already on the list returns the existing entry."""
    if (item is None) == (outfit is None):
        raise ValidationError({"non_field_errors": "Add an item or an outfit (one of them)."})
    existing = PackingEntry.objects.filter(trip=trip, item=item, outfit=outfit).first()
    if existing is not None and (item or outfit).owner_id == trip.owner_id:
        return existing
    last = PackingEntry.objects.filter(trip=trip).aggregate(last=Max("position"))["last"]
    entry = PackingEntry(trip=trip, position=0 if last is None else last + 1)
    return _packing_apply(entry, item=item, outfit=outfit, quantity=quantity, packed=packed)


@transaction.atomic
def packing_entry_update(*, entry: PackingEntry, **changes) -> PackingEntry:
    """Change an entry: ``packed`` (ticked off or not), ``quantity``, ``position``, or what it is."""
    return _packing_apply(entry, **changes)


@transaction.atomic
def packing_entry_delete(*, entry: PackingEntry) -> None:
    entry.delete()
