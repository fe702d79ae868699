from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain import clock
from ..extensions import db
from .types import UTCDateTime


class Category(db.Model):
    __tablename__ = "categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    sort: Mapped[int] = mapped_column(default=0)


class Product(db.Model):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    image: Mapped[str] = mapped_column(String(255), default="")
    on_sale: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    category: Mapped[Category] = relationship()
    skus: Mapped[list["Sku"]] = relationship(back_populates="product", order_by="Sku.id")


class Sku(db.Model):
    __tablename__ = "skus"
    __table_args__ = (CheckConstraint("stock >= 0", name="stock_not_negative"),
                      CheckConstraint("price_fen > 0", name="price_positive"))
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    price_fen: Mapped[int]
    stock: Mapped[int] = mapped_column(default=0)

    product: Mapped[Product] = relationship(back_populates="skus")


class Coupon(db.Model):
    __tablename__ = "coupons"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    threshold_fen: Mapped[int] = mapped_column(default=0)
    discount_fen: Mapped[int]
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Returned to the shopper when the order is cancelled (if still valid).
    returnable: Mapped[bool] = mapped_column(default=True)
    # The template's terms (O7); the rules that read them are in domain/coupons.py.
    kind: Mapped[str] = mapped_column(String(10), default="amount", server_default="amount")  # amount | percent
    percent_off: Mapped[int] = mapped_column(default=0, server_default="0")  # percent: 15 = 8.5折
    max_discount_fen: Mapped[int | None]  # percent: the cap, if any
    valid_days: Mapped[int | None]  # valid N days after the shopper receives it (instead of fixed dates)
    per_shopper_limit: Mapped[int] = mapped_column(default=1, server_default="1")
    total_count: Mapped[int | None]  # None: no limit
    issued_count: Mapped[int] = mapped_column(default=0, server_default="0")  # raised by UPDATE ... WHERE issued < total
    scope: Mapped[str] = mapped_column(String(12), default="all", server_default="all")  # all | categories | products
    scope_ids: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="active", server_default="active")  # active | stopped
    claimable: Mapped[bool] = mapped_column(default=False, server_default=sa_false())  # published to 领券
    description: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=clock.now)


class ShopperCoupon(db.Model):
    __tablename__ = "shopper_coupons"
    __table_args__ = (Index("ix_shopper_coupons_shopper_status", "shopper_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    shopper_id: Mapped[int] = mapped_column(ForeignKey("shoppers.id"))
    coupon_id: Mapped[int] = mapped_column(ForeignKey("coupons.id"))
    status: Mapped[str] = mapped_column(String(16), default="available")  # available | used | expired
    order_id: Mapped[int | None]  # the order that used it (no FK: orders also point here)
    source: Mapped[str] = mapped_column(String(20), default="grant")  # grant | compensation
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    coupon: Mapped[Coupon] = relationship()
