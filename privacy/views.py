from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import View
from django.views.generic.detail import SingleObjectMixin

from core.storage import private_url
from core.views import OwnerScopedObjectMixin, next_or
from privacy.cookies import cookie_choice_write
from privacy.forms import PrivacyRequestForm
from privacy.models import Channel, Choice, ExportJob, Method, RequestChannel
from privacy.purposes import purpose_get
from privacy.selectors import (
    consent_history,
    consent_states,
    export_job_list,
    notification_preferences_of,
    policy_changes_to_acknowledge,
    policy_current,
    policy_versions,
    privacy_request_list,
)
from privacy.services import (
    UnsubscribeTokenInvalid,
    UnsubscribeTokenUsed,
    consent_record,
    cookie_choice_make,
    export_start,
    notification_preferences_update,
    policy_acknowledge,
    privacy_request_create,
    unsubscribe_token_use,
)


@require_POST
def cookie_choice(request: HttpRequest) -> HttpResponse:
    """The banner's two equal buttons: "Accept analytics" and "Reject". Either is recorded in the consent log."""
    decision = request.POST.get("choice")
    if decision not in ("accept", "reject"):
        return HttpResponse("Choose accept or reject.", status=400, content_type="text/plain")
    choice = cookie_choice_make(request=request, analytics=decision == "accept", method=Method.BANNER)
    response = HttpResponse("") if request.htmx else redirect(next_or(request, "/"))
    cookie_choice_write(request, response, choice)
    return response


@login_required
def privacy_centre(request: HttpRequest) -> HttpResponse:
    """Settings → Privacy: every purpose, its state, what it means, and the history behind it (CON-1)."""
    history = consent_history(request.user)
    return render(
        request,
        "privacy/settings_privacy.html",
        {
            "states": consent_states(request.user),
            "history": history.order_by("-id")[:50],
            "notifications": notification_preferences_of(request.user),
            **_exports_context(request.user),
            "privacy_requests": privacy_request_list(user=request.user)[:20],
            "privacy_request_form": PrivacyRequestForm(),
            "restriction_form": _restriction_form(request.user),
            "grace_days": settings.ERASURE_GRACE_DAYS,
            "tab": "privacy",
        },
    )


def _restriction_form(user):
    from privacy.forms import RestrictionForm
    from privacy.selectors import processing_restrictions_of

    return RestrictionForm(initial={"purposes": sorted(processing_restrictions_of(user))})


@login_required
@require_POST
def consent_toggle(request: HttpRequest, purpose: str) -> HttpResponse:
    """Give or withdraw one consent: one click either way."""
    decision = request.POST.get("choice")
    if decision not in (Choice.GRANTED, Choice.WITHDRAWN):
        messages.error(request, "Choose to give or to withdraw the consent.")
        return redirect("privacy:centre")
    try:
        consent_record(
            user=request.user, purpose=purpose, choice=decision, method=Method.SETTINGS, channel=Channel.WEB,
            request=request,
        )  # fmt: skip
    except LookupError:
        messages.error(request, "There is no such consent.")
        return redirect("privacy:centre")
    title = purpose_get(purpose).title
    messages.success(request, f"{title}: {'on' if decision == Choice.GRANTED else 'off'}. Recorded just now.")
    return redirect("privacy:centre")


