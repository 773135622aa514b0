from __future__ import annotations

from django.conf import settings

from accounts.services import SESSION_DEVICE_KEY, device_token_is_well_formed, device_token_new, device_touch


class DeviceMiddleware:
    """Knows which device a request comes from (ACC-4).

    Browsers carry a random first-party cookie, apps send the same kind of value in ``X-Device-Id``. The cookie
    is set only when someone signs in (nobody browsing anonymously gets one) and the server keeps only its keyed
    hash. For signed-in requests it moves the device's "last seen" forward, at most every few minutes.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        cookie = request.COOKIES.get(settings.DEVICE_COOKIE_NAME)
        header = request.headers.get("X-Device-Id")
        token = next((t for t in (cookie, header) if device_token_is_well_formed(t)), None)
        request.device_token = token or device_token_new()
        request.device_cookie_needed = False  # set by the sign-in handler (accounts.signals)

        response = self.get_response(request)

        if request.device_cookie_needed and token is None and not header:
            response.set_cookie(
                settings.DEVICE_COOKIE_NAME,
                request.device_token,
                max_age=settings.DEVICE_COOKIE_MAX_AGE,
                httponly=True,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is not None and user.is_authenticated and session is not None:
            device_id = session.get(SESSION_DEVICE_KEY)
            if device_id and not request.device_cookie_needed:
                device_touch(device_id=device_id)
        return response
