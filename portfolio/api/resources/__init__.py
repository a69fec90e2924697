"""The API's blueprints, one module per part of the domain (each a tag in the OpenAPI document)."""

from __future__ import annotations


def BLUEPRINTS() -> list:  # noqa: N802
    from portfolio.api.resources import (
        audits,
        benefit_case,
        benefits,
        dashboards,
        followups,
        ideas,
        initiatives,
        links,
        needs,
        plans,
        reference,
        risks,
    )

    return [reference.blp, initiatives.blp, needs.blp, risks.blp, benefit_case.blp, benefits.blp,
            followups.blp, links.blp, plans.blp, audits.blp, dashboards.blp, ideas.blp]
