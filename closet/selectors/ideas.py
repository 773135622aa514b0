"""Reads for outfit ideas: the person's jobs and suggestions, and what the engine needs, from their own rows only."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from closet.engine import NO_FEEDBACK, EngineItem, Feedback
from closet.models import Colour, Item, ItemStatus, OutfitJob, PairFeedback, Suggestion
from closet.selectors.items import item_list, item_needs_wash, items_with_wear_stats


def outfit_job_list(*, user) -> QuerySet[OutfitJob]:
    return OutfitJob.objects.filter(owner=user)


def outfit_job_with_suggestions(*, user) -> QuerySet[OutfitJob]:
    suggestions = Suggestion.objects.prefetch_related(
        Prefetch("items", queryset=items_with_wear_stats(Item.objects.all()))
    ).order_by("position")
    return outfit_job_list(user=user).prefetch_related(Prefetch("suggestions", queryset=suggestions))


def suggestion_list(*, user) -> QuerySet[Suggestion]:
    return Suggestion.objects.filter(owner=user)


def engine_closet(*, user) -> tuple[list[EngineItem], dict[str, str], frozenset[str]]:
    """The person's active garments as the engine sees them, the palette's names for the rationale, and the
    palette's neutrals (staff may add colours and flag them neutral in the admin)."""
    items = []
    for item in items_with_wear_stats(item_list(user=user).filter(status=ItemStatus.ACTIVE)):
        photo = item.primary_photos[0] if item.primary_photos else None
        hexes = [colour.hex for colour in item.colours.all()]
        if photo and photo.dominant_colours:  # the photo knows which colour dominates; the palette order does not
            hexes.sort(key=lambda h: 0 if h in photo.dominant_colours else 1)
        items.append(
            EngineItem(
                id=str(item.pk),
                name=item.name,
                kind=item.category.kind,
                subcategory=item.subcategory.slug if item.subcategory_id else None,
                colours=tuple(hexes),
                seasons=frozenset(item.seasons),
                formality=item.formality,
                warmth=item.warmth,
                status=item.status,
                needs_wash=item_needs_wash(item),
                wear_count=item.wear_count,
                last_worn_on=item.last_worn_on,
                created_on=timezone.localdate(item.created_at),
                material=item.material,
                pattern=item.pattern,
                brand=item.brand,
            )
        )
    palette = Colour.objects.values_list("hex", "name", "is_neutral")
    names = {hex_value: name for hex_value, name, _neutral in palette}
    neutrals = frozenset(hex_value for hex_value, _name, neutral in palette if neutral)
    return items, names, neutrals


def engine_feedback(*, user) -> Feedback:
    """Only this person's own likes and dislikes (AI-4): nothing learned from anybody else. Nothing at all when
    they restricted personalisation (RGT-5): their ideas are then built from the closet alone."""
    from privacy.selectors import processing_restricted

    if processing_restricted(user, "personalisation"):
        return NO_FEEDBACK
    rated = suggestion_list(user=user).exclude(liked=None).values_list("liked", "item_order")
    liked = [ids for is_liked, ids in rated if is_liked]
    disliked = [ids for is_liked, ids in rated if not is_liked]
    pairs = PairFeedback.objects.filter(owner=user).values_list("liked", "item_a_id", "item_b_id")
    return Feedback.from_ideas(
        liked=liked,
        disliked=disliked,
        liked_pairs=[(str(a), str(b)) for ok, a, b in pairs if ok],
        disliked_pairs=[(str(a), str(b)) for ok, a, b in pairs if not ok],
    )
