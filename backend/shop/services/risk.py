"""Risk control (K1): per-shopper metrics, the watchlist, and staff's flag / unflag / allow-list."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from ..db import Order, Refund, Shopper
from ..domain import clock
from ..domain.actors import Actor
from ..domain.errors import DomainError, ErrorCode
from ..domain.permissions import is_allowed
from ..domain.risk import (OrderRefundTimes, RiskMetrics, WatchState, bulk_refund_groups, is_watchlisted as
                           _is_watchlisted, risk_reasons, should_flag_automatically, staff_risk_actions)
from ..extensions import db
from .auth import revoke_tokens
from .context import deps
from .uow import transaction


def _shopper(shopper_id: int) -> Shopper:
    shopper = db.session.get(Shopper, shopper_id)
    if shopper is None:
        raise DomainError(ErrorCode.SHOPPER_NOT_FOUND)
    return shopper


def compute_metrics(shopper_id: int) -> RiskMetrics:
    policy = deps().policy
    since = clock.now() - timedelta(days=policy.risk_window_days)
    mine = Order.shopper_id == shopper_id
    orders = db.session.scalar(select(func.count()).where(mine, Order.paid_at >= since))
    refund_rows = db.session.execute(
        select(Order.id, Order.created_at, func.min(Refund.created_at), func.count(Refund.id))
        .join(Refund, Refund.order_id == Order.id)
        .where(mine, Refund.created_at >= since).group_by(Order.id, Order.created_at)).all()
    cancels = db.session.scalar(select(func.count()).where(mine, Order.cancelled_at >= since))
    # Closed at or after its payment deadline, never paid: stock held for nothing (no hoarding).
    unpaid_closed = db.session.scalar(select(func.count()).where(
        mine, Order.cancelled_at >= since, Order.paid_at.is_(None), Order.cancelled_at >= Order.pay_deadline))
    addresses = db.session.scalar(select(func.count()).select_from(
        select(Order.province, Order.city, Order.district, Order.address_detail).distinct()
        .where(mine, Order.created_at >= since).subquery()))
    groups = bulk_refund_groups([OrderRefundTimes(placed, refunded) for _, placed, refunded, _ in refund_rows],
                                policy.risk_bulk_orders, timedelta(minutes=policy.risk_bulk_window_minutes))
    return RiskMetrics(window_days=policy.risk_window_days, orders=orders,
                       refunds=sum(n for *_, n in refund_rows), refunded_orders=len(refund_rows),
                       cancels=cancels, addresses=addresses, bulk_refund_groups=groups, unpaid_closed=unpaid_closed)


def metrics(shopper_id: int) -> dict:
    _shopper(shopper_id)
    return compute_metrics(shopper_id).as_dict()


def is_watchlisted(shopper_id: int) -> bool:
    shopper = db.session.get(Shopper, shopper_id)
    return shopper is not None and _is_watchlisted(WatchState(shopper.risk_flagged, shopper.risk_allow_listed))


def evaluate(shopper_id: int) -> list[str]:
    """Flag the shopper when a threshold is crossed; returns the reasons found (empty = fine).

    Never flags an allow-listed shopper, and never unflags: only staff take someone off the list.
    """
    measured = compute_metrics(shopper_id)
    reasons = risk_reasons(measured, deps().policy)
    with transaction():
        shopper = _shopper(shopper_id)
        if should_flag_automatically(WatchState(shopper.risk_flagged, shopper.risk_allow_listed), reasons):
            shopper.risk_flagged = True
            shopper.risk_reasons = [{"reason": r, "by": "系统", "at": clock.now().isoformat()} for r in reasons]
    return reasons


def _required_reason(reason: str | None, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ErrorCode.VALIDATION_ERROR, message, {"reason": "必填"})
    return reason[:200]


def flag(shopper_id: int, actor: Actor, reason: str) -> Shopper:
    reason = _required_reason(reason, "请填写加入监控名单的原因")
    with transaction():
        shopper = _shopper(shopper_id)
        shopper.risk_flagged = True
        shopper.risk_allow_listed = False
        shopper.risk_reasons = [*(shopper.risk_reasons or []),
                                {"reason": reason, "by": actor.name, "at": clock.now().isoformat()}]
    return shopper


def unflag(shopper_id: int, actor: Actor) -> Shopper:
    with transaction():
        shopper = _shopper(shopper_id)
        shopper.risk_flagged = False
        shopper.risk_reasons = []
    return shopper


def allow_list(shopper_id: int, actor: Actor) -> Shopper:
    """Trusted shopper (白名单): taken off the watchlist and never flagged automatically again."""
    with transaction():
        shopper = _shopper(shopper_id)
        shopper.risk_allow_listed = True
        shopper.risk_flagged = False
        shopper.risk_reasons = []
    return shopper


def ban(shopper_id: int, actor: Actor, reason: str) -> Shopper:
    """Staff ban a shopper: login refused, every token issued so far stops working at once."""
    reason = _required_reason(reason, "请填写封禁原因")
    with transaction():
        shopper = _shopper(shopper_id)
        shopper.banned = True
        shopper.ban_reason = reason
        revoke_tokens(shopper)
    return shopper


def unban(shopper_id: int, actor: Actor) -> Shopper:
    with transaction():
        shopper = _shopper(shopper_id)
        shopper.banned = False
        shopper.ban_reason = ""
    return shopper


def shopper_json(shopper: Shopper, with_metrics: bool = True, staff_role: str | None = None) -> dict:
    body = {"id": shopper.id, "nickname": shopper.nickname, "phone": shopper.phone,
            "risk_flagged": shopper.risk_flagged, "risk_allow_listed": shopper.risk_allow_listed,
            "risk_reasons": shopper.risk_reasons or [], "banned": shopper.banned, "ban_reason": shopper.ban_reason,
            "actions": staff_risk_actions(WatchState(shopper.risk_flagged, shopper.risk_allow_listed),
                                          shopper.banned, bool(staff_role) and is_allowed(staff_role, "risk.manage"))}
    if with_metrics:
        body["metrics"] = compute_metrics(shopper.id).as_dict()
    return body


def list_shoppers(flagged_only: bool = True, page: int = 1, per_page: int = 20,
                  staff_role: str | None = None) -> tuple[list[dict], int]:
    query = select(Shopper)
    if flagged_only:
        query = query.where(Shopper.risk_flagged.is_(True) | Shopper.banned.is_(True))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(Shopper.id.desc()).limit(per_page).offset((page - 1) * per_page)).all()
    return [shopper_json(s, staff_role=staff_role) for s in rows], total


def recently_active_shoppers(minutes: int = 15) -> list[int]:
    """Shoppers with a refund or a cancel in the last minutes: the periodic evaluation's input."""
    since = clock.now() - timedelta(minutes=minutes)
    refunded = select(Order.shopper_id).join(Refund, Refund.order_id == Order.id).where(Refund.created_at >= since)
    cancelled = select(Order.shopper_id).where(Order.cancelled_at >= since)
    return sorted(set(db.session.scalars(refunded)) | set(db.session.scalars(cancelled)))
