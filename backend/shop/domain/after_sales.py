"""After-sales rules (A1–A3, R5): which case a shopper may open, who decides it, what comes next.

Plain Python: the service layer hands in facts (order status, dates, amounts, the shopper's
watchlist state) and applies what these functions answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from .errors import DomainError, ErrorCode
from .orders import OrderStatus, UNSHIPPED
from .permissions import is_allowed
from .policy import Policy
from .refund_policy import RefundAction, RefundCase, decide_refund


class AfterSaleType(str, Enum):
    REFUND_ONLY = "refund_only"
    RETURN_REFUND = "return_refund"
    EXCHANGE = "exchange"
    REPAIR = "repair"

    @property
    def label(self) -> str:
        return TYPE_LABELS[self]

    @property
    def needs_goods_back(self) -> bool:
        return self is not AfterSaleType.REFUND_ONLY

    @property
    def refunds_money(self) -> bool:
        return self in (AfterSaleType.REFUND_ONLY, AfterSaleType.RETURN_REFUND)

    @property
    def keeps_returned_goods(self) -> bool:
        """The returned unit stays with the shop (a replacement or the money goes out instead): when it can be
        resold it goes back into stock. A repaired unit goes back to the shopper."""
        return self in (AfterSaleType.RETURN_REFUND, AfterSaleType.EXCHANGE)


TYPE_LABELS = {
    AfterSaleType.REFUND_ONLY: "仅退款",
    AfterSaleType.RETURN_REFUND: "退货退款",
    AfterSaleType.EXCHANGE: "换货",
    AfterSaleType.REPAIR: "维修",
}


class CaseStatus(str, Enum):
    PENDING = "pending"                # 待商家处理
    AWAITING_RETURN = "awaiting_return"  # 待寄回商品
    RETURNING = "returning"            # 商品寄回中
    EXCHANGING = "exchanging"          # 换货中: goods received, replacement to ship
    REPAIRING = "repairing"            # 维修中: work order open
    COMPLETED = "completed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"            # the shopper withdrew it before staff decided

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    CaseStatus.PENDING: "待商家处理",
    CaseStatus.AWAITING_RETURN: "待寄回商品",
    CaseStatus.RETURNING: "商品寄回中",
    CaseStatus.EXCHANGING: "换货中",
    CaseStatus.REPAIRING: "维修中",
    CaseStatus.COMPLETED: "售后完成",
    CaseStatus.REJECTED: "已拒绝",
    CaseStatus.WITHDRAWN: "已撤回",
}

ACTIVE_STATUSES = {CaseStatus.PENDING, CaseStatus.AWAITING_RETURN, CaseStatus.RETURNING, CaseStatus.EXCHANGING,
                   CaseStatus.REPAIRING}

# Reason code -> label shown to the shopper. Order is the order of the picker.
REASONS = {
    "no_reason": "七天无理由退换",
    "not_wanted": "不想要了",
    "wrong_size": "尺码/规格不合适",
    "not_received": "未收到货",
    "missing_parts": "少件/漏发",
    "wrong_item": "商家发错货",
    "damaged": "商品破损",
    "quality_issue": "质量问题",
    "not_as_described": "描述不符",
    "used": "已使用",
    "other": "其他",
}
# Problems that are the merchant's fault get the longer quality window (A1).
QUALITY_REASONS = {"missing_parts", "wrong_item", "damaged", "quality_issue", "not_as_described"}
# Reasons where shopper and merchant may disagree: always decided by a person (R5).
DISPUTED_REASONS = {"used", "not_as_described", "quality_issue"}
MAX_PHOTOS = 9


def reasons_for_picker() -> list[dict]:
    return [{"code": code, "label": label, "quality": code in QUALITY_REASONS} for code, label in REASONS.items()]


def is_disputed(reason_code: str) -> bool:
    return reason_code in DISPUTED_REASONS


@dataclass(frozen=True)
class OrderForAfterSale:
    status: OrderStatus
    completed_at: datetime | None


def ensure_can_apply(order: OrderForAfterSale, case_type: AfterSaleType, reason_code: str, policy: Policy,
                     now: datetime) -> None:
    """A1 windows. Before shipping only 仅退款; in transit only 仅退款 (e.g. the parcel is lost);
    after receipt any type within no_reason_return_days, or quality_return_days for quality reasons."""
    if reason_code not in REASONS:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请选择售后原因", {"reason_code": "不支持的售后原因"})
    status = order.status
    if status in UNSHIPPED and status != OrderStatus.PENDING_PAYMENT or status == OrderStatus.SHIPPED:
        if case_type is not AfterSaleType.REFUND_ONLY:
            where = "未发货" if status in UNSHIPPED else "尚未确认收货"
            raise DomainError(ErrorCode.AFTER_SALE_NOT_ALLOWED, f"订单{where}，只能申请仅退款")
        return
    if status != OrderStatus.COMPLETED or order.completed_at is None:
        raise DomainError(ErrorCode.AFTER_SALE_NOT_ALLOWED, f"订单{status.label}，不能申请售后")
    days = policy.quality_return_days if reason_code in QUALITY_REASONS else policy.no_reason_return_days
    if now - order.completed_at > timedelta(days=days):
        raise DomainError(ErrorCode.AFTER_SALE_WINDOW_CLOSED,
                          f"已超过售后期限（签收后 {days} 天内可申请）", {"days": days})


def validate_lines(requested: list[tuple[int, int]], refundable: dict[int, int]) -> list[tuple[int, int]]:
    """Requested (line_id, quantity) pairs against units still open per line; merged, in order."""
    if not requested:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请选择售后商品", {"lines": "至少选择一件商品"})
    merged: dict[int, int] = {}
    for line_id, quantity in requested:
        if line_id not in refundable:
            raise DomainError(ErrorCode.VALIDATION_ERROR, "售后商品不属于该订单", {"lines": {"line_id": line_id}})
        if quantity < 1:
            raise DomainError(ErrorCode.VALIDATION_ERROR, "售后数量至少为 1", {"lines": {"line_id": line_id}})
        merged[line_id] = merged.get(line_id, 0) + quantity
    for line_id, quantity in merged.items():
        if quantity > refundable[line_id]:
            raise DomainError(ErrorCode.VALIDATION_ERROR, f"售后数量超出可申请数量（最多 {refundable[line_id]} 件）",
                              {"lines": {"line_id": line_id, "max": refundable[line_id]}})
    return list(merged.items())


def validate_photos(photos: list[str]) -> list[str]:
    photos = [p.strip() for p in photos or [] if p and p.strip()]
    if len(photos) > MAX_PHOTOS:
        raise DomainError(ErrorCode.VALIDATION_ERROR, f"最多上传 {MAX_PHOTOS} 张凭证图片", {"photos": "图片过多"})
    for p in photos:
        if not (p.startswith("https://") or p.startswith("http://") or p.startswith("/")) or len(p) > 500:
            raise DomainError(ErrorCode.VALIDATION_ERROR, "凭证图片地址无效", {"photos": p[:80]})
    return photos


@dataclass(frozen=True)
class ApprovalFacts:
    case_type: AfterSaleType
    reason_code: str
    order_status: OrderStatus
    amount_fen: int
    watchlisted: bool
    refunded_before_fen: int = 0  # the order's refunds so far: R12 judges the cumulative amount

    def refund(self, role: str = "system", goods_back: bool = False) -> RefundCase:
        return RefundCase(RefundAction.AFTER_SALE, role, self.order_status, self.refunded_before_fen,
                          self.amount_fen, self.watchlisted, goods_back)


def automatic_approval_blockers(facts: ApprovalFacts, policy: Policy) -> list[str]:
    """R5: why this case needs a person. Empty list = approve automatically.

    Only 仅退款 on an order not yet shipped, for an undisputed reason, and a refund the refund policy
    (R12: the order's cumulative amount, the watchlist) lets through. (The window was checked when the
    case was opened.)
    """
    blockers = []
    if facts.case_type is not AfterSaleType.REFUND_ONLY:
        blockers.append("需要寄回商品")
    if is_disputed(facts.reason_code):
        blockers.append("争议原因需人工审核")
    return blockers + list(decide_refund(facts.refund(), policy).reasons)


def reply_due_at(created_at: datetime, policy: Policy) -> datetime:
    return created_at + timedelta(hours=policy.after_sale_reply_hours)


def on_reply_overdue(facts: ApprovalFacts, policy: Policy) -> str:
    """A3: 'approve' when the setting allows it and R5 lets a machine decide; otherwise 'escalate'.

    Disputed reasons and watchlisted shoppers are always escalated: a timeout never approves
    what a person must judge.
    """
    if policy.after_sale_timeout_auto_approve and not is_disputed(facts.reason_code) \
            and decide_refund(facts.refund(goods_back=facts.case_type.needs_goods_back), policy).automatic:
        return "approve"
    return "escalate"


def status_after_approval(case_type: AfterSaleType) -> CaseStatus:
    """仅退款 is settled at once; everything else waits for the goods to come back."""
    return CaseStatus.COMPLETED if case_type is AfterSaleType.REFUND_ONLY else CaseStatus.AWAITING_RETURN


def status_after_receipt(case_type: AfterSaleType) -> CaseStatus:
    return {
        AfterSaleType.RETURN_REFUND: CaseStatus.COMPLETED,
        AfterSaleType.EXCHANGE: CaseStatus.EXCHANGING,
        AfterSaleType.REPAIR: CaseStatus.REPAIRING,
    }[case_type]


def ensure_status(current: str, allowed: set[CaseStatus], action: str) -> None:
    status = CaseStatus(current)
    if status not in allowed:
        raise DomainError(ErrorCode.AFTER_SALE_WRONG_STATE, f"售后单{status.label}，无法{action}")


@dataclass(frozen=True)
class CaseFacts:
    case_type: AfterSaleType
    status: CaseStatus


# staff action -> (case types it applies to, statuses it is possible in, permission, what it is called)
STAFF_CASE_ACTIONS: dict[str, tuple[frozenset[AfterSaleType], frozenset[CaseStatus], str, str]] = {
    "approve": (frozenset(AfterSaleType), frozenset({CaseStatus.PENDING}), "request.review", "同意"),
    "reject": (frozenset(AfterSaleType), frozenset({CaseStatus.PENDING}), "request.review", "拒绝"),
    # The goods may arrive before the shopper typed the tracking number: receipt is possible from approval on.
    "receive": (frozenset({AfterSaleType.RETURN_REFUND, AfterSaleType.EXCHANGE, AfterSaleType.REPAIR}),
                frozenset({CaseStatus.AWAITING_RETURN, CaseStatus.RETURNING}), "after_sale.receive", "确认收货"),
    "ship_replacement": (frozenset({AfterSaleType.EXCHANGE}), frozenset({CaseStatus.EXCHANGING}),
                         "after_sale.receive", "寄出换货"),
    "return_repaired": (frozenset({AfterSaleType.REPAIR}), frozenset({CaseStatus.REPAIRING}),
                        "after_sale.receive", "寄回维修件"),
}


def staff_case_actions(case: CaseFacts, role: str) -> list[str]:
    """What this staff member may do to the case now; the admin draws its buttons from this list only."""
    return [action for action, (types, statuses, permission, _) in STAFF_CASE_ACTIONS.items()
            if case.case_type in types and case.status in statuses and is_allowed(role, permission)]


def shopper_case_actions(case: CaseFacts) -> list[str]:
    """The shopper's steps in a case: withdrawing it before staff decide (A7); telling how the goods come back
    (the number may be corrected)."""
    if case.status is CaseStatus.PENDING:
        return ["withdraw"]
    return ["submit_return_shipment"] if case.status in (CaseStatus.AWAITING_RETURN, CaseStatus.RETURNING) else []


def ensure_staff_case_action(case: CaseFacts, role: str, action: str) -> None:
    """The same rule, enforced: no permission -> FORBIDDEN; wrong type or state -> AFTER_SALE_WRONG_STATE."""
    if action in staff_case_actions(case, role):
        return
    types, _, permission, name = STAFF_CASE_ACTIONS[action]
    if not is_allowed(role, permission):
        raise DomainError(ErrorCode.FORBIDDEN)
    if case.case_type not in types:
        raise DomainError(ErrorCode.AFTER_SALE_WRONG_STATE, f"{case.case_type.label}售后单无法{name}")
    raise DomainError(ErrorCode.AFTER_SALE_WRONG_STATE, f"售后单{case.status.label}，无法{name}")


def validate_shipment(carrier: str, tracking_no: str) -> tuple[str, str]:
    carrier, tracking_no = (carrier or "").strip(), (tracking_no or "").strip()
    problems = {}
    if not carrier or len(carrier) > 40:
        problems["carrier"] = "请选择快递公司"
    if not tracking_no or not (6 <= len(tracking_no) <= 40) or not tracking_no.isalnum():
        problems["tracking_no"] = "请填写正确的快递单号"
    if problems:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请填写正确的快递信息", problems)
    return carrier, tracking_no
