"""Channel secrets are encrypted at rest, readable again with the configured keys (rotation
included), and shown masked."""

import pytest

from opsbook.notify import secrets
from opsbook.notify.models import Channel
from opsbook.notify.testing import make_channel

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa1a2b"


def test_encrypt_round_trips_and_hides_the_text():
    token = secrets.encrypt("SECabc你好")
    assert "SECabc" not in token
    assert secrets.decrypt(token) == "SECabc你好"
    assert secrets.encrypt("") == "" and secrets.decrypt("") == ""


@pytest.mark.django_db
def test_a_channel_stores_neither_url_nor_secret_in_clear():
    channel = make_channel("dingtalk", WECOM, secret="SECsigningsecret0001")
    row = Channel.objects.values("url", "secret_encrypted", "url_encrypted").get(pk=channel.pk)
    assert row["url_encrypted"]
    assert "693a91f6" not in row["url"] and "qyapi" not in row["url"]
    assert "SECsigning" not in row["secret_encrypted"]
    assert secrets.channel_url(channel) == WECOM
    assert secrets.channel_secret(channel) == "SECsigningsecret0001"


def test_the_key_comes_from_secret_key_when_none_is_set(settings):
    settings.NOTIFY_SECRET_KEYS = []
    token = secrets.encrypt("x")
    settings.SECRET_KEY = "another-secret-key-" * 4
    with pytest.raises(secrets.SecretUnreadable):
        secrets.decrypt(token)


@pytest.mark.django_db
def test_rotation_keeps_old_tokens_readable_and_reencrypts_with_the_new_key(settings):
    settings.NOTIFY_SECRET_KEYS = ["old-key-material-0123456789"]
    channel = make_channel("feishu", "https://open.feishu.cn/open-apis/bot/v2/hook/tok", secret="s")
    settings.NOTIFY_SECRET_KEYS = ["new-key-material-abcdefghij", "old-key-material-0123456789"]
    assert secrets.channel_url(channel) == "https://open.feishu.cn/open-apis/bot/v2/hook/tok"
    assert secrets.rotate_channel(channel)
    channel.save()
    settings.NOTIFY_SECRET_KEYS = ["new-key-material-abcdefghij"]
    channel.refresh_from_db()
    assert secrets.channel_secret(channel) == "s"


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        (WECOM, "https://qyapi.weixin.qq.com/…/send?key=••••1a2b"),
        (
            "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789ffff",
            "https://oapi.dingtalk.com/…/send?access_token=••••ffff",
        ),
        (
            "https://open.feishu.cn/open-apis/bot/v2/hook/2f9d3c1e-aaaa-bbbb-cccc-0123456789ab",
            "https://open.feishu.cn/…/••••89ab",
        ),
        (
            "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXwxyz",
            "https://hooks.slack.com/…/••••wxyz",
        ),
        ("http://127.0.0.1:8080/hook", "http://127.0.0.1:8080/hook"),
        ("https://h.example/x?token=abc", "https://h.example/x?token=••••"),
    ],
)
def test_urls_are_masked_down_to_the_last_four_characters(url, masked):
    assert secrets.mask_url(url) == masked


def test_short_secrets_show_nothing_of_themselves():
    assert secrets.mask("abc") == "••••"
    assert secrets.mask("SEC0123456789abcd") == "••••abcd"
