"""WeChat's order-shipping service (小程序发货信息管理, W4/W5): every shipment is reported to WeChat.

A shipment writes a `ShippingUpload` row in its own transaction; after commit a job uploads it
(retried with back-off, and the sweeper queues rows whose job was lost). Failures reach the staff
to-do list. The platform facts (is the mini-program trade-managed, WeChat's carrier list) are read
from WeChat by jobs and the admin and kept in Redis, so requests never wait for WeChat.
"""
from __future__ import annotations

import json
import logging
from datetime import timedelta

from flask import g, has_request_context
from redis.exceptions import RedisError
from rq import Retry
from sqlalchemy import bindparam, func, select, update

from ..adapters.miniprogram import ShipmentUpload
from ..adapters.wechat_errors import WeChatError
from ..db import Order, Payment, Shopper, ShippingUpload
from ..domain import clock
from ..domain.actors import Actor
from ..domain.after_sales import validate_shipment
from ..domain.errors import DomainError, ErrorCode
from ..domain.orders import OrderStatus
from ..domain.shipping import (NOT_UPLOADABLE, RECEIPT_CONFIRMED_STATES, ShipmentKind, UploadStatus, carrier_code,
                               ensure_correctable, item_description, mask_phone)
from ..extensions import db
from . import events, ordering
from .context import deps
from .uow import read_connection, transaction

logger = logging.getLogger("shop.shipping")

UPLOAD_RETRY_INTERVALS = [10, 60, 300, 1800]
CARRIERS_KEY, CARRIERS_TTL = "shop:wechat:carriers", 24 * 3600
PLATFORM_KEY = "shop:wechat:platform"
# Where WeChat's shipping messages open the mini-program (set_msg_jump_path).
ORDER_PAGE = "pages/orders/detail/detail"


class ShippingUploadFailed(Exception):
    """Raised by the job on a retryable WeChat failure so RQ's Retry tries again."""


# ---- recording shipments (inside the shipment's transaction) --------------------------------------


def record_shipment(order: Order, kind: ShipmentKind, carrier: str, tracking_no: str, tx,
                    after_sale_id: int | None = None) -> None:
    """Queue the shipment for WeChat, in the caller's transaction; orders not paid through WeChat Pay
    have nothing to report."""
    if _wechat_payment(order.id) is None:
        return
    row = ShippingUpload(order_id=order.id, after_sale_id=after_sale_id, kind=kind.value, carrier=carrier,
                         tracking_no=tracking_no, status=UploadStatus.PENDING.value, created_at=clock.now())
    db.session.add(row)
    db.session.flush()
    upload_id = row.id
    tx.after_commit(lambda: enqueue_upload(upload_id))


# The order's WeChat payment, by the two numbers WeChat knows it by, read on the caller's connection
# (uow.read_connection: in the shopper's reading block an order page opens no transaction for it).
_WECHAT_PAYMENT = select(Payment.transaction_id, Payment.out_trade_no) \
    .where(Payment.order_id == bindparam("order_id"), Payment.transaction_id.is_not(None)) \
    .order_by(Payment.id.desc()).limit(1)


def _wechat_payment(order_id: int):
    """(transaction_id, out_trade_no) of the order's payment through WeChat Pay, or None."""
    return read_connection().execute(_WECHAT_PAYMENT, {"order_id": order_id}).first()


def correct_shipment(order_id: int, actor: Actor, carrier: str, tracking_no: str) -> Order:
    """Staff fix the carrier or tracking number before receipt; WeChat takes one such update."""
    carrier, tracking_no = validate_shipment(carrier, tracking_no)
    with transaction() as tx:
        order = ordering.get_order(order_id)
        if order.status != OrderStatus.SHIPPED.value or order.delivered_at is not None:
            raise DomainError(ErrorCode.ORDER_ACTION_NOT_ALLOWED, "只有待收货且未签收的订单可以修改发货信息")
        ensure_correctable(list(db.session.scalars(select(ShippingUpload.kind).where(
            ShippingUpload.order_id == order_id, ShippingUpload.status != UploadStatus.FAILED.value))))
        before = {"carrier": order.carrier, "tracking_no": order.tracking_no}
        order.carrier, order.tracking_no = carrier, tracking_no
        # An earlier upload not yet taken by WeChat must never overwrite the corrected one.
        db.session.execute(update(ShippingUpload).where(
            ShippingUpload.order_id == order_id,
            ShippingUpload.status.in_([UploadStatus.PENDING.value, UploadStatus.FAILED.value]))
            .values(status=UploadStatus.SKIPPED.value, last_error="已被修改后的发货信息取代")
            .execution_options(synchronize_session=False))
        events.record(order, "shipment_corrected", actor,
                      data={"before": before, "after": {"carrier": carrier, "tracking_no": tracking_no}})
        record_shipment(order, ShipmentKind.CORRECTION, carrier, tracking_no, tx)
    return order


