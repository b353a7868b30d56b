"""Defences of the public feedback form: rate limits and anti-automation checks.

* Rate limits (django-ratelimit, counted in the default cache): at most
  ``PUBLIC_FEEDBACK_PER_IP_HOUR`` submissions an hour from one address (IPv6: one /64) and
  ``PUBLIC_FEEDBACK_PER_HOUR`` from everyone together.
* A honeypot field people never see, which must stay empty.
* A signed time stamp put in the form when it is shown: a submission must come at least
  ``MIN_FORM_SECONDS`` and at most ``MAX_FORM_SECONDS`` after it. Scripts that post at once,
  replay an old form or forge the stamp are refused.

A refused submission writes nothing and is told nothing about which check failed.
"""

import ipaddress
import logging
import time

from django.conf import settings
from django.core import signing
from django_ratelimit.core import is_ratelimited

MIN_FORM_SECONDS = 3
MAX_FORM_SECONDS = 60 * 60
STAMP_SALT = "opsbook.portal.feedback.stamp"
HONEYPOT_FIELD = "website"
STAMP_FIELD = "started"

logger = logging.getLogger(__name__)


def issue_stamp() -> str:
    """A signed note of when the form was shown, for its hidden field."""
    return signing.dumps({"at": time.time()}, salt=STAMP_SALT, compress=False)


def stamp_is_fresh(value: str) -> bool:
    """True when ``value`` is a stamp this site issued between 3 seconds and an hour ago."""
    if not value or len(value) > 200:
        return False
    try:
        data = signing.loads(value, salt=STAMP_SALT, max_age=MAX_FORM_SECONDS)
        issued = float(data["at"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return False
    age = time.time() - issued
    return MIN_FORM_SECONDS <= age <= MAX_FORM_SECONDS


def looks_automated(data) -> bool:
    """The honeypot was filled in or the time stamp is missing, forged, too new or too old."""
    return bool(data.get(HONEYPOT_FIELD, "")) or not stamp_is_fresh(data.get(STAMP_FIELD, ""))


def client_address(request) -> str:
    """The client's network for counting: its IPv4 address or its IPv6 /64.

    Behind a reverse proxy every connection comes from the proxy; ``PUBLIC_FEEDBACK_IP_HEADER``
    names the header the proxy sets to the client's address (the last value is used, the one
    the proxy appended). Without it, or when it holds no address, the connection's address."""
    candidates = []
    header = settings.PUBLIC_FEEDBACK_IP_HEADER
    if header:
        meta_key = "HTTP_" + header.upper().replace("-", "_")
        forwarded = request.META.get(meta_key, "").split(",")
        candidates.append(forwarded[-1].strip())
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            continue
        prefix = 64 if address.version == 6 else 32
        return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)
    return "unknown"


def _per_address(group, request) -> str:
    return client_address(request)


def _everyone(group, request) -> str:
    return "everyone"


def over_limit(request) -> bool:
    """Count this submission; True when the address or the whole site is over its limit, and
    when the cache that keeps the counts cannot be reached (the form fails closed)."""
    try:
        return _count(request)
    except Exception:
        logger.exception("The public feedback form could not count a submission in the cache.")
        return True


def _count(request) -> bool:
    per_address = is_ratelimited(
        request,
        group="portal.feedback.address",
        key=_per_address,
        rate=f"{settings.PUBLIC_FEEDBACK_PER_IP_HOUR}/h",
        method="POST",
        increment=True,
    )
    everyone = is_ratelimited(
        request,
        group="portal.feedback.everyone",
        key=_everyone,
        rate=f"{settings.PUBLIC_FEEDBACK_PER_HOUR}/h",
        method="POST",
        increment=True,
    )
    return per_address or everyone
