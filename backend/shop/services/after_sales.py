"""After-sales cases (A1–A3): apply, decide, return, receive, refund / exchange / repair.

Each case is an OrderRequest (kind `after_sale`, the staff decision) plus an AfterSale row (the
goods and money). Money goes back through the refund engine; stock comes back through
`inventory.restore_once` with one guard per case and line, so retries never restore twice.
"""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..db import AfterSale, AfterSaleMessage, Order, OrderLine, OrderRequest, Product, Refund, Shopper
from ..domain import clock, labels
from ..domain.actors import Actor
from ..domain.after_sale_rules import REPLY_TIMEOUT_RULE, RuleMatch, RuleSubject
from ..domain.after_sales import (ACTIVE_STATUSES, DEADLINE_STAGES, REASONS, AfterSaleType, ApprovalFacts,
                                  CaseFacts, CaseStatus, OrderForAfterSale, ProposalKind, automatic_approval,
                                  automatic_approval_blockers, order_stage,
                                  build_proposal, deadline_after, deadline_label, ensure_can_apply, ensure_case_limit,
                                  ensure_staff_case_action, ensure_status, is_disputed, on_deadline, on_reply_overdue,
                                  proposal_refund_fen, reply_due_at, shopper_case_actions, staff_case_actions,
                                  status_after_approval, status_after_receipt, type_options, types_note,
                                  validate_lines, validate_photos, validate_shipment, reasons_for_picker)
from ..domain.money import allocate
from ..domain.errors import DomainError, ErrorCode
from ..domain.notices import rejection_notice
from ..domain.orders import UNSHIPPED, OrderStatus, ensure_transition
from ..domain.refund_amounts import LineAmounts, line_refund_fen
from ..domain.shipping import ShipmentKind
from ..domain.refund_policy import RefundAction, RefundCase, check_staff_refund
from ..extensions import db
from . import events, inventory, notifications, risk, shipping
from .context import deps
from .ordering import get_order
from .staff_auth import recheck_password
from .uploads import own_photos_only
from .uow import is_unique_violation, transaction

logger = logging.getLogger("shop.after_sales")


# ---- shopper: apply ------------------------------------------------------------------------


def apply_options(order_id: int, shopper_id: int) -> dict:
    """What the application form offers for this order: the types it may have (label and hint; only 仅退款
    before the goods arrive), why fewer (note), and the reasons."""
    status = OrderStatus(get_order(order_id, shopper_id).status)
    return {"types": type_options(status), "note": types_note(status), "reasons": reasons_for_picker()}


def apply(order_id: int, shopper_id: int, type: str, reason_code: str, reason_text: str, lines: list[dict],
          photos: list[str]) -> AfterSale:
    """A shopper opens a case. Decided at once when R5 allows it, otherwise waits for staff."""
    try:
        case_type = AfterSaleType(type)
    except ValueError:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请选择售后类型", {"type": "不支持的售后类型"}) from None
    reason_text = (reason_text or "").strip()
    if len(reason_text) > 500:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "问题描述最多 500 字", {"reason_text": "过长"})
    photos = own_photos_only(shopper_id, validate_photos(photos))
    actor = Actor.shopper(shopper_id)
    policy = deps().policy
    try:
        with transaction() as tx:
            order = get_order(order_id, shopper_id)
            ensure_can_apply(OrderForAfterSale(OrderStatus(order.status), order.completed_at), case_type,
                             reason_code, policy, clock.now())
            if _active_case_of(order.id) is not None:
                raise DomainError(ErrorCode.REQUEST_ALREADY_OPEN, "该订单已有进行中的售后，请处理完后再申请")
            open_units = {line.id: line.quantity - line.refunded_quantity for line in order.lines}
            chosen = validate_lines([(int(item["line_id"]), int(item["quantity"])) for item in lines or []],
                                    open_units)
            ensure_case_limit(_cases_per_line(order.id), chosen, policy)
            amount = _refund_amount(order, chosen) if case_type.refunds_money else 0
            now = clock.now()
            request = OrderRequest(order_id=order.id, shopper_id=shopper_id, kind="after_sale",
                                   reason_code=reason_code, reason_text=reason_text, created_at=now,
                                   due_at=reply_due_at(now, policy),
                                   # photos too: staff see the evidence in the review list (审核)
                                   payload={"type": case_type.value, "lines": _lines_json(chosen), "photos": photos})
            db.session.add(request)
            db.session.flush()
            case = AfterSale(request_id=request.id, order_id=order.id, shopper_id=shopper_id, type=case_type.value,
                             status=CaseStatus.PENDING.value, reason_code=reason_code, reason_text=reason_text,
                             lines=_lines_json(chosen), photos=photos, amount_fen=amount, created_at=now,
                             updated_at=now, deadline_at=request.due_at)
            db.session.add(case)
            db.session.flush()
            _say(case, actor, "apply", f"申请{case_type.label}：{REASONS[reason_code]}"
                 + (f"。{reason_text}" if reason_text else ""), photos)
            events.record(order, "after_sale_requested", actor, reason=REASONS[reason_code],
                          data={"after_sale_id": case.id, "type": case_type.value, "amount_fen": amount})
            decision = automatic_approval(_approval_facts(case, order, with_rules=True), policy)
            if decision.approved:
                _approve_by_rule(case, request, order, decision.rule, tx)
            _after_commit_notify(tx, case, "after_sale_submitted", "售后申请已提交",
                                 f"您的{case_type.label}申请已提交，商家将在 {policy.after_sale_reply_hours} 小时内处理")
    except IntegrityError as exc:
        if is_unique_violation(exc):  # another request for this order is pending (a race with ours)
            raise DomainError(ErrorCode.REQUEST_ALREADY_OPEN) from exc
        raise
    return case


