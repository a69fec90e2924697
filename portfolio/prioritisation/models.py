from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.auth.models import User
from portfolio.codes import Code
from portfolio.extensions import Model, db
from portfolio.types import FixedDecimal, Money


class DecisionBody(Code):
    """Who took a portfolio decision."""

    PROJEKTKONTOR = "projektkontor", _l("Projektkontoret")
    PORTFOLJRAD = "portfoljrad", _l("Portföljrådet")
    KS = "ks", _l("Kommunstyrelsen")


class Decision(Code):
    """What a portfolio decision says about the initiatives it names."""

    PRIORITERAD = "prioriterad", _l("Prioriterad")
    AVVAKTAR = "avvaktar", _l("Avvaktar")
    AVSLAG = "avslag", _l("Avslag")
    AVBRYT = "avbryt", _l("Avbryt")


# Kept for the code that reads the stored values as tuples.
DECISION_BODIES = DecisionBody.values()
DECISIONS = Decision.values()

decision_initiative = Table(
    "decision_initiative", db.metadata,
    Column("decision_id", ForeignKey("portfolio_decision.id", ondelete="CASCADE"), primary_key=True),
    Column("initiative_id", ForeignKey("initiative.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class CriteriaSet(Model):
    """The criteria, weights and scales for one year. Frozen once used in a decision."""

    __tablename__ = "criteria_set"
    LIMITS: ClassVar[dict[str, int]] = {"year_min": 2000, "year_max": 2100}

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    budget_ceiling: Mapped[Decimal | None] = mapped_column(Money())
    frozen: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(String(20), default="programfil")
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # see Initiative
    created_at: Mapped[datetime]

    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="criteria_set", order_by="Criterion.sort_order", cascade="all, delete-orphan")


class Criterion(Model):
    __tablename__ = "criterion"
    __table_args__ = (UniqueConstraint("set_id", "code"),
                      CheckConstraint("weight >= 0", name="weight_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("criteria_set.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[Decimal] = mapped_column(FixedDecimal(2))
    scale: Mapped[str] = mapped_column(Text)   # five lines, one per score 1–5
    prefill_from_case: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=0)

    criteria_set: Mapped[CriteriaSet] = relationship(back_populates="criteria")

    @property
    def scale_texts(self) -> list[str]:
        return self.scale.split("\n")


class Score(Model):
    __tablename__ = "criterion_score"
    LIMITS: ClassVar[dict[str, int]] = {"motivation": 2000, "score_min": 1, "score_max": 5}
    __table_args__ = (UniqueConstraint("initiative_id", "criterion_id"),
                      CheckConstraint("score BETWEEN 1 AND 5", name="score_1_5"))

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"),
                                               index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"),
                                              index=True)
    score: Mapped[int]
    motivation: Mapped[str | None] = mapped_column(Text)
    scored_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    scored_at: Mapped[datetime]


class PortfolioDecision(Model):
    """A portfolio decision; never changed once saved (a correction is a new entry that
    references the old)."""

    __tablename__ = "portfolio_decision"
    LIMITS: ClassVar[dict[str, int]] = {"reason": 5000, "diarienummer": 60, "override_reason": 2000}

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    body: Mapped[str] = mapped_column(String(20))
    decided_on: Mapped[date]
    decision: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    diarienummer: Mapped[str | None] = mapped_column(String(60))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("portfolio_decision.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime]

    initiatives = relationship("Initiative", secondary=decision_initiative, order_by="Initiative.ref")
    corrects: Mapped[PortfolioDecision | None] = relationship(remote_side="PortfolioDecision.id")
    created_by: Mapped[User | None] = relationship()


class StoredScore(Model):
    """An initiative's scores in one criteria set, summed up once per save (issue #16): the ranked
    view and the priority card read these instead of scoring every candidate on every request.
    Written only by `prioritisation.stored` (refreshed whenever a score, a weight or the set
    changes); one row per initiative with at least one score in the set."""

    __tablename__ = "stored_score"

    set_id: Mapped[int] = mapped_column(ForeignKey("criteria_set.id", ondelete="CASCADE"),
                                        primary_key=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id", ondelete="CASCADE"),
                                               primary_key=True, index=True)
    set_version: Mapped[int]        # the criteria set's version the row was computed for
    scores: Mapped[str] = mapped_column(String(64))   # one digit per criterion in set order, "-": none
    scored: Mapped[int]             # criteria scored
    score_cents: Mapped[int | None]  # 100 × the 0–100 score; None while a weighted criterion lacks one
    heaviest: Mapped[int]           # the score on the most heavily weighted criterion (0: none)
