"""Order states, their labels, and which actions each caller may take now.

The mini-program and the admin draw their buttons from `shopper_actions` / `staff_actions`;
the services check the same functions before acting, so a rule lives here only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from .errors import DomainError, ErrorCode
from .permissions import is_allowed
from .policy import Policy


class OrderStatus(str, Enum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    ACCEPTED = "accepted"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    OrderStatus.PENDING_PAYMENT: "待付款",
    OrderStatus.PAID: "待发货",
    OrderStatus.ACCEPTED: "备货中",
    OrderStatus.SHIPPED: "待收货",
    OrderStatus.COMPLETED: "已完成",
    OrderStatus.CANCELLED: "已取消",
}


class RefundStatus(str, Enum):
    NONE = "none"
    REFUNDING = "refunding"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    REFUND_FAILED = "refund_failed"

    @property
    def label(self) -> str:
        return REFUND_STATUS_LABELS[self]


REFUND_STATUS_LABELS = {
    RefundStatus.NONE: "无退款",
    RefundStatus.REFUNDING: "退款中",
    RefundStatus.PARTIALLY_REFUNDED: "部分退款",
    RefundStatus.REFUNDED: "已退款",
    RefundStatus.REFUND_FAILED: "退款异常",
}

# The member for a stored value, for the paths that convert each row of a page (the same member as
# OrderStatus(value) at a fraction of Enum's call, issue 13).
ORDER_STATUS_OF = {status.value: status for status in OrderStatus}
REFUND_STATUS_OF = {status.value: status for status in RefundStatus}

# Which status may follow which. Anything else is refused.
TRANSITIONS: dict[OrderStatus, set[OrderStatus]] = {
    OrderStatus.PENDING_PAYMENT: {OrderStatus.PAID, OrderStatus.CANCELLED},
    OrderStatus.PAID: {OrderStatus.ACCEPTED, OrderStatus.SHIPPED, OrderStatus.CANCELLED},
    OrderStatus.ACCEPTED: {OrderStatus.SHIPPED, OrderStatus.CANCELLED},
    OrderStatus.SHIPPED: {OrderStatus.COMPLETED},
    OrderStatus.COMPLETED: set(),
    OrderStatus.CANCELLED: set(),
}

UNSHIPPED = {OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.ACCEPTED}


def ensure_transition(current: OrderStatus | str, target: OrderStatus, code: ErrorCode = ErrorCode.ORDER_ACTION_NOT_ALLOWED) -> None:
    current = OrderStatus(current)
    if target not in TRANSITIONS[current]:
        raise DomainError(code, f"订单{current.label}，无法变更为{target.label}")


@dataclass(frozen=True)
class OrderFacts:
    """What the rules need to know about an order, independent of storage."""

    status: OrderStatus
    refund_status: RefundStatus
    paid_fen: int
    refunded_fen: int
    paid_at: datetime | None
    accepted_at: datetime | None
    shipped_at: datetime | None
    completed_at: datetime | None
    open_request_kind: str | None = None  # "cancel" | "modify" | "after_sale" | None
    has_feedback: bool = False
    deleted_by_shopper: bool = False
    has_refunds: bool = False
    delivered: bool = False  # staff marked the parcel delivered (已签收)
    # WeChat manages this shop's trades and the order was paid through WeChat Pay: the shopper
    # confirms receipt in WeChat's own confirmation page (W5).
    confirm_in_wechat: bool = False


def refund_in_progress(facts: OrderFacts) -> bool:
    return facts.refund_status in (RefundStatus.REFUNDING, RefundStatus.REFUND_FAILED)


def is_within_free_cancel_window(facts: OrderFacts, policy: Policy, now: datetime) -> bool:
    return facts.paid_at is not None and now - facts.paid_at <= policy.free_cancel_window


def is_within_after_sale_window(facts: OrderFacts, policy: Policy, now: datetime, quality_issue: bool = False) -> bool:
    if facts.status == OrderStatus.SHIPPED:
        return True
    if facts.status != OrderStatus.COMPLETED or facts.completed_at is None:
        return False
    days = policy.quality_return_days if quality_issue else policy.no_reason_return_days
    return (now - facts.completed_at).days < days


def shopper_actions(facts: OrderFacts, policy: Policy, now: datetime) -> list[str]:
    """The buttons a shopper sees on this order right now, in display order."""
    s = facts.status
    actions: list[str] = []
    if s == OrderStatus.PENDING_PAYMENT:
        actions.append("pay")
    if s in UNSHIPPED and facts.open_request_kind is None:
        actions += ["cancel", "modify"]
    if s == OrderStatus.SHIPPED:
        actions.append("confirm_receipt_in_wechat" if facts.confirm_in_wechat else "confirm_receipt")
    if s in (OrderStatus.SHIPPED, OrderStatus.COMPLETED) and facts.open_request_kind is None \
            and facts.refund_status != RefundStatus.REFUNDED \
            and is_within_after_sale_window(facts, policy, now, quality_issue=True):
        actions.append("after_sale")
    if s == OrderStatus.CANCELLED and not facts.has_feedback:
        actions.append("feedback")
    if facts.has_refunds:
        actions.append("view_refund")
    if deletion_refusal(facts) is None:
        actions.append("delete")
    return actions


def deletion_refusal(facts: OrderFacts) -> str | None:
    """D1: why the shopper may not delete this order now, or None when they may."""
    if facts.deleted_by_shopper:
        return "订单已删除"
    if facts.status not in (OrderStatus.COMPLETED, OrderStatus.CANCELLED):
        return "只有已完成或已取消的订单可以删除"
    if refund_in_progress(facts):
        return "退款处理中，暂不能删除订单"
    if facts.open_request_kind is not None:
        return "订单有待处理的申请，暂不能删除"
    return None


def ensure_deletable(facts: OrderFacts) -> None:
    refusal = deletion_refusal(facts)
    if refusal is not None:
        raise DomainError(ErrorCode.ORDER_NOT_DELETABLE, refusal)


def ensure_shopper_action(facts: OrderFacts, action: str, policy: Policy, now: datetime, code: ErrorCode) -> None:
    if action not in shopper_actions(facts, policy, now):
        raise DomainError(code)


# Staff roles allowed to decide each kind of request. Approving a cancel refunds money, which C3
# keeps from customer service; rejecting or offering an alternative is customer service's daily work.
REQUEST_DECIDERS = {
    "cancel": {"approve": {"supervisor", "admin"}, "reject": {"customer_service", "supervisor", "admin"}},
    "modify": {"approve": {"customer_service", "supervisor", "admin"}, "reject": {"customer_service", "supervisor", "admin"}},
    "after_sale": {"approve": {"customer_service", "supervisor", "admin"}, "reject": {"customer_service", "supervisor", "admin"}},
}
FULFILMENT_ROLES = {"warehouse", "supervisor", "admin"}
FINANCE_ROLES = {"finance", "admin"}


def may_decide_request(kind: str, decision: str, role: str) -> bool:
    return role in REQUEST_DECIDERS.get(kind, {}).get(decision, set())


def request_actions(kind: str, status: str, role: str, refund_within_role: bool = True) -> list[str]:
    """The buttons a staff member with `role` sees on a request row: 同意 / 拒绝 / 替代方案 while it waits.
    同意 is left out when the refund it would make is over the role's limit (`refund_within_role`
    False: the refund policy, R12, would refuse it), so nobody is shown a button the server refuses."""
    if status != "pending":
        return []
    actions = []
    if may_decide_request(kind, "approve", role) and refund_within_role:
        actions.append("approve")
    if may_decide_request(kind, "reject", role):
        actions.append("reject")
        if kind == "cancel":
            actions.append("offer_alternative")
    return actions


def staff_actions(facts: OrderFacts, role: str, policy: Policy, now: datetime) -> list[str]:
    """The buttons a staff member with `role` sees on this order right now."""
    from .cancellation import staff_may_cancel  # cancellation and modification build on this module
    from .modification import staff_may_modify

    s = facts.status
    kind = facts.open_request_kind
    actions: list[str] = []
    if s == OrderStatus.PAID and role in FULFILMENT_ROLES | {"customer_service"}:
        actions.append("accept")
    if s in (OrderStatus.PAID, OrderStatus.ACCEPTED) and kind is None and role in FULFILMENT_ROLES:
        actions.append("ship")
    if s == OrderStatus.SHIPPED and not facts.delivered and role in FULFILMENT_ROLES:
        actions += ["correct_shipment", "mark_delivered"]
    if s in UNSHIPPED and staff_may_cancel(facts, role):
        actions.append("cancel")
    if staff_may_modify(facts, role):
        actions.append("modify")
    if kind is not None:
        if may_decide_request(kind, "approve", role):
            actions.append(f"approve_{kind}")
        if may_decide_request(kind, "reject", role):
            actions.append(f"reject_{kind}")
        if kind == "cancel" and may_decide_request(kind, "reject", role):
            actions.append("offer_alternative")
    if facts.refund_status == RefundStatus.REFUND_FAILED and role in FINANCE_ROLES:
        actions.append("retry_refund")
    if may_refund_by_staff(facts) and is_allowed(role, "refund.create"):
        actions.append("refund")
    return actions


def may_refund_by_staff(facts: OrderFacts) -> bool:
    """R8: staff refund a paid order with money left to give back, unless a request on it waits for a decision."""
    return facts.status != OrderStatus.PENDING_PAYMENT and facts.paid_fen > facts.refunded_fen \
        and facts.open_request_kind is None
