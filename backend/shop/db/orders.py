from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, JSON, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain import clock
from ..domain.orders import ORDER_STATUS_OF, REFUND_STATUS_OF, OrderFacts, OrderStatus, RefundStatus
from ..extensions import db
from .types import UTCDateTime


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("refunded_fen >= 0 AND refunded_fen <= paid_fen", name="refund_within_paid"),
        CheckConstraint("total_fen >= 0", name="total_not_negative"),
        UniqueConstraint("shopper_id", "idempotency_key", name="uq_orders_shopper_idempotency"),
        # Shopper list (Q1): own orders by tab, newest first.
        Index("ix_orders_shopper_status_created", "shopper_id", "status", "created_at"),
        Index("ix_orders_shopper_created", "shopper_id", "created_at"),
        # Staff filters (Q2) and the sweepers.
        Index("ix_orders_status_created", "status", "created_at"),
        Index("ix_orders_refund_status", "refund_status"),
        Index("ix_orders_created", "created_at"),
        Index("ix_orders_receiver_phone", "receiver_phone"),
        Index("ix_orders_pay_deadline", "status", "pay_deadline"),
        Index("ix_orders_shipped", "status", "shipped_at"),
        # Admin search, sorting and statistics (migration 0004_admin).
        Index("ix_orders_receiver_name", "receiver_name"),
        Index("ix_orders_total", "total_fen"),
        Index("ix_orders_paid_at", "paid_at"),
        Index("ix_orders_paid_at_desc", text("paid_at DESC NULLS LAST")).ddl_if(dialect="postgresql"),
        Index("ix_orders_cancelled_at", "cancelled_at"),
        # Sorted status filters (migration 0010_performance).
        Index("ix_orders_status_total", "status", "total_fen", "id"),
        Index("ix_orders_status_paid_at", "status", "paid_at", "id"),
        # The status read beside the id: the product filter's counts per status (migration 0017).
        Index("ix_orders_id_status", "id", postgresql_include=["status"]).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_no: Mapped[str] = mapped_column(String(32), unique=True)
    shopper_id: Mapped[int] = mapped_column(ForeignKey("shoppers.id"))
    status: Mapped[str] = mapped_column(String(20), default=OrderStatus.PENDING_PAYMENT.value)
    refund_status: Mapped[str] = mapped_column(String(20), default=RefundStatus.NONE.value)
    goods_fen: Mapped[int]
    discount_fen: Mapped[int] = mapped_column(default=0)
    shipping_fen: Mapped[int] = mapped_column(default=0)
    total_fen: Mapped[int]
    paid_fen: Mapped[int] = mapped_column(default=0)
    refunded_fen: Mapped[int] = mapped_column(default=0)
    # R9: how the order is paid. The balance part is taken (reserved) when the order is placed and given back if
    # it closes unpaid; WeChat Pay pays the rest. paid_fen = balance_paid_fen + wechat_paid_fen once paid.
    balance_paid_fen: Mapped[int] = mapped_column(default=0, server_default="0")
    wechat_paid_fen: Mapped[int] = mapped_column(default=0, server_default="0")
    shopper_coupon_id: Mapped[int | None] = mapped_column(ForeignKey("shopper_coupons.id"))
    receiver_name: Mapped[str] = mapped_column(String(20))
    receiver_phone: Mapped[str] = mapped_column(String(20))
    province: Mapped[str] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(20))
    district: Mapped[str] = mapped_column(String(20))
    address_detail: Mapped[str] = mapped_column(String(120))
    remark: Mapped[str] = mapped_column(String(200), default="")
    carrier: Mapped[str | None] = mapped_column(String(40))
    tracking_no: Mapped[str | None] = mapped_column(String(40))
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    cancel_reason_code: Mapped[str | None] = mapped_column(String(32))
    cancel_reason_text: Mapped[str | None] = mapped_column(String(200))
    # Optimistic locking: a concurrent edit of the same row fails instead of overwriting.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    pay_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expedited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the shopper took 加急发货 (C4)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Staff marked the parcel delivered (已签收), until a carrier feed tells us.
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by_shopper_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    __mapper_args__ = {"version_id_col": version}

    lines: Mapped[list["OrderLine"]] = relationship(back_populates="order", order_by="OrderLine.id",
                                                    cascade="all, delete-orphan")
    events: Mapped[list["OrderEvent"]] = relationship(back_populates="order", order_by="OrderEvent.id")
    payments: Mapped[list["Payment"]] = relationship(back_populates="order", order_by="Payment.id")
    # Read-only views for building an order's JSON in one query (services.queries.order_view); written
    # through their own tables, never through these.
    refunds: Mapped[list["Refund"]] = relationship(viewonly=True, order_by="Refund.id")
    pending_request: Mapped["OrderRequest | None"] = relationship(
        viewonly=True, primaryjoin="and_(OrderRequest.order_id == Order.id, OrderRequest.status == 'pending')")
    feedback: Mapped["CancelFeedback | None"] = relationship(viewonly=True)
    after_sales: Mapped[list["AfterSale"]] = relationship(viewonly=True, order_by="AfterSale.id")
    invoices: Mapped[list["Invoice"]] = relationship(viewonly=True, order_by="Invoice.id")  # read by a cancel's refund

    @property
    def status_enum(self) -> OrderStatus:
        return OrderStatus(self.status)

    def facts(self, **extra) -> OrderFacts:
        return OrderFacts(
            status=ORDER_STATUS_OF[self.status],
            refund_status=REFUND_STATUS_OF[self.refund_status],
            paid_fen=self.paid_fen,
            refunded_fen=self.refunded_fen,
            paid_at=self.paid_at,
            accepted_at=self.accepted_at,
            shipped_at=self.shipped_at,
            completed_at=self.completed_at,
            deleted_by_shopper=self.deleted_by_shopper_at is not None,
            delivered=self.delivered_at is not None,
            **extra,
        )


