import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model

from accounts.models import Device, Location, Profile

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    """A person who has signed up and verified their e-mail address, as every usable account has."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Faker("first_name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class DeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Device

    owner = factory.SubFactory(UserFactory)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    user_agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    user = factory.SubFactory(UserFactory)
    precision = "approximate"
    place = "Helsinki"


class EmailAddressFactory(factory.django.DjangoModelFactory):
    """A second, unverified address (the first comes with UserFactory)."""

    class Meta:
        model = EmailAddress

    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda o: f"second.{o.user.email}")
    verified = False
    primary = False


class SocialAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialAccount

    user = factory.SubFactory(UserFactory)
    provider = "google"
    uid = factory.Sequence(lambda n: f"google-uid-{n}")
    extra_data = factory.LazyAttribute(lambda o: {"email": o.user.email, "name": o.user.display_name})


class UserSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserSession

    user = factory.SubFactory(UserFactory)
    ip = "192.0.2.10"
    session_key = factory.Sequence(lambda n: f"session{n:026d}")
    user_agent = "Mozilla/5.0"


class AuthenticatorFactory(factory.django.DjangoModelFactory):
    """Recovery codes: a second factor without a clock (the TOTP tests enrol a real authenticator app)."""

    class Meta:
        model = Authenticator

    user = factory.SubFactory(UserFactory)
    type = Authenticator.Type.RECOVERY_CODES
    data = factory.LazyFunction(lambda: {"seed": "00" * 20, "used_mask": 0})


class LogEntryFactory(factory.django.DjangoModelFactory):
    """An admin change made by ``user`` (a staff member)."""

    class Meta:
        model = LogEntry

    user = factory.SubFactory(UserFactory, is_staff=True)
    action_flag = 2
    object_repr = "a change"
    change_message = "[]"
