"""The checklist in the Django admin: only which services each customer organisation receives
(what its contacts may raise tickets on in the portal). The checklist itself is edited in
Opsbook's own pages, which keep versions and history."""

from django.contrib import admin

from opsbook.audit.models import Action
from opsbook.audit.services import record, snapshot

from .choices import Status
from .models import CustomerService, ServiceItem


class AuditedAdmin(admin.ModelAdmin):
    """An admin whose saves and deletions are written to the audit log like any other change
    (``audit_fields``: the fields recorded)."""

    audit_fields: list[str] = []

    def save_model(self, request, obj, form, change):
        before = {}
        if change:
            before = snapshot(type(obj).objects.get(pk=obj.pk), self.audit_fields)
        super().save_model(request, obj, form, change)
        after = snapshot(obj, self.audit_fields)
        record(
            actor=request.user,
            action=Action.UPDATE if change else Action.CREATE,
            obj=obj,
            changes={k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
            source="admin",
        )

    def delete_model(self, request, obj):
        record(
            actor=request.user,
            action=Action.DELETE,
            obj=obj,
            changes={k: [v, None] for k, v in snapshot(obj, self.audit_fields).items()},
            source="admin",
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # One by one, so each deletion has its audit entry.
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(CustomerService)
class CustomerServiceAdmin(AuditedAdmin):
    list_display = ["customer", "item", "starts_on", "ends_on", "notes"]
    list_filter = [("customer", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["customer__name", "customer__code", "item__code", "item__name"]
    list_select_related = ["customer", "item"]
    autocomplete_fields = ["customer"]
    audit_fields = ["customer", "item", "starts_on", "ends_on", "notes"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "item":
            kwargs["queryset"] = ServiceItem.objects.exclude(status=Status.RETIRED).order_by("code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
