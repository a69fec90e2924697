"""Display values for thousands of ranked rows, computed once per request (issue #16).

`prepare_rows()` gives each ranked row its texts from small tables made once per request (each
criterion's bar part and text for every possible score, score texts, area · committee · phase).

`bar_parts()` writes each criterion's part of a row's breakdown bar once for every possible
score (escaped here, once, as the template would); a row's bar is then a join of its parts, one
value for the template instead of three per criterion.

`kronor_formatter()` writes exactly what `numbers.format_kronor` writes (a test compares them
over many amounts in every language), but looks the locale's symbols up once instead of once per
amount: the ranked view writes two amounts per row."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
from markupsafe import Markup

from portfolio.domain.scoring import SCORE_MAX, SCORE_MIN
from portfolio.labels import PHASE_LABELS, REQUIREMENT_LABELS
from portfolio.numbers import NBSP, current_locale
from portfolio.numbers import format_plain as format_decimal
from portfolio.prioritisation.stored import NOT_SCORED

if TYPE_CHECKING:
    from portfolio.prioritisation.queries import Ranking

BREAKDOWN_STYLES = 8   # colour-and-pattern pairs for the breakdown bars (app.css)
SCORE_CHARS = NOT_SCORED + "".join(str(s) for s in range(SCORE_MIN, SCORE_MAX + 1))
CENT = Decimal("0.01")
SUFFIX = NBSP + "kr"


def kronor_formatter(locale: str | None = None) -> Callable[[Decimal | int | None], str]:
    """`format_kronor` (öre shown only when there are öre) for the request's locale."""
    loc = locale or current_locale()
    group, point, minus = get_group_symbol(loc), get_decimal_symbol(loc), get_minus_sign_symbol(loc)

    def kronor(value: Decimal | int | None) -> str:
        if value is None:
            return "–"
        exact = Decimal(value) * 100
        cents = int(exact)
        if cents != exact:      # more than two decimals: round half up as format_kronor does
            cents = int(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP).scaleb(2))
        whole, ore = divmod(-cents if cents < 0 else cents, 100)
        text = f"{whole:,}".replace(",", group)
        if ore:
            text = f"{text}{point}{ore:02d}"
        return (minus + text if cents < 0 else text) + SUFFIX
    return kronor


PART = Markup('<span class="breakdown__part {}" style="width: {}%" title="{}"></span>')


def bar_parts(criteria, weights: dict[str, Decimal], styles: dict[str, str]) -> list[tuple[str, dict[str, Markup]]]:
    """Per weighted criterion (in the legend's order): its part of the bar for each score "1"–"5"
    (nothing for "-", not scored), its width the criterion's share of the 0–100 score (as
    domain.scoring.contributions computes it)."""
    denominator = 5 * sum(weights.values(), Decimal(0))
    parts = []
    for c in criteria:
        w = weights.get(c.code, Decimal(0))
        if w:
            part = {str(s): PART.format(styles[c.code], f"{Decimal(100) * Decimal(w) * s / denominator:.2f}",
                                        f"{c.name}: {s}") for s in range(SCORE_MIN, SCORE_MAX + 1)}
            parts.append((c.code, part | {NOT_SCORED: Markup("")}))
    return parts


def prepare_rows(result: Ranking) -> None:
    """Per-row display values, from tables made once per request: each criterion's part of the
    bar and its text for every possible score, the texts of scores and metas; amounts through a
    formatter that looks the locale up once."""
    phase_names = {code: str(label) for code, label in PHASE_LABELS.items()}
    styles = {c.code: f"breakdown__part--{i % BREAKDOWN_STYLES}" for i, c in enumerate(result.criteria)}
    result.legend = [(c, styles[c.code]) for c in result.criteria]
    for _row, failed in result.failing:
        if failed not in result.missing_texts:
            result.missing_texts[failed] = "; ".join(str(REQUIREMENT_LABELS[c]).lower() for c in failed)
    at = {code: i for i, code in enumerate(result.codes)}
    parts = [(at[code], part) for code, part in bar_parts(result.criteria, result.weights, styles)]
    texts = [(at[c.code], {ch: f"{c.name}: {ch}" if ch != NOT_SCORED else f"{c.name}: –"
                           for ch in SCORE_CHARS}) for c in result.criteria]
    kronor = kronor_formatter()
    score_texts: dict[Decimal, str] = {}
    metas: dict[tuple[str, str, str], str] = {}
    bars: dict[str, tuple[str, str]] = {}
    for r in result.ranked:
        packed = r.packed
        bar = bars.get(packed)
        if bar is None:
            bar = bars[packed] = (Markup("".join([part[packed[i]] for i, part in parts])),
                                  " · ".join([text[packed[i]] for i, text in texts]))
        r.bar, r.breakdown_text = bar
        text = score_texts.get(r.score)
        if text is None:
            text = score_texts[r.score] = format_decimal(r.score)
        r.score_text = text
        key = (r.area, r.committee, r.phase)
        meta = metas.get(key)
        if meta is None:
            meta = metas[key] = f"{r.area} · {r.committee} · {phase_names.get(r.phase, r.phase)}"
        r.meta = meta
        r.cost_text = kronor(r.cost)
        r.cumulative_text = kronor(r.cumulative)
