"""Telling people (N1, N2): the shopper's message centre, WeChat subscribe messages, staff to-dos.

Every notice is an in-app `Message`. When it has a subscribe template and the shopper granted that
template (wx.requestSubscribeMessage; each grant allows one send), a `SubscribeMessage` row is
written in the same transaction and a job sends it after commit; without a grant the row is
'skipped' so the audit trail still says why nothing reached WeChat.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from ..adapters.wechat_errors import WeChatError
from ..db import Message, Order, OrderRequest, ReconciliationMismatch, Refund, Shopper, SubscribeMessage
from ..domain import clock
from ..domain.errors import DomainError, ErrorCode
from ..domain.money import yuan
from ..domain.notices import parts_remedy, refund_notice
from ..domain.refunds import NEEDS_FINANCE_STATES, expected_arrival
from ..extensions import db
from . import complaints, shipping
from .context import deps
from .uow import insert_now, transaction

logger = logging.getLogger("shop.notifications")

# Our template keys (N1) -> what the shopper is asked to allow in the mini-program.
TEMPLATES = {
    "cancel_result": "订单取消结果通知",
    "refund_succeeded": "退款成功通知",
    "refund_failed": "退款异常通知",
    "after_sale_result": "售后审核结果通知",
    "modify_result": "订单修改结果通知",
    "shipped": "订单发货通知",
}
SEND_RETRY_INTERVALS = [10, 60, 300]
GRANT_SPENT = "43101"  # WeChat: the shopper has no (more) grant for this template
THING_MAX = 20  # WeChat's limit for "thing" values


def template_id(key: str) -> str:
    """The WeChat template id configured for our key (WECHAT_SUBSCRIBE_TEMPLATES), sandbox id otherwise."""
    return (current_app.config.get("WECHAT_SUBSCRIBE_TEMPLATES") or {}).get(key) or f"sandbox-{key}"


def subscribe_templates() -> list[dict]:
    return [{"key": key, "title": title, "template_id": template_id(key)} for key, title in TEMPLATES.items()]


# ---- shopper messages -----------------------------------------------------------------------


def notify_shopper(shopper_id: int, kind: str, title: str, body: str, order_id: int | None = None,
                   template: str | None = None, data: dict | None = None, tx=None) -> Message:
    """Write the in-app message (and the subscribe message when granted) in `tx`, or in a new transaction."""
    if tx is None:
        with transaction() as own:
            return _notify(shopper_id, kind, title, body, order_id, template, data, own)
    return _notify(shopper_id, kind, title, body, order_id, template, data, tx)


def _notify(shopper_id, kind, title, body, order_id, template, data, tx) -> Message:
    # Written at once (one INSERT each, uow.insert_now), not left to the commit's flush.
    message = Message(shopper_id=shopper_id, kind=kind, title=title[:60], body=body[:500], order_id=order_id,
                      created_at=clock.now())
    if template is None:
        insert_now(message)
        return message
    outbox = _subscribe_message(shopper_id, template, title, body, order_id, data)
    insert_now(message, outbox)
    if outbox.status == "pending":
        outbox_id = outbox.id
        tx.after_commit(lambda: enqueue_send(outbox_id))
    return message


def _subscribe_message(shopper_id, template, title, body, order_id, data) -> SubscribeMessage:
    if template not in TEMPLATES:
        raise ValueError(f"unknown subscribe template {template!r}")
    shopper = db.session.get(Shopper, shopper_id)
    grants = dict(shopper.subscriptions or {})
    granted = grants.get(template, 0) > 0
    if granted:
        grants[template] -= 1  # a one-time grant is used up by this send
        shopper.subscriptions = grants
    # The order is usually in the session already (the caller just changed it): no statement then.
    order = db.session.get(Order, order_id) if order_id else None
    order_no = order.order_no if order else ""
    values = {"character_string1": order_no or "-", "thing2": title[:THING_MAX], "thing3": body[:THING_MAX],
              "time4": f"{clock.to_shanghai(clock.now()):%Y-%m-%d %H:%M}", **(data or {})}
    outbox = SubscribeMessage(shopper_id=shopper_id, template=template, data=values,
                              page=f"pages/order-detail/index?id={order_id}" if order_id else "pages/messages/index",
                              status="pending" if granted else "skipped", created_at=clock.now(),
                              last_error=None if granted else "顾客未授权该订阅消息")
    return outbox


def list_messages(shopper_id: int, page: int = 1, per_page: int = 20) -> tuple[list[Message], int, int]:
    """(messages newest first, total, unread)."""
    mine = Message.shopper_id == shopper_id
    total = db.session.scalar(select(func.count()).select_from(Message).where(mine))
    unread = db.session.scalar(select(func.count()).select_from(Message).where(mine, Message.read_at.is_(None)))
    rows = db.session.scalars(select(Message).where(mine).order_by(Message.created_at.desc(), Message.id.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return list(rows), total, unread


def mark_read(shopper_id: int, message_id: int) -> Message:
    with transaction():
        message = db.session.get(Message, message_id)
        if message is None or message.shopper_id != shopper_id:
            raise DomainError(ErrorCode.NOT_FOUND, "消息不存在")
        if message.read_at is None:
            message.read_at = clock.now()
    return message


def record_grants(shopper_id: int, templates: list[str]) -> dict:
    """The shopper allowed these templates in wx.requestSubscribeMessage: one more send each."""
    unknown = [t for t in templates if t not in TEMPLATES]
    if unknown or not templates:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "订阅消息模板不存在", {"templates": unknown or "请至少选择一个模板"})
    with transaction():
        shopper = db.session.get(Shopper, shopper_id)
        grants = dict(shopper.subscriptions or {})
        for key in templates:
            grants[key] = grants.get(key, 0) + 1
        shopper.subscriptions = grants
    return grants


# ---- the N1 events ----------------------------------------------------------------------------


def cancel_result(order: Order, approved: bool, notice: str, tx) -> None:
    """`notice` is the decision explained (domain.notices): why, what comes back, when."""
    title = "订单已取消" if approved else "取消申请未通过"
    notify_shopper(order.shopper_id, "cancel_result", title, notice, order.id, "cancel_result", tx=tx)


def cancel_alternative(order: Order, text: str, tx) -> None:
    body = f"关于订单 {order.order_no} 的取消申请，商家为您提供了替代方案：{text}"
    notify_shopper(order.shopper_id, "cancel_alternative", "商家提供了替代方案", body, order.id, "cancel_result", tx=tx)


def modify_result(order: Order, approved: bool, notice: str, tx, refund: Refund | None = None) -> None:
    """Approved: the order goes on with the new details (and the refund of a decrease is explained);
    rejected: `notice` explains why (domain.notices)."""
    if approved:
        body = f"您的订单 {order.order_no} 修改申请已通过，商家将按新信息发货。" + _refund_sentence(refund)
        notify_shopper(order.shopper_id, "modify_result", "修改申请已通过", body, order.id, "modify_result", tx=tx)
    else:
        notify_shopper(order.shopper_id, "modify_result", "修改申请未通过", notice, order.id, "modify_result", tx=tx)


def changed_by_merchant(order: Order, changes: dict, tx, refund: Refund | None = None) -> None:
    """M3: the merchant changed the shopper's order directly; say what changed, and what comes back."""
    labels = {"receiver_name": "收货人", "receiver_phone": "手机号", "province": "省份", "city": "城市",
              "district": "区县", "address_detail": "详细地址", "remark": "备注", "lines": "商品数量"}
    what = "、".join(dict.fromkeys(labels.get(name, name) for name in changes)) or "订单信息"
    body = f"商家修改了您的订单 {order.order_no}：{what}。{_refund_sentence(refund)}如有疑问请联系客服。"
    notify_shopper(order.shopper_id, "modify_result", "订单信息已由商家修改", body, order.id, "modify_result", tx=tx)


