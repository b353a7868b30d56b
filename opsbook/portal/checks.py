"""System checks of the portal's configuration (run by ``opsbook check --deploy``)."""

from django.conf import settings
from django.core import checks

# Cache backends that cannot hold a rate-limit count shared by every web process, and why.
# (django-ratelimit ships the same list as its own check; its app is not installed, because that
# check fails development's per-process cache even when no form is public.)
UNSHARED_CACHES = {
    "django.core.cache.backends.dummy.DummyCache": "does not store anything",
    "django.core.cache.backends.locmem.LocMemCache": "is private to each process",
    "django.core.cache.backends.filebased.FileBasedCache": "cannot count atomically",
    "django.core.cache.backends.db.DatabaseCache": "cannot count atomically",
}


@checks.register(checks.Tags.caches, deploy=True)
def check_feedback_rate_limit_cache(app_configs, **kwargs):
    if not settings.PUBLIC_FEEDBACK_ENABLED:
        return []
    cache_name = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    backend = settings.CACHES.get(cache_name, {}).get("BACKEND", "")
    reason = UNSHARED_CACHES.get(backend)
    if reason is None:
        return []
    return [
        checks.Warning(
            f"The public feedback form is on, but its rate limits are counted in a cache that "
            f"{reason} ({backend}), so they are not enforced as configured.",
            hint="Set REDIS_URL so every web process shares one cache "
            "(docs/operators/configuration.md).",
            id="portal.W001",
        )
    ]
