"""hypothesis against the public web form: generated values for every field, hostile ones
included (control characters, CR/LF, markup, SQL, emoji, right-to-left text, very long lines).
Never a server error; a refused form stores nothing and shows what was typed escaped; an accepted
one stores exactly what was typed (trimmed)."""

from __future__ import annotations

import os
from collections import Counter

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from inquiries.extensions import db
from inquiries.models import Inquiry
from tests.conftest import send_form
from tests.fuzz.conftest import stored

# Markup with a marker of its own, so finding it raw in a page can only mean it was not escaped.
MARKUP = [
    '<script>alert("fz1")</script>',
    '"><img src=x onerror=alert("fz2")>',
    "<b data-fz3='1'>bold</b>",
]
HOSTILE = [
    *MARKUP,
    "'; DROP TABLE inquiries; --",
    "Robert'); DELETE FROM audit_events WHERE ('1'='1",
    "line one\r\nBcc: victim@example.org",
    "subject\nX-Injected: yes",
    "\u202eevil.exe\u202c gnp",
    "مرحبا، هل يمكن للذكاء الاصطناعي",
    "😀🤖🇧🇪" * 30,
    "\x00\x07\x1b[31m",
    "x" * 6000,
    "Ω" * 201,
    " \t ",
]
text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=80),
    st.text(st.characters(codec="utf-8"), min_size=10, max_size=400),
)
message = st.one_of(
    text,
    st.builds(
        "{} {} {}".format,
        st.sampled_from(["Mag de gemeente", "Can our SME", "L'hôpital peut-il"]),
        st.sampled_from(HOSTILE),
        st.text(max_size=40),
    ),
)


def test_the_form_survives_anything_typed_into_it(open_app: Flask) -> None:
    client = open_app.test_client()
    answers: Counter[int] = Counter()

    @given(
        name=text,
        email=st.one_of(st.emails(), text),
        organisation=text,
        subject=text,
        message=message,
        language=st.sampled_from(["", "nl", "fr", "de", "en", "xx", "<b>"]),
        consent=st.booleans(),
    )
    @settings(
        max_examples=150,
        deadline=None,
        database=None,
        derandomize=os.environ.get("CI", "").lower() == "true",
        suppress_health_check=[HealthCheck.too_slow],
    )
    def submit(**typed: object) -> None:
        fields = {k: v for k, v in typed.items() if k != "consent"}
        if typed["consent"]:
            fields["consent_to_share"] = "y"
        before = stored(open_app)
        response = send_form(client, "en", **fields)
        answers[response.status_code] += 1
        assert response.status_code < 500
        if response.status_code == 303:
            assert stored(open_app) == before + 1
            with open_app.app_context():
                inquiry = db.session.scalars(select(Inquiry).order_by(Inquiry.id.desc())).first()
                assert inquiry.message == str(fields["message"]).strip()
                assert inquiry.subject == str(fields["subject"]).strip()
                assert "\n" not in inquiry.subject and "\r" not in inquiry.email
        else:
            assert response.status_code == 422
            assert stored(open_app) == before, "a refused form stored something"
            shown = response.get_data(as_text=True)
            for value in fields.values():
                for markup in MARKUP:
                    if markup in str(value):
                        assert markup not in shown, "typed markup was not escaped"

    submit()
    print(f"form: {sum(answers.values())} submissions, answers {dict(sorted(answers.items()))}")
    assert answers[303] > 0 and answers[422] > 0  # both outcomes were exercised
