from django.contrib import admin

from closet.models import Item


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "brand", "owner", "created_at")
    list_filter = ("category",)
    search_fields = ("name", "brand", "owner__email")
    raw_id_fields = ("owner",)
