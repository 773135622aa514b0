def cookie_banner(request) -> dict:
    """Show the cookie banner until this browser has made a choice (or sent the GPC signal), and announced policy
    changes until the signed-in person acknowledges them (POL-1)."""
    from privacy.selectors import policy_changes_to_acknowledge

    user = getattr(request, "user", None)
    return {
        "show_cookie_banner": getattr(request, "cookie_choice", None) is None
        and not request.path.startswith("/admin/"),
        "policy_changes": list(policy_changes_to_acknowledge(user)) if user and user.is_authenticated else [],
    }
