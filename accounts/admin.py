from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.forms import AdminUserChangeForm, AdminUserCreationForm
from accounts.models import User
from core.admin_actions import action_confirm_page, action_form


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    ordering = ("email",)
    list_display = ("email", "display_name", "is_active", "is_staff", "date_joined")
    search_fields = ("email", "display_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "rectification_request")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),)
    actions = ["close_as_under_age"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        rectification = form.cleaned_data.get("rectification_request") if change else None
        if rectification is not None:
            from privacy.services import privacy_request_rectification_record

            changed = [name for name in form.PERSONAL_FIELDS if name in form.changed_data]
            privacy_request_rectification_record(request=rectification, actor=request.user, fields=changed)

    @admin.action(description="Under age: close the account and erase it (POL-2)…", permissions=["change"])
    def close_as_under_age(self, request, queryset):
        """Ask for the reason first (an intermediate page), then close each account and schedule its erasure."""
        from privacy.erasure import account_erasure_start

        form = action_form(request, UnderAgeForm)
        if form.is_bound and form.is_valid():
            for user in queryset:
                account_erasure_start(user=user, reason="under_age", actor=request.user, note=form.cleaned_data["note"])
            self.message_user(
                request, f"{queryset.count()} account(s) closed; erasure is scheduled.", level=messages.SUCCESS
            )
            return None
        return action_confirm_page(
            self,
            request,
            queryset,
            action="close_as_under_age",
            form=form,
            title="Close accounts reported as under age",
            submit_label="Close and erase",
            template="admin/accounts/under_age_confirm.html",
        )


class UnderAgeForm(forms.Form):
    note = forms.CharField(
        label="How was it reported, and what shows the person is under age?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
