"""Sign-up and sign-in with Google and Apple, driven through allauth's real views (ACC-1, ACC-3).

Only the providers' servers are fake: every HTTP call allauth (and our adapter) makes goes through ``requests``
and is answered by ``responses``. Everything on our side of the wire is the production code path: the login
redirect with its ``state``, the callback, the token exchange, the id_token checks, the social sign-up form with
its age gate, the data minimisation of what a provider sends, and the avatar copy.

Tokens are built with PyJWT. Google's id_token comes back from the token endpoint, over TLS, so allauth checks
its issuer, audience and expiry but not its signature. Apple's id_token is checked against Apple's published
keys (https://appleid.apple.com/auth/keys), which we serve from a key pair made for each test run.
"""

from __future__ import annotations

import copy
import io
import json
import time
from datetime import date
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
import responses
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail, serializers
from django.utils import timezone
from PIL import ExifTags, Image

from accounts.adapters import PROVIDER_FIELDS_KEPT
from accounts.models import Profile

pytestmark = pytest.mark.django_db

User = get_user_model()
ALLOWED_KEYS = set(PROVIDER_FIELDS_KEPT)
SIGNUP_URL = "/accounts/3rdparty/signup/"
CLOSET_URL = "/closet/"

# --- Google -----------------------------------------------------------------------------------------------------

GOOGLE_CLIENT_ID = "1234567890-sesiotest.apps.googleusercontent.com"
GOOGLE_SECRET = "GOCSPX-test-secret"
GOOGLE_AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
GOOGLE_CALLBACK = "http://testserver/accounts/google/login/callback/"
GOOGLE_SUB = "109876543210987654321"
GOOGLE_EMAIL = "grace.hopper@example.com"
GOOGLE_PICTURE = "https://lh3.googleusercontent.com/a/ACg8ocGraceHopperTest=s96-c"
# Fields Google sends that we have no use for. Their values are unusual enough to be searched for in the database.
GOOGLE_UNWANTED = {
    "given_name": "Grace",
    "family_name": "Hopper",
    "locale": "en-GB",
    "hd": "hopper-navy-lab.example",
}
GOOGLE_UNWANTED_TOKEN_CLAIMS = ("iss", "aud", "azp", "exp", "iat", "at_hash")
# The JSON keys of those fields, searched for in a dump of the whole database ("locale" is left out: the profile
# has a field of that name, so its *value* is searched for instead).
GOOGLE_UNWANTED_KEYS = ("given_name", "family_name", "hd", *GOOGLE_UNWANTED_TOKEN_CLAIMS)

# --- Apple ------------------------------------------------------------------------------------------------------

APPLE_CLIENT_ID = "com.sesiocloset.web.test"
APPLE_KEY_ID = "ABC123DEFG"
APPLE_TEAM_ID = "TEAM456XYZ"
APPLE_AUTHORIZE_URL = "https://appleid.apple.com/auth/authorize"
APPLE_TOKEN_URL = "https://appleid.apple.com/auth/token"
APPLE_KEYS_URL = "https://appleid.apple.com/auth/keys"
APPLE_ISSUER = "https://appleid.apple.com"
APPLE_CALLBACK = "http://testserver/accounts/apple/login/callback/"
APPLE_FINISH_URL = "http://testserver/accounts/apple/login/callback/finish/"
APPLE_SUB = "001234.5f1e2d3c4b5a69788796a5b4c3d2e1f0.1234"
APPLE_EMAIL = "ada.lovelace@example.com"
APPLE_SIGNING_KID = "W6WcOKB-test"
APPLE_UNWANTED_CLAIMS = ("iss", "aud", "exp", "iat", "c_hash", "at_hash", "auth_time", "nonce_supported")

# --- The avatar a provider serves -------------------------------------------------------------------------------

CAMERA_MODEL = "SesioTestCam Z42 Secret"


# --- keys, generated once per run -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def apple_client_key() -> ec.EllipticCurvePrivateKey:
    """The "Sign in with Apple" private key Apple gives the developer: signs our client_secret (ES256)."""
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def apple_signing_key() -> rsa.RSAPrivateKey:
    """Apple's own id_token key; its public half is what we serve from the mocked JWKS URL."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def forger_key() -> rsa.RSAPrivateKey:
    """Somebody else's key: a token signed with it must never be accepted as Apple's."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def google_signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(private_key) -> str:
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _public_jwk(private_key, kid: str) -> dict:
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    return {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}


