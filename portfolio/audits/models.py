from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.auth.models import User
from portfolio.codes import Code
from portfolio.extensions import Model, db
from portfolio.programme.models import OrgUnit


class ResponseStatus(Code):
    EJ_PABORJAD = "ej_paborjad", _l("Ej påbörjad")
    PAGAR = "pagar", _l("Pågår")
    GENOMFORD = "genomford", _l("Genomförd")
    EJ_AKTUELL = "ej_aktuell", _l("Ej aktuell")


RESPONSE_STATUSES = ResponseStatus.values()     # alias for older imports
# Not a status anyone sets: how a response reads on a day before the committee answered.
NOT_ANSWERED = "ej_besvarad"
NOT_ANSWERED_LABEL = _l("Ej besvarad")


class UnitList(list):
    """Committees as the change log reads them: their codes ("KS, SBN")."""

    def __str__(self) -> str:
        return ", ".join(unit.code for unit in self)

# The committees (styrelse/nämnder) an audit covers: a fact of that audit (e.g. KPMG 2022, §2.2).
audit_committee = Table(
    "audit_committee", db.metadata,
    Column("audit_id", ForeignKey("audit.id", ondelete="CASCADE"), primary_key=True),
    Column("committee_id", ForeignKey("org_unit.id"), primary_key=True, index=True),
)


def _names(text: str | None) -> frozenset[str]:
    return frozenset(n for n in (text or "").split(",") if n)


class Audit(Model):
    __tablename__ = "audit"
    LIMITS: ClassVar[dict[str, int]] = {"title": 300, "auditor": 200, "diarienummer": 60,
                                        "assessment": 10000}

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    auditor: Mapped[str | None] = mapped_column(String(200))
    # The year the audit assesses (revisionsår); the report date's year when not given.
    audit_year: Mapped[int | None]
    report_date: Mapped[date | None]
    diarienummer: Mapped[str | None] = mapped_column(String(60))
    letter_date: Mapped[date | None]
    answer_deadline: Mapped[date | None]
    assessment: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # see Initiative
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    recommendations: Mapped[list[Recommendation]] = relationship(
        back_populates="audit", order_by="Recommendation.id")
    committees: Mapped[list[OrgUnit]] = relationship(secondary=audit_committee, collection_class=UnitList,
                                                     order_by=OrgUnit.sort_order)
    questions: Mapped[list[AuditQuestion]] = relationship(
        back_populates="audit", order_by="AuditQuestion.number", cascade="all, delete-orphan")

    @property
    def year(self) -> int | None:
        return self.audit_year or (self.report_date.year if self.report_date else None)


class AuditQuestion(Model):
    """One of the audit's questions (revisionsfrågor): its number, a short label for tables and
    headings, and the full wording exactly as the report gives it."""

    __tablename__ = "audit_question"
    __table_args__ = (UniqueConstraint("audit_id", "number"),)
    LIMITS: ClassVar[dict[str, int]] = {"label": 200, "wording": 5000}

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"))
    number: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))
    wording: Mapped[str] = mapped_column(Text)

    audit: Mapped[Audit] = relationship(back_populates="questions")


class Recommendation(Model):
    __tablename__ = "recommendation"
    LIMITS: ClassVar[dict[str, int]] = {"text": 5000, "code": 20}

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id", ondelete="CASCADE"), index=True)
    code: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # see Initiative

    audit: Mapped[Audit] = relationship(back_populates="recommendations")
    responses: Mapped[list[RecommendationResponse]] = relationship(
        back_populates="recommendation", order_by="RecommendationResponse.id")

    @property
    def committees(self) -> str:
        """The addressed committees' codes, as the change log reads them."""
        return ", ".join(sorted(r.committee.code for r in self.responses))


class RecommendationResponse(Model):
    """One addressed committee's answer to one recommendation, its status and evidence.

    `status` is the status today; `history` says from which day each status held, so a past
    year reads the status of its 31 December. `demo_fields` names the fields whose values are
    invented for the demo (shown with a demo tag); a value someone saves is no longer demo."""

    __tablename__ = "recommendation_response"
    __table_args__ = (UniqueConstraint("recommendation_id", "committee_id"),)
    LIMITS: ClassVar[dict[str, int]] = {"answer_paragraph": 30, "answer_diarienummer": 60,
                                        "answer_summary": 10000, "status_reason": 5000, "evidence": 5000}
    # Not stored (the history holds it): the day a status saved now holds from, for the log.
    # Set on the instance by a save; ClassVar only keeps the ORM from mapping it.
    if TYPE_CHECKING:
        status_date: date | None = None
    else:
        status_date: ClassVar[date | None] = None

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"))
    committee_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    answer_paragraph: Mapped[str | None] = mapped_column(String(30))
    answer_diarienummer: Mapped[str | None] = mapped_column(String(60))
    answer_date: Mapped[date | None]
    # This committee's own deadline when it differs from the audit's (förlängd svarstid).
    answer_deadline: Mapped[date | None]
    answer_summary: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="ej_paborjad")
    status_reason: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    demo_fields: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # see Initiative
    updated_at: Mapped[datetime]

    recommendation: Mapped[Recommendation] = relationship(back_populates="responses")
    committee: Mapped[OrgUnit] = relationship(lazy="joined")
    actions: Mapped[list[ResponseAction]] = relationship(
        back_populates="response", order_by="ResponseAction.id")
    history: Mapped[list[ResponseStatusChange]] = relationship(
        back_populates="response", order_by="[ResponseStatusChange.valid_from, ResponseStatusChange.id]")

    @property
    def demo(self) -> frozenset[str]:
        return _names(self.demo_fields)

    @property
    def status_is_demo(self) -> bool:
        return bool(self.history) and self.history[-1].is_demo

    @property
    def deadline(self) -> date | None:
        return self.answer_deadline or self.recommendation.audit.answer_deadline


class ResponseStatusChange(Model):
    """From `valid_from` on, the response had `status` (until the next change). Written by the
    service whenever the status changes; who recorded it and when stay in the change log too."""

    __tablename__ = "response_status_change"
    __table_args__ = (Index("ix_response_status_change_response", "response_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation_response.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    valid_from: Mapped[date]
    is_demo: Mapped[bool] = mapped_column(default=False)
    recorded_at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    response: Mapped[RecommendationResponse] = relationship(back_populates="history")
    user: Mapped[User | None] = relationship(lazy="joined")


class ResponseAction(Model):
    __tablename__ = "response_action"
    LIMITS: ClassVar[dict[str, int]] = {"text": 5000, "owner": 200}

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation_response.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))
    due_date: Mapped[date | None]
    done: Mapped[bool] = mapped_column(default=False)
    done_on: Mapped[date | None]
    demo_fields: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]

    response: Mapped[RecommendationResponse] = relationship(back_populates="actions")

    @property
    def demo(self) -> frozenset[str]:
        return _names(self.demo_fields)
