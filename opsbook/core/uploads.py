"""Uploads kept privately between an import wizard's preview and its confirm step.

The file lives under ``VAR_DIR/<folder>`` with a random name (mode 0600, never served); the
session remembers which file belongs to which user, with whatever else the wizard needs. The
confirm step names the upload it previewed, so a file uploaded in another tab is never
imported in its place. Abandoned files are swept after ``ttl`` seconds.
"""

import contextlib
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest

TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


class StagedUploads:
    def __init__(self, folder: str, session_key: str, ttl: int = 60 * 60):
        self.folder, self.session_key, self.ttl = folder, session_key, ttl

    def directory(self) -> Path:
        path = Path(settings.VAR_DIR) / self.folder
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return path

    def sweep(self) -> None:
        """Delete uploads left behind longer than ``ttl`` (abandoned wizards)."""
        cutoff = time.time() - self.ttl
        for path in self.directory().glob("*.upload"):
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()

    def store(self, request: HttpRequest, upload: UploadedFile[bytes], **extra: Any) -> None:
        token = secrets.token_urlsafe(24)
        path = self.directory() / f"{token}.upload"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        request.session[self.session_key] = {
            **extra,
            "token": token,
            "filename": os.path.basename(upload.name or "")[:200],
            "user_id": request.user.pk,
            "stored_at": time.time(),
        }

    def load(
        self, request: HttpRequest, expected_token: str | None = None, **must_match: Any
    ) -> tuple[Path, dict[str, Any]] | None:
        """(path, session info) of the user's pending upload if still there and fresh, with
        every ``must_match`` value equal to what was stored; else None."""
        info = request.session.get(self.session_key)
        if not isinstance(info, dict) or info.get("user_id") != request.user.pk:
            return None
        if any(info.get(key) != value for key, value in must_match.items()):
            return None
        token = str(info.get("token", ""))
        if not TOKEN.fullmatch(token):
            return None
        if expected_token is not None and not secrets.compare_digest(token, expected_token):
            return None
        path = self.directory() / f"{token}.upload"
        if time.time() - float(info.get("stored_at", 0)) > self.ttl or not path.exists():
            self.discard(request)
            return None
        return path, info

    def update(self, request: HttpRequest, **extra: Any) -> None:
        """Remember more about the pending upload (choices made on the preview page)."""
        info = request.session.get(self.session_key)
        if isinstance(info, dict):
            request.session[self.session_key] = {**info, **extra}

    def token(self, request: HttpRequest) -> str:
        return str(request.session[self.session_key]["token"])

    def discard(self, request: HttpRequest) -> None:
        info = request.session.pop(self.session_key, None)
        token = str(info.get("token", "")) if isinstance(info, dict) else ""
        if TOKEN.fullmatch(token):
            with contextlib.suppress(FileNotFoundError):
                (self.directory() / f"{token}.upload").unlink()
