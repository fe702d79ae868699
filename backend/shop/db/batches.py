from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..domain import clock
from ..extensions import db
from .types import UTCDateTime


class Batch(db.Model):
    """One action staff submitted over many items (A7), run by a job. `idempotency_key` (kind + sorted
    items + parameters) is unique: submitting the same batch again finds this row instead of a new one."""

    __tablename__ = "batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # domain.batches.BatchKind
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_by_name: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # reason, note, sku ... (never the password)
    password_confirmed: Mapped[bool] = mapped_column(default=False)  # typed once at submission (二次验证)
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued | running | finished
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    chunks: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BatchItem(db.Model):
    __tablename__ = "batch_items"
    __table_args__ = (UniqueConstraint("batch_id", "ref", name="uq_batch_items_batch_ref"),
                      Index("ix_batch_items_batch_chunk", "batch_id", "chunk", "position"))
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"))
    position: Mapped[int] = mapped_column()
    chunk: Mapped[int] = mapped_column(default=0)
    ref: Mapped[int] = mapped_column()  # the request, after-sales case or order the action is on
    label: Mapped[str] = mapped_column(String(64), default="")  # what staff recognise it by (order number)
    data: Mapped[dict | None] = mapped_column(JSON)  # per-item input (carrier and tracking number)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | running | succeeded | failed
    result_code: Mapped[str | None] = mapped_column(String(48))
    message: Mapped[str | None] = mapped_column(String(255))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
