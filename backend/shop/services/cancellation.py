"""Cancelling orders (C1–C6): by the shopper, by staff, and the shared cancel itself.

The cancel is claimed on the order row first (its version column): of many concurrent cancels one
wins and does the rest (stock back once per line, coupon back, one refund, one notice); the others
fail before any side effect and answer with the order as the winner left it.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from ..db import CancelFeedback, Order, OrderRequest, Refund, Shopper
from ..domain import clock
from ..domain.actors import Actor
from ..domain.cancellation import (CancelDecision, CancelReason, check_feedback, check_reason, check_staff_cancel,
                                   decide_shopper_cancel, ensure_feedback_allowed)
from ..domain.errors import DomainError, ErrorCode
from ..domain.notices import cancel_notice
from ..domain.orders import OrderStatus, ensure_transition
from ..domain.refund_amounts import LineAmounts, cancel_refund_split
from ..extensions import db
from . import events, inventory, notifications, ordering, queries, refunds, risk
from .context import deps
from .auth import ShopperCaller
from .staff_auth import recheck_password
from .uow import is_unique_violation, transaction


def cancel_by_shopper(order_id: int, caller: ShopperCaller, reason_code: str,
                      reason_text: str = "") -> tuple[Shopper, Order]:
    """C1/C2: cancel at once, approve automatically with a full refund, or open a cancel request; and the shopper
    `caller` names, checked (banned, token version) with the statement that reads the order (issue 13)."""
    try:
        return _cancel_by_shopper(order_id, caller, reason_code, reason_text)
    except DomainError as exc:
        if exc.code not in (ErrorCode.CONFLICT, ErrorCode.REQUEST_ALREADY_OPEN):
            raise
        # Another tap got there first (the caller was checked before): show the shopper what it did, if it was a
        # cancel.
        shopper = db.session.get(Shopper, caller.shopper_id)
        order = ordering.get_order(order_id, shopper.id)
        pending = queries.open_request(order.id)
        if order.status == OrderStatus.CANCELLED.value or (pending is not None and pending.kind == "cancel"):
            return shopper, order
        raise


def _cancel_by_shopper(order_id: int, caller: ShopperCaller, reason_code: str,
                       reason_text: str) -> tuple[Shopper, Order]:
    policy = deps().policy
    try:
        # The order is read once with everything its page shows (and its payments and invoices, which the cancel
        # reads, and its shopper: who asks, when it is theirs); the page is then answered from what this
        # transaction wrote, without reading it back.
        with transaction(expire_on_commit=False) as tx:
            order, owner = queries.order_and_shopper_for_write(order_id)
            theirs = order is not None and order.shopper_id == caller.shopper_id
            shopper = caller.checked(owner if theirs else db.session.get(Shopper, caller.shopper_id))
            actor = caller.actor(shopper)
            reason = check_reason(reason_code, reason_text, policy.shopper_cancel_reasons)
            order = ordering.shoppers_order(order, shopper.id)
            decision = decide_shopper_cancel(queries.viewed_facts(order), policy, clock.now(),
                                             risk.is_watchlisted(order.shopper_id))
            if decision == CancelDecision.NEEDS_REVIEW:
                _open_cancel_request(order, actor, reason)
            elif decision in (CancelDecision.CANCEL_NOW, CancelDecision.AUTO_APPROVE):
                cancel_order(order, actor, reason, tx, auto_approved=decision == CancelDecision.AUTO_APPROVE)
    except IntegrityError as exc:
        if is_unique_violation(exc):  # a concurrent tap opened the one allowed request
            raise DomainError(ErrorCode.REQUEST_ALREADY_OPEN) from exc
        raise
    return shopper, order


def _open_cancel_request(order: Order, actor: Actor, reason: CancelReason) -> OrderRequest:
    now = clock.now()
    request = OrderRequest(order_id=order.id, shopper_id=order.shopper_id, kind="cancel", reason_code=reason.code,
                           reason_text=reason.text, payload={"reason_label": reason.label}, created_at=now,
                           due_at=now + timedelta(hours=deps().policy.after_sale_reply_hours))
    db.session.add(request)
    db.session.flush()
    if "pending_request" not in inspect(order).unloaded:  # the order's page is in memory: it shows the request
        set_committed_value(order, "pending_request", request)
    events.record(order, "cancel_requested", actor, reason=reason.summary, data={"request_id": request.id})
    return request


def cancel_by_staff(order_id: int, actor: Actor, reason_code: str, reason_text: str = "",
                    password: str | None = None) -> Order:
    """C3: staff cancel within their role's limits; large amounts need the password again."""
    policy = deps().policy
    reason = check_reason(reason_code, reason_text, policy.merchant_cancel_reasons)
    with transaction() as tx:
        order = ordering.get_order(order_id)
        if check_staff_cancel(queries.facts_for(order), actor.role, policy):
            recheck_password(actor, password)
        pending = queries.open_request(order.id)
        if pending is not None:
            decide_request(pending, actor, "approved" if pending.kind == "cancel" else "rejected", "商家已取消订单")
        cancel_order(order, actor, reason, tx, request_id=pending.id if pending else None)
    return order


def decide_request(request: OrderRequest, actor: Actor, status: str, reason: str = "") -> None:
    request.status = status
    request.decided_by_id, request.decided_by_name = actor.id, actor.name
    request.decision_reason, request.decided_at = reason, clock.now()


