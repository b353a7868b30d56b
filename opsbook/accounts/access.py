"""Who may do what. Views, the API and commands ask these helpers; templates never check roles."""

from .choices import Role
from .models import User


def is_staff_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff_member)


def can_manage_catalog(user) -> bool:
    """Create categories and items, import, bulk-edit, retire: administrators and managers."""
    return is_staff_member(user) and user.role in {Role.ADMIN, Role.MANAGER}


def can_view_catalog(user) -> bool:
    return is_staff_member(user)


def is_admin(user: User) -> bool:
    return is_staff_member(user) and user.role == Role.ADMIN


def can_read_audit_log(user) -> bool:
    """The whole audit trail, across records: administrators and managers."""
    return is_staff_member(user) and user.role in {Role.ADMIN, Role.MANAGER}


def can_create_staff(user) -> bool:
    """Add staff members (for now: owners named in an imported checklist): administrators and
    managers."""
    return is_staff_member(user) and user.role in {Role.ADMIN, Role.MANAGER}


def can_manage_people(user) -> bool:
    """Staff, teams, customer organisations and their contacts: administrators and managers."""
    return is_staff_member(user) and user.role in {Role.ADMIN, Role.MANAGER}


def can_grant_role(user, role: str) -> bool:
    """Only an administrator makes (or edits) another administrator."""
    return can_manage_people(user) and (role != Role.ADMIN or user.role == Role.ADMIN)
