"""``{% stores_inbox_strip %}``: the "From your stores" strip on the closet page, with one-tap Accept and Dismiss.

Rendered outside the closet list's cache (it carries forms with CSRF tokens). Whether anything waits is asked of
that cache, though (cleared on every purchase and item write, stores/signals.py): an empty inbox, the usual case,
costs no query on a cached closet page.
"""

from __future__ import annotations

from django import template

from closet.list_cache import closet_list_cached
from stores.selectors.purchases import store_purchase_inbox

register = template.Library()

STRIP_SIZE = 5


@register.inclusion_tag("stores/_inbox_strip.html", takes_context=True)
def stores_inbox_strip(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"purchases": []}
    waiting = closet_list_cached(
        request, compute=lambda: store_purchase_inbox(user=user).exists(), kind="stores-inbox", extra=("v1",)
    )
    if not waiting:
        return {"purchases": []}
    purchases = list(store_purchase_inbox(user=user)[: STRIP_SIZE + 1])
    return {
        "purchases": purchases[:STRIP_SIZE],
        "more": len(purchases) > STRIP_SIZE,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
