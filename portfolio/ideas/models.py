"""Ideas (idéer) anyone logged in may submit, and the project office's marks on pairs of similar
texts ("inte liknande", "relaterade")."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.auth.models import User
from portfolio.codes import Code
from portfolio.extensions import Model
from portfolio.initiatives.models import Initiative
from portfolio.programme.models import OrgUnit


class IdeaStatus(Code):
    NEW = "ny", _l("Ny")
    MORE_INFO = "komplettering", _l("Behöver mer information")
    ACCEPTED = "accepterad", _l("Accepterad som initiativ")
    MERGED = "sammanslagen", _l("Sammanslagen med ett initiativ")
    DECLINED = "avslagen", _l("Avslagen")


OPEN_STATUSES = (IdeaStatus.NEW.value, IdeaStatus.MORE_INFO.value)
# Ideas everyone logged in may read (before this only the submitter and the office).
SHARED_STATUSES = (IdeaStatus.ACCEPTED.value, IdeaStatus.MERGED.value)
SCORES = (1, 2, 3, 4, 5)


class Idea(Model):
    __tablename__ = "idea"
    LIMITS: ClassVar[dict[str, int]] = {
        "title": 200, "need": 4000, "who": 1000, "today": 4000, "benefit": 4000, "message": 2000}
    __table_args__ = (
        CheckConstraint("need_score IS NULL OR need_score BETWEEN 1 AND 5", name="need_score_range"),
        CheckConstraint("feasibility_score IS NULL OR feasibility_score BETWEEN 1 AND 5",
                        name="feasibility_score_range"),
        Index("ix_idea_status_created", "status", "created_at"),
        Index("ix_idea_submitter", "submitted_by_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    need: Mapped[str] = mapped_column(Text)            # the need: what is hard or missing
    who: Mapped[str] = mapped_column(Text, default="")      # who has the need
    today: Mapped[str] = mapped_column(Text, default="")    # what happens today
    benefit: Mapped[str] = mapped_column(Text, default="")  # a rough idea of the benefit
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=IdeaStatus.NEW.value)
    need_score: Mapped[int | None]
    feasibility_score: Mapped[int | None]
    # What the office tells the submitter: the question (more information) or the reason (declined).
    office_message: Mapped[str | None] = mapped_column(Text)
    # The initiative it became (accepted) or was merged into.
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiative.id", ondelete="SET NULL"), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(index=True)
    decided_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # see Initiative

    unit: Mapped[OrgUnit] = relationship(lazy="joined")
    initiative: Mapped[Initiative | None] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def status_label(self) -> str:
        return IdeaStatus.label_of(self.status)


class MarkKind(Code):
    NOT_SIMILAR = "inte_liknande", _l("Inte liknande")
    RELATED = "relaterade", _l("Relaterade")


class SimilarMark(Model):
    """The office's word on a pair of documents ("initiative:12", "idea:3"; stored with the
    smaller key first): not similar (the pair is no longer suggested) or related (shown as a
    link on both)."""

    __tablename__ = "similar_mark"
    __table_args__ = (
        UniqueConstraint("key_a", "key_b", name="uq_similar_mark_pair"),
        CheckConstraint("key_a < key_b", name="keys_ordered"),
        Index("ix_similar_mark_key_b", "key_b"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key_a: Mapped[str] = mapped_column(String(40))
    key_b: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


# How the idea's change log reads (field and action names as the services write them).
FIELD_LABELS = {
    "title": _l("Rubrik"), "need": _l("Behov"), "who": _l("Vem har behovet"), "today": _l("Så görs det i dag"),
    "benefit": _l("Ungefärlig nytta"), "unit": _l("Enhet"), "status": _l("Status"),
    "need_score": _l("Behov (1–5)"), "feasibility_score": _l("Genomförbarhet (1–5)"),
    "office_message": _l("Meddelande från projektkontoret"), "initiative": _l("Initiativ"),
    "kind": _l("Markering"), "pair": _l("Par"),
}
ACTION_LABELS = {
    "create": _l("Lämnade idén"), "update": _l("Ändrade"), "score": _l("Bedömde"), "accept": _l("Accepterade"),
    "merge": _l("Slog samman"), "more_info": _l("Bad om mer information"), "decline": _l("Avslog"),
    "mark": _l("Markerade par"), "unmark": _l("Tog bort markering"),
}