def _cases_per_line(order_id: int) -> dict[int, int]:
    counts: dict[int, int] = {}
    for case in cases_of_order(order_id):
        for item in case.lines:
            counts[item["line_id"]] = counts.get(item["line_id"], 0) + 1
    return counts


def _active_case_of(order_id: int) -> AfterSale | None:
    return db.session.scalar(select(AfterSale).where(
        AfterSale.order_id == order_id, AfterSale.status.in_([s.value for s in ACTIVE_STATUSES])).limit(1))


def _lines_json(chosen: list[tuple[int, int]]) -> list[dict]:
    return [{"line_id": line_id, "quantity": quantity} for line_id, quantity in chosen]


def _refund_amount(order: Order, chosen: list[tuple[int, int]]) -> int:
    by_id = {line.id: line for line in order.lines}
    goods = sum(line_refund_fen(_amounts(by_id[line_id]), quantity) for line_id, quantity in chosen)
    return goods + _shipping_back(order, chosen)


def _amounts(line: OrderLine) -> LineAmounts:
    return LineAmounts(line.payable_fen, line.quantity, line.refunded_quantity)


def _shipping_back(order: Order, chosen: list[tuple[int, int]]) -> int:
    """R2: the shipping fee goes back when nothing was shipped and every unit is now refunded."""
    if OrderStatus(order.status) not in UNSHIPPED:
        return 0
    asked = dict(chosen)
    if any(line.quantity - line.refunded_quantity != asked.get(line.id, 0) for line in order.lines):
        return 0
    already = db.session.scalar(select(func.coalesce(func.sum(Refund.shipping_fen), 0))
                                .where(Refund.order_id == order.id))
    return max(order.shipping_fen - already, 0)


def _approval_facts(case: AfterSale, order: Order, with_rules: bool = False) -> ApprovalFacts:
    """`with_rules`: also gather what the shop's refund rules (A6) judge, when there are any."""
    subject = _rule_subject(case, order) if with_rules and deps().policy.after_sale_rules else None
    return ApprovalFacts(AfterSaleType(case.type), case.reason_code, OrderStatus(order.status), case.amount_fen,
                         risk.is_watchlisted(case.shopper_id), order.refunded_fen, subject)


def _rule_subject(case: AfterSale, order: Order) -> RuleSubject:
    """The case, its goods' categories and the shopper's trust (白名单, orders completed, refund rate)."""
    product_ids = {line.product_id for line in order.lines if line.id in {item["line_id"] for item in case.lines}}
    categories = frozenset(db.session.scalars(select(Product.category_id).where(Product.id.in_(product_ids))))
    shopper = db.session.get(Shopper, case.shopper_id)
    completed = db.session.scalar(select(func.count()).select_from(Order).where(
        Order.shopper_id == case.shopper_id, Order.status == OrderStatus.COMPLETED.value))
    return RuleSubject(case.type, case.reason_code, is_disputed(case.reason_code), categories,
                       order_stage(OrderStatus(order.status)), bool(shopper.risk_allow_listed), completed,
                       risk.compute_metrics(case.shopper_id).refund_rate_percent)


def _approve_by_rule(case: AfterSale, request: OrderRequest, order: Order, rule: RuleMatch, tx) -> None:
    """An automatic approval (R5, A6), recorded with the rule that made it: on the case (shown in the admin)
    and in the thread and timeline (按规则「…」自动同意). 仅退款无需退货 and 极速退款 refund at once, the
    shopper keeps the goods."""
    if rule.refunds_without_return and case.type != AfterSaleType.REFUND_ONLY.value:
        case.type = AfterSaleType.REFUND_ONLY.value
    _approve(case, request, order, Actor.system(rule.effect_label), rule.decision_text, tx)
    # after the decision (which re-reads the request row)
    request.payload = {**(request.payload or {}), "type": case.type, "auto_rule": rule.as_dict()}


# ---- staff: decide -------------------------------------------------------------------------


def _case_facts(case: AfterSale) -> CaseFacts:
    return CaseFacts(AfterSaleType(case.type), CaseStatus(case.status), (case.proposal or {}).get("kind"))


