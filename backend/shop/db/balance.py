"""The store balance ledger (R9): every change of a shopper's balance is one row, written exactly once."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..domain import clock
from ..extensions import db
from .types import UTCDateTime


class BalanceEntry(db.Model):
    """One credit or debit of a shopper's balance. `idempotency_key` is unique: the same business event
    (this refund paid to balance, this order's reservation, its give-back) can be booked only once."""

    __tablename__ = "balance_ledger"
    __table_args__ = (
        CheckConstraint("delta_fen <> 0", name="delta_not_zero"),
        Index("ix_balance_ledger_shopper", "shopper_id", "id"),
        Index("ix_balance_ledger_order", "order_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    shopper_id: Mapped[int] = mapped_column(ForeignKey("shoppers.id"))
    delta_fen: Mapped[int]
    balance_after_fen: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))  # refund_in | pay_out | pay_refund | adjust
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refunds.id"))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(40), default="system")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
