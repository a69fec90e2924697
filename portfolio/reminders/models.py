"""The reminder log: one row per person and period (a day, an ISO week, or a one-off reminder
about a follow-up period), claimed before the mail goes out, so a second run or a second worker
never sends the same reminder again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portfolio import clock
from portfolio.extensions import Model

# A delivery's status: claimed and being sent; sent; failed (may be claimed again by a retry);
# nothing to send for the period (kept so the hourly run does not look again).
SENDING, SENT, FAILED, EMPTY = "sending", "sent", "failed", "empty"
STATUSES = (SENDING, SENT, FAILED, EMPTY)
DIGEST, PERIOD = "digest", "period"


class ReminderDelivery(Model):
    __tablename__ = "reminder_delivery"
    __table_args__ = (
        UniqueConstraint("user_id", "period_key", name="uq_reminder_delivery_user_period"),
        Index("ix_reminder_delivery_status_claimed", "status", "claimed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # digest: "day:2026-11-30" or "week:2026-W49"; period reminder: "period:2026:delar:2026-11-29"
    period_key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10), default=DIGEST)
    status: Mapped[str] = mapped_column(String(10), default=SENDING)
    # What the mail listed: item keys such as "measurement:12", "followup:7:2026:delar".
    items: Mapped[list[Any]] = mapped_column(JSON, default=list)
    item_count: Mapped[int] = mapped_column(default=0)
    email: Mapped[str] = mapped_column(String(254))
    attempts: Mapped[int] = mapped_column(default=1)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("background_job.id", ondelete="SET NULL"))
    message_id: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime] = mapped_column(default=clock.now)
    sent_at: Mapped[datetime | None]
