"""Every read of closet data starts from the owner's own rows (DESIGN.md, idea 1). One module per area."""

from closet.selectors.items import (  # noqa: F401
    category_list,
    colour_list,
    item_get,
    item_list,
    items_with_wear_stats,
    tag_list,
)