def _ensure_staff_may(case: AfterSale, actor: Actor, action: str) -> None:
    """Staff act only through the actions they are shown; the system's own decisions (R5, A3) skip this."""
    ensure_staff_case_action(_case_facts(case), actor.role, action)


def _case_by_request(request_id: int) -> tuple[AfterSale, OrderRequest]:
    case = db.session.scalar(select(AfterSale).where(AfterSale.request_id == request_id))
    if case is None:
        raise DomainError(ErrorCode.REQUEST_NOT_FOUND)
    return case, case.request


def _close_request(request: OrderRequest, status: str, actor: Actor, reason: str) -> None:
    """Decide the request exactly once, even when two staff click at the same moment."""
    decided = db.session.execute(
        update(OrderRequest).where(OrderRequest.id == request.id, OrderRequest.status == "pending")
        .values(status=status, decided_by_id=actor.id, decided_by_name=actor.name or actor.kind,
                decision_reason=reason[:500], decided_at=clock.now())
        .execution_options(synchronize_session=False)).rowcount
    if decided != 1:
        raise DomainError(ErrorCode.REQUEST_ALREADY_DECIDED)
    db.session.refresh(request)


def approve(request_id: int, actor: Actor, note: str = "", password: str | None = None) -> AfterSale:
    """同意: 仅退款 refunds now; returns, exchanges and repairs wait for the goods. Agreeing commits to the
    case's refund, so the refund policy (R12) judges it now: the role's limit, the password over the threshold."""
    with transaction() as tx:
        case, request = _case_by_request(request_id)
        _ensure_staff_may(case, actor, "approve")
        order = db.session.get(Order, case.order_id)
        if check_staff_refund(_approval_facts(case, order).refund(actor.role), deps().policy):
            recheck_password(actor, password)
        _approve(case, request, order, actor, (note or "").strip(), tx)
    return case


def _approve(case: AfterSale, request: OrderRequest, order: Order, actor: Actor, note: str, tx) -> None:
    ensure_status(case.status, {CaseStatus.PENDING}, "同意")
    _close_request(request, "approved", actor, note)
    case_type = AfterSaleType(case.type)
    status = status_after_approval(case_type)
    case.status, case.deadline_at = status.value, deadline_after(status, clock.now(), deps().policy)
    events.record(order, "after_sale_approved", actor, reason=note,
                  data={"after_sale_id": case.id, "type": case.type})
    _say(case, actor, "approved", "商家同意了售后申请" + (f"：{note}" if note else ""))
    if case_type.needs_goods_back:
        case.return_address = current_app.config.get("RETURN_ADDRESS", "")[:200]
        _after_commit_notify(tx, case, "after_sale_approved", "售后申请已同意",
                             f"请将商品寄回：{case.return_address}，并在小程序填写快递单号")
    else:
        refund = _refund_case(case, order, actor, tx)
        events.record(order, "after_sale_completed", actor, data={"after_sale_id": case.id})
        _after_commit_notify(tx, case, "after_sale_approved", "售后申请已同意", notifications.refund_started(refund))


def reject(request_id: int, actor: Actor, reason: str) -> AfterSale:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请填写拒绝原因", {"reason": "必填"})
    with transaction() as tx:
        case, request = _case_by_request(request_id)
        _ensure_staff_may(case, actor, "reject")
        _close_request(request, "rejected", actor, reason)
        case.status, case.deadline_at = CaseStatus.REJECTED.value, None
        _say(case, actor, "rejected", f"商家拒绝了售后申请：{reason}")
        order = db.session.get(Order, case.order_id)
        notice = rejection_notice("售后申请", reason, "如对处理结果有异议，可联系客服或补充凭证后重新申请。")
        events.record(order, "after_sale_rejected", actor, reason=reason,
                      data={"after_sale_id": case.id, "notice": notice})
        _after_commit_notify(tx, case, "after_sale_rejected", "售后申请未通过", notice)
    return case


# ---- goods coming back --------------------------------------------------------------------


def submit_return_shipment(case_id: int, shopper_id: int, carrier: str, tracking_no: str) -> AfterSale:
    carrier, tracking_no = validate_shipment(carrier, tracking_no)
    with transaction():
        case = _get(case_id, shopper_id)
        ensure_status(case.status, {CaseStatus.AWAITING_RETURN, CaseStatus.RETURNING}, "填写退货物流")
        if case.status == CaseStatus.AWAITING_RETURN.value:  # a corrected number does not restart staff's clock
            case.deadline_at = deadline_after(CaseStatus.RETURNING, clock.now(), deps().policy)
        case.status = CaseStatus.RETURNING.value
        case.return_carrier, case.return_tracking_no, case.returned_at = carrier, tracking_no, clock.now()
        events.record(db.session.get(Order, case.order_id), "after_sale_returned", Actor.shopper(shopper_id),
                      data={"after_sale_id": case.id, "carrier": carrier, "tracking_no": tracking_no})
    return case


