"""The built-in garment taxonomy and colour palette. Loaded by a data migration; staff extend both in the admin."""

# The four seasons an item or outfit may suit, in the year's order (closet.models' flags, the engine's rules).
SEASONS = ("spring", "summer", "autumn", "winter")

CATEGORIES = [
    # (slug, name, kind, [(sub slug, sub name), ...])
    ("tops", "Tops", "top", [
        ("t-shirts", "T-shirts"), ("shirts-blouses", "Shirts & blouses"), ("knitwear", "Knitwear"),
        ("sweatshirts-hoodies", "Sweatshirts & hoodies"), ("tank-tops", "Tank tops"),
    ]),
    ("bottoms", "Bottoms", "bottom", [
        ("jeans", "Jeans"), ("trousers", "Trousers"), ("skirts", "Skirts"), ("shorts", "Shorts"),
        ("leggings", "Leggings"),
    ]),
    ("one-pieces", "Dresses & one-pieces", "one_piece", [("dresses", "Dresses"), ("jumpsuits", "Jumpsuits")]),
    ("outerwear", "Outerwear", "outerwear", [
        ("coats", "Coats"), ("jackets", "Jackets"), ("blazers", "Blazers"), ("raincoats", "Raincoats"),
    ]),
    ("shoes", "Shoes", "shoes", [
        ("sneakers", "Sneakers"), ("boots", "Boots"), ("flats", "Flats"), ("heels", "Heels"), ("sandals", "Sandals"),
    ]),
    ("bags", "Bags", "bag", [
        ("handbags", "Handbags"), ("backpacks", "Backpacks"), ("totes", "Totes"), ("clutches", "Clutches"),
    ]),
    ("accessories", "Accessories", "accessory", [
        ("scarves", "Scarves"), ("hats", "Hats"), ("belts", "Belts"), ("jewellery", "Jewellery"),
        ("sunglasses", "Sunglasses"),
    ]),
]  # fmt: skip

COLOURS = [
    # (slug, name, hex, neutral)
    ("black", "Black", "#111111", True), ("white", "White", "#f5f5f0", True), ("cream", "Cream", "#f3ead3", True),
    ("grey", "Grey", "#8a8a8a", True), ("charcoal", "Charcoal", "#36454f", True), ("beige", "Beige", "#d8c3a5", True),
    ("camel", "Camel", "#c19a6b", True), ("brown", "Brown", "#6b4423", True), ("navy", "Navy", "#1f2a44", True),
    ("denim", "Denim", "#3b5b92", False), ("blue", "Blue", "#2f6fdf", False),
    ("light-blue", "Light blue", "#9cc3e6", False), ("teal", "Teal", "#1f7a7a", False),
    ("green", "Green", "#2e7d32", False), ("olive", "Olive", "#6b7f3a", False), ("khaki", "Khaki", "#b9ad7c", False),
    ("yellow", "Yellow", "#f2c94c", False), ("mustard", "Mustard", "#d4a017", False),
    ("orange", "Orange", "#ef7d2d", False), ("rust", "Rust", "#b7410e", False), ("red", "Red", "#c62828", False),
    ("burgundy", "Burgundy", "#7b1e3a", False), ("pink", "Pink", "#f2a7c3", False),
    ("purple", "Purple", "#6a3d9a", False), ("lilac", "Lilac", "#c8a2c8", False), ("gold", "Gold", "#c9a227", False),
    ("silver", "Silver", "#c0c0c0", False),
]  # fmt: skip


def taxonomy_load(category_model, colour_model) -> None:
    """Create the built-in categories and colours that are missing; leaves staff changes alone. Takes the model
    classes so the data migration can pass its historical models."""
    for position, (slug, name, kind, children) in enumerate(CATEGORIES):
        parent, _ = category_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "position": position}
        )
        for sub_position, (sub_slug, sub_name) in enumerate(children):
            category_model.objects.get_or_create(
                slug=sub_slug, defaults={"name": sub_name, "kind": kind, "parent": parent, "position": sub_position}
            )
    for position, (slug, name, hex_value, neutral) in enumerate(COLOURS):
        colour_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "hex": hex_value, "is_neutral": neutral, "position": position}
        )
