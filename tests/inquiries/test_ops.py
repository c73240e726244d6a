from pathlib import Path

import pytest

from tests.conftest import build_app, free_port


def test_healthz_and_readyz_on_the_embedded_defaults(client) -> None:
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.get_json()["checks"] == {"database": True, "broker": True}


def test_readyz_says_unavailable_when_the_broker_does_not_answer(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, model_dir: Path
) -> None:
    app = build_app(
        monkeypatch, tmp_path, model_dir, CELERY_BROKER_URL=f"redis://127.0.0.1:{free_port()}/0"
    )
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["checks"] == {"database": True, "broker": False}


def test_every_page_carries_the_security_headers(client) -> None:
    for path in ("/", "/healthz", "/status/unknown", "/api/v1/inquiries"):
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Frame-Options"] == "DENY"