def confirm_receipt(case_id: int, actor: Actor, resellable: bool) -> AfterSale:
    """The warehouse has the goods: stock back if resellable, then refund / 换货中 / 维修中."""
    with transaction() as tx:
        case = _get(case_id)
        _ensure_staff_may(case, actor, "receive")
        _receive(case, actor, resellable, tx)
    return case


def _receive(case: AfterSale, actor: Actor, resellable: bool, tx) -> None:
    """The goods are taken as received (by the warehouse, or by the receipt clock running out, A5)."""
    order = db.session.get(Order, case.order_id)
    case.received_at, case.resellable, case.received_by = clock.now(), bool(resellable), actor.name[:40]
    case_type = AfterSaleType(case.type)
    case.status, case.deadline_at = status_after_receipt(case_type).value, None
    restored = 0
    if resellable and case_type.keeps_returned_goods:
        lines = {line.id: line for line in order.lines}
        for item in case.lines:
            if inventory.restore_once(lines[item["line_id"]], item["quantity"], "return",
                                      f"return:{case.id}:{item['line_id']}", f"售后单 {case.id} 退货入库"):
                restored += item["quantity"]
    events.record(order, "after_sale_received", actor,
                  data={"after_sale_id": case.id, "resellable": bool(resellable), "restocked": restored})
    if case_type is AfterSaleType.RETURN_REFUND:
        refund = _refund_case(case, order, actor, tx)
        events.record(order, "after_sale_completed", actor, data={"after_sale_id": case.id})
        _after_commit_notify(tx, case, "after_sale_received", "商家已收到退货", notifications.refund_started(refund))
    else:
        _after_commit_notify(tx, case, "after_sale_received", "商家已收到商品",
                             "换货商品将尽快发出" if case_type is AfterSaleType.EXCHANGE else "商品已进入维修")


def ship_replacement(case_id: int, actor: Actor, carrier: str, tracking_no: str) -> AfterSale:
    """换货: the replacement leaves the warehouse (its stock is taken like a sale)."""
    return _ship_back(case_id, actor, carrier, tracking_no, "ship_replacement")


def return_repaired(case_id: int, actor: Actor, carrier: str, tracking_no: str) -> AfterSale:
    """维修: the repaired goods go back to the shopper; the work order is closed."""
    return _ship_back(case_id, actor, carrier, tracking_no, "return_repaired")


def _ship_back(case_id: int, actor: Actor, carrier: str, tracking_no: str, action: str) -> AfterSale:
    carrier, tracking_no = validate_shipment(carrier, tracking_no)
    with transaction() as tx:
        case = _get(case_id)
        _ensure_staff_may(case, actor, action)
        case_type = AfterSaleType(case.type)
        order = db.session.get(Order, case.order_id)
        if case_type is AfterSaleType.EXCHANGE:
            lines = {line.id: line for line in order.lines}
            for item in case.lines:
                line = lines[item["line_id"]]
                inventory.reserve(line.sku_id, item["quantity"], order_id=order.id, line_id=line.id)
        case.replacement_carrier, case.replacement_tracking_no = carrier, tracking_no
        case.status, case.deadline_at = CaseStatus.COMPLETED.value, None
        kind = "after_sale_replacement_shipped" if case_type is AfterSaleType.EXCHANGE else "after_sale_repair_shipped"
        events.record(order, kind, actor, data={"after_sale_id": case.id, "carrier": carrier,
                                                "tracking_no": tracking_no})
        events.record(order, "after_sale_completed", actor, data={"after_sale_id": case.id})
        _after_commit_notify(tx, case, kind, "商品已发出", f"{carrier} {tracking_no}")
        shipping.record_shipment(order, ShipmentKind.EXCHANGE if case_type is AfterSaleType.EXCHANGE
                                 else ShipmentKind.REPAIR, carrier, tracking_no, tx, after_sale_id=case.id)
    return case


# ---- money --------------------------------------------------------------------------------


