from closet import services
from closet.api.serializers import ItemSerializer
from closet.selectors import item_list
from core.api.viewsets import OwnerScopedModelViewSet


class ItemViewSet(OwnerScopedModelViewSet):
    """Garments in the signed-in user's closet."""

    selector = item_list
    serializer_class = ItemSerializer

    def perform_create(self, serializer: ItemSerializer) -> None:
        serializer.instance = services.closet_item_create(owner=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: ItemSerializer) -> None:
        serializer.instance = services.closet_item_update(item=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance) -> None:
        services.closet_item_delete(item=instance)
