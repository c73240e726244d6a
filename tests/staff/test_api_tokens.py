"""API tokens: made by an admin and shown once, recognised by the API with a rate limit of their
own, refused when wrong or revoked; the API stays open to callers without one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from inquiries.extensions import db
from inquiries.models import AdminEvent, ApiToken, Inquiry
from tests.conftest import ADMIN, TRIAGER, build_app, csrf_of, sign_in

QUESTION = {
    "email": "a@example.org",
    "message": "Mag mijn gemeente AI gebruiken voor vergunningen?",
}


@pytest.fixture
def tight_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, model_dir: Path) -> Flask:
    return build_app(
        monkeypatch,
        tmp_path / "instance",
        model_dir,
        SUBMIT_RATE_LIMIT="2 per minute",
        API_TOKEN_RATE_LIMIT="5 per minute",
    )


def make_token(app: Flask, name: str) -> str:
    from inquiries import accounts

    with app.app_context():
        accounts.create_user(*ADMIN, role="admin")
        db.session.commit()
    client = app.test_client()
    sign_in(client, *ADMIN)
    page = client.get("/admin/tokens").get_data(True)
    made = client.post("/admin/tokens", data={"csrf_token": csrf_of(page), "name": name})
    assert made.status_code == 200
    token = re.search(r'<code class="token">(aicp_[^<]+)</code>', made.get_data(True)).group(1)
    assert token not in client.get("/admin/tokens").get_data(True)  # shown once only
    with app.app_context():
        row = db.session.scalars(select(ApiToken)).one()
        assert row.name == name and token not in row.token_hash
    return token


def test_integration_with_a_token_has_its_own_budget(tight_app: Flask) -> None:
    token = make_token(tight_app, "Brussels Region portal")
    client = tight_app.test_client()
    anonymous = [client.post("/api/v1/inquiries", json=QUESTION).status_code for _ in range(3)]
    assert anonymous == [202, 202, 429]
    bearer = {"Authorization": f"Bearer {token}"}
    with_token = [
        client.post("/api/v1/inquiries", json=QUESTION, headers=bearer).status_code
        for _ in range(6)
    ]
    assert with_token == [202, 202, 202, 202, 202, 429]
    with tight_app.app_context():
        last = db.session.scalars(select(Inquiry).order_by(Inquiry.id.desc())).first()
        assert last.events[0].detail["integration"] == "Brussels Region portal"
        assert db.session.scalars(select(ApiToken)).one().last_used_at is not None


def test_wrong_or_revoked_tokens_are_refused(tight_app: Flask) -> None:
    token = make_token(tight_app, "Test portal")
    client = tight_app.test_client()
    wrong = client.post(
        "/api/v1/inquiries", json=QUESTION, headers={"Authorization": "Bearer aicp_nope"}
    )
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"] == "Bearer"
    assert "authorization" in wrong.get_json()["errors"]

    admin = tight_app.test_client()
    sign_in(admin, *ADMIN)
    page = admin.get("/admin/tokens").get_data(True)
    with tight_app.app_context():
        token_id = db.session.scalars(select(ApiToken.id)).one()
    admin.post(f"/admin/tokens/{token_id}/revoke", data={"csrf_token": csrf_of(page)})
    revoked = client.post(
        "/api/v1/inquiries", json=QUESTION, headers={"Authorization": f"Bearer {token}"}
    )
    assert revoked.status_code == 401
    with tight_app.app_context():
        actions = db.session.scalars(select(AdminEvent.action).order_by(AdminEvent.id)).all()
        assert actions == ["api_token_issued", "api_token_revoked"]
        assert db.session.scalar(select(Inquiry.id)) is None  # nothing stored for refusals


def test_only_admins_make_tokens(app: Flask, staff) -> None:
    client = app.test_client()
    sign_in(client, *TRIAGER)
    assert client.get("/admin/tokens").status_code == 403
