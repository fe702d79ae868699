"""Batch work (A7): approve / reject many requests or after-sales cases, accept or ship many orders (or from a
file), cancel every unshipped order of a SKU (缺货/召回). Each runs as a job; GET /batches/<id> shows progress."""
from __future__ import annotations

from flask import g, request
from marshmallow import Schema, fields, validate

from ...adapters.spreadsheets import read_rows
from ...domain.batches import MAX_ITEMS, BatchKind, parse_ship_rows
from ...domain.errors import DomainError, ErrorCode
from ...services import admin_queries, batches
from ..blueprint import Blueprint
from ..ids import id_field
from .access import staff_required
from .common import plain

blp = Blueprint("admin_batches", __name__, url_prefix="/api/admin", description="后台：批量操作（进度与逐项结果）")

PASSWORD_DOC = "二次验证：输入一次登录密码，整批中需要二次验证的项都用它（不填则这些项失败并说明原因）"


def _ids(**kwargs):
    return fields.List(id_field(), required=True,
                       validate=validate.Length(min=1, max=MAX_ITEMS, error=f"请选择 1 到 {MAX_ITEMS} 项"), **kwargs)


class BatchApproveInSchema(Schema):
    ids = _ids()
    note = fields.String(load_default="", validate=validate.Length(max=500))
    password = fields.String(load_default=None, load_only=True, metadata={"description": PASSWORD_DOC})


class BatchRejectInSchema(Schema):
    ids = _ids()
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500, error="请填写拒绝原因"))


class BatchOrdersInSchema(Schema):
    ids = _ids()


class ShipmentInSchema(Schema):
    order_id = id_field(required=True)
    carrier = fields.String(required=True, validate=validate.Length(min=1, max=40))
    tracking_no = fields.String(required=True, validate=validate.Length(min=1, max=40))


class BatchShipInSchema(Schema):
    items = fields.List(fields.Nested(ShipmentInSchema), required=True,
                        validate=validate.Length(min=1, max=MAX_ITEMS, error=f"请填写 1 到 {MAX_ITEMS} 个订单"))


class RecallInSchema(Schema):
    sku_id = id_field(required=True)
    reason_code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    reason_text = fields.String(load_default="", validate=validate.Length(max=200))
    password = fields.String(load_default=None, load_only=True, metadata={"description": "二次验证：登录密码（必填）"})


class BatchArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    status = fields.String(load_default=None, validate=validate.OneOf(["pending", "running", "succeeded", "failed"]))


class BatchItemSchema(Schema):
    position = fields.Integer()
    ref = fields.Integer(metadata={"description": "申请、售后单或订单的编号"})
    label = fields.String(metadata={"description": "订单号"})
    status = fields.String()
    status_label = fields.String()
    result_code = fields.String(allow_none=True, metadata={"description": "失败时的错误码（ErrorCode）"})
    message = fields.String(allow_none=True)
    data = fields.Dict(allow_none=True)


class BatchSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    kind_label = fields.String()
    status = fields.String(metadata={"description": "queued | running | finished"})
    status_label = fields.String()
    total = fields.Integer()
    done = fields.Integer(metadata={"description": "成功的项数"})
    failed = fields.Integer()
    percent = fields.Integer()
    params = fields.Dict()
    created_by_name = fields.String()
    created_at = fields.String()
    finished_at = fields.String(allow_none=True)
    created = fields.Boolean(metadata={"description": "false：同一批量操作已提交过，返回原来的那一批，不会重复执行"})
    items = fields.List(fields.Nested(BatchItemSchema))
    items_total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


def _submitted(kind: BatchKind, items, params=None, password=None, password_required=False) -> dict:
    batch, created = batches.submit(g.actor, kind, items, params, password, password_required)
    return plain(batches.batch_json(batch)) | {"created": created}


@blp.post("/batches/requests/approve")
@staff_required("request.review")
@blp.arguments(BatchApproveInSchema)
@blp.response(202, BatchSchema)
def approve_requests(body):
    """批量同意申请（取消/修改/售后）：逐项与单个同意相同（角色与退款规则逐项判断）"""
    return _submitted(BatchKind.APPROVE_REQUESTS, batches.request_items(body["ids"]), {"note": body["note"]},
                      body["password"])


