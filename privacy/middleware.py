from __future__ import annotations

import secrets

from django.conf import settings

from privacy.cookies import ANALYTICS_COOKIE, cookie_choice_read, cookie_choice_write, gpc_signal
from privacy.models import Method
from privacy.selectors import consent_given, processing_restricted
from privacy.services import cookie_choice_make, usage_event_record

# Pages whose views are never counted: health probes, files, the admin, the API (apps have their own consent).
_NOT_COUNTED = ("/healthz", "/readyz", "/files/", "/admin/", "/api/", "/_allauth/", "/static/")


class ConsentMiddleware:
    """Applies the cookie choice to every request (CON-3).

    * No choice yet: only strictly necessary cookies; the banner asks (privacy.context_processors).
    * ``Sec-GPC: 1``: recorded once as an opt-out of analytics (and of marketing for a signed-in person).
    * Analytics only under consent: the analytics cookie is set and page views are counted only then.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        choice = cookie_choice_read(request)
        new_choice = None
        if gpc_signal(request) and (choice is None or not choice.gpc):
            new_choice = choice = cookie_choice_make(request=request, analytics=False, method=Method.GPC)
        request.cookie_choice = choice

        response = self.get_response(request)

        if new_choice is not None:
            cookie_choice_write(request, response, new_choice)
        # The cheap checks on the request first: most requests (the API, the admin, POSTs) are never counted, and
        # asking whether a signed-in person consented costs a query.
        if self._countable(request, response) and self._analytics_allowed(request, choice):
            usage_event_record(request=request, view_name=request.resolver_match.view_name)
            if ANALYTICS_COOKIE not in request.COOKIES:
                response.set_cookie(
                    ANALYTICS_COOKIE,
                    secrets.token_urlsafe(12),
                    max_age=60 * 60 * 24 * 365,
                    httponly=True,
                    secure=settings.SESSION_COOKIE_SECURE,
                    samesite="Lax",
                )
        return response

    @staticmethod
    def _analytics_allowed(request, choice) -> bool:
        if gpc_signal(request):
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return consent_given(user, "analytics") and not processing_restricted(user, "analytics")
        return bool(choice and choice.analytics)

    @staticmethod
    def _countable(request, response) -> bool:
        return (
            request.method == "GET"
            and response.status_code == 200
            and getattr(request, "resolver_match", None) is not None
            and not request.path.startswith(_NOT_COUNTED)
        )
