"""The site's own error pages: plain words in the reader's language, a way back, no internals."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

INTERNALS = ("URLconf", "urlpatterns", "Traceback", "settings.py", "DEBUG")


def page_of(response) -> str:
    text = response.content.decode()
    for word in INTERNALS:
        assert word not in text, word
    return text


def test_a_ticket_outside_the_agents_scope_is_the_sites_own_404(personas, world, client):
    client.force_login(personas.charlie)  # another team's agent
    response = client.get(f"/tickets/{world.carl_ticket.pk}/")
    assert response.status_code == 404
    text = page_of(response)
    assert "页面不存在" in text and 'data-status="404"' in text
    assert "王五" in text  # the navigation is still there for the signed-in user


def test_an_unknown_address_is_a_404_in_english_when_asked(personas, client):
    client.force_login(personas.alice)
    response = client.get("/no-such-page/", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "Page not found" in page_of(response)


def test_a_page_for_managers_is_the_sites_own_403_for_an_agent(personas, client):
    client.force_login(personas.alice)
    response = client.get("/catalog/import/")
    assert response.status_code == 403
    assert "无权操作" in page_of(response)


def test_a_form_sent_without_its_csrf_token_gets_the_sites_own_403(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.alice)
    response = client.post("/tickets/new/", {"title": "x"})
    assert response.status_code == 403
    assert "表单已失效" in page_of(response)


def test_a_host_not_allowed_is_the_sites_own_400(db, client):
    response = client.get("/accounts/login/", headers={"Host": "evil.example.com"})
    assert response.status_code == 400
    assert "请求无效" in page_of(response)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_500_page_needs_no_request_or_database(db, language, django_assert_num_queries):
    with translation.override(language), django_assert_num_queries(0):
        text = render_to_string("500.html")
    assert ("出错了" if language == "zh-hans" else "Something went wrong") in text
