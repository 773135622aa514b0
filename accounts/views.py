from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import DeleteView

from accounts import services
from accounts.forms import ProfileForm
from accounts.models import Device
from accounts.selectors import device_list, location_of, profile_of
from core.images import ImageRejected
from core.views import OwnerScopedObjectMixin, form_add_service_errors
from privacy.selectors import consent_given


class ProfileView(LoginRequiredMixin, View):
    template_name = "accounts/settings_profile.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        profile = profile_of(request.user)
        return self._render(ProfileForm(instance=profile, user=request.user), profile)

    def post(self, request: HttpRequest) -> HttpResponse:
        profile = profile_of(request.user)
        form = ProfileForm(request.POST, request.FILES, instance=profile, user=request.user)
        if form.is_valid():
            try:
                services.profile_update(
                    user=request.user, display_name=form.cleaned_data["display_name"], **form.profile_changes()
                )
                upload = form.cleaned_data.get("avatar_upload")
                if upload:
                    services.profile_avatar_set(user=request.user, upload=upload)
                elif form.cleaned_data.get("avatar_remove"):
                    services.profile_avatar_clear(user=request.user)
            except ImageRejected as exc:
                form.add_error("avatar_upload", exc.message)
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            else:
                messages.success(request, "Your profile is saved.")
                return redirect("accounts:profile")
        return self._render(form, profile_of(request.user), status=400)

    def _render(self, form: ProfileForm, profile, status: int = 200) -> HttpResponse:
        user = self.request.user
        context = {
            "form": form,
            "profile": profile,
            "tab": "profile",
            "location": location_of(user),
            "location_allowed": consent_given(user, "location"),
        }
        return render(self.request, self.template_name, context, status=status)


@login_required
def devices(request: HttpRequest) -> HttpResponse:
    current = request.session.get(services.SESSION_DEVICE_KEY)
    return render(
        request,
        "accounts/settings_devices.html",
        {"devices": device_list(user=request.user), "current_device_id": current, "tab": "devices"},
    )


class DeviceSignOutView(OwnerScopedObjectMixin, DeleteView):
    """Sign one device out: its sessions end at once. POST only; another user's device is a 404."""

    model = Device
    selector = staticmethod(device_list)
    http_method_names = ["post"]

    def form_valid(self, form) -> HttpResponse:
        device = self.object
        is_current = str(device.pk) == self.request.session.get(services.SESSION_DEVICE_KEY)
        name = device.name
        services.device_sign_out(device=device)
        if is_current:
            logout(self.request)
            return redirect("account_login")
        messages.success(self.request, f"{name} is signed out.")
        return redirect("accounts:devices")


@login_required
@require_POST
def device_current_report(request: HttpRequest) -> HttpResponse:
    """The page tells us its time zone and screen size once per session (static/js/app.js)."""
    device_id = request.session.get(services.SESSION_DEVICE_KEY)
    device = device_list(user=request.user).filter(pk=device_id).first() if device_id else None
    if device is None:
        return JsonResponse({"code": "not_found", "detail": "This browser is not a known device."}, status=404)
    try:
        payload = json.loads(request.body or b"{}")
        services.device_details_report(
            device=device, timezone_name=str(payload.get("timezone", ""))[:64], screen=str(payload.get("screen", ""))
        )
    except (ValueError, AttributeError):
        return JsonResponse({"code": "invalid", "detail": "Send JSON with timezone and screen."}, status=400)
    except ValidationError as exc:
        return JsonResponse(
            {"code": "invalid", "detail": "Some values are not valid.", "errors": exc.message_dict}, status=400
        )
    return HttpResponse(status=204)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/settings_account.html", {"tab": "account"})


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    services.account_sign_out_everywhere(user=request.user)
    logout(request)
    messages.success(request, "You are signed out on every device.")
    return redirect("account_login")


@login_required
def settings_home(request: HttpRequest) -> HttpResponse:
    return redirect("accounts:profile")


@login_required
@require_POST
def location(request: HttpRequest) -> HttpResponse:
    """Set or forget the location from Settings → Profile (approximate place, or the browser's position)."""
    if request.POST.get("forget"):
        services.location_delete(user=request.user)
        messages.success(request, "Your location is forgotten.")
        return redirect("accounts:profile")
    try:
        services.location_set(
            user=request.user,
            precision=request.POST.get("precision", ""),
            place=request.POST.get("place", ""),
            latitude=request.POST.get("latitude") or None,
            longitude=request.POST.get("longitude") or None,
        )
    except services.ConsentRequired as exc:
        messages.error(request, str(exc))
    except (ValidationError, ArithmeticError, ValueError) as exc:
        detail = (
            "; ".join(m for msgs in exc.message_dict.values() for m in msgs)
            if isinstance(exc, ValidationError)
            else "Not a position."
        )
        messages.error(request, f"Location not saved: {detail}")
    else:
        messages.success(request, "Your location is saved.")
    return redirect("accounts:profile")
