"""Staff side of connected stores (issue 8): register stores, rotate their secrets, watch deletion notices.

* A store is registered and changed only through ``stores.services.connections`` (``store_register``,
  ``store_update``, ``store_secrets_rotate``), so the OIDC client is always set up the same way: confidential, the
  code flow with PKCE and client credentials, and never ``skip_consent`` (STO-1). The client secret and the
  webhook key are shown once, on a page rendered from the request that created them; the database keeps only the
  secret's hash, and the key is derived, never stored.
* allauth's own OIDC client admin is replaced by a read-only one: a client is changed through its store.
* Connections and purchases are read-only here: revoking is the person's act (Settings), and a deleted row would
  lose the proof of what they agreed to (STO-5).
* Deletion notices (RGT-7): the "Undelivered" filter lists what needs attention; "Retry now" tries again at once.
"""

from __future__ import annotations

from allauth.idp.oidc.admin import ClientAdmin as AllauthClientAdmin
from allauth.idp.oidc.models import Client
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from core.admin_actions import action_confirm_page, action_form
from stores.fields import STORE_FIELDS
from stores.models import NoticeStatus, Store, StoreConnection, StoreNotice, StoreNoticeAttempt, StorePurchase
from stores.services.connections import (
    StoreSecrets,
    store_addresses_check,
    store_register,
    store_secrets_rotate,
    store_update,
)
from stores.services.notices import store_notice_retry

_OPTIONAL_FIELDS = [(f.scope, f"{f.label} ({f.scope})") for f in STORE_FIELDS.values() if not f.required]


def _https_by_default(db_field, **kwargs):
    # The admin's own form fields come from StoreAdmin.formfield_overrides. This callback only serves the classes
    # built on the way there (StoreForm itself, and the subclass ModelAdmin.get_form makes before its factory):
    # without it, Django 5.2 warns (RemovedInDjango60Warning) for every URL field each time the form is built.
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class StoreForm(forms.ModelForm):
    redirect_uris = forms.CharField(
        label="Redirect URIs",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: where the store receives people back after the consent screen (exact match).",
    )
    allowed_fields = forms.MultipleChoiceField(
        label="Fields the store may ask for",
        choices=_OPTIONAL_FIELDS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The pseudonym (openid) is always included. People can still untick any of these.",
    )

    class Meta:
        model = Store
        fields = ("name", "logo_url", "website", "privacy_policy_url", "webhook_url", "is_active")
        formfield_callback = _https_by_default

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            client = self.instance.client
            self.initial.setdefault("redirect_uris", "\n".join(client.get_redirect_uris()))
            self.initial.setdefault("allowed_fields", [s for s in client.get_scopes() if s != "openid"])

    def clean_redirect_uris(self) -> list[str]:
        lines = (line.strip() for line in self.cleaned_data["redirect_uris"].splitlines())
        return list(dict.fromkeys(line for line in lines if line))

    def clean(self) -> dict:
        # The address rules are the services' (every way of registering a store obeys them); shown here per field.
        cleaned_data = super().clean()
        try:
            store_addresses_check(
                redirect_uris=cleaned_data.get("redirect_uris", []), webhook_url=cleaned_data.get("webhook_url", "")
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:  # a field's own error (e.g. "required") already says what is wrong
                    self.add_error(field, messages)
        return cleaned_data


class RotateSecretsForm(forms.Form):
    understood = forms.BooleanField(
        label="I understand: the store's current client secret, webhook key and tokens stop working at once.",
    )


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    form = StoreForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "website", "client_id", "is_active", "webhook_url", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "client__id")
    actions = ["rotate_secrets"]

    def get_fieldsets(self, request: HttpRequest, obj: Store | None = None):
        details = ["name", "logo_url", "website", "privacy_policy_url"]
        if obj is not None:
            details.append("is_active")
        fieldsets = [
            (None, {"fields": details}),
            ("Sign-in (OpenID Connect)", {"fields": ["redirect_uris", "allowed_fields"]}),
            ("Deletion notices", {"fields": ["webhook_url"]}),
        ]
        if obj is not None:
            fieldsets.append(("Credentials", {"fields": ["client_id", "secret_version", "created_at"]}))
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Store | None = None):
        return ("client_id", "secret_version", "created_at") if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Store | None = None) -> bool:
        # Deleting a store would take its connections (the proof of consent) and its notices with it: deactivate.
        return False

    @admin.display(description="Client id")
    def client_id(self, obj: Store) -> str:
        return obj.client_id

    def save_model(self, request: HttpRequest, obj: Store, form: StoreForm, change: bool) -> None:
        data = form.cleaned_data
        oidc = {"redirect_uris": data["redirect_uris"], "fields": data["allowed_fields"]}
        details = {name: data[name] for name in ("name", "logo_url", "website", "privacy_policy_url", "webhook_url")}
        if change:
            store_update(store=obj, is_active=data["is_active"], **details, **oidc)
            return
        store, secrets = store_register(**details, **oidc)
        # The admin goes on with ``obj`` (its log entry, its answer): make it the store just registered.
        obj.pk = store.pk
        obj.refresh_from_db()
        obj._state.adding = False
        request._store_secrets = [(store, secrets)]

    def response_add(self, request: HttpRequest, obj: Store, post_url_continue=None) -> HttpResponse:
        shown = getattr(request, "_store_secrets", None)
        if not shown:
            return super().response_add(request, obj, post_url_continue)
        return self._secrets_page(request, shown, title=f"{obj.name} is registered")

    def _secrets_page(self, request: HttpRequest, shown: list[tuple[Store, StoreSecrets]], *, title: str):
        """The one page that shows secrets. Nothing is kept to show them again: copy them now."""
        response = TemplateResponse(
            request,
            "admin/stores/store/secrets.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.model._meta,
                "shown": [
                    {"store": store, "secrets": secrets, "url": reverse("admin:stores_store_change", args=[store.pk])}
                    for store, secrets in shown
                ],
                "issuer": request.build_absolute_uri("/"),
            },
        )
        add_never_cache_headers(response)
        return response

    @admin.action(description="Rotate secrets…", permissions=["change"])
    def rotate_secrets(self, request: HttpRequest, queryset):
        form = action_form(request, RotateSecretsForm)
        if form.is_bound and form.is_valid():
            shown = [(store, store_secrets_rotate(store=store)) for store in queryset]
            return self._secrets_page(request, shown, title="New secrets")
        return action_confirm_page(
            self,
            request,
            queryset,
            action="rotate_secrets",
            form=form,
            title="Rotate secrets",
            submit_label="Rotate now",
            template="admin/stores/store/rotate_confirm.html",
        )


