"""Similar initiatives where they matter: while an idea or initiative is written, on the
initiative's page, in triage and in the audit dashboard's coordination question. Reads the
index (portfolio.ideas.index) and the office's marks; shows the owning committee and phase."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased, joinedload

from portfolio.extensions import db
from portfolio.ideas import index
from portfolio.ideas.models import Idea, MarkKind, SimilarMark
from portfolio.initiatives.models import Initiative
from portfolio.labels import phase_label
from portfolio.programme.models import OrgUnit

LIMIT = 5


@dataclass(frozen=True)
class SimilarInitiative:
    id: int
    ref: str
    title: str
    committee: str
    unit: str
    phase: str
    phase_label: str
    score: float | None          # None: linked as related by the office, not (enough) similar
    related: bool
    key: str

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(self.score * 100)


def marks_of(key: str) -> dict[str, str]:
    """The office's marks on pairs with `key`: other key → kind."""
    rows = db.session.execute(select(SimilarMark.key_a, SimilarMark.key_b, SimilarMark.kind).where(
        or_(SimilarMark.key_a == key, SimilarMark.key_b == key)))
    return {(b if a == key else a): kind for a, b, kind in rows}


def not_similar_pairs() -> set[tuple[str, str]]:
    rows = db.session.execute(select(SimilarMark.key_a, SimilarMark.key_b)
                              .where(SimilarMark.kind == MarkKind.NOT_SIMILAR.value))
    return {(a, b) for a, b in rows}


def _initiatives(ids: list[int]) -> dict[int, Initiative]:
    if not ids:
        return {}
    rows = db.session.scalars(select(Initiative).where(Initiative.id.in_(ids), Initiative.archived.is_(False))
                              .options(joinedload(Initiative.owning_unit).joinedload(OrgUnit.parent)))
    return {ini.id: ini for ini in rows}


def _item(ini: Initiative, score: float | None, related: bool) -> SimilarInitiative:
    return SimilarInitiative(
        id=ini.id, ref=ini.ref, title=ini.title, committee=ini.owning_unit.committee.name,
        unit=ini.owning_unit.name, phase=ini.phase, phase_label=str(phase_label(ini.phase)),
        score=score, related=related, key=index.initiative_key(ini.id))


def _compose(matches, key: str | None, limit: int) -> list[SimilarInitiative]:
    marks = marks_of(key) if key else {}
    related = [k for k, kind in marks.items() if kind == MarkKind.RELATED.value and k.startswith("initiative:")]
    scores = {m.key: m.score for m in matches if m.key.startswith("initiative:")
              and marks.get(m.key) != MarkKind.NOT_SIMILAR.value and m.key != key}
    ids = [index.parse_key(k)[1] for k in (*related, *scores)]
    found = _initiatives(ids)
    out = [_item(found[i], scores.get(index.initiative_key(i)), True)
           for i in (index.parse_key(k)[1] for k in related) if i in found]
    shown = {item.id for item in out}
    for k, score in scores.items():
        number = index.parse_key(k)[1]
        if number in found and number not in shown and len(out) < limit + len(related):
            out.append(_item(found[number], score, False))
            shown.add(number)
    return out


def for_text(text: str, *, exclude_key: str | None = None, limit: int = LIMIT) -> list[SimilarInitiative]:
    """While writing: initiatives similar to the text typed so far."""
    if len((text or "").strip()) < 3:
        return []
    matches = index.similar_for_text(text, limit=limit * 3,
                                     exclude=(exclude_key,) if exclude_key else ())
    return _compose(matches, exclude_key, limit)


def for_initiative(ini: Initiative, *, limit: int = LIMIT) -> list[SimilarInitiative]:
    """The initiative page's "Liknande initiativ": related ones first, then the similar ones
    the office has not marked as not similar."""
    key = index.initiative_key(ini.id)
    matches = index.similar_for_key(key, f"{ini.title}\n{ini.description}", limit=limit * 3)
    return _compose(matches, key, limit)


def for_idea(idea: Idea, *, limit: int = LIMIT) -> list[SimilarInitiative]:
    key = index.idea_key(idea.id)
    text = index.idea_text(idea.title, idea.need, idea.who, idea.today, idea.benefit)
    return _compose(index.similar_for_key(key, text, limit=limit * 3), key, limit)


@dataclass(frozen=True)
class GroupMember:
    id: int
    ref: str
    title: str
    committee: str


@dataclass(frozen=True)
class SimilarGroup:
    members: tuple[GroupMember, ...]     # by reference
    score: float                         # its most similar pair


def groups_across_committees(initiative_ids: list[int], *, wanted: set[int] | None = None,
                             limit: int | None = 200) -> list[SimilarGroup]:
    """Groups of these (not archived) initiatives joined by similar pairs owned by different
    committees, without the pairs the office marked as not similar; most similar first, only
    groups with a member in `wanted` (when given), at most `limit`. Two statements whatever the
    number of initiatives: their committees, then the members of the groups returned."""
    if len(initiative_ids) < 2:
        return []
    committee = func.coalesce(OrgUnit.parent_id, OrgUnit.id)
    owned = db.session.execute(select(Initiative.id, committee)
                               .join(OrgUnit, OrgUnit.id == Initiative.owning_unit_id)
                               .where(Initiative.id.in_(initiative_ids), Initiative.archived.is_(False))).all()
    keys = [index.initiative_key(number) for number, _c in owned]
    found = []
    for group_keys, score in index.groups(keys, [c for _n, c in owned], not_similar_pairs()):
        numbers = [index.parse_key(k)[1] for k in group_keys]
        if wanted is None or not wanted.isdisjoint(numbers):
            found.append((numbers, score))
            if limit is not None and len(found) >= limit:
                break
    if not found:
        return []
    parent = aliased(OrgUnit)
    details = {row.id: GroupMember(row.id, row.ref, row.title, row.committee) for row in db.session.execute(
        select(Initiative.id, Initiative.ref, Initiative.title,
               func.coalesce(parent.name, OrgUnit.name).label("committee"))
        .join(OrgUnit, OrgUnit.id == Initiative.owning_unit_id)
        .outerjoin(parent, parent.id == OrgUnit.parent_id)
        .where(Initiative.id.in_({n for numbers, _s in found for n in numbers})))}
    return [SimilarGroup(tuple(sorted((details[n] for n in numbers if n in details), key=lambda m: m.ref)), score)
            for numbers, score in found]
