"""The OpenAPI document describes every route, its authentication and its errors."""

import functools

import pytest
from django.urls import resolve

EXPECTED = {
    ("get", "/api/catalog/categories"),
    ("post", "/api/catalog/categories"),
    ("get", "/api/catalog/categories/{category_id}"),
    ("patch", "/api/catalog/categories/{category_id}"),
    ("get", "/api/catalog/items"),
    ("post", "/api/catalog/items"),
    ("get", "/api/catalog/items/{item_id}"),
    ("get", "/api/catalog/items/by-code/{code}"),
    ("patch", "/api/catalog/items/{item_id}"),
    ("post", "/api/catalog/items/{item_id}/retire"),
    ("get", "/api/catalog/items/{item_id}/standards"),
    ("get", "/api/catalog/items/{item_id}/kpis"),
    ("get", "/api/catalog/items/{item_id}/history"),
    ("get", "/api/catalog/contents"),
    ("post", "/api/catalog/items/{item_id}/contents"),
    ("get", "/api/catalog/contents/{content_id}"),
    ("patch", "/api/catalog/contents/{content_id}"),
    ("post", "/api/catalog/contents/{content_id}/retire"),
    ("get", "/api/catalog/frequency"),
    ("post", "/api/catalog/import"),
    ("get", "/api/catalog/export"),
    ("get", "/api/catalog/template"),
    ("get", "/api/audit"),
}


@pytest.fixture
def document(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_the_document_loads_without_a_token_and_lists_every_route(document):
    routes = {(method, path) for path, ops in document["paths"].items() for method in ops}
    assert routes >= EXPECTED


def test_every_route_requires_a_bearer_token(document):
    assert document["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            assert op.get("security") == [{"BearerToken": []}], (method, path)


def test_writes_document_their_validation_errors_and_patches_their_conflicts(document):
    item = document["paths"]["/api/catalog/items/{item_id}"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(item["patch"]["responses"])
    assert {"201", "422"} <= set(document["paths"]["/api/catalog/items"]["post"]["responses"])


def test_lists_document_their_pagination_and_filters(document):
    params = {p["name"] for p in document["paths"]["/api/catalog/items"]["get"]["parameters"]}
    assert {"limit", "offset", "q", "category", "status", "tier", "owner", "team"} <= params
    assert {"frequency_period", "due_for_review", "updated_since"} <= params


def test_input_and_output_schemas_are_separate(document):
    schemas = document["components"]["schemas"]
    assert {"ItemIn", "ItemPatch", "ItemOut", "ItemDetailOut"} <= set(schemas)
    assert "version" not in schemas["ItemIn"]["properties"]
    assert "id" not in schemas["ItemPatch"]["properties"]


def test_the_import_route_documents_its_multipart_upload(document):
    body = document["paths"]["/api/catalog/import"]["post"]["requestBody"]
    schema = body["content"]["multipart/form-data"]["schema"]
    assert schema["required"] == ["file"]
    assert {"413", "422"} <= set(document["paths"]["/api/catalog/import"]["post"]["responses"])


def test_there_is_no_browsable_docs_page(client):
    assert client.get("/api/docs").status_code == 404


def _operations(document):
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            yield method, path, op


def test_no_two_schemas_share_a_component_name():
    # The site's API, reached the way a request reaches it (core imports no app).
    view = resolve("/api/openapi.json").func
    assert isinstance(view, functools.partial)
    api = view.keywords["api"]
    schema = api.get_openapi_schema(path_prefix="/api/")
    assert schema.collisions == {}
    names = set(schema["components"]["schemas"])
    assert {"TicketStatus", "ItemStatus", "PageQuery"} <= names
    assert not {"Status", "Input"} & names


def test_catalog_items_point_to_the_item_status_and_tickets_to_theirs(document):
    schemas = document["components"]["schemas"]
    assert schemas["ItemOut"]["properties"]["status"]["$ref"].endswith("/ItemStatus")
    assert schemas["ItemStatus"]["enum"] == ["draft", "active", "retired"]
    assert schemas["TicketOut"]["properties"]["status"]["$ref"].endswith("/TicketStatus")


def test_every_operation_documents_its_error_answers(document):
    for method, path, op in _operations(document):
        codes = {str(code) for code in op["responses"]}
        assert {"401", "403", "404"} <= codes, (method, path)
        if op.get("parameters") or op.get("requestBody"):
            assert "422" in codes, (method, path)
            schema = op["responses"]["422"]["content"]["application/json"]["schema"]
            assert "/ValidationErrors" in str(schema), (method, path)
        if op.get("requestBody"):
            assert {"400", "413"} <= codes, (method, path)


def test_every_reference_points_to_a_component(document):
    import json
    import re

    text = json.dumps(document)
    names = set(document["components"]["schemas"])
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', text))
    assert refs <= names, refs - names