# --- provider apps ----------------------------------------------------------------------------------------------


@pytest.fixture
def google_app(settings):
    """Google configured from settings, as GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET do in production."""
    providers = copy.deepcopy(settings.SOCIALACCOUNT_PROVIDERS)
    providers["google"]["APPS"] = [{"client_id": GOOGLE_CLIENT_ID, "secret": GOOGLE_SECRET, "key": ""}]
    providers["apple"].pop("APPS", None)
    settings.SOCIALACCOUNT_PROVIDERS = providers


@pytest.fixture
def apple_app(settings, apple_client_key):
    """Apple configured in the admin (a SocialApp row), the other documented way."""
    providers = copy.deepcopy(settings.SOCIALACCOUNT_PROVIDERS)
    providers["apple"].pop("APPS", None)
    settings.SOCIALACCOUNT_PROVIDERS = providers
    return SocialApp.objects.create(
        provider="apple",
        name="Sign in with Apple",
        client_id=APPLE_CLIENT_ID,
        secret=APPLE_KEY_ID,
        key=APPLE_TEAM_ID,
        settings={"certificate_key": _pem(apple_client_key)},
    )


@pytest.fixture
def provider_http():
    """The providers' servers. Every call that is not mocked fails the test (no real network)."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


# --- helpers: dates, pictures, what is stored -------------------------------------------------------------------


def adult_date_of_birth() -> str:
    today = timezone.localdate()
    return date(today.year - 30, 1, 15).isoformat()


def under_age_date_of_birth() -> str:
    """Someone who turns 16 this year: well under the minimum age of 17."""
    today = timezone.localdate()
    return date(today.year - 16, 1, 1).isoformat()


def jpeg_with_camera_exif() -> bytes:
    """A small real JPEG whose EXIF names the camera, like a phone photo used as a profile picture."""
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = CAMERA_MODEL
    exif[ExifTags.Base.Make] = "SesioTest"
    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), (31, 42, 68)).save(buffer, format="JPEG", exif=exif)
    content = buffer.getvalue()
    assert CAMERA_MODEL.encode() in content  # the fixture really carries the metadata under test
    return content


def everything_stored_in_the_database() -> str:
    """Every row of every model, serialised: what a search through the whole database would find."""
    return "\n".join(serializers.serialize("json", model._default_manager.all()) for model in apps.get_models())


def everything_stored_in_sessions() -> str:
    """Server-side sessions are stored compressed and signed, so they are decoded before searching them."""
    return "\n".join(json.dumps(s.get_decoded(), default=str) for s in Session.objects.all())


def stored_private_files() -> list:
    root = django_settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


# --- helpers: Google --------------------------------------------------------------------------------------------


def google_claims(**changes) -> dict:
    """The payload of a Google id_token for openid+profile+email, with more than we want in it."""
    now = int(time.time())
    claims = {
        "iss": "https://accounts.google.com",
        "azp": GOOGLE_CLIENT_ID,
        "aud": GOOGLE_CLIENT_ID,
        "sub": GOOGLE_SUB,
        "email": GOOGLE_EMAIL,
        "email_verified": True,
        "at_hash": "HK6E_P6Dh8Y93mRNtsDB1Q",
        "name": "Grace Hopper",
        "picture": GOOGLE_PICTURE,
        "iat": now,
        "exp": now + 3600,
        **GOOGLE_UNWANTED,
    }
    claims.update(changes)
    return claims


def google_id_token(claims: dict, signing_key) -> str:
    return jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": "google-test-kid"})


def google_sign_in_starts(client) -> str:
    """POST /accounts/google/login/ and follow nothing: return the ``state`` Google is asked to send back."""
    response = client.post("/accounts/google/login/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == GOOGLE_AUTHORIZE_URL
    query = parse_qs(location.query)
    assert query["client_id"] == [GOOGLE_CLIENT_ID]
    assert query["redirect_uri"] == [GOOGLE_CALLBACK]
    assert query["response_type"] == ["code"]
    assert set(query["scope"][0].split()) == {"openid", "profile", "email"}
    assert query["state"][0]
    return query["state"][0]


def google_token_endpoint(provider_http, id_token: str):
    return provider_http.post(
        GOOGLE_TOKEN_URL,
        json={
            "access_token": "ya29.a0-test-access-token",
            "expires_in": 3599,
            "refresh_token": "1//0g-test-refresh-token",
            "scope": "openid https://www.googleapis.com/auth/userinfo.profile "
            "https://www.googleapis.com/auth/userinfo.email",
            "token_type": "Bearer",
            "id_token": id_token,
        },
    )


def picture_endpoint(provider_http, url: str = GOOGLE_PICTURE, **kwargs):
    kwargs.setdefault("body", jpeg_with_camera_exif())
    kwargs.setdefault("content_type", "image/jpeg")
    return provider_http.get(url, **kwargs)


def google_returns(client, provider_http, claims: dict, signing_key, *, code: str = "4/0Ad-test-code"):
    """Google redirects back with a code; allauth swaps it for tokens. Returns the callback's response."""
    state = google_sign_in_starts(client)
    token_call = google_token_endpoint(provider_http, google_id_token(claims, signing_key))
    response = client.get("/accounts/google/login/callback/", {"code": code, "state": state})
    assert token_call.call_count == 1
    sent = parse_qs(token_call.calls[0].request.body)
    assert sent["code"] == [code]
    assert sent["client_id"] == [GOOGLE_CLIENT_ID]
    assert sent["client_secret"] == [GOOGLE_SECRET]
    assert sent["redirect_uri"] == [GOOGLE_CALLBACK]
    assert sent["grant_type"] == ["authorization_code"]
    return response


