"""Staff order management: search (Q2), .xlsx export, detail, accept / ship (O6), modify (M1–M3), cancel (C3),
staff refunds (R8)."""
from __future__ import annotations

from flask import g

from ...domain.orders import OrderStatus
from ...services import (admin_queries, audit, cancellation, modification, order_exports, ordering, queries, shipping,
                         staff_refunds)
from ...services.stats import utc_bounds
from ..blueprint import Blueprint
from ..presenters import order_detail, order_summary
from .access import staff_required
from .common import XLSX_MIMETYPE, xlsx_response
from .schemas import (XLSX_DOC, AdminOrderPageSchema, AdminOrderSchema, CarrierSchema, OrderExportSchema,
                      OrderSearchArgsSchema, ShipInSchema, StaffCancelInSchema, StaffModifyInSchema, StaffRefundInSchema,
                      StaffModifyPreviewSchema, StaffRefundPreviewInSchema, StaffRefundPreviewSchema)

blp = Blueprint("admin_orders", __name__, url_prefix="/api/admin", description="后台：订单查询、导出、受理、发货、修改、取消")


def filters_from(args) -> admin_queries.OrderFilters:
    start = end = None
    if args["created_from"]:
        start = utc_bounds(args["created_from"], args["created_from"])[0]
    if args["created_to"]:
        end = utc_bounds(args["created_to"], args["created_to"])[1]
    return admin_queries.OrderFilters(
        order_no=args["order_no"], shopper=args["shopper"], product=args["product"], status=args["status"],
        refund_status=args["refund_status"], created_from=start, created_to=end,
        amount_min_fen=args["amount_min_fen"], amount_max_fen=args["amount_max_fen"], shopper_id=args["shopper_id"],
        sort=args["sort"], direction=args["direction"])


def staff_order_json(order) -> dict:
    """The staff's order page after any read or write (re-read in one statement after a commit)."""
    order = queries.viewable(order)
    body = order_detail(order, queries.staff_actions_of(queries.viewed_facts(order), g.staff.role),
                        for_shopper=False)
    shopper = admin_queries.shopper_names({order.shopper_id}).get(order.shopper_id)
    body["shopper_id"] = order.shopper_id
    body["shopper"] = {"id": order.shopper_id}
    if shopper:
        body["shopper"].update(nickname=shopper.nickname, phone=shopper.phone, member_level=shopper.member_level,
                               risk_flagged=shopper.risk_flagged)
    body["shipping_uploads"] = shipping.uploads_json(order.id)
    return body


def order_action(name: str, order_id: int, run, snapshot=admin_queries.order_snapshot, **extra):
    """Run a service on an order and audit it with the order's state before and after."""
    with audit.action(g.actor, name, "order", order_id, lambda: snapshot(order_id), **extra):
        order = run()
    return staff_order_json(order)


@blp.get("/orders")
@staff_required("order.view")
@blp.arguments(OrderSearchArgsSchema, location="query")
@blp.response(200, AdminOrderPageSchema)
def list_orders(args):
    """订单列表：订单号、顾客姓名/手机号、商品、状态、退款状态、下单日期、金额筛选；排序；分页；各状态数量（状态页签）"""
    rows, total, capped, counts = admin_queries.search_orders(filters_from(args), args["page"], args["per_page"])
    shoppers = admin_queries.shopper_names({order.shopper_id for order, _ in rows})
    items = []
    for order, facts in rows:
        row = order_summary(order, queries.staff_actions_of(facts, g.staff.role))
        shopper = shoppers.get(order.shopper_id)
        row.update(shopper_id=order.shopper_id, shopper_nickname=shopper.nickname if shopper else "",
                   receiver_name=order.receiver_name, receiver_phone=order.receiver_phone, paid_at=order.paid_at)
        items.append(row)
    status_counts = [{"status": status.value, "label": status.label, "count": counts[status.value][0],
                      "capped": counts[status.value][1]} for status in OrderStatus]
    return {"items": items, "total": total, "total_capped": capped, "page": args["page"], "per_page": args["per_page"],
            "status_counts": status_counts}


def _audit_export(args) -> None:
    audit.record(g.actor, "order.export", "order", "", None,
                 {k: v for k, v in args.items() if v is not None and k not in ("page", "per_page")})


@blp.get("/orders/export.xlsx")
@staff_required("order.export")
@blp.arguments(OrderSearchArgsSchema, location="query")
@blp.response(200, content_type=XLSX_MIMETYPE)
@blp.doc(**XLSX_DOC)
@blp.alt_response(409, response="CONFLICT", description="超过 10000 条（EXPORT_TOO_LARGE），请用 POST /orders/exports")
def export_orders(args):
    """按当前筛选条件导出 Excel（.xlsx；订单号为文本，金额单位：元）；超过 10000 条请用 POST /orders/exports"""
    body = order_exports.xlsx_bytes(filters_from(args))
    _audit_export(args)
    return xlsx_response("订单导出.xlsx", body)


@blp.post("/orders/exports")
@staff_required("order.export")
@blp.arguments(OrderSearchArgsSchema, location="json")
@blp.response(202, OrderExportSchema)
def start_order_export(args):
    """后台导出：任意条数（最多 100000 条）排队生成 .xlsx，用 GET /orders/exports/<id> 查看进度"""
    export = order_exports.start_export(filters_from(args), g.staff.id)
    _audit_export(args)
    return export


@blp.get("/orders/exports/<string:export_id>")
@staff_required("order.export")
@blp.response(200, OrderExportSchema)
def order_export_status(export_id):
    """后台导出的进度；完成后 status 为 ready，可下载"""
    return order_exports.export_status(export_id, g.staff.id)


