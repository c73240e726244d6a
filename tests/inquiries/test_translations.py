"""Every message in code and templates is translated in every language, and compiled."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from config.settings import PROJECT_ROOT

TRANSLATIONS = PROJECT_ROOT / "inquiries" / "translations"
METHODS = [
    ("inquiries/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}


def source_messages() -> set[str]:
    found = set()
    for _, _, message, _, _ in extract_from_dir(
        str(PROJECT_ROOT), METHODS, keywords=KEYWORDS, options_map={"**.html": {}, "**.txt": {}}
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.fixture(scope="module")
def messages() -> set[str]:
    found = source_messages()
    assert len(found) > 50
    return found


@pytest.mark.parametrize("language", ["nl", "fr", "de"])
def test_every_message_is_translated(messages: set[str], language: str) -> None:
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    missing = sorted(
        m
        for m in messages
        if not (catalog.get(m) and catalog.get(m).string and not catalog.get(m).fuzzy)
    )
    assert not missing, f"{language}: untranslated {missing}"


def plain(value: object) -> object:
    """Plural messages come as lists from a .mo file and tuples from a .po file."""
    return tuple(value) if isinstance(value, list | tuple) else value


@pytest.mark.parametrize("language", ["nl", "fr", "de"])
def test_compiled_catalogue_matches_its_source(language: str) -> None:
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as handle:
        po = {
            plain(m.id): plain(m.string)
            for m in read_po(handle)
            if m.id and m.string and not m.fuzzy
        }
    with Path(folder / "messages.mo").open("rb") as handle:
        mo = {plain(m.id): plain(m.string) for m in read_mo(handle) if m.id}
    assert po == mo, "run pybabel compile -d inquiries/translations"
