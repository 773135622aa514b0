from django.contrib import admin

from closet.models import Category, Colour, Item


class SubcategoryInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    fields = ("name", "slug", "kind", "position")
    prepopulated_fields = {"slug": ("name",)}
    extra = 1


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """Staff extend the built-in taxonomy here: main categories and their subcategories."""

    list_display = ("name", "kind", "parent", "position")
    list_filter = ("kind", ("parent", admin.EmptyFieldListFilter))
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [SubcategoryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")


@admin.register(Colour)
class ColourAdmin(admin.ModelAdmin):
    list_display = ("name", "hex", "is_neutral", "position")
    list_editable = ("position",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "status", "owner", "created_at")
    list_filter = ("status", "category")
    search_fields = ("name", "brand", "owner__email")
    raw_id_fields = ("owner",)
    list_select_related = ("category", "owner")
