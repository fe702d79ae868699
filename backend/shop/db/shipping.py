from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..domain import clock
from ..extensions import db
from .types import UTCDateTime


class ShippingUpload(db.Model):
    """Outbox of WeChat shipping uploads (W4): one row per shipment, written with the shipment and
    sent by a job afterwards, so a shipment is never lost when WeChat or Redis is down."""

    __tablename__ = "shipping_uploads"
    __table_args__ = (Index("ix_shipping_uploads_status_created", "status", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    after_sale_id: Mapped[int | None] = mapped_column(ForeignKey("after_sales.id"))
    kind: Mapped[str] = mapped_column(String(16))  # domain.shipping.ShipmentKind
    carrier: Mapped[str] = mapped_column(String(40))
    tracking_no: Mapped[str] = mapped_column(String(40))
    express_company: Mapped[str | None] = mapped_column(String(16))  # WeChat's carrier code, once resolved
    status: Mapped[str] = mapped_column(String(16), default="pending")  # domain.shipping.UploadStatus
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
