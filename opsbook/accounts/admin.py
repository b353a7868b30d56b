from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError

from .choices import Role
from .models import ApiToken, Customer, Team, User
from .services import account_change_problem


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "team", "customer", "is_active"]
    list_filter = ["role", "team", "is_active"]
    readonly_fields = ["invited_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        class GuardedForm(form):  # type: ignore[valid-type,misc]
            """The admin site keeps the rules of the people pages: nobody deactivates their own
            account, and the last active administrator stays one."""

            def clean(self):
                data = super().clean()
                if self.instance.pk is not None and "is_active" in data:
                    admin = data.get("is_superuser") or data.get("role") == Role.ADMIN
                    problem = account_change_problem(
                        actor,
                        self.instance,
                        role=Role.ADMIN if admin else str(data.get("role") or ""),
                        active=bool(data["is_active"]),
                    )
                    if problem is not None:
                        raise ValidationError(problem)
                return data

        return GuardedForm

    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (
            "Opsbook",
            {
                "fields": [
                    "display_name",
                    "role",
                    "team",
                    "customer",
                    "phone",
                    "capacity_hours",
                    "invited_at",
                    "language",
                    "time_zone",
                ]
            },
        ),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "lead"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    search_fields = ["code", "name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["hint", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "digest", "hint", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        # A token is shown once when it is made, which `opsbook token create` does; an admin
        # form would store a row with no usable secret.
        return False