def _refund_case(case: AfterSale, order: Order, actor: Actor, tx) -> Refund:
    """Create the case's refund: units' shares by R2, lines marked refunded, stock released if unshipped."""
    from . import refunds

    chosen = [(item["line_id"], item["quantity"]) for item in case.lines]
    lines = {line.id: line for line in order.lines}
    shipping = _shipping_back(order, chosen)
    amounts = [line_refund_fen(_amounts(lines[line_id]), quantity) for line_id, quantity in chosen]
    agreed = (case.request.payload or {}).get("agreed_amount_fen")
    if agreed is not None and agreed < sum(amounts) + shipping:  # A4: a partial refund the shopper accepted
        *amounts, shipping = allocate(agreed, amounts + [shipping])
    refunded_lines, goods = [], 0
    for (line_id, quantity), amount in zip(chosen, amounts):
        line = lines[line_id]
        marked = db.session.execute(
            update(OrderLine).where(OrderLine.id == line.id, OrderLine.refunded_quantity == line.refunded_quantity)
            .values(refunded_quantity=OrderLine.refunded_quantity + quantity,
                    refunded_fen=OrderLine.refunded_fen + amount)
            .execution_options(synchronize_session=False)).rowcount
        if marked != 1:
            raise DomainError(ErrorCode.CONFLICT)
        db.session.refresh(line)
        refunded_lines.append({"line_id": line.id, "quantity": quantity, "amount_fen": amount})
        goods += amount
        if OrderStatus(order.status) in UNSHIPPED:
            inventory.restore_once(line, quantity, "release", f"after_sale:{case.id}:{line.id}",
                                   f"售后单 {case.id} 仅退款释放库存")
    refund = refunds.create_refund(order, goods + shipping, source="after_sale", source_id=case.id,
                                   reason=f"售后退款：{REASONS.get(case.reason_code, case.reason_code)}",
                                   actor=actor, tx=tx, lines=refunded_lines, shipping_fen=shipping)
    # The case's whole amount: an order the balance paid in part gets it back in two refunds (WeChat, balance).
    case.refund_id, case.amount_fen = refund.id, goods + shipping
    if OrderStatus(order.status) in UNSHIPPED and all(line.refunded_quantity == line.quantity for line in order.lines):
        ensure_transition(order.status, OrderStatus.CANCELLED)
        order.cancelled_at = clock.now()
        events.transition(order, "cancelled", actor, OrderStatus.CANCELLED.value, reason="全部商品已退款，订单关闭")
    return refund


# ---- A4: negotiation (协商) ------------------------------------------------------------------


def _say(case: AfterSale, actor: Actor, kind: str, text: str, photos: list[str] | None = None,
         proposal: dict | None = None) -> None:
    """One entry of the case's 协商历史, in the caller's transaction."""
    author = "shopper" if actor.is_shopper else "staff" if actor.is_staff else "system"
    name = "顾客" if actor.is_shopper else (actor.name or "系统")
    db.session.add(AfterSaleMessage(after_sale_id=case.id, author=author, author_name=name[:40], kind=kind,
                                    text=text[:600], photos=photos or [], proposal=proposal, created_at=clock.now()))


def propose(case_id: int, actor: Actor, kind: str, amount_fen: int | None = None, message: str = "",
            password: str | None = None) -> AfterSale:
    """Staff offer something other than 同意/拒绝 (A4); the shopper answers in the mini-program. A proposal with
    money in it commits to that refund, so the refund policy (R12) judges it now, as it judges 同意."""
    with transaction() as tx:
        case = _get(case_id)
        _ensure_staff_may(case, actor, "propose")
        order = db.session.get(Order, case.order_id)
        proposal = build_proposal(kind, AfterSaleType(case.type), case.amount_fen, amount_fen, message)
        refund_fen = proposal_refund_fen(proposal)
        if refund_fen and check_staff_refund(RefundCase(
                RefundAction.AFTER_SALE, actor.role, OrderStatus(order.status), order.refunded_fen, refund_fen,
                risk.is_watchlisted(case.shopper_id), AfterSaleType(proposal["type"]).needs_goods_back),
                deps().policy):
            recheck_password(actor, password)
        now = clock.now()
        case.proposal = {**proposal, "by": {"id": actor.id, "name": actor.name, "role": actor.role},
                         "at": now.isoformat()}
        case.status = CaseStatus.NEGOTIATING.value
        case.deadline_at = deadline_after(CaseStatus.NEGOTIATING, now, deps().policy)
        _say(case, actor, "proposal", proposal["text"], proposal=proposal)
        events.record(order, "after_sale_proposed", actor, reason=proposal["text"],
                      data={"after_sale_id": case.id, "proposal": proposal})
        _after_commit_notify(tx, case, "after_sale_proposed", "商家发起了售后协商",
                             f"{proposal['text']}。请在 {deps().policy.after_sale_proposal_answer_hours} 小时内回复")
    return case


def _ensure_shopper_may(case: AfterSale, action: str) -> None:
    if action not in shopper_case_actions(_case_facts(case)):
        raise DomainError(ErrorCode.AFTER_SALE_WRONG_STATE,
                          f"售后单{CaseStatus(case.status).label}，无法{SHOPPER_ACTION_NAMES[action]}")


SHOPPER_ACTION_NAMES = {"accept_proposal": "接受协商", "decline_proposal": "拒绝协商", "add_evidence": "补充凭证"}


