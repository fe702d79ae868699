"""Invoices for finance (发票, R10): requests to issue or reject, the 冲红/重开 to-dos refunds open, PDFs.
Rules: services/invoices.py; every action is audited; buttons come from each row's `actions`."""
from __future__ import annotations

from flask import g, request, send_file
from marshmallow import Schema, fields, validate

from ...domain.errors import DomainError, ErrorCode
from ...domain.invoices import NUMBER_MAX, REASON_MAX, InvoiceStatus
from ...services import invoices as service
from ...services import uploads
from ..blueprint import Blueprint
from ..mp.invoices import PDF_DOC, InvoiceSchema
from ..schemas import ShanghaiDateTime
from .access import staff_required
from .common import page_of
from .schemas import AdminPageArgsSchema, LoosePageSchema

blp = Blueprint("admin_invoices", __name__, url_prefix="/api/admin",
                description="后台：发票申请（开具、驳回）与退款后的冲红/重开")


class InvoiceArgsSchema(AdminPageArgsSchema):
    status = fields.String(validate=validate.OneOf([s.value for s in InvoiceStatus], error="发票状态无效"))
    q = fields.String(validate=validate.Length(max=40), metadata={"description": "订单号或发票号码"})


class StaffInvoiceSchema(InvoiceSchema):
    actions = fields.List(fields.String(), metadata={"description": "issue（开具）/ reject（驳回）/ record_red（冲红/重开）"})
    red_requested_at = ShanghaiDateTime(allow_none=True)


class InvoiceFileSchema(Schema):
    file = fields.String(metadata={"description": "开具、重开时引用的文件名"})


class InvoiceIssueInSchema(Schema):
    invoice_no = fields.String(required=True, validate=validate.Length(min=1, max=NUMBER_MAX))
    file = fields.String(required=True, validate=validate.Length(min=1, max=80),
                         metadata={"description": "POST /invoice-files 返回的文件名"})


class InvoiceRejectInSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=REASON_MAX, error="请填写驳回原因"))


class InvoiceRedInSchema(Schema):
    red_invoice_no = fields.String(required=True, validate=validate.Length(min=1, max=NUMBER_MAX),
                                   metadata={"description": "红字发票号码"})
    reissue_invoice_no = fields.String(load_default=None, validate=validate.Length(min=1, max=NUMBER_MAX),
                                       metadata={"description": "重开发票号码（顾客仍有实付金额时必填）"})
    reissue_file = fields.String(load_default=None, validate=validate.Length(min=1, max=80))


def _one(invoice_id: int) -> dict:
    return service.invoice_json(service.get_invoice(invoice_id), for_staff=True)


@blp.get("/invoices")
@staff_required("invoice.manage")
@blp.arguments(InvoiceArgsSchema, location="query")
@blp.response(200, LoosePageSchema)
def list_invoices(args):
    """发票申请列表（按状态筛选：申请中、冲红/重开中……；按订单号或发票号码查找）"""
    result = service.list_invoices(status=args.get("status"), q=args.get("q"), page=args["page"],
                                   per_page=args["per_page"])
    return page_of(result, args["page"], args["per_page"])


@blp.get("/invoices/<int:invoice_id>")
@staff_required("invoice.manage")
@blp.response(200, StaffInvoiceSchema)
def get_invoice(invoice_id):
    return _one(invoice_id)


@blp.post("/invoice-files")
@staff_required("invoice.manage")
@blp.response(201, InvoiceFileSchema)
def upload_invoice_file():
    """上传电子发票 PDF（multipart 字段 file）；返回的文件名用于开具或重开"""
    file = request.files.get("file")
    if file is None:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请选择电子发票 PDF", {"file": "必填"})
    return {"file": uploads.save_invoice_pdf(file.read())}


@blp.post("/invoices/<int:invoice_id>/issue")
@staff_required("invoice.manage")
@blp.arguments(InvoiceIssueInSchema)
@blp.response(200, StaffInvoiceSchema)
def issue(body, invoice_id):
    """开具：记录发票号码与 PDF，通知顾客"""
    service.issue(invoice_id, g.actor, body["invoice_no"], body["file"])
    return _one(invoice_id)


@blp.post("/invoices/<int:invoice_id>/reject")
@staff_required("invoice.manage")
@blp.arguments(InvoiceRejectInSchema)
@blp.response(200, StaffInvoiceSchema)
def reject(body, invoice_id):
    """驳回申请（原因发给顾客，顾客可重新申请）"""
    service.reject(invoice_id, g.actor, body["reason"])
    return _one(invoice_id)


@blp.post("/invoices/<int:invoice_id>/red")
@staff_required("invoice.manage")
@blp.arguments(InvoiceRedInSchema)
@blp.response(200, StaffInvoiceSchema)
def record_red(body, invoice_id):
    """冲红/重开：记录红字发票；顾客仍有实付金额时同时记录重开的发票（号码与 PDF）"""
    service.record_red(invoice_id, g.actor, body["red_invoice_no"], body["reissue_invoice_no"], body["reissue_file"])
    return _one(invoice_id)


@blp.get("/invoices/<int:invoice_id>/pdf")
@staff_required("invoice.manage")
@blp.doc(**PDF_DOC)
def download_pdf(invoice_id):
    return send_file(service.staff_pdf(invoice_id), mimetype="application/pdf", as_attachment=True,
                     download_name=f"发票-{invoice_id}.pdf")
