"""Each person's notification settings: the page under the account menu and
/api/notifications/preferences; bad input is refused with the field named."""

import pytest
from django.urls import reverse

from opsbook.audit.models import AuditEntry
from opsbook.notify.models import Preference

from .inbox_helpers import Api

pytestmark = pytest.mark.django_db


def test_the_page_saves_my_settings(client, personas):
    client.force_login(personas.alice)
    page = client.get(reverse("notify:preferences"))
    assert page.status_code == 200 and "Asia/Shanghai" in page.text
    response = client.post(
        reverse("notify:preferences"),
        {
            "email_enabled": "on",
            "muted_events": ["sla_warning", "low_rating"],
            "quiet_start": "22:00",
            "quiet_end": "07:30",
            "digest": "on",
            "digest_at": "18:00",
        },
    )
    assert response.status_code == 302
    pref = Preference.objects.get(user=personas.alice)
    assert pref.muted_events == ["sla_warning", "low_rating"]
    assert str(pref.quiet_start) == "22:00:00" and str(pref.quiet_end) == "07:30:00"
    assert pref.digest and str(pref.digest_at) == "18:00:00"
    assert AuditEntry.objects.filter(object_type="notify.preference").exists()
    again = client.get(reverse("notify:preferences")).text
    assert 'value="22:00"' in again and 'value="sla_warning" class="form-check-input"' in again


def test_the_account_menu_links_to_the_page(client, personas):
    client.force_login(personas.alice)
    assert reverse("notify:preferences") in client.get(reverse("accounts:preferences")).text


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [("08:00", "08:00", "quiet_end"), ("22:00", "", "quiet_end"), ("", "07:00", "quiet_start")],
)
def test_quiet_hours_need_a_start_and_a_different_end(client, personas, start, end, field):
    client.force_login(personas.alice)
    response = client.post(reverse("notify:preferences"), {"quiet_start": start, "quiet_end": end})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Preference.objects.exists()


def test_an_unknown_event_on_the_page_is_refused(client, personas):
    client.force_login(personas.alice)
    response = client.post(reverse("notify:preferences"), {"muted_events": ["nothing"]})
    assert response.status_code == 200 and response.context["form"].errors["muted_events"]


def test_customers_have_no_settings_page(client, personas):
    client.force_login(personas.dana)
    assert client.get(reverse("notify:preferences")).status_code == 404


def test_the_api_reads_the_defaults_and_changes_only_what_is_sent(personas):
    api = Api(personas.alice)
    body = api.get("/preferences").json()
    assert body["email_enabled"] is True and body["muted_events"] == []
    assert body["digest_default_at"] == "08:00" and body["time_zone"] == "Asia/Shanghai"
    changed = api.send("patch", "/preferences", {"quiet_start": "23:00", "quiet_end": "06:00"})
    assert changed.status_code == 200
    assert changed.json()["quiet_start"] == "23:00"
    muted = api.send("patch", "/preferences", {"muted_events": ["sla_warning"]}).json()
    assert muted["quiet_end"] == "06:00" and muted["muted_events"] == ["sla_warning"]
    cleared = api.send("patch", "/preferences", {"quiet_start": None, "quiet_end": None}).json()
    assert cleared["quiet_start"] is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"muted_events": ["sla_warning", "no_such_event"]}, "muted_events"),
        ({"muted_events": ["test"]}, "muted_events"),
        ({"quiet_start": "08:00", "quiet_end": "08:00"}, "quiet_end"),
        ({"quiet_start": "08:00"}, "quiet_end"),
        ({"quiet_start": "25:00", "quiet_end": "08:00"}, "quiet_start"),
        ({"digest": "maybe"}, "digest"),
    ],
)
def test_the_api_refuses_bad_input_with_422(personas, payload, field):
    response = Api(personas.alice).send("patch", "/preferences", payload)
    assert response.status_code == 422
    assert field in response.json()["detail"][0]["loc"]
    assert not Preference.objects.exists()


@pytest.mark.parametrize("value", ["00:00:00Z", "24:00", "7:00", "noon"])
def test_the_api_refuses_a_time_not_written_hh_mm(personas, value):
    response = Api(personas.alice).send("patch", "/preferences", {"digest_at": value})

    assert response.status_code == 422
