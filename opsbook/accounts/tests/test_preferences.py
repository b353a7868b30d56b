from django.urls import reverse

PREFERENCES = reverse("accounts:preferences")


def test_preferences_need_a_signed_in_user(client, db):
    response = client.get(PREFERENCES)

    assert response.status_code == 302


def test_the_preferences_page_shows_the_users_current_values(client, personas):
    personas.alice.phone = "010-12345678"
    personas.alice.save()
    client.force_login(personas.alice)

    response = client.get(PREFERENCES)

    assert response.status_code == 200
    assert 'value="张三"' in response.text
    assert 'value="010-12345678"' in response.text


def test_a_user_saves_their_preferences(client, personas):
    client.force_login(personas.alice)

    response = client.post(
        PREFERENCES,
        {
            "display_name": "张三丰",
            "email": "zhangsan@example.com",
            "phone": "13800000000",
            "language": "en",
            "time_zone": "Europe/Berlin",
        },
        follow=True,
    )

    assert response.redirect_chain == [(PREFERENCES, 302)]
    assert "Your preferences were saved." in response.text
    personas.alice.refresh_from_db()
    assert personas.alice.display_name == "张三丰"
    assert personas.alice.email == "zhangsan@example.com"
    assert personas.alice.phone == "13800000000"
    assert personas.alice.language == "en"
    assert personas.alice.time_zone == "Europe/Berlin"
    assert response.headers["Content-Language"] == "en"
    assert response.context["active_time_zone"] == "Europe/Berlin"


def test_clearing_language_and_time_zone_returns_to_the_defaults(client, personas):
    personas.alice.language = "en"
    personas.alice.time_zone = "Europe/Berlin"
    personas.alice.save()
    client.force_login(personas.alice)

    client.post(PREFERENCES, {"display_name": "张三", "language": "", "time_zone": ""})

    personas.alice.refresh_from_db()
    assert personas.alice.language == ""
    assert personas.alice.time_zone == ""


def test_an_invalid_email_is_refused_and_nothing_is_saved(client, personas):
    client.force_login(personas.alice)

    response = client.post(
        PREFERENCES, {"display_name": "改名", "email": "not-an-address", "language": ""}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    personas.alice.refresh_from_db()
    assert personas.alice.display_name == "张三"


def test_preferences_cannot_change_role_or_team(client, personas):
    client.force_login(personas.alice)

    client.post(
        PREFERENCES,
        {"display_name": "张三", "language": "", "role": "admin", "is_superuser": "on"},
    )

    personas.alice.refresh_from_db()
    assert personas.alice.role == "agent"
    assert not personas.alice.is_superuser
