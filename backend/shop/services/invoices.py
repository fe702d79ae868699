"""Invoices (发票, R10): the shopper asks on a paid order; finance issues (number + PDF) or rejects; a refund
of an invoiced order opens a 冲红/重开 to-do that finance closes by recording the red-letter invoice and, when
the shopper kept part of the order, the reissued one. Rules: domain/invoices.py; staff actions are audited."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, inspect, select

from ..db import Invoice, Order
from ..domain import clock
from ..domain import invoices as rules
from ..domain.actors import Actor
from ..domain.errors import DomainError, ErrorCode
from ..domain.invoices import InvoiceApplication, InvoiceKind, InvoiceStatus
from ..domain.money import yuan
from ..extensions import db
from . import audit, notifications, uploads
from .uow import transaction


def _open_invoice(order_id: int) -> Invoice | None:
    return db.session.scalar(select(Invoice).where(Invoice.order_id == order_id,
                                                   Invoice.status.in_([s.value for s in rules.OPEN_STATUSES]))
                             .order_by(Invoice.id.desc()).limit(1))


def _open_invoice_of(order: Order) -> Invoice | None:
    """The order's open invoice: from its invoices when the caller loaded them with it (a cancel), else read."""
    if "invoices" in inspect(order).unloaded:
        return _open_invoice(order.id)
    open_statuses = {s.value for s in rules.OPEN_STATUSES}
    return next((i for i in reversed(order.invoices) if i.status in open_statuses), None)


def _latest_invoice(order_id: int) -> Invoice | None:
    return db.session.scalar(select(Invoice).where(Invoice.order_id == order_id).order_by(Invoice.id.desc()).limit(1))


def _shopper_order(order_id: int, shopper_id: int, *, lock: bool = False) -> Order:
    query = select(Order).where(Order.id == order_id)
    order = db.session.scalar(query.with_for_update() if lock else query)
    if order is None or order.shopper_id != shopper_id or order.deleted_by_shopper_at:
        raise DomainError(ErrorCode.ORDER_NOT_FOUND)
    return order


def request_invoice(order_id: int, shopper_id: int, application: InvoiceApplication) -> Invoice:
    problems = rules.application_problems(application)
    if problems:
        raise DomainError(ErrorCode.VALIDATION_ERROR, next(iter(problems.values())), problems)
    with transaction():
        order = _shopper_order(order_id, shopper_id, lock=True)  # one open request per order, even when racing
        current = _open_invoice(order.id)
        refusal = rules.may_request(order.status, order.paid_fen, order.refunded_fen,
                                    current.status if current else None)
        if refusal:
            raise DomainError(ErrorCode.INVOICE_NOT_ALLOWED, refusal)
        company = application.kind == InvoiceKind.COMPANY.value
        invoice = Invoice(order_id=order.id, shopper_id=shopper_id, kind=application.kind,
                          title=application.title.strip(), tax_no=application.tax_no.strip().upper() if company else "",
                          email=application.email.strip(), status=InvoiceStatus.REQUESTED.value,
                          amount_fen=order.paid_fen - order.refunded_fen, history=[], requested_at=clock.now())
        db.session.add(invoice)
        db.session.flush()
        invoice_id = invoice.id
    return db.session.get(Invoice, invoice_id)


def shopper_view(order_id: int, shopper_id: int) -> dict:
    """The order's invoice as the shopper sees it, and what they may do (申请发票 / 下载发票)."""
    order = _shopper_order(order_id, shopper_id)
    invoice = _latest_invoice(order.id)
    current = invoice if invoice is not None and InvoiceStatus(invoice.status) in rules.OPEN_STATUSES else None
    actions = [] if rules.may_request(order.status, order.paid_fen, order.refunded_fen,
                                      current.status if current else None) else ["request_invoice"]
    if invoice is not None:
        actions += rules.shopper_actions(invoice.status, bool(invoice.pdf_name))
    return {"invoice": invoice_json(invoice, for_staff=False) if invoice else None, "actions": actions}


def shopper_pdf(order_id: int, shopper_id: int) -> Path:
    invoice = _latest_invoice(_shopper_order(order_id, shopper_id).id)
    if invoice is None or "download" not in rules.shopper_actions(invoice.status, bool(invoice.pdf_name)):
        raise DomainError(ErrorCode.INVOICE_NOT_FOUND, "发票尚未开具")
    return uploads.invoice_dir() / invoice.pdf_name


def staff_pdf(invoice_id: int) -> Path:
    invoice = get_invoice(invoice_id)
    if not invoice.pdf_name:
        raise DomainError(ErrorCode.INVOICE_NOT_FOUND, "该发票没有 PDF")
    return uploads.invoice_dir() / invoice.pdf_name


