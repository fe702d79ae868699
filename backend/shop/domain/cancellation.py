"""Cancelling an order (C1–C3, C6): who may cancel what, when it needs a person, what the reason must say.

Pure rules: callers pass the order's facts, the policy and the time; nothing here touches storage.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from .errors import DomainError, ErrorCode
from .orders import OrderFacts, OrderStatus, UNSHIPPED, is_within_free_cancel_window
from .policy import Policy
from .refund_policy import RefundAction, RefundCase, check_staff_refund, decide_refund

REASON_TEXT_MAX = 200
FEEDBACK_TEXT_MAX = 500

# C3: which order states each staff role may cancel.
STAFF_CANCELLABLE = {
    "customer_service": {OrderStatus.PENDING_PAYMENT},
    "supervisor": UNSHIPPED,
    "admin": UNSHIPPED,
}


class CancelDecision(str, Enum):
    CANCEL_NOW = "cancel_now"              # unpaid: cancelled at once, nothing to refund
    AUTO_APPROVE = "auto_approve"          # paid, inside the free window: cancelled and fully refunded
    NEEDS_REVIEW = "needs_review"          # a cancel request staff decide
    ALREADY_CANCELLED = "already_cancelled"  # a repeated tap: answer with the order as it is


@dataclass(frozen=True)
class CancelReason:
    code: str
    label: str
    text: str

    @property
    def summary(self) -> str:
        return f"{self.label}：{self.text}" if self.text else self.label


def check_reason(reason_code: str | None, reason_text: str | None, reasons: dict[str, str]) -> CancelReason:
    """The chosen reason must be on the configured list; "other" needs words."""
    code = (reason_code or "").strip()
    text = (reason_text or "").strip()
    if code not in reasons:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请选择取消原因", {"reason_code": "请从列表中选择取消原因"})
    if code == "other" and not text:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "选择“其他”时请填写具体原因", {"reason_text": "请填写具体原因"})
    if len(text) > REASON_TEXT_MAX:
        raise DomainError(ErrorCode.VALIDATION_ERROR, f"取消说明不能超过 {REASON_TEXT_MAX} 字",
                          {"reason_text": f"不能超过 {REASON_TEXT_MAX} 字"})
    return CancelReason(code, reasons[code], text)


def _refuse_shipped_or_open(facts: OrderFacts) -> None:
    if facts.status in (OrderStatus.SHIPPED, OrderStatus.COMPLETED):
        raise DomainError(ErrorCode.ORDER_NOT_CANCELLABLE, "订单已发货，无法取消，请申请售后")
    if facts.open_request_kind is not None:
        raise DomainError(ErrorCode.REQUEST_ALREADY_OPEN)


def decide_shopper_cancel(facts: OrderFacts, policy: Policy, now: datetime, watchlisted: bool) -> CancelDecision:
    """C2: unpaid → at once; paid, not accepted, inside the free window and a refund the refund policy lets
    through on its own (amount, watchlist: R12) → automatic approval with a full refund; otherwise a request
    for staff; shipped or later → after-sales instead."""
    if facts.status == OrderStatus.CANCELLED:
        return CancelDecision.ALREADY_CANCELLED
    _refuse_shipped_or_open(facts)
    if facts.status == OrderStatus.PENDING_PAYMENT:
        return CancelDecision.CANCEL_NOW
    if facts.status == OrderStatus.PAID and is_within_free_cancel_window(facts, policy, now) \
            and decide_refund(cancel_refund(facts, "shopper", watchlisted), policy).automatic:
        return CancelDecision.AUTO_APPROVE
    return CancelDecision.NEEDS_REVIEW


def cancel_refund(facts: OrderFacts, role: str, watchlisted: bool = False) -> RefundCase:
    """A cancel gives back everything not yet refunded (R12 judges it like any other refund)."""
    return RefundCase(RefundAction.CANCEL, role, facts.status, facts.refunded_fen, facts.paid_fen - facts.refunded_fen,
                      watchlisted)


def staff_may_cancel(facts: OrderFacts, role: str) -> bool:
    return facts.status in STAFF_CANCELLABLE.get(role, set())


def check_staff_cancel(facts: OrderFacts, role: str, policy: Policy) -> bool:
    """C3: may this role cancel this order? Returns True when the operator must re-enter the password
    (the refund policy, R12, which also refuses a refund over the role's limit)."""
    if facts.status == OrderStatus.CANCELLED:
        raise DomainError(ErrorCode.ORDER_NOT_CANCELLABLE, "订单已取消")
    if facts.status in (OrderStatus.SHIPPED, OrderStatus.COMPLETED):
        raise DomainError(ErrorCode.ORDER_NOT_CANCELLABLE, "订单已发货，无法取消，请走售后流程")
    if not staff_may_cancel(facts, role):
        if role == "customer_service":
            raise DomainError(ErrorCode.FORBIDDEN, "客服只能取消未付款订单，已付款订单请联系主管处理")
        raise DomainError(ErrorCode.FORBIDDEN, "您的角色无权取消订单")
    return check_staff_refund(cancel_refund(facts, role), policy)


def check_feedback(rating, text: str | None) -> tuple[int, str]:
    """C6: a 1–5 star rating and optional words."""
    text = (text or "").strip()
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请选择 1 到 5 星评分", {"rating": "须为 1 到 5 的整数"})
    if len(text) > FEEDBACK_TEXT_MAX:
        raise DomainError(ErrorCode.VALIDATION_ERROR, f"反馈内容不能超过 {FEEDBACK_TEXT_MAX} 字",
                          {"text": f"不能超过 {FEEDBACK_TEXT_MAX} 字"})
    return rating, text


def ensure_feedback_allowed(facts: OrderFacts) -> None:
    """C6: feedback once, on a cancelled order."""
    if facts.status != OrderStatus.CANCELLED:
        raise DomainError(ErrorCode.ORDER_ACTION_NOT_ALLOWED, "订单取消后才能评价取消体验")
    if facts.has_feedback:
        raise DomainError(ErrorCode.CONFLICT, "您已提交过反馈，感谢您的评价")


# C4: what staff may offer instead of cancelling.
ALTERNATIVES = {"replacement_sku": "更换商品", "faster_shipping": "加急发货", "other": "其他方案"}
ALTERNATIVE_MESSAGE_MAX = 500


def describe_alternative(kind: str | None, message: str | None, replacement: str | None = None) -> str:
    """The sentence the shopper reads. A replacement names the SKU; "other" must say what it is."""
    message = (message or "").strip()
    if kind not in ALTERNATIVES:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请选择替代方案类型",
                          {"kind": "须为 replacement_sku、faster_shipping 或 other"})
    if kind == "replacement_sku" and not replacement:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请选择替换的商品规格", {"sku_id": "必填"})
    if kind == "other" and not message:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请填写替代方案说明", {"message": "必填"})
    if len(message) > ALTERNATIVE_MESSAGE_MAX:
        raise DomainError(ErrorCode.VALIDATION_ERROR, f"说明不能超过 {ALTERNATIVE_MESSAGE_MAX} 字", {"message": "过长"})
    if kind == "other":
        return message
    text = f"{ALTERNATIVES[kind]}：{replacement}" if kind == "replacement_sku" else ALTERNATIVES[kind]
    return f"{text}（{message}）" if message else text


