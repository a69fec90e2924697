"""The API's blueprints, one module per part of the domain."""

from __future__ import annotations


def BLUEPRINTS() -> list:  # noqa: N802
    from portfolio.api.resources import (
        audits,
        dashboards,
        initiative_children,
        initiatives,
        plans,
        reference,
    )

    return [reference.blp, initiatives.blp, initiative_children.blp, plans.blp, audits.blp, dashboards.blp]