def invoice_json(invoice: Invoice, *, for_staff: bool) -> dict:
    status = InvoiceStatus(invoice.status)
    body = {"id": invoice.id, "order_id": invoice.order_id, "kind": invoice.kind,
            "kind_label": InvoiceKind(invoice.kind).label, "title": invoice.title, "tax_no": invoice.tax_no,
            "email": invoice.email, "status": status.value, "status_label": status.label,
            "amount_fen": invoice.amount_fen, "invoice_no": invoice.invoice_no, "has_pdf": bool(invoice.pdf_name),
            "reject_reason": invoice.reject_reason, "requested_at": invoice.requested_at,
            "issued_at": invoice.issued_at, "history": list(invoice.history or []),
            "note": _note(invoice)}
    if for_staff:
        body["actions"] = rules.staff_actions(invoice.status)
        body["red_requested_at"] = invoice.red_requested_at
    return body


def _note(invoice: Invoice) -> str:
    """One sentence for the shopper's order page."""
    status = InvoiceStatus(invoice.status)
    if status == InvoiceStatus.REQUESTED:
        return f"发票申请已提交，开具后将发送至 {invoice.email}"
    if status == InvoiceStatus.REJECTED:
        return f"发票申请未通过：{invoice.reject_reason}，您可修改后重新申请"
    if status == InvoiceStatus.RED_PENDING:
        return "订单发生退款，原发票将冲红，如有剩余金额将重新开具"
    if status == InvoiceStatus.RED_ISSUED:
        return "订单已退款，原发票已冲红作废"
    return f"电子发票已开具（¥{yuan(invoice.amount_fen)}），已发送至 {invoice.email}，也可在此下载"


def get_invoice(invoice_id: int) -> Invoice:
    invoice = db.session.get(Invoice, invoice_id)
    if invoice is None:
        raise DomainError(ErrorCode.INVOICE_NOT_FOUND)
    return invoice


