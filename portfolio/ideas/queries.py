"""The read side of ideas: lists, the triage matrix, who may see what."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portfolio.changelog.models import ChangeLogEntry
from portfolio.extensions import db
from portfolio.ideas.models import OPEN_STATUSES, SCORES, SHARED_STATUSES, Idea, IdeaStatus
from portfolio.initiatives.models import Initiative
from portfolio.programme.models import OrgUnit

STATUS_FILTERS = ("oppna", *IdeaStatus.values(), "alla")


def get_idea(idea_id: int) -> Idea | None:
    return db.session.get(Idea, idea_id) if 0 < idea_id < 2**31 else None


def can_see(user, idea: Idea) -> bool:
    """Submitters see their own ideas; everyone logged in sees ideas once accepted or merged;
    the office sees all."""
    return user.is_authenticated and (
        user.is_office or idea.submitted_by_id == user.id or idea.status in SHARED_STATUSES)


def my_ideas(user) -> list[Idea]:
    return list(db.session.scalars(select(Idea).where(Idea.submitted_by_id == user.id)
                                   .order_by(Idea.created_at.desc(), Idea.id.desc())))


def triage_list(status: str = "oppna", unit_id: int | None = None) -> list[Idea]:
    stmt = select(Idea)
    if status == "oppna":
        stmt = stmt.where(Idea.status.in_(OPEN_STATUSES))
    elif status in IdeaStatus.values():
        stmt = stmt.where(Idea.status == status)
    if unit_id:
        stmt = stmt.where(Idea.unit_id == unit_id)
    return list(db.session.scalars(stmt.order_by(Idea.created_at.desc(), Idea.id.desc())))


def units() -> list[OrgUnit]:
    return list(db.session.scalars(select(OrgUnit).where(OrgUnit.active).order_by(OrgUnit.sort_order)))


@dataclass(frozen=True)
class Matrix:
    """Open ideas by need (rows, 5 at the top) and feasibility (columns, 1 to 5)."""

    cells: dict[tuple[int, int], list[Idea]]
    unscored: list[Idea]

    @property
    def needs(self) -> tuple[int, ...]:
        return tuple(reversed(SCORES))

    @property
    def feasibilities(self) -> tuple[int, ...]:
        return SCORES


def matrix(ideas: list[Idea]) -> Matrix:
    cells: dict[tuple[int, int], list[Idea]] = {(n, f): [] for n in SCORES for f in SCORES}
    unscored = []
    for idea in ideas:
        if idea.need_score and idea.feasibility_score:
            cells[(idea.need_score, idea.feasibility_score)].append(idea)
        else:
            unscored.append(idea)
    return Matrix(cells, unscored)


def ideas_of_initiative(initiative_id: int) -> list[Idea]:
    """The ideas that became or were merged into this initiative."""
    return list(db.session.scalars(select(Idea).where(Idea.initiative_id == initiative_id)
                                   .order_by(Idea.created_at)))


def history(idea_id: int) -> list[ChangeLogEntry]:
    """Every change and triage decision of an idea, newest first."""
    return list(db.session.scalars(
        select(ChangeLogEntry).where(ChangeLogEntry.entity_type == "idea", ChangeLogEntry.entity_id == idea_id)
        .order_by(ChangeLogEntry.changed_at.desc(), ChangeLogEntry.id)))


def open_initiatives() -> list[Initiative]:
    """Initiatives an idea may be merged into (not archived), by reference."""
    return list(db.session.scalars(select(Initiative).where(Initiative.archived.is_(False))
                                   .order_by(Initiative.ref)))
