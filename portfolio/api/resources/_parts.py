"""Shared pieces of the resources that hang off an initiative."""

from __future__ import annotations

from collections.abc import Callable

from flask_login import current_user
from marshmallow import fields, validate

from portfolio.api.common import get_or_404
from portfolio.api.errors import api_abort
from portfolio.auth import permissions
from portfolio.extensions import db

BASE = "/initiatives/<int:initiative_id>"


def version_field():
    return fields.Integer(strict=True, validate=validate.Range(1, 2**31 - 1),
                          metadata={"description": "Versionen du läste (eller rubriken If-Match)"})


def child_of(model, ini, child_id: int):
    obj = get_or_404(model, child_id)
    if getattr(obj, "initiative_id", ini.id) != ini.id:
        api_abort(404)
    return obj


def require_edit(ini) -> None:
    if not permissions.can_edit_initiative(current_user, ini):
        api_abort(403)


def refreshed(model, ident, schema):
    def dump():
        db.session.expire_all()
        return schema.dump(db.session.get(model, ident))
    return dump


def _typed(values: dict, to_input: Callable[[dict], object] | None):
    return to_input(values) if to_input is not None else values


def create_child(save, ini, data: dict, *, to_input: Callable[[dict], object] | None = None, **kwargs):
    """POST of a new versioned child through its service verb `save(ini, input, actor)`: 201
    with the new version as ETag (a version in the body means nothing yet and is dropped)."""
    from portfolio.api.common import call_service, etag

    data.pop("version", None)
    obj = call_service(save, ini, _typed(data, to_input), current_user, **kwargs)
    return obj, 201, etag(obj.version)


def save_child(save, ini, obj, data: dict, *, keyword: str, fields_: tuple[str, ...], schema, patch: bool,
               to_input: Callable[[dict], object] | None = None):
    """PUT (data replaces the fields) or PATCH (data over the stored fields) of a versioned child
    through its service verb `save(ini, input, actor, <keyword>=obj, expected_version=…)`;
    `to_input` makes the verb's typed input of the values."""
    from portfolio.api.common import call_service, etag, expected_version

    expected = expected_version(data)
    values = ({name: getattr(obj, name) for name in fields_} | data) if patch else data
    obj = call_service(save, ini, _typed(values, to_input), current_user, expected=expected,
                       current=refreshed(type(obj), obj.id, schema), **{keyword: obj})
    return obj, 200, etag(obj.version)


def save_single(save, ini, existing, data: dict, *, schema, to_input: Callable[[dict], object] | None = None,
                **kwargs):
    """PUT of an initiative's one-of-a-kind versioned part (needs analysis, benefit case) through
    `save(ini, input, actor, expected_version=…, **kwargs)`: the version is required once it
    exists."""
    from portfolio.api.common import call_service, etag, expected_version

    expected = expected_version(data, required=existing is not None)
    obj = call_service(save, ini, _typed(data, to_input), current_user, expected=expected,
                       current=existing and refreshed(type(existing), existing.id, schema), **kwargs)
    return obj, 200, etag(obj.version)
