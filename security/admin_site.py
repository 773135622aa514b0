"""The admin site staff use, with an audit of every page of personal data they open (SEC-1).

Installed as the default admin site (security.apps.StaffAdminConfig), so every ``@admin.register`` lands here and
no model admin needs to remember anything. The audit sits in ``admin_view``, the wrapper every model admin URL
goes through after the staff check: for a model in the privacy registry it writes one StaffAccessLog row per page
opened (a list page: one row, with how many rows it showed), naming the person the record is about through the
registry's owner lookup.
"""

from __future__ import annotations

import functools

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from privacy.registry import PersonalDataEntry, registered_entry
from security.models import AccessAction

# Which model admin views are audited: the view's name → the action on a page shown (GET or a form shown again)
# and the action on a successful POST (a redirect).
_AUDITED_VIEWS: dict[str, tuple[str, str]] = {
    "changelist_view": (AccessAction.LIST, AccessAction.LIST),
    "change_view": (AccessAction.VIEW, AccessAction.CHANGE),
    "history_view": (AccessAction.HISTORY, AccessAction.HISTORY),
    "delete_view": (AccessAction.VIEW, AccessAction.DELETE),
    "user_change_password": (AccessAction.VIEW, AccessAction.CHANGE),  # accounts' UserAdmin (django's)
}


def _subject_id(entry: PersonalDataEntry, object_id: str) -> tuple[bool, int | None]:
    """Whether the object exists, and the id of the person it is about (the registry's owner lookup)."""
    lookup = "pk" if entry.owner == "self" else entry.owner
    try:
        rows = list(entry.model._default_manager.filter(pk=object_id).values_list(lookup, flat=True)[:1])
    except (ValueError, ValidationError):  # not an id of this model (a mangled URL): the admin answers it
        return False, None
    return bool(rows), (rows[0] if rows else None)


def _result_count(response: HttpResponse) -> int | None:
    changelist = (getattr(response, "context_data", None) or {}).get("cl")
    return len(changelist.result_list) if changelist is not None else None


class StaffAdminSite(admin.AdminSite):
    site_header = "SesioCloset staff"
    site_title = "SesioCloset staff"
    index_template = "security/admin/index.html"

    def admin_view(self, view, cacheable: bool = False):
        wrapped = super().admin_view(view, cacheable)
        model_admin = getattr(view, "__self__", None)
        actions = _AUDITED_VIEWS.get(getattr(view, "__name__", ""))
        if not isinstance(model_admin, admin.ModelAdmin) or actions is None:
            return wrapped
        entry = registered_entry(model_admin.model)
        if entry is None:
            return wrapped

        @functools.wraps(view)
        def audited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            object_id = kwargs.get("object_id")
            exists, subject_id = (True, None) if object_id is None else _subject_id(entry, unquote(object_id))
            response = wrapped(request, *args, **kwargs)
            if not (exists and request.user.is_active and request.user.is_staff):
                return response
            if response.status_code == 200:
                action = actions[0]
            elif request.method == "POST" and response.status_code == 302 and object_id is not None:
                action = actions[1]
            else:
                return response  # refused, or a redirect that showed nothing
            from security.services import staff_access_record

            staff_access_record(
                staff=request.user,
                model=model_admin.model,
                action=action,
                path=request.path,
                object_id=unquote(object_id) if object_id is not None else "",
                subject_id=subject_id,
                object_count=_result_count(response) if object_id is None else None,
            )
            return response

        return audited

    def each_context(self, request: HttpRequest) -> dict:
        context = super().each_context(request)
        if request.user.is_active and request.user.has_perm("privacy.view_usageevent"):
            context["usage_dashboard_url"] = reverse("security:analytics")
        return context
