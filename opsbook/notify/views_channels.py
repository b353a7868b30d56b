"""Pages of the delivery half of notify, for managers and administrators: chat channels (with
"send test"), the deliveries of the outbox (with "send again"), and, for administrators, the
hosts a webhook may call besides the chat vendors'. Secrets are never shown: pages get masked
values only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opsbook.core import clock
from opsbook.core.errors import ConflictError
from opsbook.core.permissions import requires

from . import access_channels as access
from . import secrets, services, services_delivery
from .choices import DeliveryStatus
from .forms import AllowedHostForm, ChannelForm, DeliveryFilterForm

PER_PAGE = 50
FINAL = {DeliveryStatus.SENT, DeliveryStatus.FAILED}

manager_required = requires(access.can_manage_channels, hidden=access.is_hidden_from)
admin_required = requires(access.can_manage_allowed_hosts, hidden=access.is_hidden_from)


def _tabs(request) -> dict:
    """What the tabs above every delivery page need: the allowlist tab is for administrators."""
    return {"can_edit_hosts": access.can_manage_allowed_hosts(request.user)}


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- channels -------------------------------------------------------------------------------


@manager_required
@require_GET
def channel_list(request):
    channels = access.channels_for_user(request.user).annotate(
        failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
        waiting=Count(
            "deliveries",
            filter=Q(deliveries__status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING]),
        ),
    )
    rows = [(channel, secrets.masked_channel_url(channel)) for channel in channels]
    return render(
        request,
        "notify/channels.html",
        {"rows": rows, **_tabs(request)},
    )


@manager_required
@require_http_methods(["GET", "POST"])
def channel_new(request):
    form = ChannelForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            channel = services_delivery.do_create_channel(
                request.user, form.to_input(), now=clock.now()
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Channel %(name)s saved.") % {"name": channel.name})
            return redirect("notify:channel_edit", channel.pk)
    return render(
        request,
        "notify/channels_form.html",
        {"form": form, "title": _("New chat channel"), **_tabs(request)},
    )


@manager_required
@require_http_methods(["GET", "POST"])
def channel_edit(request, pk: int):
    channel = access.get_channel_for_user(request.user, pk)
    masked_url = secrets.masked_channel_url(channel)
    masked_secret = secrets.masked_channel_secret(channel)
    initial = {
        "name": channel.name,
        "kind": channel.kind,
        "keyword": channel.keyword,
        "rate_per_minute": channel.rate_per_minute,
        "is_active": channel.is_active,
    }
    form = ChannelForm(
        request.POST or None,
        initial=initial,
        channel=channel,
        masked_url=masked_url,
        masked_secret=masked_secret,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_delivery.do_update_channel(
                request.user, channel, form.to_input(), now=clock.now()
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Channel %(name)s saved.") % {"name": channel.name})
            return redirect("notify:channel_edit", channel.pk)
    test = None
    test_id = request.GET.get("test", "")
    if test_id.isdigit() and len(test_id) < 19:
        test = (
            access.deliveries_for_user(request.user)
            .filter(pk=int(test_id), channel=channel)
            .first()
        )
    recent = access.deliveries_for_user(request.user).filter(channel=channel)[:10]
    return render(
        request,
        "notify/channels_form.html",
        {
            "form": form,
            "title": channel.name,
            "channel": channel,
            "masked_url": masked_url,
            "test": test,
            "final": FINAL,
            "recent": recent,
            **_tabs(request),
        },
    )


@manager_required
@require_POST
def channel_delete(request, pk: int):
    channel = access.get_channel_for_user(request.user, pk)
    services_delivery.do_delete_channel(request.user, channel, now=clock.now())
    messages.success(request, _("Channel %(name)s deleted.") % {"name": channel.name})
    return redirect("notify:channels")


@manager_required
@require_POST
def channel_test(request, pk: int):
    channel = access.get_channel_for_user(request.user, pk)
    delivery = services_delivery.do_send_test(request.user, channel, now=clock.now())
    messages.info(request, _("A test message is queued; its outcome shows below."))
    return redirect(reverse("notify:channel_edit", args=[channel.pk]) + f"?test={delivery.pk}")


# --- deliveries -----------------------------------------------------------------------------


@manager_required
@require_GET
def delivery_list(request):
    form = DeliveryFilterForm(request.GET or None)
    rows = access.deliveries_for_user(request.user).select_related("channel", "recipient")
    status = kind = ""
    if form.is_valid():
        status, kind = form.cleaned_data["status"], form.cleaned_data["kind"]
        if status:
            rows = rows.filter(status=status)
        if kind:
            rows = rows.filter(kind=kind)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/deliveries.html",
        {
            "form": form,
            "page": page,
            "status": status,
            "kind": kind,
            "failed": DeliveryStatus.FAILED,
        },
    )


@manager_required
@require_GET
def delivery_status(request, pk: int):
    """The htmx fragment a "send test" result polls until the delivery has an outcome."""
    delivery = access.get_delivery_for_user(request.user, pk)
    return render(request, "notify/deliveries_status.html", {"test": delivery, "final": FINAL})


@manager_required
@require_POST
def delivery_resend(request, pk: int):
    delivery = access.get_delivery_for_user(request.user, pk)
    try:
        services_delivery.do_resend_delivery(request.user, delivery, clock.now())
    except ConflictError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The delivery is queued to be sent again."))
    # Only a path on this site: a backslash ("/\evil.example") or a tab ("/<tab>/evil.example")
    # make another host of it in a browser, so the inbox's own check (safe_path) decides.
    back = services.safe_path(request.POST.get("next", "")) or reverse("notify:deliveries")
    return redirect(back)


# --- allowed hosts (administrators) ---------------------------------------------------------


@admin_required
@require_http_methods(["GET", "POST"])
def allowed_hosts(request):
    form = AllowedHostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            allowed = services_delivery.do_add_allowed_host(
                request.user,
                host=form.cleaned_data["host"],
                allow_private=form.cleaned_data["allow_private"],
                note=form.cleaned_data["note"],
                now=clock.now(),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(host)s is allowed.") % {"host": allowed.host})
            return redirect("notify:allowed_hosts")
    return render(
        request,
        "notify/channels_allowed_hosts.html",
        {"form": form, "hosts": access.allowed_hosts_for_user(request.user)},
    )


@admin_required
@require_POST
def allowed_host_delete(request, pk: int):
    allowed = access.get_allowed_host_for_user(request.user, pk)
    services_delivery.do_delete_allowed_host(request.user, allowed, now=clock.now())
    messages.success(request, _("%(host)s is no longer allowed.") % {"host": allowed.host})
    return redirect("notify:allowed_hosts")
