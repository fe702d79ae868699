"""Helpers for tests about what happens to an order after it is placed."""
from __future__ import annotations

from sqlalchemy import select

from shop.db import Refund, Staff
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
