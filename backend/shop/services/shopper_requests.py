"""The shopper's side of their own requests (A7, C4): withdraw a pending cancel, modification or after-sales
request before staff decide it; accept or decline an alternative staff offered instead of cancelling.

Accepting ends the cancel request and applies the alternative (the order ships faster, or with the replacement
SKU at the price paid); declining sends the request back to staff, who decide it as before.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from ..db import AfterSale, Order, OrderLine, OrderRequest, Sku
from ..domain import clock
from ..domain.actors import Actor
from ..domain.after_sales import CaseStatus
from ..domain.cancellation import ensure_shopper_request_action
from ..domain.errors import DomainError, ErrorCode
from ..extensions import db
from . import events, inventory, inventory_sync
from .context import deps
from .uow import transaction

SHOPPER_DECIDER = "顾客"


def _own_request(request_id: int, shopper_id: int) -> OrderRequest:
    request = db.session.get(OrderRequest, request_id)
    if request is None or request.shopper_id != shopper_id:
        raise DomainError(ErrorCode.REQUEST_NOT_FOUND)
    return request


def _end_request(request: OrderRequest, reason: str) -> None:
    """Close the pending request as withdrawn, once, even against a staff decision at the same moment."""
    ended = db.session.execute(
        update(OrderRequest).where(OrderRequest.id == request.id, OrderRequest.status == "pending")
        .values(status="withdrawn", decided_by_name=SHOPPER_DECIDER, decision_reason=reason, decided_at=clock.now())
        .execution_options(synchronize_session=False)).rowcount
    if ended != 1:
        raise DomainError(ErrorCode.REQUEST_ALREADY_DECIDED, "申请已处理，无法再撤回或答复")
    db.session.refresh(request)


def withdraw(request_id: int, shopper_id: int) -> OrderRequest:
    """The shopper takes back a request staff have not decided: the order goes on as it was."""
    with transaction():
        request = _own_request(request_id, shopper_id)
        ensure_shopper_request_action(request.status, request.kind, request.alternative, "withdraw")
        _end_request(request, "顾客撤回申请")
        if request.kind == "after_sale":
            case = db.session.scalar(select(AfterSale).where(AfterSale.request_id == request.id))
            case.status, case.deadline_at = CaseStatus.WITHDRAWN.value, None
        events.record(db.session.get(Order, request.order_id), "request_withdrawn", Actor.shopper(shopper_id),
                      data={"request_id": request.id, "kind": request.kind})
    return request


def withdraw_after_sale(case_id: int, shopper_id: int) -> OrderRequest:
    case = db.session.get(AfterSale, case_id)
    if case is None or case.shopper_id != shopper_id:
        raise DomainError(ErrorCode.AFTER_SALE_NOT_FOUND)
    return withdraw(case.request_id, shopper_id)


def accept_alternative(request_id: int, shopper_id: int) -> OrderRequest:
    """C4 accepted: the cancel request ends and the order goes on with what staff offered."""
    actor = Actor.shopper(shopper_id)
    with transaction():
        request = _own_request(request_id, shopper_id)
        ensure_shopper_request_action(request.status, request.kind, request.alternative, "accept_alternative")
        _end_request(request, "顾客接受替代方案")
        order = db.session.get(Order, request.order_id)
        offer = dict(request.alternative)
        changes = _apply_alternative(order, offer, request.id)
        request.alternative = {**offer, "answer": "accepted", "answered_at": clock.now().isoformat()}
        events.record(order, "alternative_accepted", actor, reason=offer["text"],
                      data={"request_id": request.id, "changes": changes})
        if changes:
            inventory_sync.record_order_change(order, changes, actor.name)
    return request


def decline_alternative(request_id: int, shopper_id: int) -> OrderRequest:
    """C4 declined: the cancel request goes back to staff, with a fresh reply time."""
    with transaction():
        request = _own_request(request_id, shopper_id)
        ensure_shopper_request_action(request.status, request.kind, request.alternative, "decline_alternative")
        request.alternative = {**request.alternative, "answer": "declined", "answered_at": clock.now().isoformat()}
        request.due_at = clock.now() + timedelta(hours=deps().policy.after_sale_reply_hours)
        events.record(db.session.get(Order, request.order_id), "alternative_declined", Actor.shopper(shopper_id),
                      reason=request.alternative["text"], data={"request_id": request.id})
    return request


def _apply_alternative(order: Order, offer: dict, request_id: int) -> dict:
    """What accepting changes on the order (as an order event records it)."""
    if offer["kind"] == "faster_shipping":
        order.expedited_at = clock.now()
        return {"expedited": {"before": False, "after": True}}
    if offer["kind"] == "replacement_sku":
        return _replace_sku(order, offer["sku_id"], request_id)
    return {}


def _replace_sku(order: Order, sku_id: int, request_id: int) -> dict:
    """The replacement takes the place of the line of the same product (or the order's only line), at the price
    paid: its stock is taken, the old SKU's units go back once."""
    sku = db.session.get(Sku, sku_id)
    line = _line_to_replace(order, sku)
    units = line.quantity - line.refunded_quantity
    inventory.reserve(sku.id, units, order_id=order.id, line_id=line.id)
    inventory.restore_once(line, units, "release", f"alternative:{request_id}:{line.id}", "顾客接受更换商品")
    before = f"{line.product_name} {line.sku_name}"
    line.sku_id, line.product_id, line.product_name, line.sku_name = sku.id, sku.product_id, sku.product.name, sku.name
    line.image = sku.product.image
    return {"lines": [{"line_id": line.id, "before": before, "after": f"{sku.product.name} {sku.name}"}]}


def _line_to_replace(order: Order, sku: Sku | None) -> OrderLine:
    if sku is None:
        raise DomainError(ErrorCode.SKU_NOT_FOUND, "替换的商品规格不存在，请联系客服")
    lines = [line for line in order.lines if line.quantity > line.refunded_quantity]
    same_product = [line for line in lines if line.product_id == sku.product_id]
    candidates = same_product or lines
    if len(candidates) != 1:
        raise DomainError(ErrorCode.ORDER_ACTION_NOT_ALLOWED, "无法确定要更换的商品，请联系客服处理")
    return candidates[0]