def cancel_order(order: Order, actor: Actor, reason: CancelReason, tx, *, kind: str = "cancelled",
                 request_id: int | None = None, auto_approved: bool = False) -> Refund | None:
    """C5, in the caller's transaction: cancelled, stock and coupon back, full refund, shopper told.

    The warehouse/ERP hears of the released stock through the stock ledger's sync outbox (I2)."""
    order.cancel_reason_code, order.cancel_reason_text = reason.code, reason.text
    refund, coupon_back = None, False
    if order.status == OrderStatus.PENDING_PAYMENT.value:
        ordering.cancel_unpaid(order, actor, kind, reason.summary, tx)  # also closes the WeChat order
    else:
        ensure_transition(order.status, OrderStatus.CANCELLED, ErrorCode.ORDER_NOT_CANCELLABLE)
        order.cancelled_at = clock.now()
        events.transition(order, kind, actor, OrderStatus.CANCELLED.value, reason=reason.summary,
                          data={"reason_code": reason.code, "auto_approved": auto_approved})
        # The order's changes are written once, with the refund's: nothing is flushed before it.
        with db.session.no_autoflush:
            # Claim the order now: its row locked, unchanged since it was read, or CONFLICT. A concurrent
            # cancel waits for the lock and then fails here, before any side effect.
            money = refunds.lock_order_money(order, claim=True)
            inventory.release_order_stock(order)
            coupon_back = ordering.return_coupon(order)
            refund = _refund_everything(order, actor, reason, tx, request_id, money)
    # A merchant's own cancel (not a shopper's request approved) says why; every cancel says what comes back.
    notice = cancel_notice(order.order_no, actor.is_staff and kind == "cancelled", reason.summary,
                           notifications.remedy_of(refund) if refund else None, coupon_back)
    # Written at once, with the shopper's messages: the commit has nothing left to flush.
    events.record(order, "decision_notice", actor, reason=notice, data={"notice": notice}, at_once=True)
    notifications.cancel_result(order, True, notice, tx)
    return refund


def _refund_everything(order: Order, actor: Actor, reason: CancelReason, tx, request_id: int | None,
                       money: refunds.OrderMoney) -> Refund | None:
    """Everything not yet refunded goes back, shipping included: nothing was shipped (R2); never more than
    the order has left after earlier amount-only refunds (domain.refund_amounts.cancel_refund_split)."""
    amounts = [LineAmounts(line.payable_fen, line.quantity, line.refunded_quantity) for line in order.lines]
    split = cancel_refund_split(amounts, order.shipping_fen, money.paid_fen - money.refunded_fen)
    if split.total_fen <= 0:
        return None
    refund_lines = []
    for line, fen in zip(order.lines, split.line_fen):
        remaining = line.quantity - line.refunded_quantity
        if remaining:
            refund_lines.append({"line_id": line.id, "quantity": remaining, "amount_fen": fen})
            line.refunded_quantity, line.refunded_fen = line.quantity, line.refunded_fen + fen
    return refunds.create_refund(order, split.total_fen, source="cancel", reason=f"取消订单：{reason.summary}",
                                 actor=actor, tx=tx, source_id=request_id, lines=refund_lines,
                                 shipping_fen=split.shipping_fen, locked=money)


# ---- feedback (C6) ----------------------------------------------------------------------------------


def leave_feedback(order_id: int, shopper_id: int, rating: int, text: str = "") -> CancelFeedback:
    rating, text = check_feedback(rating, text)
    try:
        with transaction():
            order = ordering.get_order(order_id, shopper_id)
            ensure_feedback_allowed(queries.facts_for(order))
            feedback = CancelFeedback(order_id=order.id, shopper_id=shopper_id, rating=rating, text=text,
                                      created_at=clock.now())
            db.session.add(feedback)
            events.record(order, "feedback", Actor.shopper(shopper_id), reason=text, data={"rating": rating})
            db.session.flush()
    except IntegrityError as exc:
        if is_unique_violation(exc):
            raise DomainError(ErrorCode.CONFLICT, "您已提交过反馈，感谢您的评价") from exc
        raise
    return feedback


def get_feedback(order_id: int) -> CancelFeedback | None:
    return db.session.scalar(select(CancelFeedback).where(CancelFeedback.order_id == order_id))


def list_feedback(page: int = 1, per_page: int = 20) -> tuple[list[dict], int]:
    """Staff read how shoppers felt about cancelling, newest first."""
    total = db.session.scalar(select(func.count()).select_from(CancelFeedback))
    rows = db.session.execute(
        select(CancelFeedback, Order.order_no, Order.cancel_reason_code, Order.cancel_reason_text)
        .join(Order, Order.id == CancelFeedback.order_id)
        .order_by(CancelFeedback.created_at.desc(), CancelFeedback.id.desc())
        .limit(per_page).offset((page - 1) * per_page)).all()
    items = [{"id": fb.id, "order_id": fb.order_id, "order_no": order_no, "shopper_id": fb.shopper_id,
              "rating": fb.rating, "text": fb.text, "created_at": fb.created_at,
              "cancel_reason_code": code, "cancel_reason_label": deps().policy.shopper_cancel_reasons.get(code, code),
              "cancel_reason_text": reason_text}
             for fb, order_no, code, reason_text in rows]
    return items, total
