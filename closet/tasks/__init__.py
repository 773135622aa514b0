"""Celery entry points of the closet, one module per area; each task calls one service with ids only."""

from closet.tasks import (
    ideas,  # noqa: F401
    photos,  # noqa: F401
)
from closet.tasks.outfits import outfit_collage_render  # noqa: F401
