from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from privacy.cookies import cookie_choice_write
from privacy.models import Method
from privacy.services import cookie_choice_make


@require_POST
def cookie_choice(request: HttpRequest) -> HttpResponse:
    """The banner's two equal buttons: "Accept analytics" and "Reject". Either is recorded in the consent log."""
    decision = request.POST.get("choice")
    if decision not in ("accept", "reject"):
        return HttpResponse("Choose accept or reject.", status=400, content_type="text/plain")
    choice = cookie_choice_make(request=request, analytics=decision == "accept", method=Method.BANNER)
    if request.htmx:
        response = HttpResponse("")
    else:
        target = request.POST.get("next") or "/"
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
            target = "/"
        response = redirect(target)
    cookie_choice_write(request, response, choice)
    return response
