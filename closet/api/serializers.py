from rest_framework import serializers

from closet.models import Item


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = ("id", "name", "category", "colour", "brand", "notes", "created_at", "updated_at")
        read_only_fields = ("id", "created_at", "updated_at")