def mark_delivered(order_id: int, actor: Actor) -> Order:
    """已签收: the parcel reached the shopper; WeChat is asked to remind them to confirm receipt."""
    with transaction() as tx:
        order = ordering.get_order(order_id)
        if order.status != OrderStatus.SHIPPED.value or order.delivered_at is not None:
            raise DomainError(ErrorCode.ORDER_ACTION_NOT_ALLOWED, "只有待收货且未签收的订单可以标记为已签收")
        order.delivered_at = clock.now()
        events.record(order, "delivered", actor)
        if _wechat_payment(order.id) is not None:
            tx.after_commit(lambda: deps().jobs.enqueue(
                "shop.jobs.shipping_tasks.remind_confirm_receipt", order_id, job_id=f"confirm-reminder-{order_id}",
                retry=Retry(max=len(UPLOAD_RETRY_INTERVALS), interval=UPLOAD_RETRY_INTERVALS)))
    return order


# ---- uploading (the job's work, outside any transaction) --------------------------------------------


def enqueue_upload(upload_id: int) -> None:
    deps().jobs.enqueue("shop.jobs.shipping_tasks.upload_shipment", upload_id, job_id=f"shipping-upload-{upload_id}",
                        retry=Retry(max=len(UPLOAD_RETRY_INTERVALS), interval=UPLOAD_RETRY_INTERVALS))


def resend_lost_uploads(older_than_seconds: int = 30, limit: int = 200) -> int:
    """Queue again the uploads still pending a while after they were written (their job was lost)."""
    cutoff = clock.now() - timedelta(seconds=older_than_seconds)
    ids = list(db.session.scalars(select(ShippingUpload.id).where(
        ShippingUpload.status == UploadStatus.PENDING.value, ShippingUpload.created_at <= cutoff).limit(limit)))
    for upload_id in ids:
        enqueue_upload(upload_id)
    return len(ids)


def upload_shipment(upload_id: int) -> str:
    """Send one outbox row to WeChat. Returns its status afterwards."""
    with transaction():
        claimed = db.session.execute(
            update(ShippingUpload).where(ShippingUpload.id == upload_id,
                                         ShippingUpload.status.in_([UploadStatus.PENDING.value, UploadStatus.FAILED.value]))
            .values(attempts=ShippingUpload.attempts + 1).execution_options(synchronize_session=False)).rowcount
        row = db.session.get(ShippingUpload, upload_id, populate_existing=True)
        if not claimed:
            return row.status if row else "missing"
        order = db.session.get(Order, row.order_id)
        payment = _wechat_payment(order.id)
        kind, carrier, tracking_no = ShipmentKind(row.kind), row.carrier, row.tracking_no
        args = dict(out_trade_no=payment.out_trade_no, transaction_id=payment.transaction_id,
                    openid=db.session.get(Shopper, order.shopper_id).openid, tracking_no=tracking_no,
                    item_desc=item_description([(line.product_name, line.quantity) for line in order.lines]),
                    receiver_contact=mask_phone(order.receiver_phone))
    try:
        code = carrier_code(carrier, carriers())
        if code is None:
            return _finish(upload_id, UploadStatus.FAILED, None, f"快递公司“{carrier}”不在微信物流公司列表中，请修改发货信息")
        deps().miniprogram.upload_shipping_info(ShipmentUpload(
            express_company=code, upload_time=clock.to_shanghai(clock.now()), **args))
    except WeChatError as exc:
        if kind is not ShipmentKind.ORDER and kind is not ShipmentKind.CORRECTION and exc.code in NOT_UPLOADABLE:
            return _finish(upload_id, UploadStatus.SKIPPED, None, NOT_UPLOADABLE[exc.code])
        _finish(upload_id, UploadStatus.FAILED, None, f"{exc.code} {exc.message}")
        logger.warning("shipping upload failed", extra={"fields": {"id": upload_id, "code": exc.code}})
        if exc.retryable:
            raise ShippingUploadFailed(f"shipping upload {upload_id}: {exc.code}") from exc
        return UploadStatus.FAILED.value
    return _finish(upload_id, UploadStatus.UPLOADED, code, None)


def _finish(upload_id: int, status: UploadStatus, code: str | None, error: str | None) -> str:
    values = {"status": status.value, "last_error": error[:255] if error else None}
    if code:
        values.update(express_company=code, uploaded_at=clock.now())
    with transaction():
        db.session.execute(update(ShippingUpload).where(ShippingUpload.id == upload_id).values(**values))
    return status.value


def remind_confirm_receipt(order_id: int) -> None:
    """notify_confirm_receive for an order staff marked delivered (retried by RQ on failure)."""
    order = db.session.get(Order, order_id)
    payment = _wechat_payment(order_id)
    delivered_at = order.delivered_at
    db.session.rollback()  # no transaction held open while WeChat answers
    deps().miniprogram.notify_confirm_receive(payment.transaction_id, delivered_at)