def alternative_waiting_for_answer(alternative: dict | None) -> bool:
    return bool(alternative) and alternative.get("answer") is None


def shopper_request_actions(status: str, kind: str, alternative: dict | None) -> list[str]:
    """A7/C4: what the shopper may do with their own request now. A pending request may be withdrawn; a staff
    alternative to a cancel waits for the shopper to accept (the order goes on, changed) or decline (back to staff)."""
    if status != "pending":
        return []
    actions = ["withdraw"]
    if kind == "cancel" and alternative_waiting_for_answer(alternative):
        actions += ["accept_alternative", "decline_alternative"]
    return actions


def ensure_shopper_request_action(status: str, kind: str, alternative: dict | None, action: str) -> None:
    if action in shopper_request_actions(status, kind, alternative):
        return
    if status != "pending":
        raise DomainError(ErrorCode.REQUEST_ALREADY_DECIDED, "申请已处理，无法再撤回或答复")
    raise DomainError(ErrorCode.ORDER_ACTION_NOT_ALLOWED, "没有待您答复的替代方案")


def check_decision_reason(reason: str | None) -> str:
    """A rejection always tells the shopper why."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请填写拒绝原因，顾客会看到", {"reason": "必填"})
    if len(reason) > 200:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "拒绝原因不能超过 200 字", {"reason": "不能超过 200 字"})
    return reason