# allauth's client admin can add clients and switch ``skip_consent``; here every client belongs to a store and is
# set up by the store's services, so its own admin is read-only.
if admin.site.is_registered(Client):
    admin.site.unregister(Client)


@admin.register(Client)
class StoreClientAdmin(AllauthClientAdmin):
    readonly_fields = [f.name for f in Client._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class UndeliveredFilter(admin.SimpleListFilter):
    """Notices that need attention: given up, or still pending after at least one failed attempt."""

    title = "delivery"
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return (("undelivered", "Undelivered"),)

    def queryset(self, request, queryset):
        if self.value() == "undelivered":
            return queryset.filter(Q(status=NoticeStatus.FAILED) | Q(status=NoticeStatus.PENDING, attempts__gt=0))
        return queryset


class StoreNoticeAttemptInline(admin.TabularInline):
    model = StoreNoticeAttempt
    fields = ("attempted_at", "status_code", "error", "duration_ms")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(StoreNotice)
class StoreNoticeAdmin(admin.ModelAdmin):
    """Every deletion notice and its attempts; nothing here is editable, but staff may retry one at once."""

    list_display = ("created_at", "store", "reason", "status", "attempts", "last_result", "next_attempt_at")
    list_filter = (UndeliveredFilter, "status", "reason", "store")
    search_fields = ("sub",)
    date_hierarchy = "created_at"
    fields = ("store", "sub", "reason", "status", "attempts", "next_attempt_at", "created_at", "delivered_at", "user")
    readonly_fields = fields
    inlines = [StoreNoticeAttemptInline]
    actions = ["retry_now"]

    def get_queryset(self, request: HttpRequest):
        latest = StoreNoticeAttempt.objects.filter(notice=OuterRef("pk")).order_by("-attempted_at", "-pk")
        return (
            super()
            .get_queryset(request)
            .select_related("store")
            .annotate(
                last_status_code=Subquery(latest.values("status_code")[:1]),
                last_error=Subquery(latest.values("error")[:1]),
            )
        )

    @admin.display(description="Last attempt")
    def last_result(self, obj: StoreNotice) -> str:
        if not obj.attempts:
            return "-"
        return str(obj.last_status_code or obj.last_error or "-")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # proof that the store was told (RGT-7)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Everything is read-only: no save buttons.
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False}
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.action(description="Retry now", permissions=["change"])
    def retry_now(self, request: HttpRequest, queryset) -> None:
        retried = sum(store_notice_retry(notice=notice) for notice in queryset)
        skipped = queryset.count() - retried
        self.message_user(request, f"{retried} notice(s) queued for another attempt.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} already delivered: not sent again.", messages.WARNING)


@admin.register(StoreConnection)
class StoreConnectionAdmin(_ReadOnlyAdmin):
    list_display = ("store", "user", "generation", "fields", "connected_at", "revoked_at")
    list_filter = ("store", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("sub",)
    raw_id_fields = ("user",)
    list_select_related = ("store", "user")


@admin.register(StorePurchase)
class StorePurchaseAdmin(_ReadOnlyAdmin):
    list_display = ("product_name", "store", "owner", "order_id", "line_id", "status", "received_at")
    list_filter = ("status", "store")
    search_fields = ("order_id",)
    list_select_related = ("store", "owner")
