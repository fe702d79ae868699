"""Modifying orders (M1–M3): apply at once before acceptance, or open a request staff decide.

Quantity changes move stock in the same transaction: an unpaid order's reservation shrinks or
grows (and the order is re-priced, so the new amount is what `request_payment` asks for); a paid
order's decrease releases the units and refunds exactly what they cost (R2).
"""
from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from ..db import Order, OrderLine, OrderRequest, Refund, ShopperCoupon
from ..domain import clock
from ..domain.actors import Actor
from ..domain.errors import DomainError, ErrorCode
from ..domain.money import yuan
from ..domain.modification import TEXT_FIELDS, LineState, ModificationPlan, is_paid, plan_modification
from ..domain.orders import OrderStatus
from ..domain.pricing import price_order
from ..domain.refund_amounts import LineAmounts, line_refund_fen
from ..domain.refund_policy import RefundAction, RefundCase, check_staff_refund, decide_refund, staff_refund_outlook
from ..extensions import db
from . import coupons, events, inventory, inventory_sync, notifications, ordering, queries, refunds, risk
from .context import deps
from .staff_auth import recheck_password
from .uow import is_unique_violation, transaction


def _current(order: Order) -> dict[str, str]:
    return {name: getattr(order, name) for name in TEXT_FIELDS}


def _line_states(order: Order) -> dict[int, LineState]:
    return {line.id: LineState(line.id, line.product_name, line.quantity, line.refunded_quantity)
            for line in order.lines}


def plan_for(order: Order, changes: dict, *, applying_request: bool = False, by_staff: bool = False) -> ModificationPlan:
    facts = queries.facts_for(order)
    if applying_request:  # the open request is the one being applied
        facts = replace(facts, open_request_kind=None)
    return plan_modification(facts, _current(order), _line_states(order), changes, by_staff=by_staff)


def modify_order(order_id: int, actor: Actor, changes: dict, password: str | None = None) -> Order:
    """The shopper changes their order: applied now, or sent to staff as a request (after acceptance, or
    when the refund of a decrease is one the refund policy does not let through on its own, R12).
    A staff member's change applies at once, within their refund limit and with the password over the threshold."""
    try:
        with transaction() as tx:
            order = ordering.get_order(order_id, actor.id if actor.is_shopper else None)
            plan = plan_for(order, changes, by_staff=actor.is_staff)
            refund_fen = refund_fen_of(order, plan)
            if actor.is_staff:
                if check_staff_refund(modification_refund(order, refund_fen, actor.role), deps().policy):
                    recheck_password(actor, password)
            elif refund_fen and not plan.needs_review and not decide_refund(modification_refund(
                    order, refund_fen, "shopper", risk.is_watchlisted(order.shopper_id)), deps().policy).automatic:
                plan = replace(plan, needs_review=True)
            if plan.needs_review:
                _open_modify_request(order, actor, plan)
            else:
                refund = apply_plan(order, plan, actor, tx)
                if actor.is_staff:
                    notifications.changed_by_merchant(order, plan.before_after(), tx, refund)
    except IntegrityError as exc:
        if is_unique_violation(exc):
            raise DomainError(ErrorCode.REQUEST_ALREADY_OPEN) from exc
        raise
    return order


def preview_staff_modification(order_id: int, actor: Actor, changes: dict) -> dict:
    """What a staff member's change would give back before they confirm: the refund of the decreases (R2), whether
    the password will be asked for, or why this role cannot. The plan is checked as `modify_order` checks it;
    nothing changes."""
    order = ordering.get_order(order_id)
    try:
        plan = plan_for(order, changes, by_staff=True)
        refund_fen = refund_fen_of(order, plan)
        outlook = staff_refund_outlook(modification_refund(order, refund_fen, actor.role), deps().policy)
        message = outlook.refusal or (f"修改后退还差价 {yuan(refund_fen)} 元（原路退回）" if refund_fen else "修改不涉及退款") + \
            ("，需再次输入登录密码" if outlook.password_required else "")
        return {"refund_fen": refund_fen, "allowed": outlook.allowed, "password_required": outlook.password_required,
                "message": message}
    finally:
        db.session.rollback()


def _open_modify_request(order: Order, actor: Actor, plan: ModificationPlan) -> OrderRequest:
    now = clock.now()
    request = OrderRequest(order_id=order.id, shopper_id=order.shopper_id, kind="modify",
                           payload={"changes": plan.as_changes(), "before_after": plan.before_after()},
                           created_at=now, due_at=now + timedelta(hours=deps().policy.after_sale_reply_hours))
    db.session.add(request)
    db.session.flush()
    events.record(order, "modify_requested", actor, data={"request_id": request.id, "changes": plan.before_after()})
    return request


