"""The person's side over the API: their store connections (``/store-connections/``) and the purchases stores sent
them (``/store-purchases/``). Owner-scoped like every user resource: another person's row answers 404."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from core.api.viewsets import OwnerScopedViewSet
from core.storage import private_url
from stores.fields import fields_describe
from stores.models import PurchaseStatus, Store, StoreConnection, StorePurchase
from stores.selectors.connections import store_connections_of
from stores.selectors.purchases import store_purchase_inbox, store_purchases_of
from stores.services.connections import store_connection_revoke
from stores.services.purchases import (
    PurchaseConflict,
    store_connection_auto_accept_set,
    store_purchase_accept,
    store_purchase_dismiss,
)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "Conflict."


class StoreSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Store
        fields = ("name", "logo_url", "website", "privacy_policy_url")
        read_only_fields = fields


class StoreFieldSerializer(serializers.Serializer):
    scope = serializers.CharField()
    label = serializers.CharField()
    detail = serializers.CharField()


class StoreConnectionSerializer(serializers.ModelSerializer):
    store = StoreSummarySerializer(read_only=True)
    shared_fields = serializers.SerializerMethodField(help_text="What the store receives, in plain words.")
    purchase_count = serializers.IntegerField(read_only=True, help_text="Purchases the store sent.")
    is_active = serializers.BooleanField(read_only=True)
    pseudonym = serializers.CharField(source="sub", read_only=True, help_text="What the store knows you by.")

    class Meta:
        model = StoreConnection
        fields = (
            "id", "store", "shared_fields", "pseudonym", "connected_at", "revoked_at", "is_active", "purchase_count",
            "auto_accept_purchases",
        )  # fmt: skip
        read_only_fields = ("id", "connected_at", "revoked_at")

    @extend_schema_field(StoreFieldSerializer(many=True))
    def get_shared_fields(self, connection: StoreConnection) -> list[dict]:
        return [StoreFieldSerializer(f).data for f in fields_describe(connection.fields)]


@extend_schema_view(
    partial_update=extend_schema(
        description="Turn on or off “purchases go straight to my closet” (`auto_accept_purchases`)."
    ),
    revoke=extend_schema(request=None, responses=StoreConnectionSerializer),
)
class StoreConnectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OwnerScopedViewSet):
    """The stores you connected, live ones first, each with the fields it receives and the purchases it sent.
    Revoking ends the store's access at once (STO-4); revoked connections stay listed as history."""

    selector = store_connections_of
    serializer_class = StoreConnectionSerializer
    lookup_value_regex = "[0-9a-f-]{36}"

    def partial_update(self, request, *args, **kwargs) -> Response:
        connection = self.get_object()
        serializer = self.get_serializer(connection, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        enabled = serializer.validated_data.get("auto_accept_purchases")
        if enabled is not None:
            try:
                store_connection_auto_accept_set(connection=connection, enabled=enabled)
            except PurchaseConflict as exc:
                raise Conflict(exc.detail, code=exc.code) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=connection.pk)).data)

    @action(detail=True, methods=["post"])
    def revoke(self, request, *args, **kwargs) -> Response:
        """Revoke the connection: the store's tokens for you end at once, your withdrawal is recorded and the
        store is told to delete what it holds about you. Revoking a revoked connection changes nothing."""
        connection = self.get_object()
        store_connection_revoke(connection=connection, request=request)
        return Response(self.get_serializer(self.get_queryset().get(pk=connection.pk)).data)


class StorePurchaseOwnSerializer(serializers.ModelSerializer):
    store = serializers.CharField(source="store.name", read_only=True)
    item = serializers.UUIDField(source="item_id", read_only=True, allow_null=True)
    photo_url = serializers.SerializerMethodField(help_text="The item's photo thumbnail: a signed, expiring link.")

    class Meta:
        model = StorePurchase
        fields = (
            "id", "store", "order_id", "line_id", "product_name", "brand", "category", "colour", "size", "price",
            "currency", "purchased_on", "status", "item", "photo_url", "received_at",
        )  # fmt: skip
        read_only_fields = fields

    def get_photo_url(self, purchase: StorePurchase) -> str | None:
        photos = getattr(purchase.item, "primary_photos", None) if purchase.item_id else None
        if photos and photos[0].thumbnail:
            return private_url(photos[0].thumbnail.name)
        return None


STATUS = OpenApiParameter(
    "status",
    OpenApiTypes.STR,
    enum=["inbox", "accepted", "dismissed", "all"],
    description="Which purchases to list; the inbox (waiting for Accept or Dismiss) by default.",
)


@extend_schema_view(
    list=extend_schema(parameters=[STATUS]),
    accept=extend_schema(request=None, responses=StorePurchaseOwnSerializer),
    dismiss=extend_schema(request=None, responses=StorePurchaseOwnSerializer),
)
class StorePurchaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OwnerScopedViewSet):
    """Purchases your connected stores sent. New ones wait in the inbox as draft items: Accept puts the item in
    your closet, Dismiss deletes it (with its photo)."""

    selector = store_purchases_of
    serializer_class = StorePurchaseOwnSerializer
    lookup_value_regex = "[0-9a-f-]{36}"

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action != "list":
            return queryset
        wanted = self.request.query_params.get("status", PurchaseStatus.INBOX)
        if wanted == PurchaseStatus.INBOX:
            return store_purchase_inbox(user=self.request.user)
        if wanted in (PurchaseStatus.ACCEPTED, PurchaseStatus.DISMISSED):
            return queryset.filter(status=wanted)
        return queryset

    def _decide(self, decide) -> Response:
        purchase = self.get_object()
        try:
            decide(purchase=purchase)
        except PurchaseConflict as exc:
            raise Conflict(exc.detail, code=exc.code) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=purchase.pk)).data)

    @action(detail=True, methods=["post"])
    def accept(self, request, *args, **kwargs) -> Response:
        """Put the purchase's item in your closet."""
        return self._decide(store_purchase_accept)

    @action(detail=True, methods=["post"])
    def dismiss(self, request, *args, **kwargs) -> Response:
        """Delete the purchase's draft item with its photo; the purchase is kept as dismissed, so the store
        sending it again does not bring it back."""
        return self._decide(store_purchase_dismiss)
