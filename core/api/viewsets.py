"""The base every user-owned API resource inherits: its queryset always comes from an owner-scoped selector.

A subclass names the selector (``selector = item_list``), which is called as ``selector(user=request.user)``.
Defining ``queryset`` or ``get_queryset`` on a subclass is refused when the class is created, so nobody can
quietly widen what a user can reach. The one escape hatch is a method called ``dangerously_unscoped_queryset``,
which a reviewer cannot miss. Because every lookup starts from the owner's rows, another user's object answers
404, exactly like one that does not exist (promise SEC-3).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import QuerySet
from rest_framework import mixins, permissions, viewsets
from rest_framework.exceptions import NotAuthenticated


class OwnerScopedViewSet(viewsets.GenericViewSet):
    selector: Callable[..., QuerySet]
    permission_classes = [permissions.IsAuthenticated]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        for forbidden in ("queryset", "get_queryset"):
            if forbidden in cls.__dict__:
                raise TypeError(
                    f"{cls.__name__} defines {forbidden}: owner-scoped viewsets take their rows only from "
                    "their selector. Use `selector = ...`, or name the exception dangerously_unscoped_queryset."
                )
        selector = cls.__dict__.get("selector")
        if selector is not None and not isinstance(selector, staticmethod):
            cls.selector = staticmethod(selector)

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular building the schema, no real user
            return self.get_serializer_class().Meta.model.objects.none()
        dangerous = getattr(self, "dangerously_unscoped_queryset", None)
        if dangerous is not None:
            return dangerous()
        user = self.request.user
        if not user or not user.is_authenticated:
            raise NotAuthenticated()
        return type(self).selector(user=user)


class OwnerScopedModelViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OwnerScopedViewSet,
):
    """List, retrieve, create, update, delete. Subclasses route writes through services in perform_*."""