def apply_plan(order: Order, plan: ModificationPlan, actor: Actor, tx, *, kind: str = "modified",
               request_id: int | None = None) -> Refund | None:
    """Write the change, move stock, re-price or refund, and record before/after, in `tx`. Returns the refund
    of a paid order's decrease, if any."""
    for name, (_, after) in plan.fields.items():
        setattr(order, name, after)
    data: dict = {"changes": plan.before_after()}
    if request_id is not None:
        data["request_id"] = request_id
    events.record(order, kind, actor, data=data)
    inventory_sync.record_order_change(order, data["changes"], actor.name)
    order.updated_at = clock.now()
    db.session.flush()  # claim the order (version check) before moving stock or money
    if not plan.quantities:
        return None
    if is_paid(queries.facts_for(order)):
        return _refund_decreases(order, plan, actor, tx)
    _requantify_unpaid(order, plan, tx)
    return None


def _requantify_unpaid(order: Order, plan: ModificationPlan, tx) -> None:
    lines = {line.id: line for line in order.lines}
    token = secrets.token_hex(6)
    for change in plan.quantities:
        line = lines[change.line_id]
        if change.delta > 0:
            inventory.reserve(line.sku_id, change.delta, order_id=order.id, line_id=line.id)
        else:
            # Kind "reserve": the reservation itself shrinks, so a later cancel releases the new quantity.
            inventory.restore_once(line, -change.delta, "reserve", f"modify:{line.id}:{token}", "修改订单减少数量")
        line.quantity = change.after
    _reprice(order)
    ordering.rebalance_unpaid(order, Actor.system(), f"modify-{token}")  # R9: the balance part follows the total
    # A prepay for the old amount must not be payable any more; the next pay creates a new one.
    for payment in order.payments:
        if payment.status == "created" and payment.prepay_id and payment.amount_fen != ordering.wechat_due_fen(order):
            out_trade_no = payment.out_trade_no
            tx.after_commit(lambda n=out_trade_no: deps().jobs.enqueue(
                "shop.jobs.tasks.close_wechat_order", n, job_id=f"close-wx-{n}"))


def _reprice(order: Order) -> None:
    terms = None
    if order.shopper_coupon_id is not None:
        terms = coupons.wallet_terms(db.session.get(ShopperCoupon, order.shopper_coupon_id))
    try:
        # The coupon's validity is judged when the order was placed (its lines and threshold now).
        pricing = price_order(coupons.order_line_inputs(order.lines, terms), terms, deps().policy, order.created_at)
    except DomainError as exc:
        if exc.code == ErrorCode.COUPON_UNAVAILABLE:
            raise DomainError(ErrorCode.ORDER_NOT_MODIFIABLE, "修改后未达到优惠券使用门槛，请保留足够的商品数量或取消订单") from exc
        raise
    for line, priced in zip(order.lines, pricing.lines):
        line.goods_fen, line.discount_fen = priced.goods_fen, priced.discount_fen
    order.goods_fen, order.discount_fen = pricing.goods_fen, pricing.discount_fen
    order.shipping_fen, order.total_fen = pricing.shipping_fen, pricing.total_fen


def _decreases(order: Order, plan: ModificationPlan) -> list[tuple[OrderLine, int, int]]:
    """(line, units taken off, what they cost) for each decrease of a paid order (R2)."""
    lines = {line.id: line for line in order.lines}
    result = []
    for change in plan.quantities:
        line, units = lines[change.line_id], -change.delta
        result.append((line, units,
                       line_refund_fen(LineAmounts(line.payable_fen, line.quantity, line.refunded_quantity), units)))
    return result


def refund_fen_of(order: Order, plan: ModificationPlan) -> int:
    """What applying the plan gives back: a paid order's decreases; nothing on an unpaid order."""
    if not plan.quantities or not is_paid(order.facts()):
        return 0
    return sum(fen for _, _, fen in _decreases(order, plan))


def refund_of_request(order: Order, changes: dict) -> int | None:
    """What approving an open modification request would refund now (shown in 同意's confirmation), judged as
    `approve` judges it; None when the change no longer applies. Reads `order.lines` only when the change has
    quantities (the request list loads them for such rows in one statement)."""
    lines = _line_states(order) if changes.get("lines") else {}
    try:
        plan = plan_modification(order.facts(), _current(order), lines, changes)
    except DomainError:
        return None
    return refund_fen_of(order, plan)


def modification_refund(order: Order, refund_fen: int, role: str, watchlisted: bool = False) -> RefundCase:
    return RefundCase(RefundAction.MODIFY, role, OrderStatus(order.status), order.refunded_fen, refund_fen,
                      watchlisted)


def _refund_decreases(order: Order, plan: ModificationPlan, actor: Actor, tx) -> Refund | None:
    token = secrets.token_hex(6)
    total, refund_lines = 0, []
    for line, units, fen in _decreases(order, plan):
        inventory.restore_once(line, units, "release", f"modify:{line.id}:{token}", "修改订单减少数量")
        line.refunded_quantity += units
        line.refunded_fen += fen
        total += fen
        refund_lines.append({"line_id": line.id, "quantity": units, "amount_fen": fen})
    db.session.flush()
    if total <= 0:
        return None
    return refunds.create_refund(order, total, source="modify", reason="修改订单减少商品数量，退还差价", actor=actor,
                                 tx=tx, lines=refund_lines)
