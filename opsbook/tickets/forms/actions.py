"""The forms of what is done on one ticket: reply or note, status, assignment, watchers,
root cause and follow-up visits of a complaint, more files."""

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opsbook.accounts.models import Team, User
from opsbook.core import clock
from opsbook.core.forms import StyledFormMixin

from ..choices import FollowUpMethod, Status
from ..models import FollowUp, Ticket
from .fields import MultipleFileField, VersionedForm, assignable_users


class ReplyForm(VersionedForm):
    kind = forms.ChoiceField(
        label=_("Write"),
        choices=[("reply", _("Public reply")), ("note", _("Internal note"))],
        initial="reply",
        widget=forms.RadioSelect,
    )
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}))
    # A declared field: the form metaclass moves it to base_fields, so it never shadows
    # BaseForm.files as the stubs believe.
    files = MultipleFileField(label=_("Files"))  # type: ignore[assignment]
    then_status = forms.ChoiceField(label=_("Then set status"), required=False)

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_reply_%s")
        kwargs.setdefault("initial", {"version": ticket.version})
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-check-input"
        cast(forms.ChoiceField, self.fields["then_status"]).choices = [
            ("", _("(unchanged)")),
            *((s, Status(s).label) for s in ticket.allowed_transitions()),
        ]

    @property
    def public(self) -> bool:
        return self.cleaned_data.get("kind") == "reply"


class StatusForm(VersionedForm):
    to_status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_status_%s")
        kwargs.setdefault("initial", {"version": ticket.version})
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["to_status"]).choices = [
            (s, Status(s).label) for s in ticket.allowed_transitions()
        ]


class PersonChoiceField(forms.ModelChoiceField):
    """A person shown with their team."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.label} · {obj.team}" if obj.team_id else obj.label


class AssignForm(VersionedForm):
    assignee = PersonChoiceField(label=_("Assignee"), queryset=User.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)

    def __init__(
        self, *args: Any, user: User, ticket: Ticket, can_manage: bool, **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", "id_assign_%s")
        kwargs.setdefault(
            "initial",
            {"assignee": ticket.assignee_id, "team": ticket.team_id, "version": ticket.version},
        )
        super().__init__(*args, **kwargs)
        self.can_manage = can_manage
        people = assignable_users()
        if not can_manage:
            # Agents hand tickets over inside their team and the ticket's team.
            teams = {t for t in (user.team_id, ticket.team_id) if t}
            people = people.filter(Q(team_id__in=teams) | Q(pk=ticket.assignee_id or 0))
            del self.fields["team"]
        else:
            team = cast(forms.ModelChoiceField, self.fields["team"])
            team.queryset = Team.objects.all()
            team.empty_label = _("(the assignee's team)")
        assignee = cast(forms.ModelChoiceField, self.fields["assignee"])
        assignee.queryset = people.order_by("team__name", "username")
        assignee.empty_label = _("Unassigned")

    def target(self, ticket: Ticket) -> tuple[User | None, Team | None]:
        """(assignee, team) for services.do_assign_ticket."""
        assignee = self.cleaned_data.get("assignee")
        team = self.cleaned_data.get("team") if self.can_manage else None
        if team is None:
            team = assignee.team if assignee is not None and assignee.team_id else ticket.team
        return assignee, team


class WatchersForm(StyledFormMixin, forms.Form):
    watchers = forms.ModelMultipleChoiceField(
        label=_("Watchers"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, watchers: Any = (), **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_watchers_%s")
        kwargs.setdefault("initial", {"watchers": [w.pk for w in watchers]})
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelMultipleChoiceField, self.fields["watchers"]
        ).queryset = User.objects.staff()


class RootCauseForm(VersionedForm):
    root_cause = forms.CharField(
        label=_("Root cause"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required before a complaint can be closed."),
    )

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_cause_%s")
        kwargs.setdefault("initial", {"root_cause": ticket.root_cause, "version": ticket.version})
        super().__init__(*args, **kwargs)


class FollowUpForm(StyledFormMixin, forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=FollowUpMethod.choices)
    at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: now."),
    )
    outcome = forms.CharField(
        label=_("What the customer said"), widget=forms.Textarea(attrs={"rows": 3})
    )
    customer_satisfied = forms.NullBooleanField(
        label=_("Customer satisfied"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("Not asked")), ("true", _("Yes")), ("false", _("No"))]
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_follow_up_%s")
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "method": data["method"],
            "outcome": data["outcome"],
            "customer_satisfied": data.get("customer_satisfied"),
            "at": data.get("at") or clock.now(),
        }


class AttachmentsForm(StyledFormMixin, forms.Form):
    # A declared field: the form metaclass moves it to base_fields, so it never shadows
    # BaseForm.files as the stubs believe.
    files = MultipleFileField(label=_("Files"), required=True)  # type: ignore[assignment]
    public = forms.BooleanField(label=_("Visible to the customer"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_upload_%s")
        super().__init__(*args, **kwargs)


REASON_HELP = _("Kept with the correction in the ticket's history.")


class RootCauseCorrectionForm(VersionedForm):
    """A manager's correction of a closed complaint's root cause."""

    root_cause = forms.CharField(
        label=_("Corrected root cause"), widget=forms.Textarea(attrs={"rows": 4})
    )
    reason = forms.CharField(label=_("Why it is corrected"), max_length=500, help_text=REASON_HELP)

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_correct_cause_%s")
        kwargs.setdefault("initial", {"root_cause": ticket.root_cause, "version": ticket.version})
        super().__init__(*args, **kwargs)


class VisitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{clock.localtime(obj.at):%Y-%m-%d %H:%M} · {obj.get_method_display()}"


class FollowUpCorrectionForm(StyledFormMixin, forms.Form):
    """A manager's correction of what a follow-up visit of a closed complaint recorded."""

    follow_up = VisitChoiceField(label=_("Follow-up visit"), queryset=FollowUp.objects.none())
    outcome = forms.CharField(
        label=_("What the customer said"), widget=forms.Textarea(attrs={"rows": 3})
    )
    customer_satisfied = forms.NullBooleanField(
        label=_("Customer satisfied"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("Not asked")), ("true", _("Yes")), ("false", _("No"))]
        ),
    )
    reason = forms.CharField(label=_("Why it is corrected"), max_length=500, help_text=REASON_HELP)

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_correct_visit_%s")
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["follow_up"])
        field.queryset = ticket.follow_ups.all()
