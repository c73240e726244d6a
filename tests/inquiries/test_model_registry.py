"""Retraining on staff labels, side by side with the live model, promoted only when decided."""

import shutil
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from classifier import registry
from inquiries import accounts, model_registry, pipeline
from inquiries.extensions import db
from inquiries.models import Inquiry, Label, LabelSource, ModelVersion
from inquiries.submission import submit_inquiry
from tests.conftest import build_app, csrf_of, sign_in


@pytest.fixture
def own_models_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, model_dir: Path) -> Flask:
    """An app with a copy of the trained models, since these tests add and promote versions."""
    models = tmp_path / "models"
    shutil.copytree(model_dir, models)
    return build_app(monkeypatch, tmp_path / "instance", models)


def test_no_worse_means_no_loss_on_any_measure() -> None:
    live = {"macro_f1": 0.85, "auto_route_precision": 0.97, "out_of_scope_auto_routed": 0.01}
    assert model_registry.no_worse({"live": live, "candidate": dict(live)})
    for key, value in (
        ("macro_f1", 0.84),
        ("auto_route_precision", 0.96),
        ("out_of_scope_auto_routed", 0.02),
    ):
        assert not model_registry.no_worse({"live": live, "candidate": {**live, key: value}})


def test_retrain_uses_staff_labels_and_waits_for_an_admin(own_models_app: Flask) -> None:
    app = own_models_app
    with app.test_request_context():
        first = model_registry.sync_live()
        assert first is not None and first.is_live
        inquiry = submit_inquiry(
            {"email": "a@example.org", "message": "Wie controleert algoritmes bij de RVA?"},
            channel="api",
            interface_language="nl",
        )
        db.session.add(
            Label(inquiry_id=inquiry.id, source=LabelSource.STAFF, objective=9, actor="staff:1")
        )
        db.session.commit()
        assert [e.objective for e in model_registry.staff_examples()] == [9]

        steps: list[tuple[int, int, str]] = []
        result = model_registry.retrain(
            auto_promote=False, progress=lambda *step: steps.append(step)
        )
        assert not result["promoted"]
        assert set(result["comparison"]) == {"live", "candidate"}
        assert set(result["comparison"]["candidate"]) >= {"macro_f1", "auto_route_precision"}
        # Progress goes forward step by step to the end, with the same total throughout.
        assert [done for done, _, _ in steps] == sorted(done for done, _, _ in steps)
        assert {total for _, total, _ in steps} == {steps[-1][0]}
        assert "triage promote" in steps[-1][2]
        model_dir = Path(app.config["MODEL_DIR"])
        assert registry.live_version(model_dir) == first.version  # unchanged
        candidate = db.session.get(ModelVersion, result["candidate"])
        assert candidate.staff_labels == 1 and not candidate.is_live

        accounts.create_user("chair@example.org", "a long chair password", "admin")
        db.session.commit()
        version, inquiry_id = candidate.version, inquiry.id
        # Figures on the validation questions (ordinary mail), where the routing rule is chosen.
        ordinary = candidate.metrics["validation"]
        assert ordinary["examples"] > 0 and ordinary["auto_route_precision"] >= 0.97

    # An admin compares the versions and makes the candidate live on the models page.
    client = app.test_client()
    sign_in(client, "chair@example.org", "a long chair password")
    page = client.get("/admin/models").get_data(True)
    assert version in page and "Live" in page
    assert "Routed without a person, ordinary questions" in page
    assert f"{ordinary['auto_route_coverage'] * 100:.1f}%" in page
    answer = client.post(
        f"/admin/models/{version}/promote",
        data={"csrf_token": csrf_of(page)},
        follow_redirects=True,
    )
    assert f"Model {version} is live." in answer.get_data(True)
    with app.test_request_context():
        assert registry.live_version(model_dir) == version
        live_rows = db.session.scalars(select(ModelVersion).where(ModelVersion.is_live)).all()
        assert [r.version for r in live_rows] == [version]
        assert live_rows[0].promoted_by == "staff:chair@example.org"

        pipeline.classify(inquiry_id)
        classified = db.session.get(Inquiry, inquiry_id)
        assert classified.latest_classification.model_version == version
