"""Staff decide shoppers' requests (C2 review, C4, M3): cancel and modification requests here,
after-sales cases handed to the after-sales service.

Each decision first claims the request with `UPDATE ... WHERE status = 'pending'`, so two staff
clicking at once cannot both act on it.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, inspect, select, update
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from ..db import AfterSale, Order, OrderLine, OrderRequest, Refund, Sku
from ..domain import clock
from ..domain.actors import Actor
from ..domain.after_sales import TYPE_LABELS, AfterSaleType, CaseStatus
from ..domain.balance import original_route_parts
from ..domain.cancellation import CancelReason, cancel_refund, check_decision_reason, describe_alternative
from ..domain.errors import DomainError, ErrorCode
from ..domain.labels import REFUND_ROUTE_LABELS, approve_confirmation
from ..domain.modification import is_paid
from ..domain.notices import rejection_notice
from ..domain.orders import OrderStatus, may_decide_request, request_actions
from ..domain.refund_policy import Verdict, check_staff_refund, decide_refund
from ..extensions import db
from . import after_sales, events, modification, notifications
from .cancellation import cancel_order
from .context import deps
from .staff_auth import recheck_password
from .uow import transaction

KIND_LABELS = {"cancel": "取消申请", "modify": "修改申请", "after_sale": "售后申请"}
STATUS_LABELS = {"pending": "待处理", "approved": "已同意", "rejected": "已拒绝", "withdrawn": "已撤回"}
WHAT_NEXT_AFTER_REJECTION = {"cancel": "订单将继续为您发货，如有疑问请联系客服。",
                             "modify": "订单保持原来的信息，如需修改请联系客服。"}


def approve_refusal(request: OrderRequest, order: Order, staff_role: str) -> str | None:
    """Why `staff_role` may not approve this request though the role decides its kind: the cancel's refund
    is over the role's limit (R12). From the order's own columns, no statement."""
    if request.kind != "cancel" or request.status != "pending" or not may_decide_request("cancel", "approve", staff_role):
        return None
    decision = decide_refund(cancel_refund(order.facts(), staff_role), deps().policy)
    return decision.reasons[0] if decision.verdict is Verdict.REVIEW else None


def staff_view(request: OrderRequest, order: Order, staff_role: str) -> dict:
    """What the staff member may do on the request's row now (`actions`), and why 同意 is missing if it is."""
    refusal = approve_refusal(request, order, staff_role)
    return {"actions": request_actions(request.kind, request.status, staff_role, refusal is None),
            "approve_refusal": refusal}


@dataclass(frozen=True)
class RowMoney:
    """What a request row's refund needs beside the request and its order, read with the list's page: the
    after-sales case's type and agreed amount, and the order's WeChat refunds booked (for the route's split)."""
    case_type: str | None
    case_amount_fen: int | None
    wechat_booked_fen: int


def _wechat_booked(order_id):
    """The order's WeChat refunds not replaced, paid out or on their way (what create_refund splits against);
    `order_id` an id, or Order.id for the list's correlated subquery."""
    return (select(func.coalesce(func.sum(Refund.amount_fen), 0))
            .where(Refund.order_id == order_id, Refund.method == "wechat", Refund.replaced_by_id.is_(None)))


def _row_money(request: OrderRequest, order: Order) -> RowMoney:
    """One request's RowMoney read on its own (a single request's reply): a statement only where it matters."""
    case_type = case_amount = None
    if request.kind == "after_sale":
        found = db.session.execute(select(AfterSale.type, AfterSale.amount_fen)
                                   .where(AfterSale.request_id == request.id)).first()
        case_type, case_amount = found if found else (None, None)
    booked = wechat_booked_fen(order) if order.balance_paid_fen > 0 else 0
    return RowMoney(case_type, case_amount, booked)


def wechat_booked_fen(order: Order) -> int:
    """The order's WeChat refunds not replaced, read on their own (one statement)."""
    return db.session.scalar(_wechat_booked(order.id))


