"""One-time survey links. Only a SHA-256 digest of each token is stored."""

import hashlib
import secrets

MAX_TOKEN_LENGTH = 100


def new_token() -> tuple[str, str]:
    """(token, digest): the caller mails the token and stores the digest."""
    token = secrets.token_urlsafe(32)
    return token, digest(token)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_valid(token: str) -> bool:
    return bool(token) and len(token) <= MAX_TOKEN_LENGTH and token.isascii()
