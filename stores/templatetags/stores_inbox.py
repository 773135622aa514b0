"""``{% stores_inbox_strip waiting=... %}``: the "From your stores" strip on the closet page, with one-tap Accept
and Dismiss.

Rendered outside the closet list's cache (it carries forms with CSRF tokens). Whether anything waits comes with
the closet list's cached content, though (``waiting``; purchases clear that cache, stores/signals.py): an empty
inbox, the usual case, costs nothing on a cached closet page. Without ``waiting``, the tag asks the database.
"""

from __future__ import annotations

from django import template

from stores.selectors.purchases import store_purchase_inbox

register = template.Library()

STRIP_SIZE = 5


@register.inclusion_tag("stores/_inbox_strip.html", takes_context=True)
def stores_inbox_strip(context, waiting: bool | None = None) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or waiting is False:
        return {"purchases": []}
    purchases = list(store_purchase_inbox(user=user)[: STRIP_SIZE + 1])
    return {
        "purchases": purchases[:STRIP_SIZE],
        "more": len(purchases) > STRIP_SIZE,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
