"""Errors every domain raises the same way, so that the web pages and the API answer them alike
(the API maps ``ConflictError`` to 409, see ``opsbook/api.py``)."""


class ConflictError(Exception):
    """Someone else saved the record since it was loaded (optimistic locking), or the data an
    import planned against changed while it ran; nothing was written."""