def accept_proposal(case_id: int, shopper_id: int) -> AfterSale:
    """The shopper agrees: the case changes as proposed and is approved on the proposing staff member's word
    (refund now for 仅退款, the goods back first for a return), or ends as withdrawn."""
    actor = Actor.shopper(shopper_id, "顾客")
    with transaction() as tx:
        case = _get(case_id, shopper_id)
        _ensure_shopper_may(case, "accept_proposal")
        proposal, request = dict(case.proposal), case.request
        order = db.session.get(Order, case.order_id)
        _say(case, actor, "accepted", f"顾客接受了协商：{proposal['kind_label']}")
        events.record(order, "after_sale_proposal_answered", actor, reason=f"接受：{proposal['text']}",
                      data={"after_sale_id": case.id, "answer": "accepted"})
        case.proposal, case.status = None, CaseStatus.PENDING.value
        if proposal["kind"] == ProposalKind.WITHDRAW.value:
            _close_request(request, "withdrawn", actor, "顾客接受商家建议，撤销申请")
            case.status, case.deadline_at = CaseStatus.WITHDRAWN.value, None
            return case
        case.type, case.amount_fen = proposal["type"], proposal["amount_fen"]
        request.payload = {**(request.payload or {}), "type": proposal["type"],
                           "agreed_amount_fen": proposal["amount_fen"]}
        by = proposal["by"]
        _approve(case, request, order, Actor.staff(by["id"], by["name"], by["role"]),
                 f"顾客接受协商：{proposal['text']}", tx)
    return case


def decline_proposal(case_id: int, shopper_id: int, reason: str = "") -> AfterSale:
    """The shopper says no: the case goes back to staff with a fresh reply time."""
    actor = Actor.shopper(shopper_id, "顾客")
    reason = (reason or "").strip()[:200]
    with transaction():
        case = _get(case_id, shopper_id)
        _ensure_shopper_may(case, "decline_proposal")
        _say(case, actor, "declined", "顾客不同意协商方案" + (f"：{reason}" if reason else ""))
        events.record(db.session.get(Order, case.order_id), "after_sale_proposal_answered", actor,
                      reason=f"不同意：{case.proposal['text']}", data={"after_sale_id": case.id, "answer": "declined"})
        _back_to_staff(case)
    return case


def add_evidence(case_id: int, shopper_id: int, text: str, photos: list[str]) -> AfterSale:
    """The evidence staff asked for (photos, a short video's address, words): back to staff."""
    text = (text or "").strip()
    if len(text) > 500:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "说明最多 500 字", {"text": "过长"})
    photos = own_photos_only(shopper_id, validate_photos(photos))
    if not text and not photos:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请上传凭证或填写说明", {"photos": "必填"})
    actor = Actor.shopper(shopper_id, "顾客")
    with transaction():
        case = _get(case_id, shopper_id)
        _ensure_shopper_may(case, "add_evidence")
        _say(case, actor, "evidence", text or "顾客补充了凭证", photos)
        events.record(db.session.get(Order, case.order_id), "after_sale_evidence", actor,
                      data={"after_sale_id": case.id, "photos": len(photos)})
        _back_to_staff(case)
    return case


def _back_to_staff(case: AfterSale) -> None:
    """协商 ends without agreement: staff decide again, on a fresh reply clock (A3 applies anew)."""
    request, now = case.request, clock.now()
    case.proposal, case.status = None, CaseStatus.PENDING.value
    request.due_at = case.deadline_at = reply_due_at(now, deps().policy)
    request.escalated_at = None


def messages_of(case_id: int) -> list[dict]:
    rows = db.session.scalars(select(AfterSaleMessage).where(AfterSaleMessage.after_sale_id == case_id)
                              .order_by(AfterSaleMessage.id))
    return [{"id": m.id, "author": m.author, "author_name": m.author_name, "kind": m.kind, "text": m.text,
             "photos": m.photos or [], "created_at": m.created_at} for m in rows]


# ---- A5: every later stage's clock ----------------------------------------------------------

CLOCKED = (CaseStatus.NEGOTIATING, CaseStatus.AWAITING_RETURN, CaseStatus.RETURNING)


def sweep_deadlines(limit: int = 200) -> dict:
    """Cases whose stage clock ran out (the staff's first answer is `escalate_overdue`'s). Each case in its own
    transaction, re-read and re-checked, and the case's version guards against a person acting at the same
    moment: every outcome happens once, after a restart too (the deadline is a column)."""
    policy = deps().policy
    due = list(db.session.scalars(select(AfterSale.id).where(
        AfterSale.status.in_([s.value for s in CLOCKED]), AfterSale.deadline_at <= clock.now())
        .order_by(AfterSale.deadline_at, AfterSale.id).limit(limit)))
    counts = {"declined": 0, "closed": 0, "refunded": 0, "escalated": 0}
    system = Actor.system("售后时限")
    for case_id in due:
        try:
            with transaction() as tx:
                case = _get(case_id)
                status = CaseStatus(case.status)
                if status not in CLOCKED or case.deadline_at is None or case.deadline_at > clock.now():
                    continue
                order = db.session.get(Order, case.order_id)
                refund = _approval_facts(case, order).refund(goods_back=True)
                outcome = on_deadline(status, AfterSaleType(case.type), refund, policy)
                if outcome == "decline":
                    _say(case, system, "expired", "顾客超时未回应，视为不同意协商方案")
                    events.record(order, "after_sale_proposal_answered", system, reason="超时未回应，视为不同意",
                                  data={"after_sale_id": case.id, "answer": "expired"})
                    _back_to_staff(case)
                    counts["declined"] += 1
                elif outcome == "close":
                    case.status, case.deadline_at = CaseStatus.CLOSED.value, None
                    _say(case, system, "closed", f"超过 {policy.after_sale_return_ship_days} 天未寄回商品，售后已关闭")
                    events.record(order, "after_sale_closed", system, data={"after_sale_id": case.id})
                    _after_commit_notify(tx, case, "after_sale_closed", "售后已关闭",
                                         "您未在规定时间内寄回商品，本次售后已关闭")
                    counts["closed"] += 1
                elif outcome == "refund":
                    _say(case, system, "auto_refund", f"商家超过 {policy.after_sale_receipt_days} 天未确认收货，系统自动退款")
                    _receive(case, Actor.system("超时自动退款"), False, tx)
                    counts["refunded"] += 1
                else:
                    case.deadline_at = None
                    case.request.escalated_at = clock.now()
                    _say(case, system, "escalated", "商家超时未确认收货，已升级处理")
                    events.record(order, "after_sale_receipt_overdue", system, data={"after_sale_id": case.id})
                    counts["escalated"] += 1
        except DomainError as exc:  # a person acted meanwhile: their action stands
            logger.info("after-sale deadline skipped", extra={"fields": {"case_id": case_id, "code": exc.code.name}})
    return counts


