"""Read side: order lists, counts and the facts the rules need for each order."""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import selectinload

from ..db import AfterSale, CancelFeedback, Order, OrderLine, OrderRequest, Refund
from ..domain import clock
from ..domain.after_sales import ACTIVE_STATUSES
from ..domain.orders import OrderFacts, OrderStatus, shopper_actions, staff_actions
from ..extensions import db
from . import shipping
from .context import deps

# Shopper tabs (Q1): tab -> filter. 待发货 covers both paid and accepted (备货中).
SHOPPER_TABS = {
    "pending_payment": lambda: Order.status == OrderStatus.PENDING_PAYMENT.value,
    "paid": lambda: Order.status.in_([OrderStatus.PAID.value, OrderStatus.ACCEPTED.value]),
    "shipped": lambda: Order.status == OrderStatus.SHIPPED.value,
    "completed": lambda: Order.status == OrderStatus.COMPLETED.value,
    "cancelled": lambda: Order.status == OrderStatus.CANCELLED.value,
    "refund": lambda: Order.refund_status != "none",
}



def open_request(order_id: int) -> OrderRequest | None:
    """The order's pending cancel, modification or after-sales request (at most one, by index)."""
    return db.session.scalar(select(OrderRequest).where(OrderRequest.order_id == order_id,
                                                        OrderRequest.status == "pending"))


def facts_for(order: Order) -> OrderFacts:
    return facts_for_many([order])[order.id]


def facts_for_many(orders: list[Order]) -> dict[int, OrderFacts]:
    """Facts of several orders with one query per kind of fact (a list page), keyed by order id."""
    ids = [o.id for o in orders]
    if not ids:
        return {}
    with_refunds = set(db.session.scalars(select(Refund.order_id).where(Refund.order_id.in_(ids)).distinct()))
    pending = dict(db.session.execute(select(OrderRequest.order_id, OrderRequest.kind).where(
        OrderRequest.order_id.in_(ids), OrderRequest.status == "pending")).all())
    with_feedback = set(db.session.scalars(select(CancelFeedback.order_id).where(CancelFeedback.order_id.in_(ids))))
    # An approved after-sales case still under way counts as an open request: no second case, no cancel.
    with_active_case = set(db.session.scalars(select(AfterSale.order_id).where(
        AfterSale.order_id.in_(ids), AfterSale.status.in_([s.value for s in ACTIVE_STATUSES]))))
    return {order.id: order.facts(
        has_refunds=order.id in with_refunds, has_feedback=order.id in with_feedback,
        open_request_kind="after_sale" if order.id in with_active_case else pending.get(order.id))
        for order in orders}


def shopper_actions_of(facts: OrderFacts) -> list[str]:
    if facts.status == OrderStatus.SHIPPED and shipping.trade_managed():
        facts = replace(facts, confirm_in_wechat=True)
    return shopper_actions(facts, deps().policy, clock.now())


def actions_for_shopper(order: Order) -> list[str]:
    return shopper_actions_of(facts_for(order))


def actions_for_shopper_many(orders: list[Order]) -> dict[int, list[str]]:
    return {order_id: shopper_actions_of(facts) for order_id, facts in facts_for_many(orders).items()}


def actions_for_staff(order: Order, staff_role: str) -> list[str]:
    return staff_actions(facts_for(order), staff_role, deps().policy, clock.now())


def _visible_to_shopper(shopper_id: int):
    return select(Order).where(Order.shopper_id == shopper_id, Order.deleted_by_shopper_at.is_(None))


def list_shopper_orders(shopper_id: int, tab: str | None, q: str | None, page: int, per_page: int):
    query = _visible_to_shopper(shopper_id)
    if tab in SHOPPER_TABS:
        query = query.where(SHOPPER_TABS[tab]())
    if q and q.strip():
        term = q.strip()
        query = query.where(or_(
            Order.order_no == term,
            exists().where(OrderLine.order_id == Order.id, OrderLine.product_name.contains(term)),
        ))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.options(selectinload(Order.lines))
                              .order_by(Order.created_at.desc(), Order.id.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total


def shopper_tab_counts(shopper_id: int) -> dict[str, int]:
    base = (Order.shopper_id == shopper_id, Order.deleted_by_shopper_at.is_(None))
    rows = db.session.execute(select(Order.status, Order.refund_status, func.count())
                              .where(*base).group_by(Order.status, Order.refund_status)).all()
    counts = {tab: 0 for tab in SHOPPER_TABS}
    counts["all"] = 0
    for status, refund_status, n in rows:
        counts["all"] += n
        tab = "paid" if status == OrderStatus.ACCEPTED.value else status
        counts[tab] += n
        if refund_status != "none":
            counts["refund"] += n
    return counts
