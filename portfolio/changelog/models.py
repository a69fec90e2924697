from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portfolio.extensions import Model

if TYPE_CHECKING:
    from portfolio.auth.models import User


class ChangeLogEntry(Model):
    """One changed field of one entity. Rows written in one save share `changed_at` and `action`."""

    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_entity", "entity_type", "entity_id", "changed_at"),
        Index("ix_change_log_initiative", "initiative_id", "changed_at"),
        # A past year's phases: each initiative's phase changes in time order, from one index.
        Index("ix_change_log_phase", "field", "initiative_id", "changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    changed_at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int]
    # The initiative a change belongs to (itself, or the owner of a risk, benefit, …), so an
    # initiative's history shows its whole decision basis.
    initiative_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(20))
    field: Mapped[str | None] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)

    # By name: the log sits below the accounts (auth writes to it), so it does not import them.
    user: Mapped[User | None] = relationship("User", lazy="joined")
