"""Output and input schemas shared by several resources."""

from __future__ import annotations

from decimal import Decimal

import marshmallow as ma
from marshmallow import fields, validate

from portfolio.api.fields import ExactDecimal, Id, Money, SmallInt, StrictSchema, Text


class RefSchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class UnitSchema(RefSchema):
    kind = fields.String(metadata={"description": "namnd, forvaltning eller bolag"})
    committee_id = fields.Function(lambda u: u.committee.id, metadata={"type": "integer"})
    active = fields.Boolean()


class ReferenceSchema(RefSchema):
    active = fields.Boolean()


class PageQuery(StrictSchema):
    page = fields.Integer(strict=False, load_default=1, validate=validate.Range(1, 100000))
    per_page = fields.Integer(strict=False, load_default=25, validate=validate.Range(1, 100))


def page_of(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """A page envelope: {items, page, per_page, total, pages}."""
    return type(name, (ma.Schema,), {
        "items": fields.List(fields.Nested(item_schema)),
        "page": fields.Integer(), "per_page": fields.Integer(), "total": fields.Integer(),
        "pages": fields.Integer(),
    })


class FundingIn(StrictSchema):
    year = SmallInt(2000, 2100, required=True)
    source_id = Id(required=True)
    amount = Money(required=True)


class StaffingIn(StrictSchema):
    year = SmallInt(2000, 2100, required=True)
    fte = ExactDecimal(2, 5, minimum=Decimal(0), maximum=Decimal(10000), required=True,
                       metadata={"description": "Årsarbetare (0–10000), högst två decimaler, som sträng"})


__all__ = ["RefSchema", "UnitSchema", "ReferenceSchema", "PageQuery", "page_of", "FundingIn", "StaffingIn",
           "Text"]
