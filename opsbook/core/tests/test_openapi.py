"""The OpenAPI document describes every route, its authentication and its errors."""

import pytest

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
