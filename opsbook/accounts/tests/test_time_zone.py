from datetime import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

PREFERENCES = reverse("accounts:preferences")


def test_the_site_time_zone_applies_when_the_user_has_none(client, personas):
    client.force_login(personas.alice)

    response = client.get(PREFERENCES)

    assert response.context["active_time_zone"] == "Asia/Shanghai"
    assert "Asia/Shanghai" in response.text


def test_a_users_time_zone_is_used_for_their_pages(client, personas):
    personas.alice.time_zone = "Europe/Berlin"
    personas.alice.save()
    client.force_login(personas.alice)

    response = client.get(PREFERENCES)

    assert response.context["active_time_zone"] == "Europe/Berlin"
    assert (
        response.context["local_now"].utcoffset()
        == datetime.now(ZoneInfo("Europe/Berlin")).utcoffset()
    )


def test_another_users_time_zone_does_not_leak_into_the_next_request(client, personas):
    personas.alice.time_zone = "Europe/Berlin"
    personas.alice.save()
    client.force_login(personas.alice)
    client.get(PREFERENCES)
    client.force_login(personas.bob)

    response = client.get(PREFERENCES)

    assert response.context["active_time_zone"] == "Asia/Shanghai"


def test_an_unknown_time_zone_is_refused_by_the_form(client, personas):
    client.force_login(personas.alice)

    response = client.post(PREFERENCES, {"time_zone": "Mars/Olympus_Mons", "language": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["time_zone"]
    personas.alice.refresh_from_db()
    assert personas.alice.time_zone == ""


def test_an_unknown_time_zone_stored_earlier_falls_back_to_the_site_zone(client, personas):
    personas.alice.time_zone = "Mars/Olympus_Mons"
    personas.alice.save()
    client.force_login(personas.alice)

    response = client.get(PREFERENCES)

    assert response.status_code == 200
    assert response.context["active_time_zone"] == "Asia/Shanghai"
