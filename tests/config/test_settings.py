"""Settings: the embedded default needs nothing; production needs its variables, refuses DEBUG, passes
``check --deploy``; a bad value stops start-up with a message that names it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env

ROOT = Path(__file__).resolve().parents[2]


def _rsa_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return pem.decode().replace("\n", "\\n")  # as it is written in an environment file


PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "x7Gq2vN9pL4sR8tW1yZ6bC3dF5hJ0kM-aQeUiOoPlKjHgFdSa_zXcVbNm",
    "DJANGO_ALLOWED_HOSTS": "sesiocloset.example",
    "DATABASE_URL": "postgres://app:secret@db.internal:5432/sesiocloset",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "AWS_STORAGE_BUCKET_NAME": "sesiocloset-private",
    "EMAIL_HOST": "smtp.example",
    "OIDC_PRIVATE_KEY": _rsa_pem(),
}


def _run(code_or_args: str | list[str], env_vars: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    """Run Python in a fresh process with only ``env_vars`` (plus PATH), as a deployment would start."""
    environment = {"PATH": os.environ["PATH"], "SESIOCLOSET_VAR_DIR": str(tmp_path / "var"), **env_vars}
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else code_or_args
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


SHOW_SETTINGS = """
import json, django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.conf import settings
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "broker": settings.CELERY_BROKER_URL,
    "storage": settings.STORAGES["default"]["BACKEND"],
    "email": settings.EMAIL_BACKEND,
    "email_path": str(getattr(settings, "EMAIL_FILE_PATH", "")),
    "debug": settings.DEBUG,
}))
"""


def test_the_embedded_default_needs_no_variables_and_no_servers(tmp_path):
    result = _run(SHOW_SETTINGS, {}, tmp_path)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["cache"].endswith("LocMemCache")
    assert shown["broker"] == "filesystem://"
    assert shown["storage"] == "core.storage.PrivateFileSystemStorage"
    assert shown["email"].endswith("filebased.EmailBackend")
    assert shown["email_path"] == str(tmp_path / "var" / "mail")


def test_the_embedded_default_writes_every_email_to_var_mail(tmp_path):
    result = _run(["manage.py", "sendtestemail", "newcomer@example.com"], {}, tmp_path)
    assert result.returncode == 0, result.stderr
    written = list((tmp_path / "var" / "mail").glob("*.log"))
    assert len(written) == 1
    assert "newcomer@example.com" in written[0].read_text()


@pytest.mark.promise("SEC-2")
def test_production_passes_check_deploy_with_no_issue(tmp_path):
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.promise("SEC-2")
def test_production_forces_https_secure_cookies_and_hsts(tmp_path):
    code = SHOW_SETTINGS.replace(
        '"debug": settings.DEBUG,',
        '"debug": settings.DEBUG, "ssl": settings.SECURE_SSL_REDIRECT, "hsts": settings.SECURE_HSTS_SECONDS,'
        '"cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],',
    )
    result = _run(code, PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["cache"].endswith("RedisCache")
    assert shown["broker"] == PRODUCTION_ENV["REDIS_URL"]
    assert shown["storage"] == "core.storage.PrivateS3Storage"
    assert shown["email"].endswith("smtp.EmailBackend")
    assert shown["debug"] is False
    assert shown["ssl"] is True and shown["hsts"] >= 31_536_000 and shown["cookies"] == [True, True]


@pytest.mark.parametrize(
    "missing",
    ["DATABASE_URL", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "DJANGO_SECRET_KEY", "EMAIL_HOST", "OIDC_PRIVATE_KEY"],
)
def test_production_stops_at_start_up_naming_a_missing_variable(missing, tmp_path):
    environment = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _run(["manage.py", "check"], environment, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr.splitlines()[-1]


def test_production_refuses_debug(tmp_path):
    result = _run(["manage.py", "check"], {**PRODUCTION_ENV, "DJANGO_DEBUG": "true"}, tmp_path)
    assert result.returncode != 0
    assert "DJANGO_DEBUG cannot be switched on" in result.stderr


def test_a_bad_value_stops_start_up_with_a_clear_message(tmp_path):
    result = _run(["manage.py", "check"], {"PRIVATE_FILE_URL_MAX_AGE": "five minutes"}, tmp_path)
    assert result.returncode != 0
    assert "PRIVATE_FILE_URL_MAX_AGE must be a whole number; got 'five minutes'" in result.stderr


def test_a_database_url_of_the_wrong_kind_is_refused(tmp_path):
    result = _run(["manage.py", "check"], {**PRODUCTION_ENV, "DATABASE_URL": "mysql://db/app"}, tmp_path)
    assert result.returncode != 0
    assert "DATABASE_URL must be a URL starting with postgres://" in result.stderr


class TestEnvironmentHelpers:
    def test_booleans_accept_the_usual_spellings_and_refuse_others(self, monkeypatch):
        monkeypatch.setenv("FLAG", "Yes")
        assert env.env_bool("FLAG", False) is True
        monkeypatch.setenv("FLAG", "off")
        assert env.env_bool("FLAG", True) is False
        monkeypatch.setenv("FLAG", "maybe")
        with pytest.raises(ImproperlyConfigured, match="FLAG must be a boolean"):
            env.env_bool("FLAG", False)

    def test_integers_enforce_a_minimum(self, monkeypatch):
        monkeypatch.setenv("COUNT", "0")
        with pytest.raises(ImproperlyConfigured, match="COUNT must be at least 1"):
            env.env_int("COUNT", 5, minimum=1)

    def test_a_required_variable_that_is_missing_or_empty_is_named(self, monkeypatch):
        monkeypatch.delenv("NEEDED", raising=False)
        with pytest.raises(ImproperlyConfigured, match="NEEDED is required"):
            env.env_str("NEEDED")
        monkeypatch.setenv("NEEDED", "  ")
        with pytest.raises(ImproperlyConfigured, match="NEEDED is required but is empty"):
            env.env_str("NEEDED")

    def test_lists_drop_blank_entries(self, monkeypatch):
        monkeypatch.setenv("HOSTS", "a.example, ,b.example,")
        assert env.env_list("HOSTS", []) == ["a.example", "b.example"]

    def test_urls_need_a_known_scheme_and_a_host(self, monkeypatch):
        monkeypatch.setenv("URL", "redis:///0")
        with pytest.raises(ImproperlyConfigured, match="URL must name a host"):
            env.env_url("URL", schemes=("redis",))


def test_production_refuses_a_malformed_oidc_key(tmp_path):
    result = _run(["manage.py", "check"], {**PRODUCTION_ENV, "OIDC_PRIVATE_KEY": "not a key"}, tmp_path)
    assert result.returncode != 0
    assert "OIDC_PRIVATE_KEY must be an unencrypted RSA private key" in result.stderr
