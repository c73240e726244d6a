"""The OpenAPI 3 description of the JSON API, built from the same field lists the handler uses."""

from __future__ import annotations

from typing import Any

from config.settings import LANGUAGES

FIELD_DOCS = {
    "email": "Where we send the acknowledgement and the answer.",
    "message": "The question, 10 characters or more (at most MAX_MESSAGE_CHARS, default 5000).",
    "name": "The person's name (optional, one line, at most 200 characters).",
    "organisation": "Their organisation (optional, one line, at most 200 characters).",
    "subject": "A subject line (optional, one line, at most 200 characters).",
    "language": "The language of our answer; detected from the message when absent or empty.",
    "consent_to_share": "Whether the federal service may answer the person directly "
    "(default true: the integrator's own form must have asked).",
}


REQUIRED = ("email", "message")


def _errors(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}},
    }


def openapi_document(
    text_fields: tuple[str, ...], flag_fields: tuple[str, ...], max_message_chars: int
) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for field in text_fields:
        schema: dict[str, Any] = {"type": "string", "description": FIELD_DOCS[field]}
        if field == "email":
            schema.update(format="email", maxLength=254)
        elif field == "message":
            schema.update(minLength=10, maxLength=max_message_chars)
        elif field == "language":
            schema["enum"] = [*LANGUAGES, ""]  # empty is taken as absent
        else:
            schema["maxLength"] = 200
        if field not in REQUIRED:
            schema["nullable"] = True  # null is taken as absent
        properties[field] = schema
    for field in flag_fields:
        properties[field] = {"type": "boolean", "description": FIELD_DOCS[field]}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Federal AI contact point API",
            "version": "1",
            "description": "Submit a question about AI to Belgium's federal AI contact point. "
            "Errors come in the language of `language` or Accept-Language.",
        },
        "paths": {
            "/api/v1/inquiries": {
                "post": {
                    "summary": "Submit an inquiry",
                    "operationId": "createInquiry",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": list(REQUIRED),
                                    "additionalProperties": False,
                                    "properties": properties,
                                }
                            }
                        },
                    },
                    # Anonymous calls are welcome; an integration sends its token.
                    "security": [{}, {"apiToken": []}],
                    "responses": {
                        "202": {
                            "description": "Stored; it will be classified and routed.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Accepted"}
                                }
                            },
                        },
                        "400": _errors("The body is not one JSON object."),
                        "401": _errors("The API token is not valid, or it was revoked."),
                        "413": _errors("The body is too large."),
                        "415": _errors("The body is not JSON."),
                        "422": _errors("A field is missing or invalid; errors per field."),
                        "429": _errors("Too many submissions from this client; try later."),
                    },
                }
            }
        },
        "components": {
            "securitySchemes": {
                "apiToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token an admin made for an integration (own rate limit).",
                }
            },
            "schemas": {
                "Accepted": {
                    "type": "object",
                    "required": ["reference", "status", "status_url"],
                    "properties": {
                        "reference": {"type": "string", "example": "AI-2026-000123"},
                        "status": {"type": "string", "enum": ["received"]},
                        "status_url": {"type": "string", "format": "uri"},
                    },
                },
                "Errors": {
                    "type": "object",
                    "required": ["errors"],
                    "properties": {
                        "errors": {
                            "type": "object",
                            "additionalProperties": {"type": "array", "items": {"type": "string"}},
                        }
                    },
                },
            },
        },
    }
