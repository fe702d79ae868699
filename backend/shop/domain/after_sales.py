"""After-sales rules (A1–A3, R5): which case a shopper may open, who decides it, what comes next.

Plain Python: the service layer hands in facts (order status, dates, amounts, the shopper's
watchlist state) and applies what these functions answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from .after_sale_rules import DEFAULT_RULE, RuleMatch, RuleSubject
from .errors import DomainError, ErrorCode
from .labels import COUNTDOWN_WORDS
from .money import yuan
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
# What each type means, shown under the type the shopper picks on the application form.
TYPE_HINTS = {
    AfterSaleType.REFUND_ONLY: "未收到货，或与商家协商一致不用退货",
    AfterSaleType.RETURN_REFUND: "已收到货，需要退回商品",
    AfterSaleType.EXCHANGE: "商品有问题，换一件同款",
    AfterSaleType.REPAIR: "商品需要维修",
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
    NEGOTIATING = "negotiating"        # 协商中: staff proposed something, the shopper answers (A4)
    CLOSED = "closed"                  # the return was never shipped in time (A5)

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
    CaseStatus.NEGOTIATING: "协商中·待顾客回应",
    CaseStatus.CLOSED: "已关闭（超时未寄回）",
}

ACTIVE_STATUSES = {CaseStatus.PENDING, CaseStatus.NEGOTIATING, CaseStatus.AWAITING_RETURN, CaseStatus.RETURNING, CaseStatus.EXCHANGING,
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


def _refund_only(status: OrderStatus) -> bool:
    """Paid but not shipped, or on its way: the goods are not with the shopper, so only 仅退款."""
    return status in UNSHIPPED and status != OrderStatus.PENDING_PAYMENT or status == OrderStatus.SHIPPED


def allowed_types(status: OrderStatus) -> list[AfterSaleType]:
    """The types a shopper may apply for on an order in this status (A1), in the order of the form; the time
    windows, which depend on the reason, are checked by ensure_can_apply."""
    if _refund_only(status):
        return [AfterSaleType.REFUND_ONLY]
    return list(AfterSaleType) if status == OrderStatus.COMPLETED else []


def types_note(status: OrderStatus) -> str:
    """Why the form offers fewer types than usual ("" when it offers them all)."""
    if _refund_only(status):
        return f"订单{'未发货' if status in UNSHIPPED else '尚未确认收货'}，只能申请仅退款"
    return "" if status == OrderStatus.COMPLETED else f"订单{status.label}，不能申请售后"


def type_options(status: OrderStatus) -> list[dict]:
    """The allowed types as the application form draws them: code, label, hint."""
    return [{"code": t.value, "label": t.label, "hint": TYPE_HINTS[t]} for t in allowed_types(status)]


def ensure_can_apply(order: OrderForAfterSale, case_type: AfterSaleType, reason_code: str, policy: Policy,
                     now: datetime) -> None:
    """A1 windows. Before shipping only 仅退款; in transit only 仅退款 (e.g. the parcel is lost);
    after receipt any type within no_reason_return_days, or quality_return_days for quality reasons."""
    if reason_code not in REASONS:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请选择售后原因", {"reason_code": "不支持的售后原因"})
    status = order.status
    if _refund_only(status):
        if case_type not in allowed_types(status):
            raise DomainError(ErrorCode.AFTER_SALE_NOT_ALLOWED, types_note(status))
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
    subject: RuleSubject | None = None  # what the shop's refund rules (A6) judge; None: the rules are not asked

    def refund(self, role: str = "system", goods_back: bool = False) -> RefundCase:
        return RefundCase(RefundAction.AFTER_SALE, role, self.order_status, self.refunded_before_fen,
                          self.amount_fen, self.watchlisted, goods_back)


def order_stage(status: OrderStatus) -> str | None:
    """The stage a refund rule names (A6): before shipping, on the way, delivered."""
    if status in UNSHIPPED and status is not OrderStatus.PENDING_PAYMENT:
        return "unshipped"
    return {OrderStatus.SHIPPED: "shipped", OrderStatus.COMPLETED: "delivered"}.get(status)


@dataclass(frozen=True)
class AutomaticApproval:
    blockers: tuple[str, ...]  # why a person must decide; empty = approve now
    rule: RuleMatch | None     # the rule that approves it (recorded on the case)

    @property
    def approved(self) -> bool:
        return not self.blockers


def automatic_approval(facts: ApprovalFacts, policy: Policy) -> AutomaticApproval:
    """R5 and A6: may a machine approve this case, and under which rule?

    The refund policy (R12) is asked with the case's facts: a shop refund rule that matches (never for a
    flagged shopper or a disputed reason, never past the automatic ceiling) approves it at any stage. Without
    one, R5's built-in rule: only 仅退款 on an order not yet shipped, for an undisputed reason, a refund the
    policy lets through. (The window was checked when the case was opened.)
    """
    decision = decide_refund(RefundCase(RefundAction.AFTER_SALE, "system", facts.order_status,
                                        facts.refunded_before_fen, facts.amount_fen, facts.watchlisted,
                                        subject=facts.subject), policy)
    if decision.rule is not None:
        return AutomaticApproval((), decision.rule)
    blockers = []
    if facts.case_type is not AfterSaleType.REFUND_ONLY:
        blockers.append("需要寄回商品")
    if is_disputed(facts.reason_code):
        blockers.append("争议原因需人工审核")
    blockers += decision.reasons
    return AutomaticApproval(tuple(blockers), None if blockers else DEFAULT_RULE)


def automatic_approval_blockers(facts: ApprovalFacts, policy: Policy) -> list[str]:
    """R5: why this case needs a person. Empty list = approve automatically."""
    return list(automatic_approval(facts, policy).blockers)


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
    proposal_kind: str | None = None  # the open proposal's kind while NEGOTIATING


# staff action -> (case types it applies to, statuses it is possible in, permission, what it is called)
STAFF_CASE_ACTIONS: dict[str, tuple[frozenset[AfterSaleType], frozenset[CaseStatus], str, str]] = {
    "approve": (frozenset(AfterSaleType), frozenset({CaseStatus.PENDING}), "request.review", "同意"),
    "reject": (frozenset(AfterSaleType), frozenset({CaseStatus.PENDING}), "request.review", "拒绝"),
    "propose": (frozenset(AfterSaleType), frozenset({CaseStatus.PENDING}), "request.review", "协商"),
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
    """The shopper's steps in a case: withdrawing it before staff decide (A7); answering a staff proposal, or
    sending the evidence asked for (A4); telling how the goods come back (the number may be corrected)."""
    if case.status is CaseStatus.PENDING:
        return ["withdraw"]
    if case.status is CaseStatus.NEGOTIATING:
        first = "add_evidence" if case.proposal_kind == ProposalKind.MORE_EVIDENCE.value else "accept_proposal"
        return [first, "decline_proposal"]
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


# ---- A4: negotiation (协商) ------------------------------------------------------------------


class ProposalKind(str, Enum):
    CHANGE_TYPE = "change_type"      # 退货退款 → 仅退款: the shopper keeps the goods
    CHANGE_AMOUNT = "change_amount"  # a partial refund
    MORE_EVIDENCE = "more_evidence"  # photos, a short video
    WITHDRAW = "withdraw"            # invite the shopper to withdraw the case

    @property
    def label(self) -> str:
        return PROPOSAL_LABELS[self]


PROPOSAL_LABELS = {
    ProposalKind.CHANGE_TYPE: "改为仅退款（无需退货）",
    ProposalKind.CHANGE_AMOUNT: "部分退款",
    ProposalKind.MORE_EVIDENCE: "补充凭证",
    ProposalKind.WITHDRAW: "建议撤销申请",
}
MAX_MESSAGE_CHARS = 500


def build_proposal(kind: str, case_type: AfterSaleType, case_amount_fen: int, amount_fen: int | None,
                   message: str) -> dict:
    """What staff offer, checked: 改为仅退款 only for 退货退款 (optionally with a lower amount); a partial refund
    is more than 0 and less than the case's amount, only for cases that refund money. Returns the proposal as
    stored on the case, with the sentence the shopper reads (`text`)."""
    try:
        kind = ProposalKind(kind)
    except ValueError:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请选择协商方式", {"kind": "不支持的协商方式"}) from None
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE_CHARS:
        raise DomainError(ErrorCode.VALIDATION_ERROR, f"说明最多 {MAX_MESSAGE_CHARS} 字", {"message": "过长"})
    new_type, new_amount = case_type, case_amount_fen
    if kind is ProposalKind.CHANGE_TYPE:
        if case_type is not AfterSaleType.RETURN_REFUND:
            raise DomainError(ErrorCode.AFTER_SALE_WRONG_STATE, f"{case_type.label}售后单无法改为仅退款")
        new_type = AfterSaleType.REFUND_ONLY
    if kind is ProposalKind.CHANGE_AMOUNT or (kind is ProposalKind.CHANGE_TYPE and amount_fen is not None):
        if not case_type.refunds_money:
            raise DomainError(ErrorCode.AFTER_SALE_WRONG_STATE, f"{case_type.label}售后单没有退款金额")
        if amount_fen is None or not 0 < amount_fen <= case_amount_fen \
                or (kind is ProposalKind.CHANGE_AMOUNT and amount_fen == case_amount_fen):
            raise DomainError(ErrorCode.VALIDATION_ERROR, f"协商退款金额须大于 0 且小于申请金额 ¥{yuan(case_amount_fen)}",
                              {"amount_fen": {"max": case_amount_fen}})
        new_amount = amount_fen
    if kind in (ProposalKind.MORE_EVIDENCE, ProposalKind.WITHDRAW) and not message:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请填写给顾客的说明", {"message": "必填"})
    proposal = {"kind": kind.value, "kind_label": kind.label, "type": new_type.value, "amount_fen": new_amount,
                "message": message}
    return {**proposal, "text": describe_proposal(proposal)}


def describe_proposal(proposal: dict) -> str:
    kind = ProposalKind(proposal["kind"])
    if kind is ProposalKind.CHANGE_TYPE:
        text = f"商家建议改为仅退款，商品无需寄回，退款 ¥{yuan(proposal['amount_fen'])}"
    elif kind is ProposalKind.CHANGE_AMOUNT:
        text = f"商家建议部分退款 ¥{yuan(proposal['amount_fen'])}"
    elif kind is ProposalKind.MORE_EVIDENCE:
        text = "商家请您补充凭证（照片或短视频）"
    else:
        text = "商家建议您撤销本次售后申请"
    return f"{text}：{proposal['message']}" if proposal.get("message") else text


def proposal_refund_fen(proposal: dict) -> int:
    """The refund the shopper gets if they accept (0 for evidence and withdrawal)."""
    kind = ProposalKind(proposal["kind"])
    return proposal["amount_fen"] if kind in (ProposalKind.CHANGE_TYPE, ProposalKind.CHANGE_AMOUNT) else 0


# ---- A5: a deadline at every stage -----------------------------------------------------------

# status -> (who must act, what the clock is for)
DEADLINE_STAGES = {
    CaseStatus.PENDING: ("staff", "商家处理"),
    CaseStatus.NEGOTIATING: ("shopper", "顾客回应协商"),
    CaseStatus.AWAITING_RETURN: ("shopper", "顾客寄回商品"),
    CaseStatus.RETURNING: ("staff", "商家确认收货"),
}


def deadline_after(status: CaseStatus, since: datetime, policy: Policy) -> datetime | None:
    """When the stage a case has just entered runs out; None for stages without a clock."""
    hours = {CaseStatus.PENDING: policy.after_sale_reply_hours,
             CaseStatus.NEGOTIATING: policy.after_sale_proposal_answer_hours,
             CaseStatus.AWAITING_RETURN: policy.after_sale_return_ship_days * 24,
             CaseStatus.RETURNING: policy.after_sale_receipt_days * 24}.get(status)
    return None if hours is None else since + timedelta(hours=hours)


def deadline_label(deadline_at: datetime | None, now: datetime) -> str | None:
    """The countdown both sides see: 还剩 1天3小时 / 还剩 5小时20分 / 还剩 12分钟 / 已超时."""
    if deadline_at is None:
        return None
    left = int((deadline_at - now).total_seconds())
    if left <= 0:
        return COUNTDOWN_WORDS["expired"]
    days, rest = divmod(left, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = max(rest // 60, 0 if days or hours else 1)
    unit = "days" if days else "hours" if hours else "minutes"
    return COUNTDOWN_WORDS[unit].format(days=days, hours=hours, minutes=minutes)


def on_deadline(status: CaseStatus, case_type: AfterSaleType, refund: RefundCase | None, policy: Policy) -> str:
    """What happens when a stage's clock runs out (the staff's first answer is A3's `on_reply_overdue`):
    an unanswered proposal counts as declined; a return never shipped closes the case; a return staff never
    received is refunded automatically when the refund policy lets a machine do it, otherwise escalated."""
    if status is CaseStatus.NEGOTIATING:
        return "decline"
    if status is CaseStatus.AWAITING_RETURN:
        return "close"
    if status is CaseStatus.RETURNING:
        if case_type is AfterSaleType.RETURN_REFUND and refund is not None and decide_refund(refund, policy).automatic:
            return "refund"
        return "escalate"
    return "none"


def ensure_case_limit(cases_per_line: dict[int, int], chosen: list[tuple[int, int]], policy: Policy) -> None:
    """A5: at most `after_sale_max_cases_per_line` cases on one order line, whatever became of them."""
    limit = policy.after_sale_max_cases_per_line
    for line_id, _ in chosen:
        if cases_per_line.get(line_id, 0) >= limit:
            raise DomainError(ErrorCode.AFTER_SALE_NOT_ALLOWED, f"该商品已申请过 {limit} 次售后，不能再次申请",
                              {"line_id": line_id, "max": limit})
