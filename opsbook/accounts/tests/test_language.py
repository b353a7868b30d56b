from django.urls import reverse

LOGIN = reverse("accounts:login")
PREFERENCES = reverse("accounts:preferences")


def test_pages_are_in_simplified_chinese_by_default(client, db):
    response = client.get(LOGIN)

    assert response.headers["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.text


def test_a_browser_asking_for_english_gets_english(client, db):
    response = client.get(LOGIN, headers={"Accept-Language": "en-GB,en;q=0.9"})

    assert response.headers["Content-Language"] == "en"
    assert '<html lang="en">' in response.text


def test_a_browser_asking_for_an_unsupported_language_gets_chinese(client, db):
    response = client.get(LOGIN, headers={"Accept-Language": "fr-FR,fr;q=0.9"})

    assert response.headers["Content-Language"] == "zh-hans"


def test_a_users_own_language_overrides_the_browser(client, personas):
    personas.alice.language = "en"
    personas.alice.save()
    client.force_login(personas.alice)

    response = client.get(PREFERENCES, headers={"Accept-Language": "zh-CN,zh;q=0.9"})

    assert response.headers["Content-Language"] == "en"


def test_a_user_who_chose_chinese_gets_chinese_in_an_english_browser(client, personas):
    personas.alice.language = "zh-hans"
    personas.alice.save()
    client.force_login(personas.alice)

    response = client.get(PREFERENCES, headers={"Accept-Language": "en"})

    assert response.headers["Content-Language"] == "zh-hans"


def test_a_user_without_a_language_follows_the_browser(client, personas):
    client.force_login(personas.alice)

    response = client.get(PREFERENCES, headers={"Accept-Language": "en"})

    assert response.headers["Content-Language"] == "en"


def test_the_language_switch_on_the_login_page_sticks(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": LOGIN})

    response = client.get(LOGIN, headers={"Accept-Language": "zh-CN"})

    assert response.headers["Content-Language"] == "en"