def sign_up_form_is_shown(client, response, email: str):
    """The callback sends a new person to our sign-up form, which knows their e-mail and asks their age."""
    assert response.status_code == 302
    assert response["Location"] == SIGNUP_URL
    page = client.get(SIGNUP_URL)
    assert page.status_code == 200
    form = page.context["form"]
    assert form["email"].value() == email
    assert "date_of_birth" in form.fields
    assert form.fields["date_of_birth"].required
    html = page.content.decode()
    assert f'value="{email}"' in html
    assert 'name="date_of_birth"' in html
    return page


# --- helpers: Apple ---------------------------------------------------------------------------------------------


def apple_claims(**changes) -> dict:
    now = int(time.time())
    claims = {
        "iss": APPLE_ISSUER,
        "aud": APPLE_CLIENT_ID,
        "exp": now + 600,
        "iat": now,
        "sub": APPLE_SUB,
        "c_hash": "xPLs5sXq-test",
        "at_hash": "qzE7kY3-test",
        "email": APPLE_EMAIL,
        "email_verified": "true",
        "auth_time": now - 5,
        "nonce_supported": True,
    }
    claims.update(changes)
    return claims


def apple_id_token(claims: dict, signing_key, kid: str = APPLE_SIGNING_KID) -> str:
    return jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": kid})


