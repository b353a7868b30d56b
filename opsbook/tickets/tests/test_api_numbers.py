"""Numbers out of range are a 422 naming the field, never a 500: offsets and ids beyond a bigint
(``offset=9223372036854775808`` once reached the database on five list routes), references by
id in a body, on the tickets, catalog and audit routes alike."""

import pytest

from . import api_helpers
from .api_helpers import api_as, error_fields

media, world = api_helpers.media, api_helpers.world  # fixtures

HUGE = 9223372036854775808  # 2**63: one past the largest bigint


@pytest.mark.parametrize(
    "path",
    ["/tickets/", "/tickets/{t}/events", "/catalog/items", "/catalog/contents", "/audit"],
)
@pytest.mark.parametrize("offset", [HUGE, 10**9 + 1, -1])
def test_an_offset_out_of_range_is_a_422(personas, world, path, offset):
    response = api_as(personas.mia).get(path.format(t=world.ticket_a.pk), offset=offset)
    assert error_fields(response) == {"offset"}


@pytest.mark.parametrize(
    "path, field",
    [
        ("/tickets/{huge}", "ticket_id"),
        ("/tickets/{huge}/events", "ticket_id"),
        ("/tickets/{huge}/attachments", "ticket_id"),
        ("/catalog/items/{huge}", "item_id"),
        ("/catalog/contents/{huge}", "content_id"),
        ("/catalog/categories/{huge}", "category_id"),
        ("/calendars/{huge}", "calendar_id"),
    ],
)
def test_an_id_beyond_a_bigint_is_a_422(personas, world, path, field):
    response = api_as(personas.erin).get(path.format(huge=HUGE))
    assert error_fields(response) == {field}


@pytest.mark.parametrize("field", ["item", "customer", "contact", "assignee", "team"])
def test_a_reference_beyond_a_bigint_in_a_body_is_a_422(personas, world, field):
    response = api_as(personas.mia).post("/tickets/", {"title": "x", field: HUGE})
    assert error_fields(response) == {field}


def test_catalog_filters_by_id_beyond_a_bigint_are_a_422(personas, world):
    api = api_as(personas.mia)
    assert error_fields(api.get("/catalog/items", category=HUGE)) == {"category"}
    assert error_fields(api.get("/catalog/contents", item=HUGE)) == {"item"}
