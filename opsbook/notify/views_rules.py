"""The notification rules pages (administrators and managers): the rules by event, add, edit,
delete, and "send test". Other staff get 403, customers 404."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from opsbook.core import clock
from opsbook.core.permissions import requires

from . import access, services
from .choices import ROUTED_EVENTS
from .forms_inbox import RuleForm
from .models import Rule

manager_required = requires(access.can_manage_rules, hidden=access.is_hidden_from)


@dataclass
class EventRules:
    event: str
    label: str
    rules: list[Rule]

    @property
    def silenced(self) -> bool:
        """Rules exist but all are off: the event tells nobody."""
        return bool(self.rules) and not any(rule.is_active for rule in self.rules)


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@manager_required
@require_GET
def rule_list(request) -> HttpResponse:
    by_event: dict[str, list[Rule]] = {}
    for rule in access.rules_for_user(request.user):
        by_event.setdefault(rule.event, []).append(rule)
    groups = [EventRules(e.value, str(e.label), by_event.get(e.value, [])) for e in ROUTED_EVENTS]
    return render(request, "notify/rules.html", {"groups": groups})


def _save(request, rule: Rule | None) -> HttpResponse:
    initial = RuleForm.initial_for(rule) if rule else {"event": request.GET.get("event", "")}
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.do_save_rule(request.user, rule, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The rule “%(rule)s” was saved.") % {"rule": rule})
            return redirect("notify:rules")
    title = _("Edit notification rule") if rule else _("New notification rule")
    return render(request, "notify/rules_form.html", {"form": form, "rule": rule, "title": title})


@manager_required
def rule_new(request) -> HttpResponse:
    return _save(request, None)


@manager_required
def rule_edit(request, pk: int) -> HttpResponse:
    return _save(request, access.get_rule_for_user(request.user, pk))


@manager_required
@require_POST
def rule_delete(request, pk: int) -> HttpResponse:
    rule = access.get_rule_for_user(request.user, pk)
    label = str(rule)
    services.do_delete_rule(request.user, rule)
    messages.success(request, _("The rule “%(rule)s” was deleted.") % {"rule": label})
    return redirect("notify:rules")


@manager_required
@require_POST
def rule_test(request, pk: int) -> HttpResponse:
    rule = access.get_rule_for_user(request.user, pk)
    try:
        sent = services.do_send_test(request.user, rule, now=clock.now())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("notify:rules")
    if sent.chats:
        messages.success(
            request,
            _("A test message is queued for %(channel)s; its delivery shows whether it arrived.")
            % {"channel": rule.channel},
        )
    elif sent.inbox and sent.emails:
        messages.success(
            request,
            _("A test message was sent to your inbox and is queued by e-mail to %(address)s.")
            % {"address": request.user.email},
        )
    elif sent.inbox:
        messages.success(request, _("A test message was sent to your inbox."))
    elif sent.emails:
        messages.success(
            request,
            _("A test e-mail is queued for %(address)s.") % {"address": request.user.email},
        )
    else:
        messages.warning(
            request,
            _(
                "Nothing was sent: this rule sends only e-mail, and you have no e-mail address "
                "or turned e-mail off."
            ),
        )
    return redirect("notify:rules")
