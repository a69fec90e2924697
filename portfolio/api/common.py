"""Shared steps of API views: find-or-404, required versions (If-Match or field), and turning a
service's errors into the API's 4xx answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import request
from flask_babel import gettext as _

from portfolio.api.errors import api_abort, field_errors
from portfolio.api.fields import MAX_ID
from portfolio.extensions import db
from portfolio.transactions import transaction
from portfolio.validation import ConcurrentSaveError, ConflictError, PermissionDenied, ServiceValidationError

ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')
ERROR_CODES = (400, 401, 403, 404, 409, 412, 422, 428)


def get_or_404(model, ident: int, *, options=()):
    if not 0 < ident <= MAX_ID:
        api_abort(404)
    obj = db.session.get(model, ident, options=options)
    if obj is None:
        api_abort(404)
    return obj


def etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


class Expected:
    """The version the client says it read, and where it said so (header → 412, field → 409)."""

    def __init__(self, version: int | None, from_header: bool):
        self.version, self.from_header = version, from_header


def expected_version(body: dict, *, required: bool = True) -> Expected:
    header = request.headers.get("If-Match")
    body_version = body.pop("version", None)
    if header is not None:
        match = ETAG.match(header)
        if not match:
            api_abort(412, _("If-Match ska innehålla versionen som en ETag, t.ex. \"3\"."))
        if body_version is not None and body_version != int(match.group(1)):
            api_abort(422, errors={"json": {"version": [_("Versionen i fältet och i If-Match skiljer sig åt.")]}})
        return Expected(int(match.group(1)), True)
    if body_version is not None:
        return Expected(body_version, False)
    if required:
        api_abort(428)
    return Expected(None, False)


def call_service(fn: Callable, *args, expected: Expected | None = None, current: Callable | None = None,
                 field_map: Callable[[str], str] | None = None, **kwargs):
    """Run a service verb in one transaction; answer 403/409/412/422 the way the API promises. With `expected`,
    the verb gets the client's version as its `expected_version`."""
    if expected is not None:
        kwargs["expected_version"] = expected.version
    try:
        with transaction():
            return fn(*args, **kwargs)
    except PermissionDenied:
        api_abort(403)
    except ConcurrentSaveError as err:   # a constraint another save got to first: nothing to compare
        api_abort(409, err.message())
    except ConflictError as err:
        code = 412 if expected is not None and expected.from_header else 409
        api_abort(code, current=current() if current else None, changes=_changes(err))
    except ServiceValidationError as exc:
        errors = {(field_map(k) if field_map else k): v for k, v in exc.errors.items()}
        extra: dict[str, Any] = {}
        missing = getattr(exc, "missing", None)
        if missing:
            errors["missing"] = ", ".join(missing)
        api_abort(422, _("Uppgifterna innehåller fel. Se errors."), errors=field_errors(errors), **extra)


def _changes(err: ConflictError) -> list[dict]:
    """What others saved after the version the client read (from the change log)."""
    from portfolio.changelog.queries import changes_since

    return [{"field": row.field, "old": row.old_value, "new": row.new_value,
             "user": row.user.name if row.user else None,
             "at": row.changed_at.isoformat(timespec="seconds") + "Z"}
            for row in changes_since(err.entity, err.saves_since)]


def paged(stmt, page: int, per_page: int) -> dict:
    result = db.paginate(stmt, page=page, per_page=per_page, error_out=False, max_per_page=100)
    return {"items": list(result.items), "page": page, "per_page": per_page, "total": result.total,
            "pages": result.pages}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}}


VERSIONED_WRITE = {
    "parameters": [{
        "in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
        "description": "Versionen du läste, som ETag (t.ex. \"3\"); alternativt fältet version i kroppen.",
    }],
    "responses": {
        "403": _error("Du får inte ändra det här"),
        "404": _error("Finns inte"),
        "409": _error("Någon annan har sparat först (version i fältet); current och changes visar vad"),
        "412": _error("Någon annan har sparat först (If-Match); current och changes visar vad"),
        "422": _error("Fel i uppgifterna, per fält"),
        "428": _error("Versionen saknas"),
    },
}