class OrderLine(db.Model):
    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("refunded_quantity >= 0 AND refunded_quantity <= quantity", name="refunded_quantity_range"),
        Index("ix_order_lines_product_name", "product_name"),
        Index("ix_order_lines_product_order", "product_id", "order_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    sku_id: Mapped[int] = mapped_column(ForeignKey("skus.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    product_name: Mapped[str] = mapped_column(String(80))
    sku_name: Mapped[str] = mapped_column(String(80))
    image: Mapped[str] = mapped_column(String(255), default="")
    unit_price_fen: Mapped[int]
    quantity: Mapped[int]
    goods_fen: Mapped[int]
    discount_fen: Mapped[int] = mapped_column(default=0)
    refunded_quantity: Mapped[int] = mapped_column(default=0)
    refunded_fen: Mapped[int] = mapped_column(default=0)

    order: Mapped[Order] = relationship(back_populates="lines")

    @property
    def payable_fen(self) -> int:
        return self.goods_fen - self.discount_fen


class OrderEvent(db.Model):
    """Append-only history of an order: every transition and every edit."""

    __tablename__ = "order_events"
    __table_args__ = (Index("ix_order_events_order", "order_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    kind: Mapped[str] = mapped_column(String(40))
    actor_type: Mapped[str] = mapped_column(String(16))  # shopper | staff | system | wechat
    actor_id: Mapped[int | None]
    actor_name: Mapped[str] = mapped_column(String(40), default="")
    actor_role: Mapped[str] = mapped_column(String(20), default="")
    actor_ip: Mapped[str] = mapped_column(String(45), default="")
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(255), default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    visible_to_shopper: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    order: Mapped[Order] = relationship(back_populates="events")


class Payment(db.Model):
    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    out_trade_no: Mapped[str] = mapped_column(String(32), unique=True)
    amount_fen: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="created")  # created | paid | closed
    prepay_id: Mapped[str | None] = mapped_column(String(64))
    transaction_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    order: Mapped[Order] = relationship(back_populates="payments")
