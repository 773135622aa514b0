"""Photos of an item (``/items/{item_pk}/photos/``) and fast digitising (``/items/bulk-photos/``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from closet.api.items import ItemSerializer
from closet.models import Item, ItemPhoto, PhotoStatus
from closet.selectors import item_list, items_with_wear_stats
from closet.selectors.photos import item_photo_list
from closet.services import photos as services
from core.api.viewsets import OwnerScopedViewSet
from core.images import ImageRejected
from core.storage import private_url


class ItemPhotoSerializer(serializers.ModelSerializer):
    image = serializers.FileField(
        write_only=True, help_text="The picture (multipart): JPEG, PNG, WebP or HEIC, within the size limits."
    )
    url = serializers.SerializerMethodField(help_text="The picture, once READY: a signed link that expires.")
    thumbnail_url = serializers.SerializerMethodField(help_text="The thumbnail, once READY: a signed, expiring link.")

    class Meta:
        model = ItemPhoto
        fields = (
            "id", "item", "image", "status", "error", "is_primary", "url", "thumbnail_url", "width", "height",
            "dominant_colours", "created_at", "processed_at",
        )  # fmt: skip
        read_only_fields = (
            "id", "item", "status", "error", "is_primary", "width", "height", "dominant_colours", "created_at",
            "processed_at",
        )  # fmt: skip

    def get_url(self, photo: ItemPhoto) -> str | None:
        if photo.status == PhotoStatus.READY and photo.original:
            return private_url(photo.original.name)
        return None

    def get_thumbnail_url(self, photo: ItemPhoto) -> str | None:
        if photo.status == PhotoStatus.READY and photo.thumbnail:
            return private_url(photo.thumbnail.name)
        return None


ITEM_PK = OpenApiParameter("item_pk", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The item's id.")


@extend_schema_view(
    list=extend_schema(parameters=[ITEM_PK]),
    create=extend_schema(parameters=[ITEM_PK]),
    retrieve=extend_schema(parameters=[ITEM_PK]),
    destroy=extend_schema(parameters=[ITEM_PK]),
    make_primary=extend_schema(parameters=[ITEM_PK], request=None),
)
class ItemPhotoViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    OwnerScopedViewSet,
):
    """Photos of one of your items. An upload is checked at once and processed in the background: it is
    PROCESSING first, then READY (with signed, expiring links) or FAILED (with the reason in ``error``)."""

    selector = item_photo_list
    serializer_class = ItemPhotoSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    lookup_value_regex = "[0-9a-f-]{36}"
    pagination_class = None  # an item has a handful of photos

    def filter_queryset(self, queryset):
        # The owner's photos (the selector) of the item in the URL: a photo of another item is not found here.
        return super().filter_queryset(queryset).filter(item_id=self._item().pk).order_by("-is_primary", "created_at")

    def _item(self) -> Item:
        """The item in the URL, if it is the user's; 404 otherwise, exactly like a missing one."""
        if not hasattr(self, "_item_cache"):
            item = item_list(user=self.request.user).filter(pk=self.kwargs["item_pk"]).first()
            if item is None:
                raise Http404
            self._item_cache = item
        return self._item_cache

    def list(self, request, *args, **kwargs):
        self._item()
        return super().list(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        item = self._item()  # before reading the body: another user's item is a 404, whatever is sent
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            photo = services.item_photo_add(item=item, upload=serializer.validated_data["image"])
        except ImageRejected as exc:
            raise ValidationError({"image": [exc.message]}, code=exc.code) from exc
        return Response(self.get_serializer(photo).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ItemPhoto) -> None:
        services.item_photo_delete(photo=instance)

    @action(detail=True, methods=["post"], url_path="primary")
    def make_primary(self, request, *args, **kwargs):
        """Make this photo the one the item shows first (it must be READY)."""
        photo = self.get_object()
        photo = services.item_photo_make_primary(photo=photo)
        return Response(self.get_serializer(photo).data)


class BulkPhotosSerializer(serializers.Serializer):
    images = serializers.ListField(
        child=serializers.FileField(), allow_empty=False, help_text="Several pictures (multipart, one per part)."
    )


BULK_RESPONSE = inline_serializer(
    "BulkPhotosResult",
    fields={
        "created": inline_serializer(
            "BulkPhotoCreated",
            fields={"file": serializers.CharField(), "item": ItemSerializer(), "photo": ItemPhotoSerializer()},
            many=True,
        ),
        "rejected": inline_serializer(
            "BulkPhotoRejected",
            fields={
                "file": serializers.CharField(),
                "code": serializers.CharField(),
                "detail": serializers.CharField(),
            },
            many=True,
        ),
    },
)


class ItemBulkPhotosViewSet(OwnerScopedViewSet):
    """Fast digitising: one draft item per photo, to review and tag later."""

    selector = item_list
    serializer_class = BulkPhotosSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": BulkPhotosSerializer}, responses={201: BULK_RESPONSE})
    @action(detail=False, methods=["post"], url_path="bulk-photos", url_name="photos")
    def bulk_photos(self, request, *args, **kwargs):
        """Several photos at once (field ``images``, up to 30): each becomes a DRAFT item with its photo. A file
        that is refused is reported with its reason and the others are kept (201 when at least one was kept)."""
        serializer = BulkPhotosSerializer(data={"images": request.FILES.getlist("images")})
        serializer.is_valid(raise_exception=True)
        try:
            batch = services.item_drafts_create(owner=request.user, uploads=serializer.validated_data["images"])
        except DjangoValidationError as exc:
            raise ValidationError({"images": exc.messages}) from exc
        rejected = [{"file": r.file_name, "code": r.code, "detail": r.message} for r in batch.rejected]
        if not batch.created:
            raise ValidationError({"images": [f"{r['file']}: {r['detail']}" for r in rejected]})
        items = items_with_wear_stats(item_list(user=request.user)).in_bulk([c.item.pk for c in batch.created])
        context = self.get_serializer_context()
        created = [
            {
                "file": c.file_name,
                "item": ItemSerializer(items[c.item.pk], context=context).data,
                "photo": ItemPhotoSerializer(c.photo, context=context).data,
            }
            for c in batch.created
        ]
        return Response({"created": created, "rejected": rejected}, status=status.HTTP_201_CREATED)
