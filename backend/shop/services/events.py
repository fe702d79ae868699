"""The order's history. One function per kind of event; the timeline is read from these rows."""
from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.orm.attributes import set_committed_value

from ..db import Order, OrderEvent
from ..domain import clock
from ..domain.actors import Actor
from ..extensions import db
from . import uow

# kind -> (label shown in the timeline, visible to the shopper)
EVENT_KINDS = {
    "placed": ("订单已提交", True),
    "payment_requested": ("发起支付", False),
    "paid": ("支付成功", True),
    "accepted": ("商家已受理", True),
    "shipped": ("商家已发货", True),
    "received": ("已确认收货", True),
    "auto_received": ("系统自动确认收货", True),
    "closed_unpaid": ("超时未支付，订单已关闭", True),
    "cancelled": ("订单已取消", True),
    "cancel_requested": ("申请取消订单", True),
    "cancel_approved": ("取消申请已同意", True),
    "cancel_rejected": ("取消申请被拒绝", True),
    "alternative_offered": ("商家提供了替代方案", True),
    "decision_notice": ("处理结果说明", True),
    "request_withdrawn": ("顾客撤回了申请", True),
    "alternative_accepted": ("顾客接受了替代方案", True),
    "alternative_declined": ("顾客未接受替代方案，等待商家处理", True),
    "modified": ("订单信息已修改", True),
    "modify_requested": ("申请修改订单", True),
    "modify_approved": ("修改申请已同意", True),
    "modify_rejected": ("修改申请被拒绝", True),
    "deleted": ("订单已删除", False),
    "refund_created": ("已发起退款", True),
    "refund_succeeded": ("退款成功", True),
    "refund_failed": ("退款失败，正在重试", False),
    "refund_abnormal": ("退款异常，等待财务处理", False),
    "refund_retried": ("财务重新发起退款", False),
    "refund_wechat_abnormal": ("微信退款异常（如收款银行卡已注销），商家正在处理", True),
    "refund_closed": ("微信退款已关闭，商家将重新处理", True),
    "refund_rerouted": ("商家已将退款改退至银行卡", True),
    "refund_replaced": ("商家已重新发起退款", True),
    "late_payment_refund": ("订单已关闭后收到付款，已自动退款", True),
    "after_sale_requested": ("申请售后", True),
    "after_sale_approved": ("售后申请已同意", True),
    "after_sale_rejected": ("售后申请被拒绝", True),
    "after_sale_returned": ("已寄回商品", True),
    "after_sale_received": ("商家已收到退货", True),
    "after_sale_escalated": ("售后申请超时未处理，已升级", False),
    "after_sale_completed": ("售后已完成", True),
    "after_sale_proposed": ("商家发起售后协商", True),
    "after_sale_proposal_answered": ("顾客回应了售后协商", True),
    "after_sale_evidence": ("顾客补充了售后凭证", True),
    "after_sale_closed": ("超时未寄回商品，售后已关闭", True),
    "after_sale_receipt_overdue": ("商家超时未确认收货，已升级", False),
    "feedback": ("提交了取消反馈", False),
    "after_sale_replacement_shipped": ("换货商品已发出", True),
    "after_sale_repair_shipped": ("维修完成，商品已寄回", True),
    "compensation_coupon": ("商家发放了补偿优惠券", True),
    "note": ("备注", False),
    "shipment_corrected": ("商家修改了发货信息", True),
    "delivered": ("快递已签收", True),
}


def label_of(kind: str) -> str:
    return EVENT_KINDS.get(kind, (kind, False))[0]


def record(order: Order, kind: str, actor: Actor, *, from_status: str | None = None,
           to_status: str | None = None, reason: str = "", data: dict | None = None,
           at_once: bool = False) -> OrderEvent:
    """`at_once`: written now (uow.insert_now) instead of with the next flush, for a write with nothing else
    left to flush (a new order), in one INSERT with the events still waiting for a flush (an unpaid cancel's
    own event: transition(claim=True)); when other new rows wait for a flush anyway, it waits with them, so
    that one flush writes them all."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown order event kind {kind!r}")
    event = OrderEvent(
        order_id=order.id, kind=kind, actor_type=actor.kind, actor_id=actor.id,
        actor_name=actor.name, actor_role=actor.role, actor_ip=actor.ip,
        from_status=from_status, to_status=to_status, reason=reason or "", data=data or {},
        visible_to_shopper=EVENT_KINDS[kind][1], created_at=clock.now(),
    )
    earlier = _events_waiting() if at_once else None
    if earlier is not None:
        uow.insert_now(*earlier, event)
    else:
        db.session.add(event)
    if "events" not in inspect(order).unloaded:  # the order's timeline is in memory: it shows this event too
        set_committed_value(order, "events", [*order.events, event])
    return event


def _events_waiting() -> list[OrderEvent] | None:
    """The new rows waiting for a flush when they are all events (perhaps none), in the order they were recorded,
    as a flush would write them (their ids keep the timeline's order); None when other rows wait too."""
    waiting = db.session.new
    if not all(isinstance(obj, OrderEvent) for obj in waiting):
        return None
    return sorted(waiting, key=lambda obj: inspect(obj).insert_order)


def transition(order: Order, kind: str, actor: Actor, to_status: str, *, reason: str = "",
               data: dict | None = None, at_once: bool = False, claim: bool = False) -> OrderEvent:
    """Change the order's status and write the event, in the caller's transaction. `at_once`: the order's
    change is written first (uow.update_now: the versioned UPDATE that claims it), then the event is written
    at once (see `record`). `claim`: the order's change is written at once, and the event waits for the next
    event written at once (one INSERT writes both) or for the flush."""
    from_status = order.status
    order.status = to_status
    if at_once or claim:
        uow.update_now(order)
    return record(order, kind, actor, from_status=from_status, to_status=to_status, reason=reason, data=data,
                  at_once=at_once)


def timeline(order: Order, for_shopper: bool) -> list[dict]:
    rows = [e for e in order.events if e.visible_to_shopper or not for_shopper]
    return [
        {
            "id": e.id,
            "kind": e.kind,
            "label": label_of(e.kind),
            "at": e.created_at,
            "actor_type": e.actor_type,
            "actor_name": e.actor_name if not for_shopper or e.actor_type != "staff" else "商家",
            "actor_role": "" if for_shopper else e.actor_role,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "reason": e.reason,
            "data": {k: v for k, v in (e.data or {}).items() if not for_shopper or k in SHOPPER_VISIBLE_DATA},
        }
        for e in rows
    ]


# The timeline entries about the parcel, and the parcel's state after each (the shopper's 物流 page).
LOGISTICS_STATES = {
    "shipped": "运输中", "shipment_corrected": "运输中", "delivered": "已签收",
    "received": "已确认收货", "auto_received": "已确认收货",
}


def logistics(order: Order, timeline: list[dict]) -> dict | None:
    """The order's parcel: carrier, tracking number, its state and its events in time order; None before shipping."""
    if not order.tracking_no:
        return None
    entries = [entry for entry in timeline if entry["kind"] in LOGISTICS_STATES]
    return {"carrier": order.carrier, "tracking_no": order.tracking_no, "shipped_at": order.shipped_at,
            "status_label": LOGISTICS_STATES[entries[-1]["kind"]] if entries else LOGISTICS_STATES["shipped"],
            "events": entries}


SHOPPER_VISIBLE_DATA = {"carrier", "tracking_no", "amount_fen", "refund_id", "expected_arrival", "changes", "notice"}
