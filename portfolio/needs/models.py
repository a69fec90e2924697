from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portfolio.codes import Code
from portfolio.extensions import Model


class NeedsStatus(Code):
    DRAFT = "utkast", _l("utkast")
    COMPLETE = "klar", _l("klar")


class Dpia(Code):
    """Is a data protection impact assessment (konsekvensbedömning) needed?"""
    YES = "ja", _l("Ja")
    NO = "nej", _l("Nej")
    INVESTIGATING = "utreds", _l("Utreds")


class YesNo(Code):
    """How a yes/no question (stored as a boolean) is asked in a form."""
    YES = "ja", _l("Ja")
    NO = "nej", _l("Nej")


# Plain-string aliases for older imports.
DRAFT = NeedsStatus.DRAFT.value
COMPLETE = NeedsStatus.COMPLETE.value
DPIA_CHOICES = Dpia.values()
TEXT_FIELDS = ("problem", "target_groups", "needs_capture", "involvement_who", "involvement_how",
               "inclusion_how", "current_state", "desired_state", "alternatives", "architecture",
               "tech_debt")


class NeedsAnalysis(Model):
    """One per initiative. A draft may be partial; marking it complete enforces the required
    fields (see needs.requirements.REQUIREMENTS)."""

    __tablename__ = "needs_analysis"
    # Text lengths, declared once for the form, the service and the API.
    LIMITS: ClassVar[dict[str, int]] = {**dict.fromkeys(TEXT_FIELDS, 10000), "infosec_class": 32}

    id: Mapped[int] = mapped_column(primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiative.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    problem: Mapped[str | None] = mapped_column(Text)
    target_groups: Mapped[str | None] = mapped_column(Text)
    needs_capture: Mapped[str | None] = mapped_column(Text)
    involvement_who: Mapped[str | None] = mapped_column(Text)
    involvement_how: Mapped[str | None] = mapped_column(Text)
    involvement_when: Mapped[date | None]
    inclusion_considered: Mapped[bool | None]
    inclusion_how: Mapped[str | None] = mapped_column(Text)
    current_state: Mapped[str | None] = mapped_column(Text)
    desired_state: Mapped[str | None] = mapped_column(Text)
    alternatives: Mapped[str | None] = mapped_column(Text)
    architecture: Mapped[str | None] = mapped_column(Text)
    tech_debt: Mapped[str | None] = mapped_column(Text)
    infosec_class: Mapped[str | None] = mapped_column(String(LIMITS["infosec_class"]))
    personal_data: Mapped[bool | None]
    dpia_needed: Mapped[str | None] = mapped_column(String(10))  # Dpia
    version: Mapped[int] = mapped_column(default=1)
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # see Initiative
    updated_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
