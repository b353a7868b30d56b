"""API tokens are made by `opsbook token create`, which shows the secret once; the admin site
lists and revokes them but cannot add a token that would have no usable secret."""

from django.test import Client


def test_the_admin_site_offers_no_way_to_add_a_token(personas):
    erin = personas.erin
    erin.is_superuser = True
    erin.save()
    client = Client()
    client.force_login(erin)

    assert client.get("/admin/accounts/apitoken/").status_code == 200
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
