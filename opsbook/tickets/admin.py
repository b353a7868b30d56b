"""Tickets in the Django admin: for operators to look things up, not to work tickets.

Tickets, comments, attachments and timeline data change only through ``services`` (status
machine, SLA clocks, version, timeline, notifications), so they are read-only here; the pages
and the API are where tickets are worked. Attachment files are never served from the admin:
only their names and checksums are shown (downloads go through the permission-checked views).
Tags and saved filters carry no such rules and may be tidied here.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from opsbook.catalog.admin import AuditedAdmin

from .models import Attachment, Comment, SavedFilter, Tag, Ticket


class ReadOnlyAdmin(admin.ModelAdmin):
    """View only: no add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


COMMENT_FIELDS = ("created_at", "author_name", "is_public", "by_customer", "body")


class CommentInline(admin.TabularInline):
    model = Comment
    fields = COMMENT_FIELDS
    readonly_fields = COMMENT_FIELDS
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "title",
        "status",
        "type",
        "channel",
        "priority",
        "customer",
        "assignee",
        "team",
        "created_at",
        "response_breached",
        "resolution_breached",
        "rating",
    ]
    list_display_links = ["number", "title"]
    list_filter = [
        "status",
        "type",
        "channel",
        "priority",
        "source",
        "response_breached",
        "resolution_breached",
        "calendar_incomplete",
        ("team", admin.RelatedOnlyFieldListFilter),
        ("customer", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = [
        "title",
        "external_id",
        "requester_name",
        "requester_email",
        "requester_phone",
        "customer__name",
    ]
    list_select_related = ["customer", "assignee", "team"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    # Counting every ticket on each page load is slow at a million rows.
    show_full_result_count = False
    inlines = [CommentInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "description",
                    ("type", "channel", "priority", "status"),
                    ("item", "content"),
                    ("customer", "contact"),
                    ("requester_name", "requester_email", "requester_phone"),
                    ("assignee", "team"),
                    "tags",
                    ("source", "external_id", "created_by"),
                    "root_cause",
                ]
            },
        ),
        (
            _("Dates"),
            {
                "fields": [
                    ("created_at", "updated_at"),
                    ("acknowledged_at", "first_response_at"),
                    ("resolved_at", "closed_at", "cancelled_at"),
                    "reopened_count",
                ]
            },
        ),
        (
            _("SLA"),
            {
                "fields": [
                    ("sla_standard", "sla_calendar", "sla_time_basis"),
                    ("response_target_seconds", "resolution_target_seconds"),
                    ("response_due_at", "resolution_due_at"),
                    (
                        "response_business_seconds",
                        "resolution_business_seconds",
                        "paused_business_seconds",
                    ),
                    ("response_breached", "resolution_breached", "calendar_incomplete"),
                    "sla_computed_at",
                ]
            },
        ),
        (_("Satisfaction"), {"fields": [("rating", "rated_at"), "rating_comment"]}),
    ]

    @admin.display(description=_("number"), ordering="id")
    def number(self, ticket):
        return ticket.number

    def get_search_results(self, request, queryset, search_term):
        """Also find a ticket by its number (``#123`` or ``123``)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        number = search_term.strip().lstrip("#")
        if number.isdigit() and len(number) < 19:
            results = results | queryset.filter(pk=int(number))
        return results, may_have_duplicates


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "created_at", "author_name", "is_public", "by_customer"]
    list_filter = ["is_public", "by_customer"]
    search_fields = ["body", "author_name", "ticket__title"]
    list_select_related = ["ticket"]
    fields = ["ticket", "author", "author_name", "created_at", "is_public", "by_customer", "body"]
    show_full_result_count = False


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "ticket", "size", "content_type", "is_public", "created_at"]
    list_filter = ["is_public", "content_type"]
    search_fields = ["name", "sha256", "ticket__title"]
    list_select_related = ["ticket"]
    # The stored file (``file``) is left out on purpose: the admin would link straight to it.
    fields = [
        "id",
        "ticket",
        "comment",
        "name",
        "content_type",
        "size",
        "sha256",
        "is_public",
        "uploaded_by",
        "created_at",
    ]
    show_full_result_count = False


@admin.register(Tag)
class TagAdmin(AuditedAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    audit_fields = ["name"]


@admin.register(SavedFilter)
class SavedFilterAdmin(admin.ModelAdmin):
    """Users' saved ticket-list filters: may be looked at and removed, not written."""

    list_display = ["name", "owner", "query", "created_at"]
    search_fields = ["name", "owner__username", "query"]
    list_select_related = ["owner"]
    readonly_fields = ["owner", "name", "query", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
