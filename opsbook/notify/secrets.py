"""Chat channels' secrets, encrypted at rest and shown masked.

A chat robot's URL is itself a credential (WeCom's ``key``, DingTalk's ``access_token``, the
Feishu and Slack hook paths), and DingTalk and Feishu add a signing secret. Both are stored
encrypted with Fernet (AES-128-CBC and HMAC-SHA256, from the ``cryptography`` package) in
``Channel.url`` (``url_encrypted`` set) and ``Channel.secret_encrypted``, and shown only masked.

Keys: ``NOTIFY_SECRET_KEY`` (comma-separated) in the environment; the first key encrypts and
every key decrypts (``MultiFernet``). Each key is any long random string, stretched to a Fernet
key with HKDF-SHA256; unset, one key is derived from ``SECRET_KEY`` the same way, with its own
``info`` so it is not the key Django signs with. Rotation: put the new key first, keep the old
one after it, run ``opsbook notify_rotate_secrets`` (re-encrypts every channel with the new
key), then remove the old key. Changing ``SECRET_KEY`` without ``NOTIFY_SECRET_KEY`` set makes
the stored secrets unreadable: the channels then fail with a clear error until re-entered.
"""

import base64
from urllib.parse import parse_qsl, urlsplit

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext as _

from .models import Channel

MASK = "••••"
KDF_SALT = b"opsbook.notify.secrets"
KDF_INFO = b"opsbook notify channel secrets v1"


class SecretUnreadable(Exception):
    """A stored secret cannot be decrypted with the configured keys."""


def _fernet_key(material: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=KDF_SALT, info=KDF_INFO).derive(
        material.encode("utf-8")
    )
    return base64.urlsafe_b64encode(derived)


def _keys() -> MultiFernet:
    materials = list(settings.NOTIFY_SECRET_KEYS) or [settings.SECRET_KEY]
    return MultiFernet([Fernet(_fernet_key(m)) for m in materials])


def encrypt(text: str) -> str:
    if not text:
        return ""
    return _keys().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _keys().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise SecretUnreadable(
            _(
                "The stored secret cannot be decrypted (NOTIFY_SECRET_KEY or SECRET_KEY changed?). "
                "Enter the URL and secret of this channel again."
            )
        ) from exc


def rotate(token: str) -> str:
    """``token`` encrypted again with the first key."""
    if not token:
        return ""
    try:
        return _keys().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise SecretUnreadable(str(exc)) from exc


# --- a channel's secrets --------------------------------------------------------------------


def channel_url(channel: Channel) -> str:
    return decrypt(channel.url) if channel.url_encrypted else channel.url


def channel_secret(channel: Channel) -> str:
    return decrypt(channel.secret_encrypted)


def store_url(channel: Channel, url: str) -> None:
    channel.url = encrypt(url.strip())
    channel.url_encrypted = bool(channel.url)


def store_secret(channel: Channel, secret: str) -> None:
    channel.secret_encrypted = encrypt(secret.strip())


def rotate_channel(channel: Channel) -> bool:
    """Re-encrypt a channel's secrets with the first key (and encrypt a plain URL); True when
    anything changed."""
    before = (channel.url, channel.secret_encrypted, channel.url_encrypted)
    if channel.url_encrypted:
        channel.url = rotate(channel.url)
    elif channel.url:
        store_url(channel, channel.url)
    channel.secret_encrypted = rotate(channel.secret_encrypted)
    return before != (channel.url, channel.secret_encrypted, channel.url_encrypted)


# --- masking --------------------------------------------------------------------------------


def mask(secret: str) -> str:
    """``••••`` and at most the last four characters (none of a short secret)."""
    if not secret:
        return ""
    return MASK + (secret[-4:] if len(secret) >= 12 else "")


def mask_url(url: str) -> str:
    """A URL with its credential parts hidden: scheme and host stay, the path's last segment
    and each query value show only their last four characters.
    ``https://qyapi.weixin.qq.com/…/send?key=••••1a2b``."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return MASK
    where = f"{parts.scheme}://{host}" + (f":{port}" if port else "")
    segments = [s for s in parts.path.split("/") if s]
    shown = ""
    if segments:
        last = segments[-1]
        hidden_last = mask(last) if parts.query == "" and len(last) >= 12 else last
        shown = "/…/" + hidden_last if len(segments) > 1 else "/" + hidden_last
    if parts.query:
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        shown += "?" + "&".join(f"{k}={mask(v) or MASK}" for k, v in pairs)
    return where + shown


def masked_channel_url(channel: Channel) -> str:
    try:
        return mask_url(channel_url(channel))
    except SecretUnreadable:
        return _("(unreadable: enter it again)")


def masked_channel_secret(channel: Channel) -> str:
    if not channel.secret_encrypted:
        return ""
    try:
        return mask(channel_secret(channel)) or MASK
    except SecretUnreadable:
        return _("(unreadable: enter it again)")
