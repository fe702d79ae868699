from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..domain import clock
from ..extensions import db
from .types import UTCDateTime


class StockLedger(db.Model):
    """Every stock change (I1). SKU stock equals the sum of `change` for that SKU.

    `guard` is unique: a release or return for one order line is written at most once,
    which is what makes "stock restored exactly once" hold under retries and races.
    """

    __tablename__ = "stock_ledger"
    __table_args__ = (Index("ix_stock_ledger_sku_created", "sku_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"))
    change: Mapped[int]
    kind: Mapped[str] = mapped_column(String(16))  # initial | reserve | release | return | adjust
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_lines.id"))
    guard: Mapped[str | None] = mapped_column(String(64), unique=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    operator_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
