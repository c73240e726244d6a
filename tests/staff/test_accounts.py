"""Staff accounts: made on the command line, signed in through the real form, locked after
repeated failures, passwords changed, sessions ended."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from inquiries.cli import main as triage_cli
from inquiries.extensions import db
from inquiries.models import StaffUser
from inquiries.models.types import utcnow
from tests.conftest import ADMIN, TRIAGER, csrf_of, sign_in


def test_first_admin_from_the_command_line_signs_in_through_the_form(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        cli=triage_cli,
        args=["create-user", "Chef@Example.org", "--role", "admin", "--password-stdin"],
        input="correct horse battery staple\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.query(StaffUser).one()
        assert user.email == "chef@example.org" and user.role == "admin"
        assert user.password_hash.startswith("$argon2id$")
        assert "correct horse" not in user.password_hash

    client = app.test_client()
    answer = sign_in(client, "chef@example.org", "correct horse battery staple")
    assert answer.status_code == 303 and answer.headers["Location"] == "/triage"
    queue = client.get("/triage")
    assert queue.status_code == 200 and "Triage queue" in queue.get_data(True)


def test_create_user_refuses_weak_or_duplicate_accounts(app: Flask) -> None:
    runner = app.test_cli_runner()

    def create(email: str, password: str, role: str = "triager"):
        return runner.invoke(
            cli=triage_cli,
            args=["create-user", email, "--role", role, "--password-stdin"],
            input=password + "\n",
        )

    assert create("a@example.org", "short").exit_code != 0
    assert "at least 12 characters" in create("a@example.org", "short").output
    assert create("not an address", "long enough password").exit_code != 0
    assert create("a@example.org", "long enough password", role="owner").exit_code != 0
    assert create("a@example.org", "long enough password").exit_code == 0
    duplicate = create("A@example.org", "another long password")
    assert duplicate.exit_code != 0 and "already an account" in duplicate.output
    with app.app_context():
        assert db.session.query(StaffUser).count() == 1


def test_wrong_password_and_unknown_address_get_the_same_answer(app: Flask, staff) -> None:
    client = app.test_client()
    wrong = sign_in(client, ADMIN[0], "not the password at all")
    unknown = sign_in(client, "nobody@example.org", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    message = "The email address or the password is not right."
    assert message in wrong.get_data(True) and message in unknown.get_data(True)
    assert client.get("/triage").status_code == 302


def test_account_locks_after_repeated_failures_then_opens_again(app: Flask, staff) -> None:
    client = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert sign_in(client, TRIAGER[0], "wrong password, again").status_code == 401
    locked = sign_in(client, TRIAGER[0], TRIAGER[1])
    assert locked.status_code == 401 and "locked until" in locked.get_data(True)
    with app.app_context():
        user = db.session.get(StaffUser, staff["triager"])
        user.locked_until = utcnow() - timedelta(seconds=1)  # the lock time has passed
        db.session.commit()
    assert sign_in(client, TRIAGER[0], TRIAGER[1]).status_code == 303


def test_sign_in_never_redirects_elsewhere(app: Flask, staff) -> None:
    client = app.test_client()
    page = client.get("/staff/login?next=https://evil.example/phish")
    answer = client.post(
        "/staff/login?next=https://evil.example/phish",
        data={"csrf_token": csrf_of(page.get_data(True)), "email": ADMIN[0], "password": ADMIN[1]},
    )
    assert answer.headers["Location"] == "/triage"
    other = app.test_client()
    page = other.get("/staff/login?next=/triage/dashboard")
    answer = other.post(
        "/staff/login?next=/triage/dashboard",
        data={"csrf_token": csrf_of(page.get_data(True)), "email": ADMIN[0], "password": ADMIN[1]},
    )
    assert answer.headers["Location"] == "/triage/dashboard"


def test_sign_in_without_csrf_token_is_refused(app: Flask, staff) -> None:
    answer = app.test_client().post("/staff/login", data={"email": ADMIN[0], "password": ADMIN[1]})
    assert answer.status_code == 400


def test_session_cookie_is_http_only_and_same_site(app: Flask, staff) -> None:
    client = app.test_client()
    answer = sign_in(client, *ADMIN)
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_changing_the_password_signs_out_other_sessions(app: Flask, staff) -> None:
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, *TRIAGER)
    sign_in(elsewhere, *TRIAGER)
    form = here.get("/staff/password").get_data(True)
    refused = here.post(
        "/staff/password",
        data={
            "csrf_token": csrf_of(form),
            "current": "not my password",
            "new": "a brand new long password",
            "repeat": "a brand new long password",
        },
    )
    assert refused.status_code == 422 and "The current password is not right." in refused.get_data(
        True
    )
    changed = here.post(
        "/staff/password",
        data={
            "csrf_token": csrf_of(form),
            "current": TRIAGER[1],
            "new": "a brand new long password",
            "repeat": "a brand new long password",
        },
    )
    assert changed.status_code == 303
    assert here.get("/triage").status_code == 200
    assert elsewhere.get("/triage").status_code == 302
    assert sign_in(app.test_client(), TRIAGER[0], TRIAGER[1]).status_code == 401
    assert sign_in(app.test_client(), TRIAGER[0], "a brand new long password").status_code == 303


def test_sign_out_ends_the_session(app: Flask, staff) -> None:
    client = app.test_client()
    sign_in(client, *TRIAGER)
    queue = client.get("/triage").get_data(True)
    assert client.get("/staff/logout").status_code == 405  # only a POST signs out
    assert client.post("/staff/logout", data={"csrf_token": csrf_of(queue)}).status_code == 303
    assert client.get("/triage").status_code == 302


def test_admin_makes_and_blocks_accounts(app: Flask, staff) -> None:
    admin = app.test_client()
    sign_in(admin, *ADMIN)
    page = admin.get("/staff/users").get_data(True)
    made = admin.post(
        "/staff/users",
        data={
            "csrf_token": csrf_of(page),
            "email": "new.colleague@example.org",
            "name": "New Colleague",
            "role": "triager",
            "password": "first password for them",
        },
    )
    assert made.status_code == 303
    colleague = app.test_client()
    assert (
        sign_in(colleague, "new.colleague@example.org", "first password for them").status_code
        == 303
    )
    assert colleague.get("/staff/users").status_code == 403  # a triager manages no accounts

    with app.app_context():
        user_id = db.session.query(StaffUser).filter_by(email="new.colleague@example.org").one().id
    blocked = admin.post(
        f"/staff/users/{user_id}",
        data={"csrf_token": csrf_of(page), "role": "triager", "active": "0"},
    )
    assert blocked.status_code == 303
    assert colleague.get("/triage").status_code == 302  # the open session ends at once
    refused = sign_in(app.test_client(), "new.colleague@example.org", "first password for them")
    assert refused.status_code == 401


def test_an_admin_cannot_lock_themselves_out(app: Flask, staff) -> None:
    admin = app.test_client()
    sign_in(admin, *ADMIN)
    page = admin.get("/staff/users").get_data(True)
    answer = admin.post(
        f"/staff/users/{staff['admin']}",
        data={"csrf_token": csrf_of(page), "role": "triager", "active": "1"},
        follow_redirects=True,
    )
    assert "You cannot take away your own administrator rights" in answer.get_data(True)
    with app.app_context():
        assert db.session.get(StaffUser, staff["admin"]).role == "admin"
