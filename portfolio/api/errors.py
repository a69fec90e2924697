"""The API's error body, in Swedish: {code, status, message, errors?, current?}.

`errors` maps a location ("json", "query", "headers") to {field: [messages]}; `current` carries
the resource as stored now when an update lost a race (409/412)."""

from __future__ import annotations

import re
from typing import NoReturn

import marshmallow as ma
from flask import jsonify
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, default_exceptions

STATUS_TEXT = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    406: "Not Acceptable", 409: "Conflict", 412: "Precondition Failed", 413: "Content Too Large",
    415: "Unsupported Media Type", 422: "Unprocessable Entity", 428: "Precondition Required",
    429: "Too Many Requests", 500: "Internal Server Error",
}


class ApiErrorSchema(ma.Schema):
    code = ma.fields.Integer(required=True, metadata={"description": "HTTP-status"})
    status = ma.fields.String(required=True)
    message = ma.fields.String(required=True, metadata={"description": "Vad som gick fel, på svenska"})
    errors = ma.fields.Dict(metadata={"description": "Fel per plats och fält: {\"json\": {\"title\": [\"…\"]}}"})
    current = ma.fields.Dict(allow_none=True, metadata={"description": "Resursen som den är sparad nu (vid 409/412)"})
    changes = ma.fields.List(ma.fields.Dict(), metadata={
        "description": "Vad andra har sparat efter versionen du läste: field, old, new, user, at (vid 409/412)"})


def _default_messages() -> dict[int, str]:
    return {
        400: _("Begäran kunde inte tolkas."),
        401: _("Ange en giltig API-nyckel."),
        403: _("Du har inte behörighet att göra detta."),
        404: _("Resursen finns inte."),
        405: _("Metoden är inte tillåten här."),
        409: _("Någon annan har ändrat uppgifterna. Läs om och försök igen."),
        412: _("Versionen i If-Match stämmer inte längre. Läs om och försök igen."),
        413: _("Begäran är för stor."),
        415: _("Skicka JSON (Content-Type: application/json)."),
        422: _("Uppgifterna innehåller fel. Se errors."),
        428: _("Ange den version du läste, i rubriken If-Match eller i fältet version."),
        429: _("För många försök. Vänta en stund."),
        500: _("Ett oväntat fel inträffade. Ingenting har sparats."),
    }


def _marshmallow_messages() -> dict[str, str]:
    """marshmallow's and webargs' default messages in Swedish."""
    return {
        "Missing data for required field.": _("Fältet krävs."),
        "Unknown field.": _("Okänt fält."),
        "Field may not be null.": _("Fältet får inte vara null."),
        "Not a valid integer.": _("Ange ett heltal."),
        "Not a valid string.": _("Ange en text."),
        "Not a valid boolean.": _("Ange true eller false."),
        "Not a valid date.": _("Ange ett datum (ÅÅÅÅ-MM-DD)."),
        "Not a valid list.": _("Ange en lista."),
        "Not a valid mapping type.": _("Ange ett objekt."),
        "Invalid input type.": _("Fel typ av värde."),
        "Invalid value.": _("Ogiltigt värde."),
        "Not a valid number.": _("Ange ett tal."),
        "Invalid JSON body.": _("Kroppen är inte giltig JSON."),
        "Not a valid decimal.": _("Ange ett tal."),
    }


RANGE = re.compile(r"^Must be (?:greater than or equal to (?P<low>-?[\d.]+))?(?: and )?"
                   r"(?:less than or equal to (?P<high>-?[\d.]+))?\.$")


def _number_in(message: str) -> str:
    match = re.search(r"\d+", message)
    return match.group(0) if match else "?"


def translate(messages):
    """Translate marshmallow's English messages in a nested error structure."""
    table = _marshmallow_messages()
    if isinstance(messages, dict):
        return {str(k): translate(v) for k, v in messages.items()}
    if isinstance(messages, list | tuple):
        return [translate(m) for m in messages]
    if isinstance(messages, str):
        if messages in table:
            return table[messages]
        if messages.startswith("Must be one of:"):
            return _("Välj ett av: %(choices)s", choices=messages.removeprefix("Must be one of:").strip(" ."))
        if messages.startswith("Longer than maximum length"):
            return _("För lång (högst %(max)s).", max=_number_in(messages))
        if messages.startswith("Shorter than minimum length"):
            return _("För kort (minst %(min)s).", min=_number_in(messages))
        bounds = RANGE.match(messages)
        if bounds:
            low, high = bounds.group("low"), bounds.group("high")
            if low and high:
                return _("Ange ett värde från %(low)s till %(high)s.", low=low, high=high)
            if low:
                return _("Ange ett värde som är minst %(low)s.", low=low)
            return _("Ange ett värde som är högst %(high)s.", high=high)
        return messages
    return messages


class ApiError(HTTPException):
    def __init__(self, code: int, message: str | None = None, *, errors: dict | None = None,
                 current: dict | None = None, changes: list | None = None, headers: dict | None = None):
        super().__init__(description=message)
        self.code = code
        self.data = {"message": message, "errors": errors, "current": current, "changes": changes,
                     "headers": headers or {}}


def api_abort(code: int, message: str | None = None, **kwargs) -> NoReturn:
    raise ApiError(code, message, **kwargs)


def field_errors(errors: dict[str, str]) -> dict:
    """A service's {field: message} as the API's {"json": {field: [message]}}."""
    return {"json": {k: [str(v)] for k, v in errors.items()}}


def error_response(err: HTTPException):
    code = err.code or 500
    data = getattr(err, "data", None) or {}
    message = data.get("message") if isinstance(data.get("message"), str) else None
    body = {"code": code, "status": STATUS_TEXT.get(code, err.name if code in default_exceptions else ""),
            "message": message or _default_messages().get(code, err.description or "")}
    errors = data.get("errors") or data.get("messages")
    if errors:
        body["errors"] = translate(errors)
    if data.get("current") is not None:
        body["current"] = data["current"]
    if data.get("changes"):
        body["changes"] = data["changes"]
    response = jsonify(body)
    response.status_code = code
    for key, value in (data.get("headers") or getattr(err, "headers", None) or {}).items():
        response.headers[key] = value
    return response