def apple_sign_in_starts(client) -> str:
    response = client.post("/accounts/apple/login/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == APPLE_AUTHORIZE_URL
    query = parse_qs(location.query)
    assert query["client_id"] == [APPLE_CLIENT_ID]
    assert query["redirect_uri"] == [APPLE_CALLBACK]
    assert query["response_mode"] == ["form_post"]
    assert query["state"][0]
    return query["state"][0]


def apple_endpoints(provider_http, *, id_token: str, published_key, kid: str = APPLE_SIGNING_KID):
    """Apple's token endpoint and its JWKS. Returns the token endpoint's mock, to inspect what we sent."""
    provider_http.get(APPLE_KEYS_URL, json={"keys": [_public_jwk(published_key, kid)]})
    return provider_http.post(
        APPLE_TOKEN_URL,
        json={
            "access_token": "a0b1c2-test-access-token",
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": "r0b1c2-test-refresh-token",
            "id_token": id_token,
        },
    )


def apple_returns(client, *, id_token: str, user: dict | None, code: str = "c0ffee-test-code"):
    """Apple POSTs the answer to our callback (form_post), which bounces to a GET on the finish URL."""
    state = apple_sign_in_starts(client)
    form = {"code": code, "state": state, "id_token": id_token}
    if user is not None:
        form["user"] = json.dumps(user)  # Apple sends the name only on the very first sign-in
    posted = client.post("/accounts/apple/login/callback/", form)
    assert posted.status_code == 302
    finish = urlsplit(posted["Location"])
    assert f"{finish.scheme}://{finish.netloc}{finish.path}" == APPLE_FINISH_URL
    assert parse_qs(finish.query) == {"code": [code], "state": [state]}
    return client.get(finish.path, parse_qs(finish.query))


def client_secret_sent_to_apple(token_call, apple_client_key) -> dict:
    """The client_secret is an ES256 JWT made with the developer key; decoding it proves how it was signed."""
    sent = parse_qs(token_call.calls[0].request.body)
    assert sent["client_id"] == [APPLE_CLIENT_ID]
    assert sent["grant_type"] == ["authorization_code"]
    secret = sent["client_secret"][0]
    assert jwt.get_unverified_header(secret)["kid"] == APPLE_KEY_ID
    return jwt.decode(secret, apple_client_key.public_key(), algorithms=["ES256"], audience=APPLE_ISSUER)


# --- Google: sign-up ----------------------------------------------------------------------------------------------


@pytest.mark.promise("ACC-1")
@pytest.mark.promise("ACC-3")
def test_a_google_sign_up_asks_the_age_then_keeps_only_name_email_and_a_clean_avatar(
    client, google_app, provider_http, google_signing_key
):
    picture = picture_endpoint(provider_http)
    callback = google_returns(client, provider_http, google_claims(), google_signing_key)

    # Auto sign-up is off: nothing is created before the person has passed the age check.
    sign_up_form_is_shown(client, callback, GOOGLE_EMAIL)
    assert not User.objects.exists()
    assert picture.call_count == 0

    done = client.post(SIGNUP_URL, {"email": GOOGLE_EMAIL, "display_name": "", "date_of_birth": adult_date_of_birth()})
    assert done.status_code == 302
    assert done["Location"] == CLOSET_URL

    user = User.objects.get()
    assert user.email == GOOGLE_EMAIL
    assert user.display_name == "Grace Hopper"
    assert user.age_check_passed_at is not None
    assert not user.has_usable_password()

    # Only the allowed keys of Google's answer are kept; no token of any kind.
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("google", GOOGLE_SUB)
    assert set(account.extra_data) <= ALLOWED_KEYS
    assert account.extra_data == {
        "sub": GOOGLE_SUB,
        "email": GOOGLE_EMAIL,
        "email_verified": True,
        "name": "Grace Hopper",
        "picture": GOOGLE_PICTURE,
    }
    assert not SocialToken.objects.exists()

    # Nothing else Google sent is stored anywhere: not in extra_data, not on the user, not on the profile.
    stored = everything_stored_in_the_database()
    for key in GOOGLE_UNWANTED_KEYS:
        assert f'"{key}"' not in stored, key
    assert GOOGLE_UNWANTED["hd"] not in stored
    assert GOOGLE_UNWANTED["locale"] not in stored
    assert "ya29.a0-test-access-token" not in stored
    assert "1//0g-test-refresh-token" not in stored
    # The pending sign-up allauth parked in the session is gone now that it is complete.
    in_sessions = everything_stored_in_sessions()
    assert "1//0g-test-refresh-token" not in in_sessions
    assert GOOGLE_UNWANTED["hd"] not in in_sessions

    # The avatar was fetched once from Google and stored without its camera metadata.
    assert picture.call_count == 1
    profile = Profile.objects.get(user=user)
    assert profile.locale == ""
    assert profile.avatar.name.startswith("avatars/")
    with profile.avatar.open("rb") as stored_file:
        avatar_bytes = stored_file.read()
    assert CAMERA_MODEL.encode() not in avatar_bytes
    assert b"SesioTest" not in avatar_bytes
    with Image.open(io.BytesIO(avatar_bytes)) as avatar:
        assert avatar.format == "JPEG"
        assert not avatar.getexif()

    # Google vouched for the address, so it is verified and the new member is signed in straight away.
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (GOOGLE_EMAIL, True, True)
    assert signed_in_user_id(client) == str(user.pk)
    assert client.get(CLOSET_URL).status_code == 200


@pytest.mark.promise("ACC-1")
@pytest.mark.promise("ACC-3")
def test_a_display_name_typed_in_the_sign_up_form_wins_over_the_google_name(
    client, google_app, provider_http, google_signing_key
):
    picture_endpoint(provider_http)
    callback = google_returns(client, provider_http, google_claims(), google_signing_key)
    sign_up_form_is_shown(client, callback, GOOGLE_EMAIL)

    client.post(
        SIGNUP_URL,
        {"email": GOOGLE_EMAIL, "display_name": "  Amazing Grace ", "date_of_birth": adult_date_of_birth()},
    )

    assert User.objects.get().display_name == "Amazing Grace"


@pytest.mark.promise("ACC-1")
def test_the_display_name_is_the_name_google_shows_even_when_it_is_not_given_name_then_family_name(
    client, google_app, provider_http, google_signing_key
):
    """Google formats ``name`` for the person's locale (family name first in Hungarian, Japanese, ...)."""
    picture_endpoint(provider_http)
    claims = google_claims(name="Puskás Ferenc", given_name="Ferenc", family_name="Puskás", locale="hu")
    callback = google_returns(client, provider_http, claims, google_signing_key)
    sign_up_form_is_shown(client, callback, GOOGLE_EMAIL)

    client.post(SIGNUP_URL, {"email": GOOGLE_EMAIL, "display_name": "", "date_of_birth": adult_date_of_birth()})

    assert User.objects.get().display_name == "Puskás Ferenc"


# --- Google: the age gate -----------------------------------------------------------------------------------------


@pytest.mark.promise("ACC-1")
@pytest.mark.promise("ACC-3")
def test_an_under_age_google_sign_up_is_refused_kindly_and_stores_nothing_about_the_person(
    client, google_app, provider_http, google_signing_key
):
    picture = picture_endpoint(provider_http)
    callback = google_returns(client, provider_http, google_claims(), google_signing_key)
    sign_up_form_is_shown(client, callback, GOOGLE_EMAIL)

    refused = client.post(
        SIGNUP_URL, {"email": GOOGLE_EMAIL, "display_name": "Grace", "date_of_birth": under_age_date_of_birth()}
    )

    assert refused.status_code == 200
    form = refused.context["form"]
    assert [error.code for error in form.errors.as_data()["date_of_birth"]] == ["under_minimum_age"]
    assert f"Sorry, SesioCloset is for people aged {django_settings.MINIMUM_AGE} and over" in (refused.content.decode())

    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()
    assert not SocialAccount.objects.exists()
    assert not SocialToken.objects.exists()
    assert signed_in_user_id(client) is None
    # Their picture was not even fetched, no file was written and no e-mail was sent to them.
    assert picture.call_count == 0
    assert stored_private_files() == []
    assert mail.outbox == []

    stored = everything_stored_in_the_database()
    for trace in (GOOGLE_EMAIL, GOOGLE_SUB, "Grace Hopper", GOOGLE_PICTURE, GOOGLE_UNWANTED["hd"]):
        assert trace not in stored, trace


@pytest.mark.promise("ACC-1")
@pytest.mark.promise("ACC-3")
def test_an_under_age_google_sign_up_leaves_nothing_about_the_person_in_the_server_side_session(
    client, google_app, provider_http, google_signing_key
):
    """Sessions live in the database too (django_session), compressed: the same search, after decoding them."""
    picture_endpoint(provider_http)
    callback = google_returns(client, provider_http, google_claims(), google_signing_key)
    sign_up_form_is_shown(client, callback, GOOGLE_EMAIL)

    client.post(SIGNUP_URL, {"email": GOOGLE_EMAIL, "display_name": "", "date_of_birth": under_age_date_of_birth()})

    assert not User.objects.exists()
    in_sessions = everything_stored_in_sessions()
    for trace in (GOOGLE_EMAIL, GOOGLE_SUB, "Grace Hopper", GOOGLE_PICTURE, GOOGLE_UNWANTED["hd"]):
        assert trace not in in_sessions, trace


# --- Google: signing in again -------------------------------------------------------------------------------------


@pytest.mark.promise("ACC-1")
def test_a_returning_google_user_goes_straight_in_and_still_only_the_allowed_fields_are_kept(
    client, google_app, provider_http, google_signing_key, user
):
    SocialAccount.objects.create(
        user=user, provider="google", uid=GOOGLE_SUB, extra_data={"sub": GOOGLE_SUB, "email": user.email}
    )
    picture = picture_endpoint(provider_http)
    claims = google_claims(
        email=user.email,
        name="Alice Liddell",
        picture="https://lh3.googleusercontent.com/a/new-picture=s96-c",
        profile="https://plus.google.example/alice",
        nickname="Ally",
    )

    callback = google_returns(client, provider_http, claims, google_signing_key)

    assert callback.status_code == 302
    assert callback["Location"] == CLOSET_URL  # no sign-up form the second time
    assert signed_in_user_id(client) == str(user.pk)
    assert client.get(CLOSET_URL).status_code == 200

    account = SocialAccount.objects.get()
    assert account.user_id == user.pk
    assert set(account.extra_data) <= ALLOWED_KEYS
    # The stored copy was refreshed from this sign-in (so the trimming ran on this save too).
    assert account.extra_data["name"] == "Alice Liddell"
    assert account.extra_data["picture"] == "https://lh3.googleusercontent.com/a/new-picture=s96-c"
    assert not SocialToken.objects.exists()
    assert User.objects.count() == 1
    user.refresh_from_db()
    assert user.display_name == "Alice"  # a sign-in does not overwrite what the person chose here

    stored = everything_stored_in_the_database()
    for key in (*GOOGLE_UNWANTED_KEYS, "nickname"):
        assert f'"{key}"' not in stored, key
    assert GOOGLE_UNWANTED["hd"] not in stored
    assert GOOGLE_UNWANTED["locale"] not in stored
    assert "plus.google.example" not in stored
    assert picture.call_count == 0  # the avatar is copied at sign-up only


@pytest.mark.promise("ACC-1")
def test_a_google_id_token_issued_to_another_app_is_refused(client, google_app, provider_http, google_signing_key):
    callback = google_returns(
        client, provider_http, google_claims(aud="someone-else.apps.googleusercontent.com"), google_signing_key
    )

    assert callback.status_code == 401
    assert callback.get("Location") != SIGNUP_URL
    assert "socialaccount_sociallogin" not in client.session
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()


# --- Google: the avatar is optional -------------------------------------------------------------------------------


@pytest.mark.promise("ACC-1")
@pytest.mark.parametrize(
    "picture_answer",
    [
        pytest.param({"status": 500, "body": b"backend error"}, id="server-error"),
        pytest.param({"body": b"<html>not a picture</html>", "content_type": "image/jpeg"}, id="not-an-image"),
        pytest.param({"body": requests.ConnectionError("connection reset")}, id="connection-error"),
    ],
)
def test_a_google_sign_up_succeeds_without_an_avatar_when_the_picture_cannot_be_used(
    client, google_app, provider_http, google_signing_key, picture_answer
):
    picture = picture_endpoint(provider_http, **picture_answer)
    callback = google_returns(client, provider_http, google_claims(), google_signing_key)
    sign_up_form_is_shown(client, callback, GOOGLE_EMAIL)

    done = client.post(SIGNUP_URL, {"email": GOOGLE_EMAIL, "display_name": "", "date_of_birth": adult_date_of_birth()})

    assert done.status_code == 302
    assert done["Location"] == CLOSET_URL
    assert picture.call_count == 1
    user = User.objects.get(email=GOOGLE_EMAIL)
    assert user.age_check_passed_at is not None
    profile = Profile.objects.filter(user=user).first()
    assert profile is None or not profile.avatar
    assert stored_private_files() == []
    assert signed_in_user_id(client) == str(user.pk)
    assert client.get(CLOSET_URL).status_code == 200


# --- Apple --------------------------------------------------------------------------------------------------------


@pytest.mark.promise("ACC-1")
@pytest.mark.promise("ACC-3")
def test_an_apple_sign_up_takes_the_name_apple_posts_once_and_keeps_only_the_allowed_fields(
    client, apple_app, provider_http, apple_client_key, apple_signing_key
):
    id_token = apple_id_token(apple_claims(), apple_signing_key)
    token_call = apple_endpoints(provider_http, id_token=id_token, published_key=apple_signing_key)
    apple_user = {"name": {"firstName": "Ada", "lastName": "Lovelace"}, "email": APPLE_EMAIL}

    callback = apple_returns(client, id_token=id_token, user=apple_user)

    assert token_call.call_count == 1
    secret = client_secret_sent_to_apple(token_call, apple_client_key)
    assert (secret["iss"], secret["sub"]) == (APPLE_TEAM_ID, APPLE_CLIENT_ID)

    sign_up_form_is_shown(client, callback, APPLE_EMAIL)
    assert not User.objects.exists()

    done = client.post(SIGNUP_URL, {"email": APPLE_EMAIL, "display_name": "", "date_of_birth": adult_date_of_birth()})
    assert done.status_code == 302
    assert done["Location"] == CLOSET_URL

    user = User.objects.get()
    assert user.email == APPLE_EMAIL
    assert user.display_name == "Ada Lovelace"
    assert user.age_check_passed_at is not None

    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("apple", APPLE_SUB)
    assert set(account.extra_data) <= ALLOWED_KEYS
    assert account.extra_data["sub"] == APPLE_SUB
    assert account.extra_data["email"] == APPLE_EMAIL
    assert not SocialToken.objects.exists()

    stored = everything_stored_in_the_database()
    for key in (*APPLE_UNWANTED_CLAIMS, "access_token", "refresh_token", "id_token", "token_type"):
        assert f'"{key}"' not in stored, key
    assert "a0b1c2-test-access-token" not in stored
    assert "r0b1c2-test-refresh-token" not in stored
    assert id_token not in stored
    in_sessions = everything_stored_in_sessions()
    assert "r0b1c2-test-refresh-token" not in in_sessions
    assert "Lovelace" not in in_sessions  # Apple's separate login session was deleted too

    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified) == (APPLE_EMAIL, True)
    assert signed_in_user_id(client) == str(user.pk)
    assert client.get(CLOSET_URL).status_code == 200


