from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..domain import clock
from ..extensions import db
from .types import UTCDateTime


class Complaint(db.Model):
    """A WeChat Pay consumer complaint (消费者投诉2.0, W6), as WeChat last told us, linked to our order."""

    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_state_time", "state", "complaint_time"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[str] = mapped_column(String(64), unique=True)  # WeChat's
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    out_trade_no: Mapped[str | None] = mapped_column(String(64))
    transaction_id: Mapped[str | None] = mapped_column(String(64))
    amount_fen: Mapped[int | None]
    complaint_time: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # adapters ComplaintState
    detail: Mapped[str] = mapped_column(Text, default="")
    problem_description: Mapped[str] = mapped_column(String(255), default="")
    media_urls: Mapped[list] = mapped_column(JSON, default=list)
    user_complaint_times: Mapped[int] = mapped_column(default=1)
    first_replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class ComplaintAlert(db.Model):
    """Supervisors alerted: one row per complaint and deadline (reply / resolve), written 4 hours before it."""

    __tablename__ = "complaint_alerts"
    __table_args__ = (UniqueConstraint("complaint_id", "deadline", name="uq_complaint_alerts_complaint_deadline"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"))
    deadline: Mapped[str] = mapped_column(String(16))  # domain.complaints.Deadline
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
