from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.extensions import db
from portfolio.programme.models import OrgUnit

RESPONSE_STATUSES = ("ej_paborjad", "pagar", "genomford", "ej_aktuell")


class Audit(db.Model):
    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    auditor: Mapped[str | None] = mapped_column(String(200))
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


class Recommendation(db.Model):
    __tablename__ = "recommendation"

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


class RecommendationResponse(db.Model):
    """One addressed committee's answer to one recommendation, its status and evidence."""

    __tablename__ = "recommendation_response"
    __table_args__ = (UniqueConstraint("recommendation_id", "committee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"))
    committee_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    answer_paragraph: Mapped[str | None] = mapped_column(String(30))
    answer_diarienummer: Mapped[str | None] = mapped_column(String(60))
    answer_date: Mapped[date | None]
    answer_summary: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="ej_paborjad")
    status_reason: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # see Initiative
    updated_at: Mapped[datetime]

    recommendation: Mapped[Recommendation] = relationship(back_populates="responses")
    committee: Mapped[OrgUnit] = relationship(lazy="joined")
    actions: Mapped[list[ResponseAction]] = relationship(
        back_populates="response", order_by="ResponseAction.id")


class ResponseAction(db.Model):
    __tablename__ = "response_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation_response.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))
    due_date: Mapped[date | None]
    done: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]

    response: Mapped[RecommendationResponse] = relationship(back_populates="actions")
