from __future__ import annotations

import mimetypes
from collections.abc import Callable

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.storage import storages
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import View
from django.views.generic.detail import SingleObjectMixin

from core.api.errors import SERVER_ERROR_DETAIL, json_error_response
from core.health import readiness_report
from core.storage import PrivateFileSystemStorage, private_file_url_check


def next_or(request: HttpRequest, fallback: str) -> str:
    """Where a form goes back to: its ``next`` (posted, else in the query string) when that is a page of this
    site, by the same scheme when the request is secure; else ``fallback``. Never another site (open redirects)."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def form_add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal shown on the form that asked for the change: each message next to the field the
    service names, or above the form when the form has no such field (or the refusal names none)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering. Does not touch any other service."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to serve: the database, the cache and the broker answer. 503 names what does not."""
    checks = readiness_report()
    failing = [name for name, result in checks.items() if result != "ok"]
    if failing:
        return JsonResponse(
            {
                "status": "unavailable",
                "detail": f"Not ready: {', '.join(failing)} unreachable.",
                "checks": checks,
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "checks": checks})


@never_cache
@require_GET
def private_file(request: HttpRequest, name: str) -> HttpResponse:
    """Serve one private file from local storage to whoever holds a valid, unexpired link to exactly that file.

    The link itself is the credential (like an S3 presigned URL): it is made only for a signed-in owner, names
    one file and dies after PRIVATE_FILE_URL_MAX_AGE seconds. Any other link gets 403; a missing file 404.
    """
    storage = storages["default"]
    if not isinstance(storage, PrivateFileSystemStorage):
        raise Http404("Files are served by the object store.")
    if not private_file_url_check(name, request.GET.get("expires"), request.GET.get("signature")):
        return render(request, "403.html", {"reason": "This link has expired or is not valid."}, status=403)
    try:
        handle = storage.open(name, "rb")
    except (
        FileNotFoundError,
        IsADirectoryError,
        SuspiciousFileOperation,
    ) as exc:  # a path outside the folder
        raise Http404("No such file.") from exc
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return json_error_response(404, "not_found", "Not found.")
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return json_error_response(500, "server_error", SERVER_ERROR_DETAIL)
    return render(request, "500.html", status=500)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return json_error_response(403, "permission_denied", "You do not have permission to do this.")
    return render(request, "403.html", status=403)


def too_many_requests(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return json_error_response(429, "throttled", "Too many attempts. Please wait a few minutes and try again.")
    return render(request, "429.html", status=429)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return json_error_response(400, "bad_request", "The request could not be understood.")
    return render(request, "400.html", status=400)


class OwnerScopedObjectMixin(LoginRequiredMixin):
    """For HTML views of one user-owned object (DetailView, UpdateView, DeleteView...).

    The object is looked up only among the rows the owner-scoped selector returns, so another user's object is
    a 404, exactly as on the API (promise SEC-3). Subclasses set ``selector``; ``queryset`` is refused.
    """

    selector: Callable[..., QuerySet]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "queryset" in cls.__dict__ or "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__}: owner-scoped views take their rows only from their selector.")
        selector = cls.__dict__.get("selector")
        if selector is not None and not isinstance(selector, staticmethod):
            cls.selector = staticmethod(selector)

    def get_queryset(self) -> QuerySet:
        return type(self).selector(user=self.request.user)


class OwnerScopedPostView(OwnerScopedObjectMixin, SingleObjectMixin, View):
    """A button on a page that changes one of the user's objects: POST only, 404 for anyone else's object."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.object = self.get_object()
        return self.act(request, self.object)

    def act(self, request: HttpRequest, obj) -> HttpResponse:  # pragma: no cover - every subclass defines it
        raise NotImplementedError


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "landing.html")
