"""Every write of closet data. HTML views, API views, admin actions and tasks all call these. One module per area."""

from closet.services.items import closet_item_create, closet_item_delete, closet_item_update  # noqa: F401
