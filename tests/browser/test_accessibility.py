"""axe-core on every page people use: no serious or critical accessibility violation."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page

from config.settings import PROJECT_ROOT
from tests.browser.conftest import sign_in, submit_and_classify

pytestmark = pytest.mark.browser

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
# A desktop and a phone: on a phone, wide tables scroll, and a scrolling region must be reachable
# with the keyboard (axe's scrollable-region-focusable).
WIDTHS = (1280, 390)


def axe_violations(page: Page, axe_source: str) -> list[str]:
    """Run axe on the page at each width; one line per serious or critical violation.

    page.add_script_tag(content=...) adds an inline <script>, which the site's CSP
    (script-src 'self') rightly blocks. page.evaluate runs through the DevTools protocol, which CSP
    does not govern, so the page keeps its real CSP (bypass_csp would change what axe sees).
    """
    page.evaluate(axe_source)
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        result: dict[str, Any] = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        found += [
            f"{page.url} at {width}px: {violation['id']} ({violation['impact']}): "
            f"{[node['target'] for node in violation['nodes']]}"
            for violation in result["violations"]
            if violation["impact"] in BLOCKING
        ]
    return found


def test_pages_have_no_serious_accessibility_violations(
    app: Flask, staff: dict[str, int], page: Page
) -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (bin/test does)")
    axe_source = AXE.read_text()
    [inquiry] = submit_and_classify(
        app, ["Is there funding for a hospital that wants to train staff on AI?"]
    )

    found: list[str] = []
    for path in (
        "/",
        f"/received/{inquiry.status_token}",
        f"/status/{inquiry.status_token}",
        "/staff/login",
    ):
        page.goto(path)
        found += axe_violations(page, axe_source)
    page.get_by_label("Email address").fill("admin@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("alert").wait_for()
    found += axe_violations(page, axe_source)  # the sign-in form with its error summary

    sign_in(page)
    for path in (
        "/triage",
        f"/triage/inquiries/{inquiry.id}",
        "/triage/dashboard",
        "/staff/users",
        "/staff/password",
        "/admin/routing",
        "/admin/models",
        "/admin/privacy",
        "/admin/tokens",
    ):
        page.goto(path)
        found += axe_violations(page, axe_source)
    assert not found, "axe found serious or critical violations:\n" + "\n".join(found)
