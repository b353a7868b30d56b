"""Who reaches which checklist page: customers never, anonymous visitors via the login page."""

import pytest
from django.urls import reverse

from opsbook.catalog.testing import make_category, make_content, make_item


@pytest.fixture
def pages(personas):
    item = make_item(personas.alice)
    content = make_content(item)
    category = make_category()
    return [
        ("get", reverse("catalog:tree")),
        ("get", reverse("catalog:item", args=[item.pk])),
        ("get", reverse("catalog:item_create")),
        ("get", reverse("catalog:item_edit", args=[item.pk])),
        ("post", reverse("catalog:item_retire", args=[item.pk])),
        ("get", reverse("catalog:content_create", args=[item.pk])),
        ("get", reverse("catalog:content_edit", args=[content.pk])),
        ("post", reverse("catalog:content_retire", args=[content.pk])),
        ("post", reverse("catalog:bulk")),
        ("get", reverse("catalog:frequency_preview")),
        ("get", reverse("catalog:categories")),
        ("get", reverse("catalog:category_edit", args=[category.pk])),
        ("get", reverse("catalog:export")),
        ("get", reverse("catalog:template")),
        ("get", reverse("catalog:import")),
        ("get", reverse("catalog:import_preview")),
        ("post", reverse("catalog:import_confirm")),
        ("post", reverse("catalog:import_cancel")),
    ]


@pytest.mark.parametrize("name", ["dana", "carl"])
def test_customer_contacts_get_no_catalog_page(client, personas, pages, name):
    client.force_login(getattr(personas, name))

    for method, url in pages:
        response = getattr(client, method)(url)
        assert response.status_code in (403, 404), url


def test_anonymous_visitors_are_sent_to_the_login_page(client, pages):
    login = reverse("accounts:login")

    for method, url in pages:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url == f"{login}?next={url}"


def test_an_inactive_staff_member_gets_nothing(client, personas, pages):
    personas.vera.is_active = False
    personas.vera.save()
    client.force_login(personas.vera)

    for method, url in pages:
        assert getattr(client, method)(url).status_code in (302, 403, 404), url