def _needs_lines(request: OrderRequest, order: Order) -> bool:
    """A waiting modification of quantities on a paid order: its refund is priced from the order's lines."""
    return (request.kind == "modify" and request.status == "pending" and is_paid(order.facts())
            and bool(((request.payload or {}).get("changes") or {}).get("lines")))


def approval_money(request: OrderRequest, order: Order, money: RowMoney) -> dict:
    """What 同意 would refund (`refund_fen`, None when it moves no money or cannot be told), its route
    (`refund_routes`, as create_refund would split it), whether it waits for the returned goods, and the whole
    confirmation sentence (`confirm_text`, for a waiting request) the admin shows verbatim."""
    case_type = money.case_type
    if request.kind == "cancel":  # everything not yet refunded
        refund = cancel_refund(order.facts(), "system").amount_fen
    elif request.kind == "after_sale":  # the case's agreed amount (A4 may have lowered it)
        refund = money.case_amount_fen if case_type and AfterSaleType(case_type).refunds_money else None
    elif request.kind == "modify" and request.status == "pending":  # the difference of its decreases
        refund = modification.refund_of_request(order, (request.payload or {}).get("changes") or {})
    else:
        refund = None
    routes = original_route_parts(refund or 0, order.balance_paid_fen, order.wechat_paid_fen,
                                  money.wechat_booked_fen)
    confirm = None
    if request.status == "pending":
        confirm = approve_confirmation(request.kind, KIND_LABELS.get(request.kind, request.kind), refund, routes,
                                       case_type, TYPE_LABELS.get(AfterSaleType(case_type)) if case_type else None)
    return {"refund_fen": refund,
            "refund_routes": [{"route": route, "amount_fen": fen, "label": REFUND_ROUTE_LABELS[route]}
                              for route, fen in routes],
            "refund_after_receipt": case_type == AfterSaleType.RETURN_REFUND.value,
            "confirm_text": confirm}


def request_json(request: OrderRequest, order: Order | None = None, staff_role: str | None = None,
                 money: RowMoney | None = None) -> dict:
    """A request as staff see it; with `staff_role`, the row's `actions` for that role. `money`: what the list
    read for the row's refund (else read here)."""
    order = order or db.session.get(Order, request.order_id)
    reasons = deps().policy.shopper_cancel_reasons
    return ({} if staff_role is None else staff_view(request, order, staff_role)) | {
        "id": request.id, "kind": request.kind, "kind_label": KIND_LABELS.get(request.kind, request.kind),
        "status": request.status, "status_label": STATUS_LABELS.get(request.status, request.status),
        "order_id": order.id, "order_no": order.order_no, "order_status": order.status,
        "order_status_label": OrderStatus(order.status).label, "paid_fen": order.paid_fen,
        "total_fen": order.total_fen, "shopper_id": request.shopper_id, "reason_code": request.reason_code,
        "reason_label": reasons.get(request.reason_code, request.reason_code) if request.kind == "cancel" else "",
        "reason_text": request.reason_text, "payload": request.payload or {}, "alternative": request.alternative,
        "photos": (request.payload or {}).get("photos", []),  # after-sales evidence, shown as thumbnails
        "decided_by_name": request.decided_by_name, "decision_reason": request.decision_reason,
        "decided_at": request.decided_at, "due_at": request.due_at, "created_at": request.created_at,
        "overdue": bool(request.status == "pending" and request.due_at and request.due_at < clock.now()),
        "escalated": request.escalated_at is not None,
    } | approval_money(request, order, money or _row_money(request, order))


