"""Background work on outfits. Each task takes ids only and calls one service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="closet.tasks.outfits.outfit_collage_render")
def outfit_collage_render(outfit_id: str) -> None:
    """Draw the outfit's collage if it is out of date (idempotent; see closet.services.outfits)."""
    from closet.services.outfits import outfit_collage_render as render

    render(outfit_id=outfit_id)