def after_sale_result(order: Order, approved: bool, reason: str, tx=None) -> None:
    """The decision on an after-sales case."""
    if approved:
        title, body = "售后申请已通过", f"您的订单 {order.order_no} 售后申请已通过，请按页面提示操作。"
    else:
        title, body = "售后申请未通过", f"您的订单 {order.order_no} 售后申请未通过：{reason}。"
    notify_shopper(order.shopper_id, "after_sale_result", title, body, order.id, "after_sale_result", tx=tx)


def order_shipped(order: Order, tx) -> None:
    body = f"您的订单 {order.order_no} 已发货，{order.carrier} {order.tracking_no}。"
    notify_shopper(order.shopper_id, "shipped", "商家已发货", body, order.id, "shipped",
                   data={"thing3": f"{order.carrier} {order.tracking_no}"[:THING_MAX]}, tx=tx)


def refund_started(refund: Refund) -> str:
    """What the shopper reads when a refund is created: amount, route, arrival and reason."""
    return f"退款 {remedy_of(refund)}。退款原因：{refund.reason}"


def remedy_of(refund: Refund) -> str:
    """Amount, route and arrival of a refund just created, of each part when it goes back by two routes (R9:
    services.refunds.create_refund hangs the parts on the row it returns)."""
    return parts_remedy([(p.amount_fen, p.method, expected_arrival(p.method, None))
                         for p in getattr(refund, "parts", None) or [refund]])


