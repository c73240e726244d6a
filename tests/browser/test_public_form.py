"""The public form in a real browser: while a citizen types, published answers to similar
questions appear (in the page's language), and the question can still be sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import AXE, axe_violations

pytestmark = pytest.mark.browser


def test_similar_questions_appear_while_typing(page: Page, artifacts: Path) -> None:
    page.goto("/?lang=fr")
    box = page.locator("#similar-questions")
    expect(box).to_be_hidden()
    page.locator("#message").press_sequentially(
        "Notre comptable a reçu un appel avec la voix clonée du directeur qui demandait un "
        "virement urgent. Qui prévenir ?",
        delay=5,
    )
    expect(box).to_be_visible(timeout=10_000)
    first = box.locator("summary").first
    expect(first).to_contain_text("voix")
    first.click()  # a question opens to show its answer
    expect(box.locator("details[open] p").first).to_be_visible()
    page.screenshot(path=artifacts / "form-similar-questions.png", full_page=True)
    assert not axe_violations(page, AXE.read_text())  # the open suggestions stay accessible
