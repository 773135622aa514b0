from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, with CSRF enforced; answers 401 (not 403) when nobody is signed in.

    DRF turns "not authenticated" into 403 unless the first authentication class names a challenge for the
    WWW-Authenticate header. Clients need to tell "sign in" (401) from "not allowed" (403) apart.
    """

    def authenticate_header(self, request) -> str:
        return 'Session realm="api"'


class SessionAuthenticationScheme(SessionScheme):
    """Tells drf-spectacular that our subclass is still cookie-session authentication."""

    target_class = "core.api.authentication.SessionAuthentication"


class XSessionTokenScheme(OpenApiAuthenticationExtension):
    """App clients sign in through allauth headless (/_allauth/app/v1/) and send the session token it returns."""

    target_class = "allauth.headless.contrib.rest_framework.authentication.XSessionTokenAuthentication"
    name = "appSessionToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-Session-Token"}