def list_requests(kind: str | None = None, status: str | None = "pending", page: int = 1,
                  per_page: int = 20, escalated: bool | None = None,
                  staff_role: str | None = None) -> tuple[list[dict], int]:
    """Waiting requests oldest first (they are the most urgent); decided ones newest first. With
    `staff_role`, each row carries that role's `actions` (judged from the rows already read)."""
    query = select(OrderRequest, Order).join(Order, Order.id == OrderRequest.order_id)
    if kind:
        query = query.where(OrderRequest.kind == kind)
    if escalated is not None:
        query = query.where(OrderRequest.escalated_at.is_not(None) if escalated else OrderRequest.escalated_at.is_(None))
    if status:
        query = query.where(OrderRequest.status == status)
    if status == "pending":  # 协商中 (A4): the shopper has the next move, not staff
        query = query.where(OrderRequest.id.not_in(
            select(AfterSale.request_id).where(AfterSale.status == CaseStatus.NEGOTIATING.value)))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    order_by = (OrderRequest.created_at.asc(), OrderRequest.id.asc()) if status == "pending" \
        else (OrderRequest.created_at.desc(), OrderRequest.id.desc())
    # Beside each row what its refund needs (RowMoney), in the same statement: the case (aliased: the 协商中
    # filter above names AfterSale in a subquery of its own) and, for orders the balance paid in part, the
    # WeChat refunds booked.
    row_case = aliased(AfterSale)
    booked = case((Order.balance_paid_fen > 0,
                   _wechat_booked(Order.id).correlate(Order).scalar_subquery()), else_=0)
    page_query = query.outerjoin(row_case, row_case.request_id == OrderRequest.id) \
        .add_columns(row_case.type, row_case.amount_fen, booked)
    rows = db.session.execute(page_query.order_by(*order_by).limit(per_page).offset((page - 1) * per_page)).all()
    _load_lines([(request, order) for request, order, *_ in rows if _needs_lines(request, order)])
    return [request_json(request, order, staff_role, RowMoney(case_type, case_amount, booked_fen))
            for request, order, case_type, case_amount, booked_fen in rows], total


def _load_lines(pairs: list[tuple[OrderRequest, Order]]) -> None:
    """The lines of the orders whose waiting modification is priced from them, in one statement (none when no
    such row is on the page), set on each order as if loaded with it."""
    orders = {order.id: order for _, order in pairs if "lines" in inspect(order).unloaded}
    if not orders:
        return
    lines: dict[int, list[OrderLine]] = {order_id: [] for order_id in orders}
    for line in db.session.scalars(select(OrderLine).where(OrderLine.order_id.in_(orders)).order_by(OrderLine.id)):
        lines[line.order_id].append(line)
    for order_id, order in orders.items():
        set_committed_value(order, "lines", lines[order_id])


def get_request(request_id: int) -> OrderRequest:
    request = db.session.get(OrderRequest, request_id)
    if request is None:
        raise DomainError(ErrorCode.REQUEST_NOT_FOUND)
    return request


def _claim(request_id: int, actor: Actor, decision: str, status: str, reason: str) -> OrderRequest:
    """Check the role, then take the pending request for this decision; refused if already decided."""
    request = get_request(request_id)
    if not may_decide_request(request.kind, decision, actor.role):
        raise DomainError(ErrorCode.FORBIDDEN, f"您的角色无权处理{KIND_LABELS.get(request.kind, '该申请')}")
    claimed = db.session.execute(
        update(OrderRequest).where(OrderRequest.id == request_id, OrderRequest.status == "pending")
        .values(status=status, decided_by_id=actor.id, decided_by_name=actor.name, decision_reason=reason,
                decided_at=clock.now()).execution_options(synchronize_session=False)).rowcount
    if not claimed:
        raise DomainError(ErrorCode.REQUEST_ALREADY_DECIDED)
    return db.session.get(OrderRequest, request_id, populate_existing=True)


