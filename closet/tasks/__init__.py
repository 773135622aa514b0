"""Celery entry points of the closet, one module per area; each task calls one service with ids only."""
