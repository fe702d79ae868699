"""Invoices on the shopper's side (发票, R10): ask for one on a paid order, see its state, download the PDF."""
from __future__ import annotations

from flask import g, send_file
from marshmallow import Schema, fields, validate

from ...domain.invoices import EMAIL_MAX, TITLE_MAX, InvoiceApplication, InvoiceKind
from ...domain.labels import shopper_buttons
from ...services import invoices
from ..auth import shopper_required
from ..blueprint import Blueprint
from ..schemas import ShanghaiDateTime

blp = Blueprint("mp_invoices", __name__, url_prefix="/api/mp", description="小程序：申请发票、查看发票状态、下载电子发票")

PDF_DOC = {"responses": {"200": {"description": "电子发票 PDF",
                                 "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}}


class InvoiceSchema(Schema):
    id = fields.Integer()
    order_id = fields.Integer()
    kind = fields.String(metadata={"description": "personal（个人）/ company（企业）"})
    kind_label = fields.String()
    title = fields.String()
    tax_no = fields.String()
    email = fields.String()
    status = fields.String(metadata={"description": "requested / issued / rejected / red_pending / red_issued / reissued"})
    status_label = fields.String(metadata={"description": "申请中 / 已开具 / 已驳回 / 冲红/重开中 / 已冲红 / 已重开"})
    amount_fen = fields.Integer()
    invoice_no = fields.String(allow_none=True)
    has_pdf = fields.Boolean()
    reject_reason = fields.String(allow_none=True)
    requested_at = ShanghaiDateTime()
    issued_at = ShanghaiDateTime(allow_none=True)
    history = fields.List(fields.Dict(), metadata={"description": "开具、驳回、退款、冲红、重开的记录"})
    note = fields.String(metadata={"description": "给顾客看的一句话说明"})


class OrderInvoiceSchema(Schema):
    invoice = fields.Nested(InvoiceSchema, allow_none=True)
    actions = fields.List(fields.String(), metadata={"description": "request_invoice（申请发票）/ download（下载发票）"})
    buttons = fields.List(fields.Dict(), metadata={"description": "the actions with their Chinese label (action, label, "
                                                                  "primary), as the mini-program draws them"})


def with_buttons(view: dict) -> dict:
    return {**view, "buttons": shopper_buttons(view["actions"])}


class InvoiceRequestInSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in InvoiceKind],
                                                                  error="发票类型须为 personal（个人）或 company（企业）"))
    title = fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX, error="请填写发票抬头"))
    tax_no = fields.String(load_default="", validate=validate.Length(max=20, error="税号不超过 20 位"))
    email = fields.String(required=True, validate=validate.Length(min=3, max=EMAIL_MAX, error="请填写邮箱"))


@blp.get("/orders/<int:order_id>/invoice")
@blp.response(200, OrderInvoiceSchema)
@shopper_required
def get_invoice(order_id):
    """订单的发票：状态（申请中/已开具/已冲红……）与可做的操作（申请发票、下载）"""
    return with_buttons(invoices.shopper_view(order_id, g.shopper.id))


@blp.post("/orders/<int:order_id>/invoice")
@blp.arguments(InvoiceRequestInSchema)
@blp.response(201, OrderInvoiceSchema)
@shopper_required
def request_invoice(body, order_id):
    """申请发票（已付款订单；企业须填写税号；每个订单同时只有一个有效申请）"""
    invoices.request_invoice(order_id, g.shopper.id, InvoiceApplication(body["kind"], body["title"], body["tax_no"],
                                                                        body["email"]))
    return with_buttons(invoices.shopper_view(order_id, g.shopper.id))


@blp.get("/orders/<int:order_id>/invoice/pdf")
@blp.doc(**PDF_DOC)
@shopper_required
def download_invoice(order_id):
    """下载电子发票 PDF（已开具或已重开时）"""
    path = invoices.shopper_pdf(order_id, g.shopper.id)
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=f"发票-{order_id}.pdf")
