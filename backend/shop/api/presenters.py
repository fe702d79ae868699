"""Orders as JSON for a given viewer. Rules are not decided here: actions come from the domain."""
from __future__ import annotations

from ..db import Order, Refund
from ..domain.after_sales import AfterSaleType, CaseStatus
from ..domain.balance import payment_split
from ..domain.cancellation import cancel_refund, shopper_request_actions
from ..domain.clock import to_shanghai
from ..domain.labels import shopper_buttons
from ..domain.notices import refund_notice
from ..domain.modification import what_is_modifiable
from ..domain.orders import ORDER_STATUS_OF, REFUND_STATUS_OF
from ..domain.refunds import METHOD_LABELS, expected_arrival, refund_status_label
from ..services import events
from ..services.deletion import DELETE_WARNING
from ..services.reviews import KIND_LABELS, STATUS_LABELS



def line_json(line) -> dict:
    return {
        "id": line.id, "sku_id": line.sku_id, "product_id": line.product_id, "product_name": line.product_name,
        "sku_name": line.sku_name, "image": line.image, "unit_price_fen": line.unit_price_fen,
        "quantity": line.quantity, "goods_fen": line.goods_fen, "discount_fen": line.discount_fen,
        "payable_fen": line.payable_fen, "refunded_quantity": line.refunded_quantity,
        "refunded_fen": line.refunded_fen,
    }


def refund_json(refund: Refund) -> dict:
    return {
        "id": refund.id, "order_id": refund.order_id, "out_refund_no": refund.out_refund_no,
        "amount_fen": refund.amount_fen, "method": refund.method,
        "method_label": METHOD_LABELS.get(refund.method, refund.method), "status": refund.status,
        "status_label": refund_status_label(refund.status, refund.replaced_by_id is not None),
        "reason": refund.reason, "source": refund.source,
        "created_at": refund.created_at, "succeeded_at": refund.succeeded_at,
        "expected_arrival": expected_arrival(refund.method, refund.submitted_at, refund.status),
        "notice": refund_notice(refund.amount_fen, refund.method,
                                expected_arrival(refund.method, refund.submitted_at, refund.status), refund.reason),
    }


def order_summary(order: Order, actions: list[str], *, for_shopper: bool = False) -> dict:
    body = {
        "id": order.id, "order_no": order.order_no, "status": order.status,
        "status_label": ORDER_STATUS_OF[order.status].label, "refund_status": order.refund_status,
        "refund_status_label": REFUND_STATUS_OF[order.refund_status].label, "total_fen": order.total_fen,
        "paid_fen": order.paid_fen, "refunded_fen": order.refunded_fen,
        "item_count": sum(line.quantity for line in order.lines),
        "items": [line_json(line) for line in order.lines], "created_at": order.created_at, "actions": actions,
    }
    if for_shopper:  # the mini-program draws these; staff read their labels from GET /api/admin/meta
        body["buttons"] = shopper_buttons(actions)
    return body


def shopper_order_summaries(orders_and_actions) -> list[dict]:
    """The shopper's list rows (order_summary for_shopper) of a page of (order, actions): the buttons built once per
    distinct set of actions on the page, which has only a few (issue 13: a third of the rows' CPU)."""
    buttons: dict[tuple[str, ...], list[dict]] = {}
    rows = []
    for order, actions in orders_and_actions:
        body = order_summary(order, actions)
        key = tuple(actions)
        if key not in buttons:
            buttons[key] = shopper_buttons(actions)
        body["buttons"] = buttons[key]
        rows.append(body)
    return rows


def order_detail(order: Order, actions: list[str], *, for_shopper: bool) -> dict:
    """The order page, from an order loaded with `queries.VIEW_OPTIONS` (no further statement)."""
    body = order_summary(order, actions, for_shopper=for_shopper)
    for name in ("goods_fen", "discount_fen", "shipping_fen", "receiver_name", "receiver_phone", "province", "city",
                 "district", "address_detail", "remark", "carrier", "tracking_no", "cancel_reason_code",
                 "cancel_reason_text", "pay_deadline", "paid_at", "accepted_at", "shipped_at", "completed_at",
                 "cancelled_at", "expedited_at"):
        body[name] = getattr(order, name)
    body["timeline"] = events.timeline(order, for_shopper=for_shopper)
    body["logistics"] = events.logistics(order, body["timeline"])
    body["refunds"] = [refund_json(r) for r in order.refunds]
    body["balance_paid_fen"], body["wechat_paid_fen"] = order.balance_paid_fen, order.wechat_paid_fen
    body["payment_split"] = payment_split(order.balance_paid_fen, order.wechat_paid_fen,
                                          [(r.method, r.amount_fen, r.replaced_by_id is not None) for r in order.refunds])
    pending = order.pending_request
    body["open_request"] = open_request_json(order, for_shopper) if pending else None
    body["modifiable"] = what_is_modifiable(order.facts(open_request_kind=pending.kind if pending else None))
    feedback = order.feedback
    body["feedback"] = {"rating": feedback.rating, "text": feedback.text,
                        "created_at": _iso(feedback.created_at)} if feedback else None
    body["delete_warning"] = DELETE_WARNING if "delete" in actions else None
    body["decision"] = latest_decision(body["timeline"])
    body["after_sales"] = [{"id": c.id, "type": c.type, "type_label": AfterSaleType(c.type).label,
                            "status": c.status, "status_label": CaseStatus(c.status).label}
                           for c in order.after_sales]
    return body


def latest_decision(timeline: list[dict]) -> dict | None:
    """The merchant's last decision explained (a cancel, a rejection: why, what comes back, when), from the
    timeline entries that carry a notice."""
    entry = next((e for e in reversed(timeline) if e["data"].get("notice")), None)
    return {"kind": entry["kind"], "label": entry["label"], "text": entry["data"]["notice"], "at": _iso(entry["at"])} \
        if entry else None


def _iso(moment) -> str | None:
    return to_shanghai(moment).isoformat() if moment else None


def open_request_json(order: Order, for_shopper: bool) -> dict:
    """The order's pending request as the order page shows it (staff also see who offered what)."""
    request = order.pending_request
    alternative = request.alternative or None
    body = {
        "id": request.id, "kind": request.kind, "kind_label": KIND_LABELS.get(request.kind, request.kind),
        "status": request.status, "status_label": STATUS_LABELS.get(request.status, request.status),
        "reason_code": request.reason_code, "reason_label": (request.payload or {}).get("reason_label", ""),
        "reason_text": request.reason_text, "changes": (request.payload or {}).get("before_after"),
        "alternative": {"kind": alternative["kind"], "text": alternative["text"], "answer": alternative.get("answer")}
        if alternative and for_shopper else alternative,
        "created_at": _iso(request.created_at),
        # the shopper's buttons on their request (withdraw; accept/decline a staff alternative)
        "actions": shopper_request_actions(request.status, request.kind, alternative) if for_shopper else [],
    }
    if for_shopper:
        body["buttons"] = shopper_buttons(body["actions"], offer=body["alternative"]["text"] if alternative else "")
    if request.kind == "after_sale":
        body["after_sale_id"] = next((c.id for c in order.after_sales if c.request_id == request.id), None)
    if not for_shopper:
        body["due_at"] = _iso(request.due_at)
        # what approving a cancel request refunds, shown in the order page's confirmation
        body["refund_fen"] = cancel_refund(order.facts(), "system").amount_fen if request.kind == "cancel" else None
    return body