def approve(request_id: int, actor: Actor, note: str = "", password: str | None = None):
    """同意: a cancel request cancels and refunds; a modification request is applied. The refund it makes is
    judged by the refund policy (R12): within the role's limit, the password again over the threshold."""
    if get_request(request_id).kind == "after_sale":
        return after_sales.approve(request_id, actor, note, password)
    note = (note or "").strip()[:200]
    policy = deps().policy
    with transaction() as tx:
        request = _claim(request_id, actor, "approve", "approved", note)
        order = db.session.get(Order, request.order_id)
        if request.kind == "cancel":
            if check_staff_refund(cancel_refund(order.facts(), actor.role), policy):
                recheck_password(actor, password)
            label = policy.shopper_cancel_reasons.get(request.reason_code, request.reason_code)
            cancel_order(order, actor, CancelReason(request.reason_code, label, request.reason_text), tx,
                         kind="cancel_approved", request_id=request.id)
        else:
            plan = modification.plan_for(order, (request.payload or {}).get("changes", {}), applying_request=True)
            refund = modification.modification_refund(order, modification.refund_fen_of(order, plan), actor.role)
            if check_staff_refund(refund, policy):
                recheck_password(actor, password)
            refund = modification.apply_plan(order, plan, actor, tx, kind="modify_approved", request_id=request.id)
            notifications.modify_result(order, True, note, tx, refund)
    return request


def reject(request_id: int, actor: Actor, reason: str):
    """拒绝: the order goes on as it was and the shopper is told why."""
    reason = check_decision_reason(reason)
    if get_request(request_id).kind == "after_sale":
        return after_sales.reject(request_id, actor, reason)
    with transaction() as tx:
        request = _claim(request_id, actor, "reject", "rejected", reason)
        order = db.session.get(Order, request.order_id)
        notice = rejection_notice(KIND_LABELS[request.kind], reason, WHAT_NEXT_AFTER_REJECTION[request.kind])
        events.record(order, f"{request.kind}_rejected", actor, reason=reason,
                      data={"request_id": request.id, "notice": notice})
        if request.kind == "cancel":
            notifications.cancel_result(order, False, notice, tx)
        else:
            notifications.modify_result(order, False, notice, tx)
    return request


def offer_alternative(request_id: int, actor: Actor, alternative: dict) -> OrderRequest:
    """C4: instead of cancelling, suggest a replacement SKU or faster shipping. The request stays open.

    `alternative`: {"kind": replacement_sku | faster_shipping | other, "sku_id": .., "message": ..}."""
    with transaction() as tx:
        request = get_request(request_id)
        if request.kind != "cancel":
            raise DomainError(ErrorCode.ORDER_ACTION_NOT_ALLOWED, "只有取消申请可以提供替代方案")
        if request.status != "pending":
            raise DomainError(ErrorCode.REQUEST_ALREADY_DECIDED)
        if not may_decide_request("cancel", "reject", actor.role):
            raise DomainError(ErrorCode.FORBIDDEN, "您的角色无权处理取消申请")
        kind = alternative.get("kind")
        sku = _replacement_sku(alternative.get("sku_id")) if kind == "replacement_sku" else None
        sku_label = f"{sku.product.name} {sku.name}" if sku else None
        text = describe_alternative(kind, alternative.get("message"), sku_label)
        request.alternative = {"kind": kind, "sku_id": sku.id if sku else None, "sku_name": sku_label,
                               "message": (alternative.get("message") or "").strip(), "text": text,
                               "offered_by": actor.name, "offered_at": clock.now().isoformat()}
        order = db.session.get(Order, request.order_id)
        events.record(order, "alternative_offered", actor, reason=text, data={"request_id": request.id})
        notifications.cancel_alternative(order, text, tx)
    return request


def _replacement_sku(sku_id) -> Sku:
    sku = db.session.get(Sku, sku_id) if isinstance(sku_id, int) else None
    if sku is None:
        raise DomainError(ErrorCode.SKU_NOT_FOUND, "替换的商品规格不存在", {"sku_id": "商品规格不存在"})
    if not sku.product.on_sale or sku.stock <= 0:
        raise DomainError(ErrorCode.PRODUCT_UNAVAILABLE, "替换的商品已下架或无库存")
    return sku
