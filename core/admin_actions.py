"""Admin actions that ask for something first (a reason, a note, a code) on an intermediate page.

The action runs twice: the first time (from the list) it shows the page; the page posts the same action back with
the selected ids and ``confirm``, and the action then has a bound form to validate and act on::

    form = action_form(request, DeclineForm)
    if form.is_bound and form.is_valid():
        ...  # act, message the user
        return None  # back to the list
    return action_confirm_page(self, request, queryset, action="decline", form=form, title="Decline requests")
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

# The field the intermediate page posts: its presence tells the action the page was submitted.
CONFIRM = "confirm"


def action_form(request: HttpRequest, form_class: type[forms.Form], **kwargs: Any) -> forms.Form:
    """The action's form: bound to the POST once the intermediate page was submitted, unbound the first time."""
    return form_class(request.POST if CONFIRM in request.POST else None, **kwargs)


def action_confirm_page(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    action: str,
    form: forms.Form,
    title: str,
    submit_label: str = "Confirm",
    template: str = "admin/action_confirm.html",
    context: dict[str, Any] | None = None,
) -> TemplateResponse:
    """The intermediate page of ``action``: the selected objects, the form, and the hidden fields that post the
    same action back for the same objects. ``template`` may extend admin/action_confirm.html to word the page."""
    page = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "queryset": queryset,
        "selected_ids": [str(pk) for pk in queryset.values_list("pk", flat=True)],
        "form": form,
        "media": model_admin.media + form.media,
        "action": action,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "confirm_name": CONFIRM,
        "submit_label": submit_label,
        **(context or {}),
    }
    return TemplateResponse(request, template, page)
