"""Read side: order lists, counts and the facts the rules need for each order."""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy import bindparam, exists, inspect, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..db import AfterSale, CancelFeedback, Order, OrderRequest, Refund, Shopper
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



# An order as its JSON shows it, read in one statement: the order with its lines, events, refunds, open
# request, cancel feedback and after-sales cases joined in. The collections multiply (lines x events x
# refunds x cases rows), which for one order's handful of each costs less than a round trip per collection.
VIEW_OPTIONS = (joinedload(Order.lines), joinedload(Order.events), joinedload(Order.refunds),
                joinedload(Order.pending_request), joinedload(Order.feedback), joinedload(Order.after_sales))


def open_request(order_id: int) -> OrderRequest | None:
    """The order's pending cancel, modification or after-sales request (at most one, by index)."""
    return db.session.scalar(select(OrderRequest).where(OrderRequest.order_id == order_id,
                                                        OrderRequest.status == "pending"))


VIEW_KEYS = frozenset({"status", "lines", "refunds", "pending_request", "feedback", "after_sales", "events"})


# A write that answers with the order's page (a cancel) also reads its payments and invoices: one statement.
WRITE_VIEW_OPTIONS = (*VIEW_OPTIONS, joinedload(Order.payments), joinedload(Order.invoices))


def order_view(order_id: int, *, for_write: bool = False) -> Order | None:
    """The order with everything its JSON shows loaded at once, fresh from the database."""
    return db.session.get(Order, order_id, options=WRITE_VIEW_OPTIONS if for_write else VIEW_OPTIONS,
                          populate_existing=True)


# Built once: the statement with its ten joined tables took about 0.6 ms of CPU to put together on every cancel.
_ORDER_AND_SHOPPER_FOR_WRITE = (
    select(Order, Shopper).join(Shopper, Shopper.id == Order.shopper_id).where(Order.id == bindparam("order_id"))
    .options(*WRITE_VIEW_OPTIONS).execution_options(populate_existing=True))


def order_and_shopper_for_write(order_id: int) -> tuple[Order | None, Shopper | None]:
    """order_view(order_id, for_write=True) and the order's shopper, in the same statement (a shopper's cancel:
    who asks, when the order is theirs; cancellation.cancel_by_shopper)."""
    row = db.session.execute(_ORDER_AND_SHOPPER_FOR_WRITE, {"order_id": order_id}).unique().first()
    return (row[0], row[1]) if row is not None else (None, None)


def viewable(order: Order) -> Order:
    """The order ready for its JSON: as it is when loaded by order_view and not expired since (by a
    commit), else read again in one statement."""
    state = inspect(order)
    if state.unloaded.isdisjoint(VIEW_KEYS):
        return order
    return order_view(state.identity[0])  # not order.id: that would refresh the expired row first


def new_order_viewed(order: Order, placed) -> None:
    """A just-placed order holds everything its JSON shows: no refunds, requests, feedback or cases yet,
    and its first event. Its page is then built from memory, without reading it back after commit."""
    for key, value in (("refunds", []), ("pending_request", None), ("feedback", None), ("after_sales", []),
                       ("events", [placed])):
        set_committed_value(order, key, value)


def _facts(order: Order, *, has_refunds: bool, pending_kind: str | None, has_feedback: bool,
           has_active_case: bool) -> OrderFacts:
    # An approved after-sales case still under way counts as an open request: no second case, no cancel.
    return order.facts(has_refunds=has_refunds, has_feedback=has_feedback,
                       open_request_kind="after_sale" if has_active_case else pending_kind)


def viewed_facts(order: Order) -> OrderFacts:
    """The facts of an order loaded with VIEW_OPTIONS, from what is loaded (no statement)."""
    active = {s.value for s in ACTIVE_STATUSES}
    return _facts(order, has_refunds=bool(order.refunds),
                  pending_kind=order.pending_request.kind if order.pending_request else None,
                  has_feedback=order.feedback is not None,
                  has_active_case=any(case.status in active for case in order.after_sales))


def _fact_columns() -> tuple:
    """The facts beyond the order's own columns, as correlated subqueries beside each order row."""
    return (
        exists().where(Refund.order_id == Order.id).label("has_refunds"),
        select(OrderRequest.kind).where(OrderRequest.order_id == Order.id, OrderRequest.status == "pending")
        .limit(1).scalar_subquery().label("pending_kind"),
        exists().where(CancelFeedback.order_id == Order.id).label("has_feedback"),
        exists().where(AfterSale.order_id == Order.id,
                       AfterSale.status.in_([s.value for s in ACTIVE_STATUSES])).label("has_active_case"),
    )


def with_facts(query) -> list[tuple[Order, OrderFacts]]:
    """Run an order query (a page of orders) in one statement: each order with its lines and facts."""
    rows = db.session.execute(query.add_columns(*_fact_columns()).options(joinedload(Order.lines))).unique().all()
    return [(order, _facts(order, has_refunds=bool(refunds), pending_kind=pending_kind,
                           has_feedback=bool(feedback), has_active_case=bool(active)))
            for order, refunds, pending_kind, feedback, active in rows]


def facts_for(order: Order) -> OrderFacts:
    return facts_for_many([order])[order.id]


def facts_for_many(orders: list[Order]) -> dict[int, OrderFacts]:
    """Facts of several orders in one statement, keyed by order id."""
    by_id = {o.id: o for o in orders}
    if not by_id:
        return {}
    rows = db.session.execute(select(Order.id, *_fact_columns()).where(Order.id.in_(by_id))).all()
    return {order_id: _facts(by_id[order_id], has_refunds=bool(refunds), pending_kind=pending_kind,
                             has_feedback=bool(feedback), has_active_case=bool(active))
            for order_id, refunds, pending_kind, feedback, active in rows}


def shopper_actions_of(facts: OrderFacts) -> list[str]:
    return shopper_actions_of_each([facts])[0]


def shopper_actions_of_each(facts: list[OrderFacts]) -> list[list[str]]:
    """The shopper's actions on each of several orders (a page of the list), under one policy at one moment."""
    policy, now, managed = deps().policy, clock.now(), None
    actions = []
    for each in facts:
        if each.status == OrderStatus.SHIPPED:
            managed = shipping.trade_managed() if managed is None else managed
            if managed:
                each = replace(each, confirm_in_wechat=True)
        actions.append(shopper_actions(each, policy, now))
    return actions


def staff_actions_of(facts: OrderFacts, staff_role: str) -> list[str]:
    return staff_actions(facts, staff_role, deps().policy, clock.now())


def actions_for_shopper(order: Order) -> list[str]:
    return shopper_actions_of(facts_for(order))


def actions_for_staff(order: Order, staff_role: str) -> list[str]:
    return staff_actions_of(facts_for(order), staff_role)


