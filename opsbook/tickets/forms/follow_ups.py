"""The filters of the follow-ups page (what is owed, why, by whom)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opsbook.accounts.models import User
from opsbook.core.forms import StyledFormMixin

from ..choices import FollowUpReason
from ..querysets import FollowUpTaskQuerySet

STATES = [
    ("open", _("Open")),
    ("overdue", _("Overdue")),
    ("done", _("Done")),
    ("cancelled", _("Cancelled")),
    ("all", _("All")),
]


class FollowUpFilterForm(StyledFormMixin, forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=STATES, required=False)
    reason = forms.ChoiceField(
        label=_("Why"),
        choices=[("", _("Any reason")), *FollowUpReason.choices],
        required=False,
    )
    owner = forms.ChoiceField(label=_("Owner"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.staff().order_by("display_name", "username")
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Nobody (the managers' queue)")),
            *((str(u.pk), u.label) for u in staff),
        ]

    def apply(self, tasks: FollowUpTaskQuerySet, user: User, now: Any) -> FollowUpTaskQuerySet:
        """``tasks`` narrowed by the valid filters (an invalid one is left out and shown)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        state = data.get("state") or "open"
        if state == "open":
            tasks = tasks.open()
        elif state == "overdue":
            tasks = tasks.overdue(now)
        elif state == "done":
            tasks = tasks.filter(done_at__isnull=False)
        elif state == "cancelled":
            tasks = tasks.filter(cancelled_at__isnull=False)
        if data.get("reason"):
            tasks = tasks.filter(reason=data["reason"])
        owner = data.get("owner")
        if owner == "me":
            tasks = tasks.filter(owner=user)
        elif owner == "none":
            tasks = tasks.filter(owner__isnull=True)
        elif owner:
            tasks = tasks.filter(owner_id=int(owner))
        return tasks
