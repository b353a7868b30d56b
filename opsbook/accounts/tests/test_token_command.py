from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from opsbook.accounts.models import ApiToken
from opsbook.accounts.services import do_deactivate_user, user_for_token


def opsbook(*args) -> str:
    out = StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def test_token_create_prints_a_token_that_authenticates_the_user(alice):

    raw = opsbook("create", "--user", "alice", "--name", "报表导出").strip()

    assert raw.startswith("obk_")
    assert user_for_token(raw) == alice
    token = ApiToken.objects.get(user=alice)
    assert token.name == "报表导出"
    assert token.expires_at is None
    assert raw not in token.digest


def test_token_create_with_days_sets_an_expiry(alice):

    opsbook("create", "--user", "alice", "--days", "30")

    expires = ApiToken.objects.get(user=alice).expires_at
    assert expires is not None
    assert timezone.now() + timedelta(days=29) < expires <= timezone.now() + timedelta(days=30)


def test_token_create_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="nobody"):
        opsbook("create", "--user", "nobody")
    assert not ApiToken.objects.exists()


def test_token_create_refuses_an_inactive_user(personas):
    do_deactivate_user(personas.alice)

    with pytest.raises(CommandError, match="inactive"):
        opsbook("create", "--user", "alice")


def test_token_list_shows_hints_and_state_but_never_the_token(alice):
    first = opsbook("create", "--user", "alice", "--name", "first").strip()
    second = opsbook("create", "--user", "alice", "--name", "second").strip()
    opsbook("revoke", first[:8])

    listing = opsbook("list", "--user", "alice")

    lines = listing.splitlines()
    assert len(lines) == 2
    assert first not in listing and second not in listing
    assert any(line.startswith(first[:8]) and "revoked" in line for line in lines)
    assert any(line.startswith(second[:8]) and "active" in line for line in lines)


def test_token_list_marks_expired_tokens(alice):
    raw = opsbook("create", "--user", "alice", "--days", "1").strip()
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    listing = opsbook("list", "--user", "alice")

    assert "\texpired\t" in listing
    assert user_for_token(raw) is None


def test_token_list_refuses_an_unknown_user(db):
    with pytest.raises(CommandError):
        opsbook("list", "--user", "nobody")


def test_token_revoke_stops_the_token_working(alice):
    raw = opsbook("create", "--user", "alice").strip()

    output = opsbook("revoke", raw[:8] + "…")

    assert output.strip() == "revoked"
    assert user_for_token(raw) is None


def test_token_revoke_refuses_an_unknown_hint(alice):
    raw = opsbook("create", "--user", "alice").strip()

    with pytest.raises(CommandError):
        opsbook("revoke", "obk_@@@@")
    assert user_for_token(raw) == alice