@pytest.mark.promise("ACC-1")
@pytest.mark.promise("ACC-3")
def test_an_under_age_apple_sign_up_is_refused_and_creates_nothing(client, apple_app, provider_http, apple_signing_key):
    id_token = apple_id_token(apple_claims(), apple_signing_key)
    apple_endpoints(provider_http, id_token=id_token, published_key=apple_signing_key)
    apple_user = {"name": {"firstName": "Ada", "lastName": "Lovelace"}, "email": APPLE_EMAIL}
    callback = apple_returns(client, id_token=id_token, user=apple_user)
    sign_up_form_is_shown(client, callback, APPLE_EMAIL)

    refused = client.post(
        SIGNUP_URL, {"email": APPLE_EMAIL, "display_name": "", "date_of_birth": under_age_date_of_birth()}
    )

    assert refused.status_code == 200
    assert [e.code for e in refused.context["form"].errors.as_data()["date_of_birth"]] == ["under_minimum_age"]
    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()
    assert not SocialAccount.objects.exists()
    stored = everything_stored_in_the_database()
    for trace in (APPLE_EMAIL, APPLE_SUB, "Lovelace"):
        assert trace not in stored, trace


@pytest.mark.promise("ACC-1")
@pytest.mark.parametrize("kid", [APPLE_SIGNING_KID, "unknown-kid"], ids=["apple-kid", "unknown-kid"])
def test_a_forged_apple_id_token_is_rejected_and_nobody_is_signed_up_or_in(
    client, apple_app, provider_http, apple_signing_key, forger_key, kid
):
    forged = apple_id_token(apple_claims(), forger_key, kid=kid)
    apple_endpoints(provider_http, id_token=forged, published_key=apple_signing_key)

    callback = apple_returns(
        client, id_token=forged, user={"name": {"firstName": "Ada", "lastName": "Lovelace"}, "email": APPLE_EMAIL}
    )

    assert callback.status_code == 401
    assert callback.get("Location") != SIGNUP_URL
    assert "socialaccount_sociallogin" not in client.session
    assert client.get(SIGNUP_URL)["Location"] == "/accounts/login/"  # there is no pending sign-up to complete
    assert signed_in_user_id(client) is None
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()
    assert not EmailAddress.objects.exists()
