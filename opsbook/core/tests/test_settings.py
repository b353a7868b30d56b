"""opsbook/settings.py reads the environment and refuses to start on a bad value.

Each case imports the settings module in a fresh interpreter with its own environment, because
settings are read once per process.
"""

import os
import secrets
import subprocess
import sys

import pytest

# Variables settings.py reads; every case starts from none of them set.
SETTINGS_VARIABLES = {
    "OPSBOOK_ENV",
    "OPSBOOK_BASE_URL",
    "REQUEST_MAX_MB",
    "ATTACHMENT_MAX_MB",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "OPSBOOK_VAR_DIR",
    "DATABASE_URL",
    "DB_CONN_MAX_AGE",
    "SQLITE_TEST_NAME",
    "REDIS_URL",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_LOCKOUT_MINUTES",
    "SESSION_COOKIE_AGE",
    "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "BEHIND_TLS_PROXY",
    "IMPORT_MAX_MB",
    "TIME_ZONE",
    "STATIC_ROOT",
    "LOG_LEVEL",
    "DJANGO_SETTINGS_MODULE",
}
GOOD_SECRET = secrets.token_urlsafe(45)  # 60 characters


@pytest.fixture
def development(tmp_path):
    return {"OPSBOOK_VAR_DIR": str(tmp_path)}


@pytest.fixture
def production(development):
    return {
        **development,
        "OPSBOOK_ENV": "production",
        "SECRET_KEY": GOOD_SECRET,
        "ALLOWED_HOSTS": "opsbook.example.com",
    }


def run(args, env):
    inherited = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    return subprocess.run(  # noqa: S603 (our own interpreter, arguments fixed by the tests)
        [sys.executable, *args],
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def import_settings(env):
    return run(["-c", "import opsbook.settings"], env)


def assert_refused(result, message):
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr.strip().splitlines()[-1]


def test_development_defaults_need_no_environment(development):
    result = import_settings(development)

    assert result.returncode == 0, result.stderr


def test_a_proper_production_environment_is_accepted(production):
    code = (
        "from opsbook import settings as s;"
        "assert not s.DEBUG and s.SESSION_COOKIE_SECURE and s.SECURE_SSL_REDIRECT;"
        "assert s.ALLOWED_HOSTS == ['opsbook.example.com']"
    )
    result = run(["-c", code], production)

    assert result.returncode == 0, result.stderr


def test_production_without_a_secret_key_is_refused(production):
    del production["SECRET_KEY"]

    assert_refused(import_settings(production), "SECRET_KEY is required")


def test_production_with_a_short_secret_key_is_refused(production):
    production["SECRET_KEY"] = "x7" * 20

    assert_refused(import_settings(production), "at least 50 characters")


def test_production_without_allowed_hosts_is_refused(production):
    del production["ALLOWED_HOSTS"]

    assert_refused(import_settings(production), "ALLOWED_HOSTS is required")


def test_production_with_empty_allowed_hosts_is_refused(production):
    production["ALLOWED_HOSTS"] = " , "

    assert_refused(import_settings(production), "ALLOWED_HOSTS is required")


def test_production_with_debug_on_is_refused(production):
    production["DEBUG"] = "true"

    assert_refused(import_settings(production), "DEBUG must be off")


def test_a_debug_value_that_is_not_a_boolean_is_refused(development):
    result = import_settings({"DEBUG": "maybe", **development})

    assert_refused(result, "DEBUG='maybe' is not a boolean")


def test_an_unknown_environment_name_is_refused(development):
    result = import_settings({"OPSBOOK_ENV": "staging", **development})

    assert_refused(result, "OPSBOOK_ENV='staging'")


def test_a_database_other_than_sqlite_or_postgresql_is_refused(development):
    env = {"DATABASE_URL": "mysql://opsbook:pw@db.example.com/opsbook", **development}

    assert_refused(import_settings(env), "SQLite or PostgreSQL")


def test_an_unreadable_database_url_is_refused(development):
    env = {"DATABASE_URL": "not a url", **development}

    assert_refused(import_settings(env), "DATABASE_URL")


def test_an_import_size_that_is_not_a_number_is_refused(development):
    result = import_settings({"IMPORT_MAX_MB": "abc", **development})

    assert_refused(result, "IMPORT_MAX_MB='abc' is not a whole number")


def test_an_import_size_of_zero_is_refused(development):
    result = import_settings({"IMPORT_MAX_MB": "0", **development})

    assert_refused(result, "IMPORT_MAX_MB='0' must be at least 1")


def test_the_deploy_check_passes_in_production(production):
    result = run(["-m", "opsbook", "check", "--deploy", "--fail-level", "WARNING"], production)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_links_in_production_point_at_the_site_unless_configured(production):
    code = "from opsbook import settings as s; print(s.OPSBOOK_BASE_URL)"
    assert run(["-c", code], production).stdout.strip() == "https://opsbook.example.com"
    configured = {**production, "OPSBOOK_BASE_URL": "https://ops.example.com:8443/"}
    assert run(["-c", code], configured).stdout.strip() == "https://ops.example.com:8443"


def test_a_base_url_without_a_scheme_is_refused(development):
    env = {**development, "OPSBOOK_BASE_URL": "ops.example.com"}
    assert_refused(import_settings(env), "must start with http:// or https://")


def test_the_request_limit_follows_the_largest_upload_unless_set(development):
    code = "from opsbook import settings as s; print(s.REQUEST_MAX_BYTES // 1048576)"
    assert run(["-c", code], development).stdout.strip() == "21"
    assert run(["-c", code], {**development, "IMPORT_MAX_MB": "50"}).stdout.strip() == "51"
    assert run(["-c", code], {**development, "REQUEST_MAX_MB": "5"}).stdout.strip() == "5"
