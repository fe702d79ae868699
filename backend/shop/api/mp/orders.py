from flask import g
from marshmallow import Schema, fields, validate

from ...domain import labels
from ...services import order_reads, ordering, queries, shipping
from ...services.auth import ShopperCaller
from ...services.ordering import ItemRequest
from ..auth import client_ip, reading_as, shopper_reading, shopper_required, shopper_writing
from ..blueprint import Blueprint
from ..fast_json import json_response
from ..limits import order_creation_rate_limit
from ..presenters import order_detail, shopper_order_summaries
from ..schemas import OrderCreateSchema, OrderListArgsSchema, OrderPageSchema, OrderSchema, PayOutSchema

blp = Blueprint("mp_orders", __name__, url_prefix="/api/mp", description="小程序：下单、支付、订单查询（O3/O4/O6/Q1）")


class IdempotencyHeaderSchema(Schema):
    class Meta:
        unknown = "exclude"

    idempotency_key = fields.String(data_key="Idempotency-Key", load_default=None,
                                    validate=validate.Length(min=1, max=64, error="Idempotency-Key 长度须在 1 到 64 之间"),
                                    metadata={"description": "同一个值重复提交返回同一笔订单"})


def shopper_order_json(order, status: int = 200):
    """The order page after any read or write (re-read in one statement after a commit), as the response
    (compiled dump: api/fast_json; the view's @blp.response names the same OrderSchema and status)."""
    return json_response(OrderSchema, order_page_json(queries.viewable(order)), status)


def order_page_json(order):
    """The order page of an order with everything it shows loaded (ORM or order_reads.shopper_order)."""
    body = order_detail(order, queries.shopper_actions_of(queries.viewed_facts(order)), for_shopper=True)
    body["wechat_confirm"] = shipping.wechat_confirm_data(order) if "confirm_receipt_in_wechat" in body["actions"] \
        else None
    return body


@blp.post("/orders")
@order_creation_rate_limit
@blp.arguments(IdempotencyHeaderSchema, location="headers")
@blp.arguments(OrderCreateSchema)
@blp.response(201, OrderSchema)
@shopper_writing
def create_order(headers, body, claims):
    shopper, order = ordering.place_order(
        ShopperCaller(claims, client_ip()), [ItemRequest(i["sku_id"], i["quantity"]) for i in body["items"]],
        body["address_id"], shopper_coupon_id=body["coupon_id"], remark=body["remark"],
        idempotency_key=headers.get("idempotency_key"), use_balance=body["use_balance"])
    reading_as(shopper)
    return shopper_order_json(order, 201)


@blp.get("/orders")
@blp.arguments(OrderListArgsSchema, location="query")
@blp.response(200, OrderPageSchema)
@shopper_reading
def list_orders(args, claims):
    shopper, rows, total, counts = order_reads.list_shopper_orders(claims, args["status"], args["q"], args["page"],
                                                                   args["per_page"])
    reading_as(shopper)
    return json_response(OrderPageSchema, {
        "items": shopper_order_summaries(
            zip((order for order, _ in rows), queries.shopper_actions_of_each([facts for _, facts in rows]))),
        "total": total, "page": args["page"], "per_page": args["per_page"], "counts": counts,
        "tabs": labels.shopper_order_tabs(counts)})


@blp.get("/orders/<int:order_id>")
@blp.response(200, OrderSchema)
@shopper_reading
def get_order(order_id, claims):
    shopper, order = order_reads.shopper_order(order_id, claims)
    reading_as(shopper)
    return json_response(OrderSchema, order_page_json(order))


@blp.post("/orders/<int:order_id>/pay")
@blp.response(200, PayOutSchema)
@shopper_required
def pay(order_id):
    """统一下单（JSAPI），返回 wx.requestPayment 所需参数"""
    return ordering.request_payment(order_id, g.shopper.id, g.shopper.openid)


@blp.post("/orders/<int:order_id>/confirm-receipt")
@blp.response(200, OrderSchema)
@shopper_required
def confirm_receipt(order_id):
    """确认收货。订单带 confirm_receipt_in_wechat 时，先在微信确认收货组件中确认，再调用本接口：服务器向微信核实后完成订单"""
    return shopper_order_json(shipping.confirm_receipt(order_id, g.shopper.id))