@blp.post("/batches/requests/reject")
@staff_required("request.review")
@blp.arguments(BatchRejectInSchema)
@blp.response(202, BatchSchema)
def reject_requests(body):
    """批量拒绝申请（同一原因，会告知每位顾客）"""
    return _submitted(BatchKind.REJECT_REQUESTS, batches.request_items(body["ids"]), {"reason": body["reason"]})


@blp.post("/batches/after-sales/approve")
@staff_required("request.review")
@blp.arguments(BatchApproveInSchema)
@blp.response(202, BatchSchema)
def approve_after_sales(body):
    """批量同意售后单（ids 为售后单编号）"""
    return _submitted(BatchKind.APPROVE_AFTER_SALES, batches.case_items(body["ids"]), {"note": body["note"]},
                      body["password"])


@blp.post("/batches/after-sales/reject")
@staff_required("request.review")
@blp.arguments(BatchRejectInSchema)
@blp.response(202, BatchSchema)
def reject_after_sales(body):
    """批量拒绝售后单"""
    return _submitted(BatchKind.REJECT_AFTER_SALES, batches.case_items(body["ids"]), {"reason": body["reason"]})


@blp.post("/batches/orders/accept")
@staff_required("order.accept")
@blp.arguments(BatchOrdersInSchema)
@blp.response(202, BatchSchema)
def accept_orders(body):
    """批量受理订单"""
    return _submitted(BatchKind.ACCEPT_ORDERS, batches.order_items(body["ids"]))


@blp.post("/batches/orders/ship")
@staff_required("order.ship")
@blp.arguments(BatchShipInSchema)
@blp.response(202, BatchSchema)
def ship_orders(body):
    """批量发货（每个订单的快递公司 + 快递单号）"""
    shipments = {row["order_id"]: {"carrier": row["carrier"], "tracking_no": row["tracking_no"]} for row in body["items"]}
    if len(shipments) != len(body["items"]):
        raise DomainError(ErrorCode.VALIDATION_ERROR, "同一订单不能重复发货")
    items = [(ref, label, shipments[ref]) for ref, label, _ in batches.order_items(list(shipments))]
    return _submitted(BatchKind.SHIP_ORDERS, items)


@blp.post("/batches/orders/ship-file")
@staff_required("order.ship")
@blp.response(202, BatchSchema)
def ship_orders_from_file():
    """从文件批量发货（multipart 字段 file：CSV 或 .xlsx，表头 订单号、快递公司、快递单号）。
    有错误的行时整份文件不执行，错误逐行列在 details.rows（第几行、订单号、原因）"""
    file = request.files.get("file")
    if file is None:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "请选择发货文件（CSV 或 Excel）", {"file": "必填"})
    rows, errors = parse_ship_rows(read_rows(file.filename or "", file.read()))
    items, unknown = batches.shipment_items(rows)
    errors = sorted(errors + unknown, key=lambda error: error["row"])
    if errors:
        raise DomainError(ErrorCode.VALIDATION_ERROR, f"文件中有 {len(errors)} 行有误，请修改后重新上传",
                          {"rows": errors})
    return _submitted(BatchKind.SHIP_ORDERS, items)


@blp.post("/batches/recall")
@staff_required("order.recall")
@blp.arguments(RecallInSchema)
@blp.response(202, BatchSchema)
def recall(body):
    """缺货/召回：取消该规格全部未发货订单（一个原因、一次密码验证），已付款的按退款规则原路退款"""
    admin_queries.get_sku(body["sku_id"])
    return _submitted(BatchKind.RECALL_SKU, batches.recall_items(body["sku_id"], body["reason_code"], body["reason_text"]),
                      {"sku_id": body["sku_id"], "reason_code": body["reason_code"],
                       "reason_text": body["reason_text"]}, body["password"], password_required=True)


@blp.get("/batches/<int:batch_id>")
@staff_required("order.view")
@blp.arguments(BatchArgsSchema, location="query")
@blp.response(200, BatchSchema)
def get_batch(args, batch_id):
    """批量操作的进度（成功/失败数、百分比）与逐项结果（status=failed 只看失败的项）"""
    return plain(batches.batch_json(batches.get_batch(batch_id), page=args["page"], per_page=args["per_page"],
                                    status=args["status"]))
