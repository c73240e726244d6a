"""The OpenAPI description matches what the API does: every documented limit is enforced, every
answer has the documented shape."""

import pytest
from flask import Flask

VALUES = {
    "email": "lea@example.org",
    "message": "Is a chatbot on a webshop high-risk under the AI Act?",
    "name": "Léa",
    "organisation": "Example SRL",
    "subject": "AI Act",
    "language": "fr",
    "consent_to_share": False,
}


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    return spec


def operation(spec: dict) -> dict:
    return spec["paths"]["/api/v1/inquiries"]["post"]


def body_schema(spec: dict) -> dict:
    return operation(spec)["requestBody"]["content"]["application/json"]["schema"]


def check_shape(spec: dict, status: int, body: dict) -> None:
    reference = operation(spec)["responses"][str(status)]["content"]["application/json"]
    schema = spec["components"]["schemas"][reference["schema"]["$ref"].rsplit("/", 1)[1]]
    assert set(schema["required"]) <= set(body)


def test_a_body_built_from_the_description_is_accepted(app: Flask, client, document) -> None:
    body = {name: VALUES[name] for name in body_schema(document)["properties"]}
    response = client.post("/api/v1/inquiries", json=body)
    assert response.status_code == 202
    check_shape(document, 202, response.get_json())


def test_every_documented_limit_is_enforced(app: Flask, client, document) -> None:
    app.config["SUBMIT_RATE_LIMIT"] = "1000 per minute"  # many requests, on purpose
    schema = body_schema(document)
    for name, field in schema["properties"].items():
        bad_values = []
        if "maxLength" in field:
            bad_values.append("x" * (field["maxLength"] + 1))
        if "enum" in field:
            bad_values.append("xx")
        if field["type"] == "boolean":
            bad_values.append("yes")
        for bad in bad_values:
            response = client.post("/api/v1/inquiries", json={**VALUES, name: bad})
            assert response.status_code == 422, (name, bad)
            check_shape(document, 422, response.get_json())
    for name in schema["required"]:
        body = {k: v for k, v in VALUES.items() if k != name}
        assert client.post("/api/v1/inquiries", json=body).status_code == 422, name
    extra = client.post("/api/v1/inquiries", json={**VALUES, "priority": "high"})
    assert extra.status_code == 422  # additionalProperties: false


def test_documented_error_answers_have_the_documented_shape(app: Flask, client, document) -> None:
    not_json = client.post("/api/v1/inquiries", data="x", content_type="text/plain")
    assert not_json.status_code == 415
    check_shape(document, 415, not_json.get_json())
    not_object = client.post("/api/v1/inquiries", data="[]", content_type="application/json")
    assert not_object.status_code == 400
    check_shape(document, 400, not_object.get_json())
