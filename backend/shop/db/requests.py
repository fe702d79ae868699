from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain import clock
from ..extensions import db
from .types import UTCDateTime


class OrderRequest(db.Model):
    """A shopper's request staff must decide: cancel, modification or after-sales (one id space)."""

    __tablename__ = "order_requests"
    __table_args__ = (
        # At most one open request per order, enforced by the database under races.
        Index("uq_order_requests_open", "order_id", unique=True,
              postgresql_where=text("status = 'pending'"), sqlite_where=text("status = 'pending'")),
        Index("ix_order_requests_status_created", "status", "created_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    shopper_id: Mapped[int] = mapped_column(ForeignKey("shoppers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # cancel | modify | after_sale
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | approved | rejected | withdrawn
    reason_code: Mapped[str] = mapped_column(String(32), default="")
    reason_text: Mapped[str] = mapped_column(String(500), default="")
    payload: Mapped[dict] = mapped_column(JSON, default=dict)  # e.g. the requested modification
    alternative: Mapped[dict | None] = mapped_column(JSON)  # C4: what staff offered instead
    decided_by_id: Mapped[int | None]
    decided_by_name: Mapped[str] = mapped_column(String(40), default="")
    decision_reason: Mapped[str] = mapped_column(String(500), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class AfterSale(db.Model):
    """An after-sales case (A1–A3): refund only, return and refund, exchange, repair."""

    __tablename__ = "after_sales"
    __table_args__ = (Index("ix_after_sales_status", "status", "created_at"),
                      Index("ix_after_sales_deadline", "deadline_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("order_requests.id"), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    shopper_id: Mapped[int] = mapped_column(ForeignKey("shoppers.id"), index=True)
    type: Mapped[str] = mapped_column(String(16))  # refund_only | return_refund | exchange | repair
    status: Mapped[str] = mapped_column(String(20), default="pending")
    reason_code: Mapped[str] = mapped_column(String(32))
    reason_text: Mapped[str] = mapped_column(String(500), default="")
    lines: Mapped[list] = mapped_column(JSON, default=list)  # [{"line_id", "quantity"}]
    photos: Mapped[list] = mapped_column(JSON, default=list)
    amount_fen: Mapped[int] = mapped_column(default=0)
    return_address: Mapped[str] = mapped_column(String(200), default="")
    return_carrier: Mapped[str | None] = mapped_column(String(40))
    return_tracking_no: Mapped[str | None] = mapped_column(String(40))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resellable: Mapped[bool | None]
    received_by: Mapped[str] = mapped_column(String(40), default="")
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"))
    replacement_carrier: Mapped[str | None] = mapped_column(String(40))
    replacement_tracking_no: Mapped[str | None] = mapped_column(String(40))
    proposal: Mapped[dict | None] = mapped_column(JSON)  # A4: staff's open proposal while 协商中
    # A5: when the current stage's clock runs out (None: no clock). The deadline sweeper reads this.
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    request: Mapped[OrderRequest] = relationship()


class AfterSaleMessage(db.Model):
    """A4: one entry of a case's 协商历史 — the application, a proposal, a reply, evidence, a decision."""

    __tablename__ = "after_sale_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    after_sale_id: Mapped[int] = mapped_column(ForeignKey("after_sales.id"), index=True)
    author: Mapped[str] = mapped_column(String(16))  # shopper | staff | system
    author_name: Mapped[str] = mapped_column(String(40), default="")
    kind: Mapped[str] = mapped_column(String(24))  # apply | proposal | accepted | declined | evidence | ...
    text: Mapped[str] = mapped_column(String(600), default="")
    photos: Mapped[list] = mapped_column(JSON, default=list)
    proposal: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class CancelFeedback(db.Model):
    """C6: how the shopper felt about the cancellation."""

    __tablename__ = "cancel_feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    shopper_id: Mapped[int] = mapped_column(ForeignKey("shoppers.id"))
    rating: Mapped[int]
    text: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
