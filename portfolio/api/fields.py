"""Strict marshmallow fields for the API: no floats for money, no silent truncation, no NUL."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

import marshmallow as ma
from flask_babel import gettext as _
from marshmallow import fields, validate

from portfolio.text_rules import FORBIDDEN_CHARS

MAX_ID = 2**31 - 1
MONEY_PATTERN = r"^-?[0-9]{1,13}(\.[0-9]{1,2})?$"


SURROGATES = re.compile("[\ud800-\udfff]")


class NoControlChars(validate.Validator):
    """No NUL or other control characters, and no lone UTF-16 surrogates (JSON can carry them,
    no database can store them)."""

    def __call__(self, value: str) -> str:
        if FORBIDDEN_CHARS & set(value) or SURROGATES.search(value):
            raise ma.ValidationError(_("Texten innehåller otillåtna tecken (t.ex. NUL)."))
        return value


def Text(max_length: int, **kwargs) -> fields.String:  # noqa: N802 (a field factory)
    kwargs.setdefault("allow_none", not kwargs.get("required", False))
    extra = kwargs.pop("validate", [])
    extra = list(extra) if isinstance(extra, list | tuple) else [extra]
    return fields.String(validate=[validate.Length(max=max_length), NoControlChars(), *extra], **kwargs)


def Id(**kwargs) -> fields.Integer:  # noqa: N802
    return fields.Integer(strict=True, validate=validate.Range(1, MAX_ID), **kwargs)


def QueryId(**kwargs) -> fields.Integer:  # noqa: N802
    """An id in the query string (text by nature, so not strict)."""
    return fields.Integer(strict=False, validate=validate.Range(1, MAX_ID), **kwargs)


def Year(**kwargs) -> fields.Integer:  # noqa: N802
    return fields.Integer(strict=True, validate=validate.Range(1900, 2100), **kwargs)


def SmallInt(low: int, high: int, **kwargs) -> fields.Integer:  # noqa: N802
    return fields.Integer(strict=True, validate=validate.Range(low, high), **kwargs)


class Day(fields.Date):
    """An ISO date between 1900 and 2100."""

    def _deserialize(self, value, attr, data, **kwargs) -> date:
        result = super()._deserialize(value, attr, data, **kwargs)
        if not 1900 <= result.year <= 2100:
            raise self.make_error("invalid")
        return result


class ExactDecimal(fields.Field):
    """A decimal number sent as a JSON string ("1234.50") or an integer, never a float; dumped as
    a string. At most `places` decimals and `digits` digits before the point."""

    def __init__(self, places: int = 2, digits: int = 13, minimum: Decimal | int | None = None,
                 maximum: Decimal | int | None = None, **kwargs):
        self.places, self.digits, self.minimum, self.maximum = places, digits, minimum, maximum
        pattern = rf"^-?[0-9]{{1,{digits}}}(\.[0-9]{{1,{places}}})?$"
        self.pattern = re.compile(pattern)
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("type", "string")
        metadata.setdefault("description", "Ett decimaltal som sträng med punkt (eller ett heltal); aldrig flyttal.")
        metadata.setdefault("pattern", pattern)
        metadata.setdefault("example", "1234.50" if places else "12")
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return format(Decimal(value).quantize(Decimal(1).scaleb(-self.places)), "f")

    def _deserialize(self, value, attr, data, **kwargs) -> Decimal:
        if isinstance(value, bool) or isinstance(value, float):
            raise ma.ValidationError(_("Skicka talet som en sträng, t.ex. \"1234.50\", eller som ett heltal."))
        if isinstance(value, int):
            value = str(value)
        if not isinstance(value, str) or not self.pattern.match(value):
            raise ma.ValidationError(_("Ange ett tal med högst %(digits)d siffror före och %(places)d efter punkten.",
                                       digits=self.digits, places=self.places))
        try:
            result = Decimal(value)
        except InvalidOperation as exc:  # pragma: no cover (the pattern rules it out)
            raise ma.ValidationError(_("Ange ett tal.")) from exc
        if self.minimum is not None and result < self.minimum:
            raise ma.ValidationError(_("Minsta tillåtna värde är %(min)s.", min=self.minimum))
        if self.maximum is not None and result > self.maximum:
            raise ma.ValidationError(_("Största tillåtna värde är %(max)s.", max=self.maximum))
        return result


def Money(**kwargs) -> ExactDecimal:  # noqa: N802
    kwargs.setdefault("minimum", Decimal(0))
    return ExactDecimal(places=2, digits=11, **kwargs)


class StrictSchema(ma.Schema):
    """Input: unknown fields are an error (marshmallow's default, stated here on purpose)."""

    class Meta:
        unknown = ma.RAISE
        ordered = True


class Timestamp(fields.DateTime):
    """A stored moment (naive UTC in the database) as RFC 3339 with its zone: 2026-01-31T12:00:00Z."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if value.tzinfo is None:
            from datetime import UTC

            value = value.replace(tzinfo=UTC)
        return value.isoformat().replace("+00:00", "Z")


def patch_schema(schema_cls: type[ma.Schema]) -> ma.Schema:
    """The schema for a PATCH: every top-level field optional, but nested items (a funding line)
    still complete. (partial=True would reach into nested schemas too.)"""
    return schema_cls(partial=tuple(schema_cls._declared_fields))
