"""Staff refunds (R8): finance and supervisors give money back on a paid order — chosen lines, an amount
(goodwill, a price difference) or the shipping fee — to WeChat or to balance, under the refund policy (R12:
the role's limit, the password again over the threshold), with the reason the shopper is shown, and
optionally a compensation coupon.
"""
from __future__ import annotations

from sqlalchemy import func, select

from ..db import Coupon, Order, Refund
from ..domain.actors import Actor
from ..domain.errors import DomainError, ErrorCode
from ..domain.money import yuan
from ..domain.orders import OrderStatus, may_refund_by_staff
from ..domain.refund_amounts import LineAmounts, line_refund_fen
from ..domain.refund_policy import RefundAction, RefundCase, check_staff_refund, staff_refund_outlook
from ..extensions import db
from . import coupons, notifications, ordering, queries, refunds
from .context import deps
from .staff_auth import recheck_password
from .uow import transaction

KINDS = {"lines": "退商品", "amount": "补偿/差价退款", "shipping": "退运费"}
REASON_MAX = 200


def refund_order(order_id: int, actor: Actor, kind: str, reason: str, *, lines: list[dict] | None = None,
                 amount_fen: int | None = None, method: str = "wechat", coupon_id: int | None = None,
                 password: str | None = None) -> Order:
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请填写退款原因（顾客会看到），不超过 200 字", {"reason": "必填"})
    with transaction() as tx:
        order = ordering.get_order(order_id)
        if not may_refund_by_staff(queries.facts_for(order)):
            raise DomainError(ErrorCode.ORDER_ACTION_NOT_ALLOWED, "该订单当前不能发起退款（未付款、已全额退款或有待处理的申请）")
        coupon = _compensation_coupon(coupon_id)
        amount, refund_lines, shipping = _what_goes_back(order, kind, lines, amount_fen)
        case = RefundCase(RefundAction.STAFF_REFUND, actor.role, OrderStatus(order.status), order.refunded_fen, amount)
        if check_staff_refund(case, deps().policy):
            recheck_password(actor, password)
        for item in refund_lines:
            line = next(line for line in order.lines if line.id == item["line_id"])
            line.refunded_quantity += item["quantity"]
            line.refunded_fen += item["amount_fen"]
        refund = refunds.create_refund(order, amount, source="manual", reason=f"{KINDS[kind]}：{reason}", actor=actor,
                                       tx=tx, method=method, lines=refund_lines, shipping_fen=shipping)
        notifications.notify_shopper(order.shopper_id, "refund_started", "商家为您发起了退款",
                                     notifications.refund_started(refund), order.id, tx=tx)
    if coupon is not None:
        refunds.grant_compensation_coupon(order_id, actor, coupon.id)
    return order


def preview(order_id: int, actor: Actor, kind: str, *, lines: list[dict] | None = None,
            amount_fen: int | None = None) -> dict:
    """What `refund_order` would pay back, asked before staff confirm: the amount (to the fen, by the same
    rules), whether the password will be asked for, or why this role cannot. Changes nothing."""
    order = ordering.get_order(order_id)
    try:
        if not may_refund_by_staff(queries.facts_for(order)):
            raise DomainError(ErrorCode.ORDER_ACTION_NOT_ALLOWED, "该订单当前不能发起退款（未付款、已全额退款或有待处理的申请）")
        amount, _, shipping = _what_goes_back(order, kind, lines, amount_fen)
        case = RefundCase(RefundAction.STAFF_REFUND, actor.role, OrderStatus(order.status), order.refunded_fen, amount)
        outlook = staff_refund_outlook(case, deps().policy)
        message = outlook.refusal or f"本次退款 {yuan(amount)} 元" + ("，需再次输入登录密码" if outlook.password_required else "")
        return {"amount_fen": amount, "shipping_fen": shipping, "allowed": outlook.allowed,
                "password_required": outlook.password_required, "message": message}
    finally:
        db.session.rollback()


def _compensation_coupon(coupon_id: int | None) -> Coupon | None:
    if coupon_id is None:
        return None
    coupon = db.session.get(Coupon, coupon_id)
    if coupon is None:
        raise DomainError(ErrorCode.COUPON_NOT_FOUND)
    # Checked before any money moves, by the rule the grant itself applies after the refund.
    coupons.ensure_compensation_grantable(coupon)
    return coupon


def _what_goes_back(order: Order, kind: str, lines: list[dict] | None, amount_fen: int | None) -> tuple[int, list, int]:
    """(amount, refunded lines, shipping fen) for each kind, within what is left to refund."""
    left = order.paid_fen - order.refunded_fen
    if kind == "lines":
        chosen, total = [], 0
        for item in lines or []:
            line = next((line for line in order.lines if line.id == item.get("line_id")), None)
            quantity = item.get("quantity")
            if line is None or not isinstance(quantity, int) or not 1 <= quantity <= line.quantity - line.refunded_quantity:
                raise DomainError(ErrorCode.VALIDATION_ERROR, "请选择订单中可退的商品与数量", {"lines": item})
            fen = line_refund_fen(LineAmounts(line.payable_fen, line.quantity, line.refunded_quantity), quantity)
            chosen.append({"line_id": line.id, "quantity": quantity, "amount_fen": fen})
            total += fen
        if not chosen:
            raise DomainError(ErrorCode.VALIDATION_ERROR, "请选择要退的商品", {"lines": "至少一件"})
        return total, chosen, 0
    if kind == "shipping":
        already = db.session.scalar(select(func.coalesce(func.sum(Refund.shipping_fen), 0))
                                    .where(Refund.order_id == order.id))
        shipping = min(order.shipping_fen - already, left)
        if shipping <= 0:
            raise DomainError(ErrorCode.ORDER_ACTION_NOT_ALLOWED, "该订单没有可退的运费")
        return shipping, [], shipping
    if kind == "amount":
        if not isinstance(amount_fen, int) or not 1 <= amount_fen <= left:
            raise DomainError(ErrorCode.VALIDATION_ERROR, f"退款金额须在 0.01 到 {yuan(left)} 元之间",
                              {"amount_fen": f"1..{left}"})
        return amount_fen, [], 0
    raise DomainError(ErrorCode.VALIDATION_ERROR, "请选择退款方式：退商品、补偿金额或运费", {"kind": list(KINDS)})
