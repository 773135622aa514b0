import factory

from security.models import EventKind, IncidentAffectedUser, SecurityEvent, SecurityIncident, StaffAccessLog
from tests.accounts.factories import UserFactory


class SecurityEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SecurityEvent

    user = factory.SubFactory(UserFactory)
    kind = EventKind.SIGN_IN
    ip_truncated = "203.0.113.0/24"
    user_agent = "Firefox on Linux"


class StaffAccessLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffAccessLog

    staff = factory.SubFactory(UserFactory, is_staff=True)
    subject = factory.SubFactory(UserFactory)
    model_label = "accounts.User"
    object_id = factory.LazyAttribute(lambda o: str(o.subject.pk) if o.subject else "")
    action = "view"
    path = "/admin/accounts/user/1/change/"


class SecurityIncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SecurityIncident

    title = factory.Sequence(lambda n: f"Incident {n}")
    description = "A backup copy was readable by a contractor for two hours."
    recorded_by = factory.SubFactory(UserFactory, is_staff=True)
    notification_subject = "A security incident that concerns your account"
    notification_body = "On 3 March a backup copy of some accounts was exposed for two hours. Change your password."


class IncidentAffectedUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncidentAffectedUser

    incident = factory.SubFactory(SecurityIncidentFactory)
    user = factory.SubFactory(UserFactory)
