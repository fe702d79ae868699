"""One refund policy (R12): may an action that gives money back go ahead on its own, must a person
with the right role decide it, or must the operator type their password again (二次验证)?

Every path that creates a refund asks `decide_refund` — a shopper's cancel, an after-sales approval
(automatic or by staff), a quantity decrease, a request approval, a staff refund, a batch. The amount
judged is the order's cumulative refund: every refund already created (pending ones included; the
order's `refunded_fen`) plus this one, so splitting a refund into pieces changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .actors import STAFF_ROLES
from .after_sale_rules import RuleMatch, RuleSubject, matching_rule
from .errors import DomainError, ErrorCode
from .money import yuan
from .orders import UNSHIPPED, OrderStatus
from .policy import Policy


class RefundAction(str, Enum):
    CANCEL = "cancel"
    AFTER_SALE = "after_sale"
    MODIFY = "modify"
    REQUEST_APPROVAL = "request_approval"
    STAFF_REFUND = "staff_refund"
    BATCH = "batch"


class Verdict(str, Enum):
    AUTOMATIC = "automatic"  # go ahead
    REVIEW = "review"        # a person must decide: staff review for a shopper, a higher role for staff
    PASSWORD = "password"    # a staff member may, after typing their password again


@dataclass(frozen=True)
class RefundCase:
    action: RefundAction
    role: str                 # "shopper", "system" or a staff role (domain.actors.STAFF_ROLES)
    stage: OrderStatus
    refunded_so_far_fen: int  # every refund of the order created before this one, pending included
    amount_fen: int           # this refund
    watchlisted: bool = False
    goods_back: bool = False  # the goods come back to the warehouse before the money leaves
    # An after-sales case a shopper opened: the shop's refund rules (A6) may let it through.
    subject: RuleSubject | None = None

    @property
    def cumulative_fen(self) -> int:
        return self.refunded_so_far_fen + self.amount_fen


@dataclass(frozen=True)
class RefundDecision:
    verdict: Verdict
    reasons: tuple[str, ...] = ()  # why it is not automatic, in Chinese
    rule: RuleMatch | None = None  # the refund rule (A6) that made it automatic

    @property
    def automatic(self) -> bool:
        return self.verdict is Verdict.AUTOMATIC


def role_refund_limit(role: str, policy: Policy) -> int | None:
    """The most a staff role may have refunded on one order, cumulatively; None = no limit (administrators)."""
    return {"customer_service": policy.refund_limit_customer_service_fen,
            "supervisor": policy.refund_limit_supervisor_fen,
            "finance": policy.refund_limit_finance_fen,
            "admin": None}.get(role, 0)


def decide_refund(case: RefundCase, policy: Policy) -> RefundDecision:
    """For a shopper's after-sales case the shop's refund rules (A6) come first: a matching rule lets it
    through at any stage, never past the automatic ceiling, never for a flagged shopper."""
    total = case.cumulative_fen
    if case.subject is not None and case.role not in STAFF_ROLES and total <= policy.auto_refund_max_fen:
        rule = matching_rule(policy.after_sale_rules, case.subject, case.amount_fen, case.watchlisted)
        if rule is not None:
            return RefundDecision(Verdict.AUTOMATIC, rule=rule)
    if case.amount_fen <= 0:
        return RefundDecision(Verdict.AUTOMATIC)
    if case.role in STAFF_ROLES:
        limit = role_refund_limit(case.role, policy)
        if limit is not None and total > limit:
            return RefundDecision(Verdict.REVIEW, (
                f"本单累计退款 ¥{yuan(total)} 超出{STAFF_ROLES[case.role]}的退款权限（¥{yuan(limit)}），请交由主管或管理员处理",))
        if total >= policy.staff_cancel_recheck_fen:
            return RefundDecision(Verdict.PASSWORD, (
                f"本单累计退款 ¥{yuan(total)}，达到二次验证金额 ¥{yuan(policy.staff_cancel_recheck_fen)}",))
        return RefundDecision(Verdict.AUTOMATIC)
    reasons = []
    if case.stage not in UNSHIPPED and not case.goods_back:
        reasons.append("订单已发货")
    if total > policy.auto_refund_max_fen:
        reasons.append("退款金额超过自动审核上限")
    if case.watchlisted:
        reasons.append("顾客在重点监控名单")
    return RefundDecision(Verdict.REVIEW if reasons else Verdict.AUTOMATIC, tuple(reasons))


@dataclass(frozen=True)
class StaffRefundOutlook:
    """What a staff action's refund will meet, told before staff confirm (the refund and modify previews)."""
    allowed: bool             # False: over the role's limit
    password_required: bool   # the password is typed again
    refusal: str | None = None


def staff_refund_outlook(case: RefundCase, policy: Policy) -> StaffRefundOutlook:
    decision = decide_refund(case, policy)
    if decision.verdict is Verdict.REVIEW:
        return StaffRefundOutlook(False, False, decision.reasons[0])
    return StaffRefundOutlook(True, decision.verdict is Verdict.PASSWORD)


def check_staff_refund(case: RefundCase, policy: Policy) -> bool:
    """For a staff action: refused over the role's limit; True when the password must be typed again."""
    outlook = staff_refund_outlook(case, policy)
    if not outlook.allowed:
        raise DomainError(ErrorCode.REFUND_OVER_ROLE_LIMIT, outlook.refusal)
    return outlook.password_required
