from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..domain import clock
from ..extensions import db
from .types import UTCDateTime


class Invoice(db.Model):
    """A shopper's invoice request (发票, R10) and what finance recorded for it; `history` keeps each number
    issued, reversed (冲红) and reissued, in order."""

    __tablename__ = "invoices"
    __table_args__ = (Index("ix_invoices_status_requested", "status", "requested_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    shopper_id: Mapped[int] = mapped_column(ForeignKey("shoppers.id"))
    kind: Mapped[str] = mapped_column(String(16))  # domain.invoices.InvoiceKind
    title: Mapped[str] = mapped_column(String(100))
    tax_no: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default="requested")  # domain.invoices.InvoiceStatus
    amount_fen: Mapped[int] = mapped_column(default=0)  # what the invoice now in force is for
    invoice_no: Mapped[str | None] = mapped_column(String(40))
    pdf_name: Mapped[str | None] = mapped_column(String(80))
    reject_reason: Mapped[str | None] = mapped_column(String(200))
    history: Mapped[list] = mapped_column(JSON, default=list)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    red_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
