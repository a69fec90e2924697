"""The register page's parts that cost the most, made once per data version: the filter's
choices (reference data) and, per filter, page and language, the rendered rows with their count
and page links. Every reader of the same page between two writes gets the stored HTML (one
cache read instead of three queries and 25 rendered rows); any write changes the data version
and with it every key (portfolio/cache.py). Nothing in these parts depends on who reads them:
the rows are the same for every logged-in reader; what differs per user (the "Nytt initiativ"
button, the office's import links, the empty state's advice) stays in the page template."""

from __future__ import annotations

from dataclasses import astuple, dataclass

from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

from portfolio.cache import result_cache
from portfolio.initiatives import queries
from portfolio.initiatives.queries import RegisterFilter
from portfolio.labels import PHASE_LABELS
from portfolio.programme import queries as ref


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


@dataclass(frozen=True)
class FilterChoices:
    areas: tuple[Choice, ...]
    units: tuple[Choice, ...]
    sources: tuple[Choice, ...]


@dataclass(frozen=True)
class Listing:
    head: Markup        # the result count and the export links
    table: Markup       # the rows and the page links; empty when there are no rows
    has_rows: bool


def filter_choices() -> FilterChoices:
    def build() -> FilterChoices:
        return FilterChoices(
            areas=tuple(Choice(a.id, a.name) for a in ref.areas()),
            units=tuple(Choice(u.id, u.label) for u in ref.org_units()),
            sources=tuple(Choice(s.id, s.name) for s in ref.funding_sources()))
    return result_cache().get_or_build(("register-choices",), build)


def register_listing(flt: RegisterFilter, page: int, per_page: int) -> Listing:
    def build() -> Listing:
        ref.org_units()             # the rows' units and areas from the identity map: no query per row
        ref.areas()
        pagination = queries.register_page(flt, page, per_page)
        context = {"pagination": pagination, "flt": flt, "phases": PHASE_LABELS}
        head = Markup(render_template("initiatives/_register_head.html", **context))
        if not pagination.items:
            return Listing(head, Markup(""), False)
        totals = queries.funding_totals([i.id for i in pagination.items])
        table = Markup(render_template("initiatives/_register_table.html", totals=totals, **context))
        return Listing(head, table, True)
    return result_cache().get_or_build(
        ("register", str(get_locale()), astuple(flt), page, per_page), build)
