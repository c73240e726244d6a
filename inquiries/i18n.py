"""Which of the four languages a page speaks: the visitor's choice, else their browser's."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime as babel_format_datetime
from flask import Flask, has_request_context, request, session, url_for
from flask_babel import get_locale, get_timezone

from config.settings import LANGUAGES
from inquiries.extensions import babel
from inquiries.forms import LANGUAGE_NAMES


def select_locale() -> str:
    if not has_request_context():  # commands and workers speak the default, English
        return "en"
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
        return chosen
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return request.accept_languages.best_match(LANGUAGES) or "en"


def format_when(value: datetime | str, format: str = "medium") -> str:
    """A date and time (or its ISO text) as people in Belgium write them in the page's or mail's
    language (English too: 7 Dec 2026, 15:05, not Dec 7, 2026, 3:05 PM), in DISPLAY_TIMEZONE."""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return babel_format_datetime(when, format, tzinfo=get_timezone(), locale=f"{get_locale()}_BE")


def language_links() -> list[dict[str, str]]:
    """Links to this same page in each language, for the language switch."""
    args = {**(request.view_args or {}), **request.args.to_dict()}
    args.pop("lang", None)
    endpoint = request.endpoint or "intake.form"
    return [
        {"code": code, "name": LANGUAGE_NAMES[code], "url": url_for(endpoint, **args, lang=code)}
        for code in LANGUAGES
    ]


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals.update(language_links=language_links, get_locale=get_locale)
    app.jinja_env.filters["datetimeformat"] = format_when
