# The session remembers the fingerprint of the published material changes under which its person had nothing
# left to acknowledge: until one is published, their pages need no query for the notice.
POLICY_CHANGES_CLEAR_SESSION_KEY = "privacy_policy_changes_clear"


def cookie_banner(request) -> dict:
    """Show the cookie banner until this browser has made a choice (or sent the GPC signal), and announced policy
    changes until the signed-in person acknowledges them (POL-1)."""
    user = getattr(request, "user", None)
    return {
        "show_cookie_banner": getattr(request, "cookie_choice", None) is None
        and not request.path.startswith("/admin/"),
        "policy_changes": _policy_changes(request) if user and user.is_authenticated else [],
    }


def _policy_changes(request) -> list:
    from privacy.selectors import material_policies_signature, policy_changes_to_acknowledge

    session = getattr(request, "session", None)
    if session is None:
        return list(policy_changes_to_acknowledge(request.user))
    signature = material_policies_signature()
    if session.get(POLICY_CHANGES_CLEAR_SESSION_KEY) == signature:
        return []
    changes = list(policy_changes_to_acknowledge(request.user))
    if not changes:
        session[POLICY_CHANGES_CLEAR_SESSION_KEY] = signature
    return changes