# ---- A3: replies overdue ------------------------------------------------------------------


def escalate_overdue(limit: int = 200) -> dict:
    """Cases staff left unanswered past the reply time: auto-approved by setting, otherwise escalated."""
    policy = deps().policy
    overdue = list(db.session.scalars(select(OrderRequest.id).where(
        OrderRequest.kind == "after_sale", OrderRequest.status == "pending", OrderRequest.escalated_at.is_(None),
        OrderRequest.due_at <= clock.now()).order_by(OrderRequest.id).limit(limit)))
    counts = {"approved": 0, "escalated": 0}
    for request_id in overdue:
        try:
            with transaction() as tx:
                case, request = _case_by_request(request_id)
                order = db.session.get(Order, case.order_id)
                if request.status != "pending" or request.escalated_at is not None \
                        or case.status != CaseStatus.PENDING.value:  # 协商中: the shopper's clock runs instead
                    continue
                if on_reply_overdue(_approval_facts(case, order), policy) == "approve":
                    _approve_by_rule(case, request, order, REPLY_TIMEOUT_RULE, tx)
                    counts["approved"] += 1
                else:
                    request.escalated_at = clock.now()
                    events.record(order, "after_sale_escalated", Actor.system(),
                                  reason=f"超过 {policy.after_sale_reply_hours} 小时未处理",
                                  data={"after_sale_id": case.id})
                    counts["escalated"] += 1
        except DomainError as exc:  # decided meanwhile by a person: nothing to do
            logger.info("overdue case skipped", extra={"fields": {"request_id": request_id, "code": exc.code.name}})
    return counts


# ---- reading ------------------------------------------------------------------------------


def _get(case_id: int, shopper_id: int | None = None) -> AfterSale:
    case = db.session.get(AfterSale, case_id)
    if case is None or (shopper_id is not None and case.shopper_id != shopper_id):
        raise DomainError(ErrorCode.AFTER_SALE_NOT_FOUND)
    return case


def get_case(case_id: int, shopper_id: int | None = None, staff_role: str | None = None) -> dict:
    """The case as JSON for its shopper, or for staff (by role) with the decision summary (R5)."""
    case = _get(case_id, shopper_id)
    body = case_json(case, staff_role)
    if shopper_id is None:
        body["summary"] = decision_summary(case)
    return body


def case_json(case: AfterSale, staff_role: str | None = None) -> dict:
    """`actions` are the staff member's when a role is given, otherwise the shopper's."""
    from ..api.presenters import refund_json

    order = db.session.get(Order, case.order_id)
    lines = {line.id: line for line in order.lines}
    request = case.request
    status = CaseStatus(case.status)
    refund = db.session.get(Refund, case.refund_id) if case.refund_id else None
    facts = _case_facts(case)
    actions = staff_case_actions(facts, staff_role) if staff_role else shopper_case_actions(facts)
    return {
        "id": case.id, "request_id": case.request_id, "order_id": case.order_id, "order_no": order.order_no,
        "shopper_id": case.shopper_id, "type": case.type, "type_label": AfterSaleType(case.type).label,
        "status": case.status, "status_label": status.label, "reason_code": case.reason_code,
        "reason_label": REASONS.get(case.reason_code, case.reason_code), "reason_text": case.reason_text,
        "disputed": is_disputed(case.reason_code),
        "lines": [{"line_id": item["line_id"], "quantity": item["quantity"],
                   "product_name": lines[item["line_id"]].product_name, "sku_name": lines[item["line_id"]].sku_name,
                   "image": lines[item["line_id"]].image} for item in case.lines],
        "photos": case.photos, "amount_fen": case.amount_fen,
        "return_address": case.return_address or None,
        "return_carrier": case.return_carrier, "return_tracking_no": case.return_tracking_no,
        "returned_at": case.returned_at, "received_at": case.received_at, "resellable": case.resellable,
        "replacement_carrier": case.replacement_carrier, "replacement_tracking_no": case.replacement_tracking_no,
        "decision": request.status, "decided_by": request.decided_by_name or None,
        "decision_reason": request.decision_reason or None, "decided_at": request.decided_at,
        "due_at": request.due_at, "escalated": request.escalated_at is not None,
        **_deadline_json(case, status, request),
        "auto_rule": (request.payload or {}).get("auto_rule"),
        "proposal": _proposal_json(case.proposal), "messages": messages_of(case.id),
        "refund": refund_json(refund) if refund else None,
        "actions": actions,
        "created_at": case.created_at,
    } | ({"confirm_text": _approve_question(request, order, case) if "approve" in actions else None} if staff_role
         else {"buttons": labels.shopper_case_buttons(
             actions, proposal=(case.proposal or {}).get("text") or "")})  # the shopper's buttons, the server's words


