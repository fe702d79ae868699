"""Helpers for tests about what happens to an order after it is placed."""
from __future__ import annotations

from sqlalchemy import select

from shop.db import Coupon, Refund, ShopperCoupon, Staff
from shop.domain import clock
from shop.domain.actors import Actor
from shop.extensions import db
from support.services import wait_until


def staff(username: str) -> Actor:
    """A demo staff member (seeded: admin, supervisor, service, finance, warehouse) as an actor."""
    member = db.session.scalar(select(Staff).where(Staff.username == username))
    return Actor.staff(member.id, member.name, member.role, "127.0.0.1")


def paid_order(shopper, sandbox, items=None) -> dict:
    """Place and pay an order through the sandbox; returns its detail once the payment is recorded."""
    order = shopper.order(items)
    shopper.pay(order, sandbox)
    return wait_until(lambda: (d := shopper.detail(order["id"]))["status"] == "paid" and d)


def refunds_of(order_id: int) -> list[Refund]:
    db.session.expire_all()
    return list(db.session.scalars(select(Refund).where(Refund.order_id == order_id).order_by(Refund.id)))


def give_coupon(shopper, name: str = "满99减10") -> int:
    """Grant one of the demo coupons to the shopper; returns the shopper-coupon id to order with."""
    coupon = db.session.scalar(select(Coupon).where(Coupon.name == name))
    mine = ShopperCoupon(shopper_id=shopper.user["id"], coupon_id=coupon.id, created_at=clock.now())
    db.session.add(mine)
    db.session.commit()
    return mine.id