def _refund_sentence(refund: Refund | None) -> str:
    return f"{refund_started(refund)}。" if refund else ""


def refund_result(refund_id: int, succeeded: bool) -> None:
    """Called by the refund engine after a refund settled (success) or became abnormal (N1).

    The refund is already committed: a failure to write the notice is logged, never raised."""
    try:
        _refund_result(refund_id, succeeded)
    except Exception:  # noqa: BLE001 - the notice must not turn a settled refund into a failed job
        logger.exception("refund notice failed", extra={"fields": {"refund_id": refund_id}})


def _refund_result(refund_id: int, succeeded: bool) -> None:
    refund = db.session.get(Refund, refund_id)
    if refund is None:
        return
    order = db.session.get(Order, refund.order_id)
    amount = f"¥{yuan(refund.amount_fen)}"
    if succeeded:
        notice = refund_notice(refund.amount_fen, refund.method, expected_arrival(refund.method, refund.submitted_at),
                               refund.reason)
        body = f"订单 {order.order_no} 退款成功。{notice}"
        notify_shopper(order.shopper_id, "refund_succeeded", "退款成功", body, order.id, "refund_succeeded",
                       data={"thing3": f"退款 {amount}"})
    else:
        body = f"订单 {order.order_no} 的退款 {amount} 暂未成功，商家正在处理，如有疑问请联系客服。"
        notify_shopper(order.shopper_id, "refund_failed", "退款处理中遇到问题", body, order.id, "refund_failed",
                       data={"thing3": f"退款 {amount} 待处理"})


# ---- sending subscribe messages (the job's work) ------------------------------------------------


def enqueue_send(outbox_id: int) -> None:
    from rq import Retry

    deps().jobs.enqueue("shop.jobs.notification_tasks.send_subscribe_message", outbox_id,
                        job_id=f"subscribe-{outbox_id}",
                        retry=Retry(max=len(SEND_RETRY_INTERVALS), interval=SEND_RETRY_INTERVALS))


def resend_lost_subscribe_messages(older_than_seconds: int = 30, limit: int = 200) -> int:
    """Queue again the sends still pending a while after they were written (their job was lost,
    e.g. Redis was down at commit). The job id is the row's, so a send still queued is not doubled."""
    cutoff = clock.now() - timedelta(seconds=older_than_seconds)
    ids = list(db.session.scalars(select(SubscribeMessage.id).where(
        SubscribeMessage.status == "pending", SubscribeMessage.created_at <= cutoff).limit(limit)))
    for outbox_id in ids:
        enqueue_send(outbox_id)
    return len(ids)


