from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain import clock
from ..extensions import db
from .types import UTCDateTime


class Refund(db.Model):
    """One row per refund (R1). `out_refund_no` never changes, so every retry is the same refund."""

    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        Index("ix_refunds_status_next", "status", "next_attempt_at"),
        Index("ix_refunds_created", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    out_refund_no: Mapped[str] = mapped_column(String(32), unique=True)
    amount_fen: Mapped[int]
    shipping_fen: Mapped[int] = mapped_column(default=0)
    method: Mapped[str] = mapped_column(String(16), default="wechat")  # wechat | balance
    status: Mapped[str] = mapped_column(String(16), default="pending")
    source: Mapped[str] = mapped_column(String(20))  # cancel | after_sale | modify | late_payment | manual
    source_id: Mapped[int | None]
    reason: Mapped[str] = mapped_column(String(200), default="")
    lines: Mapped[list] = mapped_column(JSON, default=list)
    wechat_refund_id: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error_code: Mapped[str | None] = mapped_column(String(40))
    last_error_message: Mapped[str | None] = mapped_column(String(255))
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(40), default="system")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    succeeded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # W2: finance replaced a refund WeChat closed or could not pay out by a new one (re-issued, or to
    # balance); the old row stays as history and no longer counts for the order.
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id", name="fk_refunds_replaced_by"))
    # W2: where a WeChat-abnormal refund was re-routed (user_bank_card | merchant_bank_card)
    abnormal_route: Mapped[str | None] = mapped_column(String(24))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    attempt_log: Mapped[list["RefundAttempt"]] = relationship(order_by="RefundAttempt.id")


class RefundAttempt(db.Model):
    __tablename__ = "refund_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[int] = mapped_column(ForeignKey("refunds.id"), index=True)
    number: Mapped[int]
    outcome: Mapped[str] = mapped_column(String(16))  # accepted | failed | succeeded | error
    error_code: Mapped[str | None] = mapped_column(String(40))
    error_message: Mapped[str | None] = mapped_column(String(255))
    operator: Mapped[str] = mapped_column(String(40), default="worker")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