@blp.get("/orders/exports/<string:export_id>/file")
@staff_required("order.export")
@blp.response(200, content_type=XLSX_MIMETYPE)
@blp.doc(**XLSX_DOC)
def order_export_file(export_id):
    """下载已完成的后台导出（.xlsx）"""
    path = order_exports.export_file(export_id, g.staff.id)
    return xlsx_response("订单导出.xlsx", path.read_bytes())


@blp.get("/orders/<int:order_id>")
@staff_required("order.view")
@blp.response(200, AdminOrderSchema)
def get_order(order_id):
    """订单详情（员工视角：完整时间线、退款、可执行操作 actions）"""
    return staff_order_json(admin_queries.get_order(order_id, for_view=True))


@blp.post("/orders/<int:order_id>/accept")
@staff_required("order.accept")
@blp.response(200, AdminOrderSchema)
def accept_order(order_id):
    """受理订单（已受理 → 备货中）"""
    return order_action("order.accept", order_id, lambda: ordering.accept_order(order_id, g.actor))


@blp.post("/orders/<int:order_id>/ship")
@staff_required("order.ship")
@blp.arguments(ShipInSchema)
@blp.response(200, AdminOrderSchema)
def ship_order(body, order_id):
    """发货（快递公司 + 快递单号）"""
    return order_action("order.ship", order_id,
                        lambda: ordering.ship_order(order_id, g.actor, body["carrier"], body["tracking_no"]))


@blp.post("/orders/<int:order_id>/shipment")
@staff_required("order.ship")
@blp.arguments(ShipInSchema)
@blp.response(200, AdminOrderSchema)
def correct_shipment(body, order_id):
    """修改发货信息（签收前；微信只允许修改一次，修改后重新上传微信）"""
    return order_action("order.correct_shipment", order_id, lambda: shipping.correct_shipment(
        order_id, g.actor, body["carrier"], body["tracking_no"]))


@blp.post("/orders/<int:order_id>/delivered")
@staff_required("order.ship")
@blp.response(200, AdminOrderSchema)
def mark_delivered(order_id):
    """已签收：快递已送达，请微信提醒顾客确认收货（notify_confirm_receive）"""
    return order_action("order.mark_delivered", order_id, lambda: shipping.mark_delivered(order_id, g.actor))


@blp.get("/carriers")
@staff_required("order.ship")
@blp.response(200, CarrierSchema(many=True))
def carriers():
    """发货可选的快递公司（微信 get_delivery_list，缓存一天）"""
    return shipping.carrier_choices()


@blp.post("/orders/<int:order_id>/modify/preview")
@staff_required("order.modify")
@blp.arguments(StaffModifyInSchema)
@blp.response(200, StaffModifyPreviewSchema)
def preview_modify(body, order_id):
    """修改订单预览：确认前告知将退还的差价、是否需再次输入密码、或为何不能修改（不做任何修改）"""
    body.pop("password", None)
    admin_queries.get_order(order_id)
    return modification.preview_staff_modification(order_id, g.actor, {k: v for k, v in body.items() if v is not None})


@blp.post("/orders/<int:order_id>/modify")
@staff_required("order.modify")
@blp.arguments(StaffModifyInSchema)
@blp.response(200, AdminOrderSchema)
def modify_order(body, order_id):
    """修改订单（发货前：收货人、电话、地址、备注、商品数量）；员工修改立即生效，已付款订单减少数量时退还差价
    （按退款规则：超出角色退款权限则拒绝，本单累计退款达到阈值需再次输入密码）"""
    password = body.pop("password")
    changes = {k: v for k, v in body.items() if v is not None}
    return order_action("order.modify", order_id,
                        lambda: modification.modify_order(order_id, g.actor, changes, password=password),
                        snapshot=admin_queries.modification_snapshot)


@blp.post("/orders/<int:order_id>/cancel")
@staff_required("order.cancel")
@blp.arguments(StaffCancelInSchema)
@blp.response(200, AdminOrderSchema)
def cancel_order(body, order_id):
    """商家取消订单（客服仅可取消未付款订单；金额超过阈值需再次输入密码）"""
    admin_queries.get_order(order_id)
    return order_action("order.cancel", order_id, lambda: cancellation.cancel_by_staff(
        order_id, g.actor, body["reason_code"], body["reason_text"], password=body["password"]),
        reason_code=body["reason_code"], reason_text=body["reason_text"])


@blp.post("/orders/<int:order_id>/refunds/preview")
@staff_required("refund.create")
@blp.arguments(StaffRefundPreviewInSchema)
@blp.response(200, StaffRefundPreviewSchema)
def preview_refund(body, order_id):
    """员工退款预览：确认前告知本次将退的金额、是否需再次输入密码、或为何不能发起（不做任何修改）"""
    admin_queries.get_order(order_id)
    return staff_refunds.preview(order_id, g.actor, body["kind"], lines=body["lines"], amount_fen=body["amount_fen"])


@blp.post("/orders/<int:order_id>/refunds")
@staff_required("refund.create")
@blp.arguments(StaffRefundInSchema)
@blp.response(200, AdminOrderSchema)
def refund_order(body, order_id):
    """员工退款（R8）：退选定商品、补偿/差价金额或运费，原路退回或退回余额，可附补偿券；按退款规则：超出角色退款权限
    则拒绝（REFUND_OVER_ROLE_LIMIT），本单累计退款达到阈值需再次输入密码（password）；顾客会看到退款原因"""
    admin_queries.get_order(order_id)
    return order_action("order.refund", order_id, lambda: staff_refunds.refund_order(
        order_id, g.actor, body["kind"], body["reason"], lines=body["lines"], amount_fen=body["amount_fen"],
        method=body["method"], coupon_id=body["coupon_id"], password=body["password"]),
        kind=body["kind"], reason=body["reason"], amount_fen=body["amount_fen"], method=body["method"])
