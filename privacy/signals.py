from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from privacy.models import PolicyVersion
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


@receiver(post_save, sender=PolicyVersion)
@receiver(post_delete, sender=PolicyVersion)
def material_policies_changed(sender, **kwargs) -> None:
    """A version was published, edited or removed: pages ask the database for changes to acknowledge again."""
    from privacy.selectors import material_policies_forget

    # At commit: a page drawn between an earlier reset and the commit would remember the old set again.
    transaction.on_commit(material_policies_forget, robust=True)