def list_invoices(*, status: str | None = None, q: str | None = None, page: int = 1,
                  per_page: int = 20) -> tuple[list[dict], int]:
    query = select(Invoice)
    if status:
        query = query.where(Invoice.status == status)
    if q:
        order_ids = select(Order.id).where(Order.order_no == q.strip())
        query = query.where((Invoice.invoice_no == q.strip()) | Invoice.order_id.in_(order_ids))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(Invoice.requested_at.desc(), Invoice.id.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    numbers = dict(db.session.execute(select(Order.id, Order.order_no)
                                      .where(Order.id.in_({r.order_id for r in rows}))).all()) if rows else {}
    return [{**invoice_json(r, for_staff=True), "order_no": numbers.get(r.order_id)} for r in rows], total


def todo_counts() -> dict:
    """Finance's to-dos: requests to issue, and invoices a refund made wrong (冲红/重开)."""
    counts = dict(db.session.execute(select(Invoice.status, func.count()).where(Invoice.status.in_(
        [InvoiceStatus.REQUESTED.value, InvoiceStatus.RED_PENDING.value])).group_by(Invoice.status)).all())
    return {"invoice_requests": counts.get(InvoiceStatus.REQUESTED.value, 0),
            "invoices_to_redo": counts.get(InvoiceStatus.RED_PENDING.value, 0)}


def _snapshot(invoice_id: int):
    def take() -> dict | None:
        row = db.session.get(Invoice, invoice_id)
        return None if row is None else {"status": row.status, "invoice_no": row.invoice_no,
                                         "amount_fen": row.amount_fen}
    return take


def _for_action(invoice_id: int, action: str) -> tuple[Invoice, Order]:
    invoice = db.session.scalar(select(Invoice).where(Invoice.id == invoice_id).with_for_update())
    if invoice is None:
        raise DomainError(ErrorCode.INVOICE_NOT_FOUND)
    if action not in rules.staff_actions(invoice.status):
        raise DomainError(ErrorCode.INVOICE_ACTION_NOT_ALLOWED,
                          f"发票当前为「{InvoiceStatus(invoice.status).label}」，不能这样处理")
    return invoice, db.session.get(Order, invoice.order_id)


def _checked_number(number: str, field: str) -> str:
    problem = rules.invoice_number_problem(number or "")
    if problem:
        raise DomainError(ErrorCode.VALIDATION_ERROR, problem, {field: problem})
    return number.strip()


def _checked_file(name: str, field: str) -> str:
    if not uploads.invoice_pdf_exists(name or ""):
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请先上传电子发票 PDF", {field: "未找到上传的文件"})
    return name


def issue(invoice_id: int, actor: Actor, invoice_no: str, file: str) -> Invoice:
    number, pdf = _checked_number(invoice_no, "invoice_no"), _checked_file(file, "file")
    with audit.action(actor, "invoice.issue", "invoice", invoice_id, _snapshot(invoice_id)):
        with transaction() as tx:
            invoice, order = _for_action(invoice_id, "issue")
            left = order.paid_fen - order.refunded_fen
            if left <= 0:
                raise DomainError(ErrorCode.INVOICE_ACTION_NOT_ALLOWED, "订单已全额退款，请驳回该发票申请")
            now = clock.now()
            invoice.status, invoice.invoice_no, invoice.pdf_name = InvoiceStatus.ISSUED.value, number, pdf
            invoice.amount_fen, invoice.issued_at = left, now
            invoice.history = [*invoice.history, {"event": "issued", "invoice_no": number, "amount_fen": left,
                                                  "at": now.isoformat()}]
            notifications.notify_shopper(invoice.shopper_id, "invoice", "电子发票已开具",
                                         f"订单 {order.order_no} 的电子发票（¥{yuan(left)}）已开具，可在订单详情下载",
                                         order.id, tx=tx)
    return get_invoice(invoice_id)


def reject(invoice_id: int, actor: Actor, reason: str) -> Invoice:
    reason = (reason or "").strip()
    if not reason or len(reason) > rules.REASON_MAX:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请填写驳回原因（顾客会看到），不超过 200 字", {"reason": "必填"})
    with audit.action(actor, "invoice.reject", "invoice", invoice_id, _snapshot(invoice_id), reason=reason):
        with transaction() as tx:
            invoice, order = _for_action(invoice_id, "reject")
            invoice.status, invoice.reject_reason = InvoiceStatus.REJECTED.value, reason
            invoice.history = [*invoice.history, {"event": "rejected", "reason": reason,
                                                  "at": clock.now().isoformat()}]
            notifications.notify_shopper(invoice.shopper_id, "invoice", "发票申请未通过",
                                         f"订单 {order.order_no} 的发票申请未通过：{reason}", order.id, tx=tx)
    return get_invoice(invoice_id)


def record_red(invoice_id: int, actor: Actor, red_invoice_no: str, reissue_invoice_no: str | None = None,
               reissue_file: str | None = None) -> Invoice:
    """Close the 冲红/重开 to-do: the red-letter invoice, and the reissued one for what the shopper kept."""
    red = _checked_number(red_invoice_no, "red_invoice_no")
    reissued = bool(reissue_invoice_no or reissue_file)
    if reissued:
        number, pdf = _checked_number(reissue_invoice_no, "reissue_invoice_no"), _checked_file(reissue_file,
                                                                                                "reissue_file")
    with audit.action(actor, "invoice.record_red", "invoice", invoice_id, _snapshot(invoice_id), red_invoice_no=red):
        with transaction() as tx:
            invoice, order = _for_action(invoice_id, "record_red")
            left = order.paid_fen - order.refunded_fen
            if reissued and left <= 0:
                raise DomainError(ErrorCode.INVOICE_ACTION_NOT_ALLOWED, "订单已全额退款，只需冲红，无需重开")
            if not reissued and left > 0:
                raise DomainError(ErrorCode.VALIDATION_ERROR,
                                  f"顾客仍实付 ¥{yuan(left)}，冲红后请重开发票（填写新发票号码并上传 PDF）",
                                  {"reissue_invoice_no": "必填"})
            now = clock.now()
            entries = [{"event": "red", "invoice_no": red, "reverses": invoice.invoice_no,
                        "amount_fen": -invoice.amount_fen, "at": now.isoformat()}]
            invoice.status = rules.after_red(reissued).value
            if reissued:
                invoice.invoice_no, invoice.pdf_name, invoice.amount_fen, invoice.issued_at = number, pdf, left, now
                entries.append({"event": "reissued", "invoice_no": number, "amount_fen": left, "at": now.isoformat()})
            else:
                invoice.amount_fen = 0
            invoice.history = [*invoice.history, *entries]
            text = (f"订单 {order.order_no} 退款后，原发票已冲红，并按实付 ¥{yuan(left)} 重新开具" if reissued
                    else f"订单 {order.order_no} 已退款，原发票已冲红作废")
            notifications.notify_shopper(invoice.shopper_id, "invoice", "发票已冲红" + ("并重开" if reissued else ""),
                                         text, order.id, tx=tx)
    return get_invoice(invoice_id)


def note_refund(order: Order) -> None:
    """In the refund's transaction: an invoice the shopper holds no longer matches what they paid, so finance
    gets a 冲红/重开 to-do (refunds of any route call this)."""
    invoice = _open_invoice_of(order)
    then = invoice and rules.after_refund(invoice.status, invoice.amount_fen, order.paid_fen - order.refunded_fen)
    if then is None:
        return
    now = clock.now()
    invoice.status, invoice.red_requested_at = then.value, now
    invoice.history = [*invoice.history, {"event": "refund", "refunded_fen": order.refunded_fen,
                                          "at": now.isoformat()}]