def _approve_question(request: OrderRequest, order: Order, case: AfterSale) -> str:
    """The question staff answer before 同意 on a case: the same sentence, amount and route as on 审核
    (services.reviews.approval_money), from what the case row already holds."""
    from .reviews import RowMoney, approval_money, wechat_booked_fen
    booked = wechat_booked_fen(order) if order.balance_paid_fen > 0 else 0
    return approval_money(request, order, RowMoney(case.type, case.amount_fen, booked))["confirm_text"]


def _deadline_json(case: AfterSale, status: CaseStatus, request: OrderRequest) -> dict:
    """A5's countdown, the same on both sides: when, who must act, and 还剩 1天3小时."""
    stage = DEADLINE_STAGES.get(status)
    deadline = (request.due_at if status is CaseStatus.PENDING else case.deadline_at) if stage else None
    now = clock.now()
    return {"deadline_at": deadline, "deadline_label": deadline_label(deadline, now),
            # what is left by the server's clock, so a page can count down without trusting the phone's
            "deadline_seconds": max(int((deadline - now).total_seconds()), 0) if deadline else None,
            "deadline_for": stage[0] if deadline else None, "deadline_stage": stage[1] if deadline else None}


def _proposal_json(proposal: dict | None) -> dict | None:
    if not proposal:
        return None
    return {key: proposal.get(key) for key in ("kind", "kind_label", "type", "amount_fen", "message", "text")}


def decision_summary(case: AfterSale) -> dict:
    """What a person needs to decide (R5): the order's timeline, logistics, the shopper's history."""
    order = db.session.get(Order, case.order_id)
    who = db.session.get(Shopper, case.shopper_id)
    previous = db.session.scalar(select(func.count()).where(AfterSale.shopper_id == case.shopper_id,
                                                             AfterSale.id != case.id))
    return {
        "disputed": is_disputed(case.reason_code),
        "automatic_approval_blockers": automatic_approval_blockers(_approval_facts(case, order), deps().policy),
        "timeline": events.timeline(order, for_shopper=False),
        "logistics": {"carrier": order.carrier, "tracking_no": order.tracking_no, "shipped_at": order.shipped_at,
                      "completed_at": order.completed_at, "return_carrier": case.return_carrier,
                      "return_tracking_no": case.return_tracking_no},
        "shopper": {"id": who.id, "nickname": who.nickname, "watchlisted": risk.is_watchlisted(who.id),
                    "risk_reasons": who.risk_reasons or [], "previous_after_sales": previous,
                    "metrics": risk.metrics(who.id)},
    }


def list_cases(status: str | None = None, page: int = 1, per_page: int = 20,
               staff_role: str | None = None) -> tuple[list[dict], int]:
    query = select(AfterSale)
    if status:
        query = query.where(AfterSale.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(AfterSale.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return [case_json(c, staff_role) for c in rows], total


def returns_awaiting_receipt_count() -> int:
    """Warehouse to-do: goods the shopper has sent back (tracking number given) and nobody has received yet."""
    return db.session.scalar(select(func.count()).select_from(AfterSale)
                             .where(AfterSale.status == CaseStatus.RETURNING.value))


def cases_of_order(order_id: int) -> list[AfterSale]:
    return list(db.session.scalars(select(AfterSale).where(AfterSale.order_id == order_id).order_by(AfterSale.id)))




# ---- telling the shopper -------------------------------------------------------------------


def _after_commit_notify(tx, case: AfterSale, kind: str, title: str, body: str) -> None:
    """In-app message in the same transaction; decisions also go out as a subscribe message (N1)."""
    template = "after_sale_result" if kind in ("after_sale_approved", "after_sale_rejected") else None
    notifications.notify_shopper(case.shopper_id, kind, title, body, order_id=case.order_id, template=template,
                                 tx=tx)
