def cookie_banner(request) -> dict:
    """Show the cookie banner until this browser has made a choice (or sent the GPC signal)."""
    return {
        "show_cookie_banner": getattr(request, "cookie_choice", None) is None and not request.path.startswith("/admin/")
    }
