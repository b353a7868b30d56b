import hashlib
import secrets
import zoneinfo
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from opsbook.core import clock

from .choices import STAFF_ROLES, Role


def validate_time_zone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(tz)s is not a known time zone."), params={"tz": value})


class Team(models.Model):
    """A team or department; teams own services and have a lead for escalations."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent department"),
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team lead"),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    """A client organisation that receives services."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.name


class OpsbookUserManager(UserManager["User"]):
    def staff(self) -> models.QuerySet["User"]:
        return self.filter(is_active=True, role__in=STAFF_ROLES)


class User(AbstractUser):
    """A person who signs in: staff of the operations team, or a customer's contact."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    team = models.ForeignKey(
        Team,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
    )
    customer = models.ForeignKey(
        Customer,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("customer organisation"),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Empty: follow the browser."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Empty: the site's time zone."),
    )

    capacity_hours = models.PositiveSmallIntegerField(
        _("capacity (hours per month)"),
        null=True,
        blank=True,
        help_text=_("Hours a month this person can give to service work; empty: not planned."),
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True, editable=False)
    # Rotated when the account is deactivated: every session signed in before then stops
    # matching (see get_session_auth_hash), even after a reactivation.
    session_stamp = models.CharField(max_length=32, blank=True, editable=False)

    objects: ClassVar[OpsbookUserManager] = OpsbookUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="customer") | models.Q(customer__isnull=False),
                name="customer_contact_has_customer",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.is_active and self.role in STAFF_ROLES

    def _get_session_auth_hash(self, secret=None):
        # Django's hash covers the password; ours also covers the session stamp, so that
        # rotating the stamp (on deactivation) signs out every session for good. With no
        # stamp yet, the hash is Django's own, so existing sessions survive an upgrade.
        base = super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
        if not self.session_stamp:
            return base
        return salted_hmac(
            "opsbook.accounts.User.session_stamp",
            base + self.session_stamp,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def has_no_password(self) -> bool:
        return not self.has_usable_password()

    def save(self, *args, **kwargs):
        # The role is the one source of truth: a superuser (e.g. from `createsuperuser`) is an
        # administrator, and Django admin access follows the role.
        if self.is_superuser:
            self.role = Role.ADMIN
        self.is_staff = self.role == Role.ADMIN
        super().save(*args, **kwargs)


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=clock.now())
        )


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 digest is stored; the token is shown once."""

    PREFIX = "obk_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("hint"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.hint}… ({self.user})"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def generate(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)
