from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..domain import clock
from ..extensions import db
from .types import UTCDateTime


class AuditLog(db.Model):
    """Every staff action (P2). Rows are only ever inserted."""

    __tablename__ = "audit_logs"
    __table_args__ = (Index("ix_audit_logs_created", "created_at"), Index("ix_audit_logs_target", "target_type", "target_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    staff_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(30), default="")
    target_id: Mapped[str] = mapped_column(String(40), default="")
    ip: Mapped[str] = mapped_column(String(45), default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class ShopSetting(db.Model):
    """Settings staff change in the admin (cancel reasons, windows); override the Policy defaults."""

    __tablename__ = "shop_settings"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)
    updated_by: Mapped[str] = mapped_column(String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class ReconciliationRun(db.Model):
    """R6: one comparison of a day's WeChat refund bill with the ledger."""

    __tablename__ = "reconciliation_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    bill_date: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | matched | mismatched | failed
    bill_rows: Mapped[int] = mapped_column(default=0)
    ledger_rows: Mapped[int] = mapped_column(default=0)
    mismatches: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(255))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReconciliationMismatch(db.Model):
    __tablename__ = "reconciliation_mismatches"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("reconciliation_runs.id"), index=True)
    out_refund_no: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(24))  # missing_in_ledger | missing_in_bill | amount | status
    ledger_amount_fen: Mapped[int | None]
    bill_amount_fen: Mapped[int | None]
    ledger_status: Mapped[str | None] = mapped_column(String(16))
    bill_status: Mapped[str | None] = mapped_column(String(16))
    resolved: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class StockSyncEvent(db.Model):
    """I2 outbox: what the external WMS/ERP webhook must hear — stock changes and (M3) order changes."""

    __tablename__ = "stock_sync_events"
    __table_args__ = (Index("ix_stock_sync_status", "status", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="stock", server_default="stock")  # stock | order_change
    sku_id: Mapped[int | None] = mapped_column(ForeignKey("skus.id"))
    ledger_id: Mapped[int | None] = mapped_column(ForeignKey("stock_ledger.id"), unique=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ShopInstance(db.Model):
    """One row: this database's id, made at its first migration. Job ids built from database ids carry it,
    so a fresh (or restored) database never meets the jobs an older one left in Redis."""

    __tablename__ = "shop_instance"
    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
