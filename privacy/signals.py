from django.contrib.auth.signals import user_logged_in
from django.dispatch import Signal, receiver

from privacy.services import consent_visitor_merge

# Sent after a withdrawal or refusal is recorded for a signed-in person: ``user`` and ``purpose``. Features whose
# data exists only under a consent (location, body photos, ...) delete it in their receivers, in the same
# transaction as the withdrawal.
consent_withdrawn = Signal()


@receiver(user_logged_in)
def consent_merge_on_sign_in(sender, request, user, **kwargs) -> None:
    """Choices made on the banner before signing in count for the account from now on (appended, not rewritten)."""
    choice = getattr(request, "cookie_choice", None) if request is not None else None
    if choice is not None:
        consent_visitor_merge(visitor_id=choice.visitor_id, user=user, request=request)
