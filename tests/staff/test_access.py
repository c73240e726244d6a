"""Every staff route, one by one: an anonymous visitor is sent to sign in, a triager is refused
what only admins may do, and nothing changes without a CSRF token."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.conftest import TRIAGER, csrf_of, sign_in

PUBLIC = {"/staff/login"}
PREFIXES = ("/triage", "/staff", "/admin")
ADMIN_ONLY = {
    "/staff/users",
    "/staff/users/<int:user_id>",
    "/admin/routing",
    "/admin/routing/objectives/<int:code>",
    "/admin/routing/services/<key>",
    "/admin/models",
    "/admin/models/<version>/promote",
    "/admin/privacy",
    "/admin/tokens",
    "/admin/tokens/<int:token_id>/revoke",
}


def staff_routes(app: Flask) -> list[tuple[str, str]]:
    """(method, url) for every rule under /triage and /staff, with sample values for arguments."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIXES) or rule.rule in PUBLIC:
            continue
        url = re.sub(r"<(int:)?\w+>", "1", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, url, rule.rule))
    return found


def test_the_staff_side_has_routes_to_check(app: Flask) -> None:
    routes = {rule for _, _, rule in staff_routes(app)}
    assert {
        "/triage",
        "/triage/inquiries/<int:inquiry_id>",
        "/triage/dashboard",
        "/triage/bulk",
    } <= routes
    assert routes >= ADMIN_ONLY


def test_anonymous_visitors_are_sent_to_sign_in_everywhere(app: Flask, staff) -> None:
    client = app.test_client()
    page = client.get("/staff/login").get_data(True)
    for method, url, _ in staff_routes(app):
        answer = client.open(url, method=method, data={"csrf_token": csrf_of(page)})
        assert answer.status_code == 302, (method, url, answer.status_code)
        assert answer.headers["Location"].startswith("/staff/login"), (method, url)


def test_a_triager_is_refused_admin_routes(app: Flask, staff) -> None:
    client = app.test_client()
    sign_in(client, *TRIAGER)
    token = csrf_of(client.get("/triage").get_data(True))
    for method, url, rule in staff_routes(app):
        if rule == "/staff/logout":
            continue  # it would end this very session; test_accounts signs out
        answer = client.open(url, method=method, data={"csrf_token": token})
        if rule in ADMIN_ONLY:
            assert answer.status_code == 403, (method, url)
        else:
            assert answer.status_code not in (403, 500), (method, url)


@pytest.mark.parametrize(
    "url",
    [
        "/triage/inquiries/1/confirm",
        "/triage/inquiries/1/spam",
        "/triage/inquiries/1/note",
        "/triage/bulk",
        "/staff/password",
    ],
)
def test_staff_posts_without_csrf_token_are_refused(app: Flask, staff, url: str) -> None:
    client = app.test_client()
    sign_in(client, *TRIAGER)
    assert client.post(url, data={"text": "a note"}).status_code == 400
