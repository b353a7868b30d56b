"""Checking uploaded files: the checks live in ``opsbook.core.attachments`` since SOP step
evidence (``sops``, below tickets) is checked the same way; named here for the tickets code."""

from opsbook.core.attachments import ALLOWED, CheckedFile, check_upload, clean_name

__all__ = ["ALLOWED", "CheckedFile", "check_upload", "clean_name"]