def _grant_spent(outbox_id: int) -> str:
    """WeChat says the shopper holds no grant for this template (43101): our count was ahead of
    WeChat's, so it is set to none; the message is not sent again (the in-app message was written)."""
    with transaction():
        outbox = db.session.get(SubscribeMessage, outbox_id)
        outbox.status, outbox.last_error = "skipped", "顾客的订阅授权已用完（微信 43101），未发送"
        shopper = db.session.get(Shopper, outbox.shopper_id)
        shopper.subscriptions = {**(shopper.subscriptions or {}), outbox.template: 0}
    logger.info("subscribe grant spent", extra={"fields": {"id": outbox_id}})
    return "skipped"


class SubscribeSendFailed(Exception):
    """Raised by the job on a retryable WeChat failure so RQ's Retry tries again."""


def send_subscribe_message(outbox_id: int) -> str:
    """Send one outbox row through WeChat, outside any transaction. Returns its status afterwards."""
    with transaction():
        claimed = db.session.execute(
            update(SubscribeMessage).where(SubscribeMessage.id == outbox_id,
                                           SubscribeMessage.status.in_(["pending", "failed"]))
            .values(attempts=SubscribeMessage.attempts + 1).execution_options(synchronize_session=False)).rowcount
        outbox = db.session.get(SubscribeMessage, outbox_id, populate_existing=True)
        if not claimed:
            return outbox.status if outbox else "missing"
        openid = db.session.get(Shopper, outbox.shopper_id).openid
        args = dict(openid=openid, template_id=template_id(outbox.template), data=dict(outbox.data), page=outbox.page)
    try:
        deps().miniprogram.send_subscribe_message(**args)
    except WeChatError as exc:
        if exc.code == GRANT_SPENT:
            return _grant_spent(outbox_id)
        with transaction():
            db.session.execute(update(SubscribeMessage).where(SubscribeMessage.id == outbox_id)
                               .values(status="failed", last_error=f"{exc.code} {exc.message}"[:255]))
        logger.warning("subscribe message failed", extra={"fields": {"id": outbox_id, "code": exc.code}})
        if exc.retryable:
            raise SubscribeSendFailed(f"subscribe message {outbox_id}: {exc.code}") from exc
        return "failed"
    with transaction():
        db.session.execute(update(SubscribeMessage).where(SubscribeMessage.id == outbox_id)
                           .values(status="sent", sent_at=clock.now(), last_error=None))
    return "sent"


# ---- staff to-do list (N2) ------------------------------------------------------------------------


def staff_todo_counts() -> dict:
    pending = dict(db.session.execute(select(OrderRequest.kind, func.count()).where(OrderRequest.status == "pending")
                                      .group_by(OrderRequest.kind)).all())
    counts = {
        "cancel_requests": pending.get("cancel", 0),
        "modify_requests": pending.get("modify", 0),
        "after_sales": pending.get("after_sale", 0),
        # A3: cases nobody answered in time; already among after_sales, so not added to the total again.
        "escalated_after_sales": db.session.scalar(select(func.count()).select_from(OrderRequest).where(
            OrderRequest.kind == "after_sale", OrderRequest.status == "pending", OrderRequest.escalated_at.is_not(None))),
        # Ours out of retries, and WeChat's ABNORMAL / CLOSED not yet resolved by finance (W2).
        "abnormal_refunds": db.session.scalar(select(func.count()).select_from(Refund).where(
            Refund.status.in_([s.value for s in NEEDS_FINANCE_STATES]), Refund.replaced_by_id.is_(None))),
        "reconciliation_mismatches": db.session.scalar(select(func.count()).select_from(ReconciliationMismatch)
                                                       .where(ReconciliationMismatch.resolved.is_(False))),
        "shipping_upload_failures": shipping.failed_upload_count(),
        # W6: complaints waiting for a first reply; those alerted 4 h before a deadline are among them
        # or still to be completed, so only counted once.
        **complaints.todo_counts(),
    }
    counts["total"] = sum(n for key, n in counts.items() if key not in ("escalated_after_sales", "complaints_due_soon"))
    return counts