# ---- receipt confirmed inside WeChat (W5) ---------------------------------------------------------


def confirm_receipt(order_id: int, shopper_id: int) -> Order:
    """The shopper's 确认收货. When WeChat manages the shop's trades the shopper confirms in WeChat's own
    page first; the order completes only if WeChat says so. Otherwise it completes at once."""
    order = ordering.get_order(order_id, shopper_id)
    payment = _wechat_payment(order.id) if trade_managed() else None
    if payment is None:
        return ordering.confirm_receipt(order_id, shopper_id)
    transaction_id = payment.transaction_id
    db.session.rollback()
    try:
        state = deps().miniprogram.shipping_order_state(transaction_id)
    except WeChatError as exc:
        raise DomainError(ErrorCode.WECHAT_ERROR) from exc
    if state not in RECEIPT_CONFIRMED_STATES:
        raise DomainError(ErrorCode.RECEIPT_NOT_CONFIRMED_IN_WECHAT)
    return ordering.confirm_receipt(order_id, shopper_id)


def wechat_confirm_data(order: Order) -> dict | None:
    """The extraData wx.openBusinessView('weappOrderConfirm') needs for this order."""
    payment = _wechat_payment(order.id)
    if payment is None:
        return None
    return {"transaction_id": payment.transaction_id, "merchant_id": deps().miniprogram.settings.mch_id,
            "merchant_trade_no": payment.out_trade_no}


# ---- platform facts, cached in Redis ----------------------------------------------------------------


def check_platform() -> dict:
    """Ask WeChat whether it manages our trades and point its shipping messages at our order page.
    Run by the worker at start and every hour; the answer is kept for requests to read."""
    status = {"trade_managed": deps().miniprogram.is_trade_managed(), "checked_at": clock.now().isoformat()}
    deps().miniprogram.set_msg_jump_path(ORDER_PAGE)
    status["msg_jump_path"] = ORDER_PAGE
    try:
        deps().jobs.connection.set(PLATFORM_KEY, json.dumps(status))
    except RedisError:
        logger.warning("platform status not stored: Redis unavailable")
    deps().trade_managed_read.forget()
    return status


def platform_status() -> dict:
    """What WeChat said at the last check: trade_managed None when never checked (or Redis is down)."""
    try:
        raw = deps().jobs.connection.get(PLATFORM_KEY)
    except RedisError:
        raw = None
    status = json.loads(raw) if raw else {"trade_managed": None, "checked_at": None, "msg_jump_path": None}
    status["label"] = {True: "已开通：发货信息须上传微信，顾客在微信内确认收货", False: "未开通发货信息管理服务",
                       None: "尚未查询"}[status["trade_managed"]]
    return status


def trade_managed() -> bool:
    """Read once per request, and from Redis at most once a second per process (issue 13: the shopper's
    order list and page ask for every order; the status changes at the hourly check)."""
    if has_request_context():
        if "shop_trade_managed" not in g:
            g.shop_trade_managed = deps().trade_managed_read.get(lambda: bool(platform_status()["trade_managed"]))
        return g.shop_trade_managed
    return bool(platform_status()["trade_managed"])


def carriers() -> list[dict]:
    """WeChat's carriers [{code, name}], cached in Redis for a day."""
    connection = deps().jobs.connection
    try:
        cached = connection.get(CARRIERS_KEY)
    except RedisError:
        cached = None
    if cached:
        return json.loads(cached)
    found = deps().miniprogram.delivery_list()
    try:
        connection.set(CARRIERS_KEY, json.dumps(found, ensure_ascii=False), ex=CARRIERS_TTL)
    except RedisError:
        pass
    return found


def carrier_choices() -> list[dict]:
    """For the admin's ship dialog; a WeChat failure is a clear error, not a 500."""
    try:
        return carriers()
    except WeChatError as exc:
        raise DomainError(ErrorCode.WECHAT_ERROR, "暂时无法获取微信物流公司列表，请稍后重试") from exc


# ---- what staff see --------------------------------------------------------------------------------


def uploads_json(order_id: int) -> list[dict]:
    rows = db.session.scalars(select(ShippingUpload).where(ShippingUpload.order_id == order_id)
                              .order_by(ShippingUpload.id))
    return [{"id": r.id, "kind": r.kind, "kind_label": ShipmentKind(r.kind).label, "carrier": r.carrier,
             "tracking_no": r.tracking_no, "express_company": r.express_company, "status": r.status,
             "status_label": UploadStatus(r.status).label, "attempts": r.attempts, "last_error": r.last_error,
             "created_at": r.created_at, "uploaded_at": r.uploaded_at} for r in rows]


def failed_upload_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ShippingUpload)
                             .where(ShippingUpload.status == UploadStatus.FAILED.value))