@login_required
def consent_history_download(request: HttpRequest) -> HttpResponse:
    """The person's whole consent history as a JSON file."""
    events = [
        {
            "purpose": e.purpose,
            "choice": e.choice,
            "method": e.method,
            "channel": e.channel,
            "notice_version": e.notice_version,
            "notice_text": (
                purpose_get(e.purpose).notice_version(e.notice_version) or purpose_get(e.purpose).notice
            ).text,
            "origin": e.origin,
            "ip_truncated": e.ip_truncated,
            "at": e.created_at.isoformat(),
        }
        for e in consent_history(request.user)
    ]
    response = JsonResponse({"consent_history": events}, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="sesiocloset-consent-history.json"'
    return response


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookies and no CSRF token
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a confirmation button (so link scanners cannot unsubscribe anybody); POST unsubscribes."""
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405)
    context = {"token": token}
    if request.method == "POST":
        try:
            unsubscribe_token_use(token, request=request)
        except UnsubscribeTokenInvalid as exc:
            return render(request, "privacy/unsubscribe.html", {**context, "error": str(exc)}, status=400)
        except UnsubscribeTokenUsed as exc:
            return render(request, "privacy/unsubscribe.html", {**context, "already": str(exc)}, status=409)
        return render(request, "privacy/unsubscribe.html", {**context, "done": True})
    return render(request, "privacy/unsubscribe.html", context)


@login_required
@require_POST
def notification_preferences(request: HttpRequest) -> HttpResponse:
    notification_preferences_update(
        user=request.user,
        account_service=request.POST.get("account_service") == "on",
        outfit_reminders=request.POST.get("outfit_reminders") == "on",
    )
    messages.success(request, "Your e-mail preferences are saved.")
    return redirect("privacy:centre")


def policy(request: HttpRequest, version: str | None = None) -> HttpResponse:
    """/privacy/: the policy in force (or a past or announced version), its history, and what we keep, table by
    table, generated from the privacy registry (DESIGN.md idea 2)."""
    from privacy.registry import registered_by_category

    versions = list(policy_versions("privacy"))
    current = policy_current("privacy")
    shown = next((v for v in versions if v.version == version), None) if version else current
    if version and shown is None:
        raise Http404("No such version of the policy.")
    upcoming = [v for v in versions if v.effective_on > timezone.localdate()]
    return render(
        request,
        "privacy/policy.html",
        {
            "policy": shown,
            "current": current,
            "versions": versions,
            "upcoming": upcoming,
            "categories": registered_by_category(),
        },
    )


@login_required
@require_POST
def policy_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    change = policy_changes_to_acknowledge(request.user).filter(pk=pk).first()
    if change is not None:
        policy_acknowledge(user=request.user, policy=change)
    if request.htmx:
        return HttpResponse("")
    return redirect(next_or(request, "/"))


def _exports_context(user) -> dict:
    exports = list(export_job_list(user)[:5])
    return {
        "exports": exports,
        "exports_active": any(job.is_active for job in exports),
        "export_bundle_days": settings.EXPORT_BUNDLE_DAYS,
    }


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def exports(request: HttpRequest) -> HttpResponse:
    """ "Your data": POST prepares an export (RGT-1, RGT-2); GET is the list htmx polls while one is running."""
    if request.method == "POST":
        export_start(owner=request.user)
        if request.htmx:
            return render(request, "privacy/_exports.html", _exports_context(request.user))
        messages.success(request, "We are preparing your export. It appears under “Your data” when it is ready.")
        return redirect("privacy:centre")
    if not request.htmx:
        return redirect("privacy:centre")
    return render(request, "privacy/_exports.html", _exports_context(request.user))


@method_decorator(never_cache, name="dispatch")
class ExportDownloadView(OwnerScopedObjectMixin, SingleObjectMixin, View):
    """Send the owner to a signed link, valid five minutes, to their export's bundle. Another person's export,
    and one that is not ready or has expired, is a 404."""

    model = ExportJob
    selector = export_job_list
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        job = self.get_object()
        if not job.is_downloadable:
            raise Http404("This export is not ready, or has been deleted.")
        return redirect(private_url(job.bundle.name, expire=300))


@login_required
@require_POST
def privacy_requests(request: HttpRequest) -> HttpResponse:
    """ "Your requests": make a privacy request (RGT-6); it is answered by its due date, shown in the list."""
    form = PrivacyRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what you are asking for.")
        return redirect("privacy:centre")
    privacy_request = privacy_request_create(
        kind=form.cleaned_data["kind"],
        details=form.cleaned_data["details"],
        channel=RequestChannel.SETTINGS,
        user=request.user,
        actor=request.user,
    )
    messages.success(
        request, f"Your request is received. We answer it by {privacy_request.due_on:%-d %B %Y} at the latest."
    )
    return redirect("privacy:centre")


# --- Erasure (RGT-4) ----------------------------------------------------------------------------------------


def _reauthentication_redirect(request: HttpRequest) -> HttpResponse | None:
    """Deleting the account needs a fresh re-authentication: with the second factor when it is enrolled."""
    from allauth.account.internal.flows.reauthentication import get_reauthentication_flows
    from django.urls import reverse
    from django.utils.http import urlencode

    from privacy.erasure import recently_reauthenticated

    if recently_reauthenticated(request):
        return None
    flows = {flow["id"] for flow in get_reauthentication_flows(request.user)}
    target = "mfa_reauthenticate" if "mfa_reauthenticate" in flows else "account_reauthenticate"
    return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """Settings → Privacy → Delete my account: closes it now, erases it after the grace period (RGT-4)."""
    from django.contrib.auth import logout

    from privacy.erasure import account_erasure_start
    from privacy.forms import AccountDeleteForm

    if (redirect_to := _reauthentication_redirect(request)) is not None:
        return redirect_to
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        erasure = account_erasure_start(user=user, reason="user_request", actor=user, request=request)
        logout(request)
        return render(request, "privacy/account_closed.html", {"erasure": erasure, "email": user.email})
    return render(
        request,
        "privacy/account_delete.html",
        {"form": form, "grace_days": settings.ERASURE_GRACE_DAYS, "tab": "privacy"},
        status=400 if form.is_bound else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def erasure_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: GET shows a button (mail scanners follow links), POST restores the account."""
    from privacy.erasure import ErasureCancelInvalid, account_erasure_cancel

    if request.method == "GET":
        return render(request, "privacy/erasure_cancel.html", {"token": token})
    try:
        account_erasure_cancel(token=token, request=request)
    except ErasureCancelInvalid as error:
        return render(request, "privacy/erasure_cancel.html", {"error": str(error)}, status=400)
    messages.success(request, "Your account is restored. Sign in to continue.")
    return redirect("account_login")


@login_required
@require_POST
def restrictions(request: HttpRequest) -> HttpResponse:
    """Restrict or object to uses of my data (RGT-5): the ticked purposes stop at once; unticked ones resume."""
    from django.core.exceptions import ValidationError

    from privacy.forms import RestrictionForm
    from privacy.services import processing_restrictions_set

    form = RestrictionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose among the listed uses of your data.")
        return redirect("privacy:centre")
    try:
        in_force = processing_restrictions_set(user=request.user, purposes=form.cleaned_data["purposes"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("privacy:centre")
    messages.success(
        request, "Saved. " + (f"{len(in_force)} use(s) of your data stopped." if in_force else "Nothing is restricted.")
    )
    return redirect("privacy:centre")


# --- What we keep, the data map and the retention status (issue 7, items 6 and 10) ----------------------------


def _staff_page(permission: str):
    """Staff pages of the privacy officer: signed-in staff with the named permission, else the admin login/403."""
    from django.contrib.admin.views.decorators import staff_member_required
    from django.contrib.auth.decorators import permission_required

    def decorate(view):
        return staff_member_required(permission_required(permission, raise_exception=True)(view))

    return decorate


@_staff_page("privacy.view_retentionrun")
def staff_data_map(request: HttpRequest) -> HttpResponse:
    """Staff: every registered model by category, with legal basis, retention, export and erasure rules."""
    from privacy.registry import registered_by_category

    return render(request, "privacy/staff_data_map.html", {"categories": registered_by_category()})


@_staff_page("privacy.view_retentionrun")
def staff_retention_status(request: HttpRequest) -> HttpResponse:
    """Staff: what each retention rule holds, what is due, and what the recent runs removed."""
    from privacy.models import AccountErasure, ErasureStatus, RetentionRun
    from privacy.retention import retention_status

    return render(
        request,
        "privacy/staff_retention.html",
        {
            "statuses": retention_status(),
            "runs": RetentionRun.objects.all()[:10],
            "erasures_scheduled": AccountErasure.objects.filter(status=ErasureStatus.SCHEDULED).order_by("erase_after")[
                :50
            ],
            "erasures_completed": AccountErasure.objects.filter(status=ErasureStatus.COMPLETED).count(),
        },
    )
