from flask import Flask
from sqlalchemy import select

from inquiries.catalogue import load_catalogue
from inquiries.extensions import db
from inquiries.models import Objective, Service


def test_objectives_and_services_come_from_config(app: Flask) -> None:
    with app.app_context():
        objectives = {o.code: o for o in db.session.scalars(select(Objective))}
        assert sorted(objectives) == list(range(10))
        assert objectives[5].service_key == "health"
        assert objectives[0].service_key is None  # out of scope is never routed
        for objective in objectives.values():
            assert set(objective.names) == {"nl", "fr", "de", "en"}
            assert set(objective.descriptions) == {"nl", "fr", "de", "en"}
        for service in db.session.scalars(select(Service)):
            assert service.email.endswith("@example.org"), "defaults never mail a real service"
            assert set(service.names) == {"nl", "fr", "de", "en"}


def test_reloading_keeps_what_admins_changed(app: Flask) -> None:
    with app.app_context():
        objective = db.session.get(Objective, 5)
        objective.service_key = "fagg"
        objective.routing_changed_by_admin = True
        db.session.get(Service, "health").email = "ai@health.example.org"
        db.session.commit()
        assert load_catalogue() == (0, 0)
        assert db.session.get(Objective, 5).service_key == "fagg"
        assert db.session.get(Service, "health").email == "ai@health.example.org"
