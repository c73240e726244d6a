"""An inquiry as a JSON object, the way the API takes it and `triage import` reads it: one check
for both, with the same rules as the web form."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from inquiries.forms import InquiryForm

TEXT_FIELDS = ("email", "message", "name", "organisation", "subject", "language")
FLAG_FIELDS = ("consent_to_share",)

Errors = dict[str, list[str]]


def _type_errors(payload: dict[str, Any]) -> Errors:
    errors: Errors = {}
    for key, value in payload.items():
        if key in TEXT_FIELDS:
            if value is not None and not isinstance(value, str):
                errors[key] = [_("This field must be text.")]
        elif key in FLAG_FIELDS:
            if not isinstance(value, bool):
                errors[key] = [_("This field must be true or false.")]
        else:
            errors[key] = [_("Unknown field.")]
    return errors


def check(payload: dict[str, Any]) -> tuple[dict[str, Any] | None, Errors]:
    """(fields ready for submit_inquiry, {}) or (None, errors per field in the current locale).

    Consent defaults to true: an integration's own form must have asked for it.
    """
    errors = _type_errors(payload)
    if errors:
        return None, errors
    formdata = MultiDict({k: v for k, v in payload.items() if k in TEXT_FIELDS and v is not None})
    form = InquiryForm(formdata=formdata, meta={"csrf": False})
    if not form.validate():
        return None, {k: [str(m) for m in v] for k, v in form.errors.items()}
    fields = form.cleaned()
    fields["consent_to_share"] = payload.get("consent_to_share", True)
    return fields, {}
