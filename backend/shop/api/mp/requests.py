"""Mini-program: cancel (C1, C6), modify (M1–M3) and delete (D1–D2) an order; withdraw a request or answer a
staff alternative (A7, C4)."""
from flask import g
from marshmallow import Schema, fields

from ...services import cancellation, deletion, modification, ordering, shopper_requests
from ...services.auth import ShopperCaller
from ...services.context import deps
from ..auth import client_ip, reading_as, shopper_required, shopper_writing
from ..blueprint import Blueprint
from ..schemas import ModifyInSchema, OrderSchema, ShanghaiDateTime
from .orders import shopper_order_json

blp = Blueprint("mp_requests", __name__, url_prefix="/api/mp", description="小程序：取消、修改、删除订单，取消反馈")


class CancelInSchema(Schema):
    reason_code = fields.String(required=True, metadata={"example": "changed_mind", "description": "见 /cancel-reasons"})
    reason_text = fields.String(load_default="", metadata={"description": "选择“其他”时必填"})


class CancelReasonSchema(Schema):
    code = fields.String()
    label = fields.String()
    text_required = fields.Boolean()


class FeedbackInSchema(Schema):
    rating = fields.Integer(required=True, metadata={"description": "1-5"})
    text = fields.String(load_default="")


class FeedbackSchema(Schema):
    order_id = fields.Integer()
    rating = fields.Integer()
    text = fields.String()
    created_at = ShanghaiDateTime()


@blp.get("/cancel-reasons")
@blp.response(200, CancelReasonSchema(many=True))
def cancel_reasons():
    """取消原因列表（可配置）"""
    return [{"code": code, "label": label, "text_required": code == "other"}
            for code, label in deps().policy.shopper_cancel_reasons.items()]


@blp.post("/orders/<int:order_id>/cancel")
@blp.arguments(CancelInSchema)
@blp.response(200, OrderSchema)
@shopper_writing
def cancel(body, order_id, claims):
    """取消订单：未付款立即取消；免审时间内自动退款；否则提交取消申请（见 open_request）"""
    shopper, order = cancellation.cancel_by_shopper(order_id, ShopperCaller(claims, client_ip()), body["reason_code"],
                                                    body["reason_text"])
    reading_as(shopper)
    return shopper_order_json(order)


@blp.patch("/orders/<int:order_id>")
@blp.arguments(ModifyInSchema)
@blp.response(200, OrderSchema)
@shopper_required
def modify(body, order_id):
    """修改收货信息、备注、商品数量；商家受理后变为修改申请"""
    changes = {k: v for k, v in body.items() if v is not None}
    return shopper_order_json(modification.modify_order(order_id, g.actor, changes))


@blp.delete("/orders/<int:order_id>")
@blp.response(204)
@shopper_required
def delete(order_id):
    """删除订单（仅对顾客隐藏）"""
    deletion.delete_for_shopper(order_id, g.shopper.id)


@blp.post("/orders/<int:order_id>/feedback")
@blp.arguments(FeedbackInSchema)
@blp.response(201, FeedbackSchema)
@shopper_required
def feedback(body, order_id):
    """取消后评价取消体验"""
    return cancellation.leave_feedback(order_id, g.shopper.id, body["rating"], body["text"])


def _order_of(request):
    return shopper_order_json(ordering.get_order(request.order_id, g.shopper.id))


@blp.post("/requests/<int:request_id>/withdraw")
@blp.response(200, OrderSchema)
@shopper_required
def withdraw_request(request_id):
    """撤回待处理的取消、修改或售后申请（商家处理前；见 open_request.actions）"""
    return _order_of(shopper_requests.withdraw(request_id, g.shopper.id))


@blp.post("/requests/<int:request_id>/accept-alternative")
@blp.response(200, OrderSchema)
@shopper_required
def accept_alternative(request_id):
    """接受商家提供的替代方案（更换商品或加急发货）：取消申请结束，订单按方案继续"""
    return _order_of(shopper_requests.accept_alternative(request_id, g.shopper.id))


@blp.post("/requests/<int:request_id>/decline-alternative")
@blp.response(200, OrderSchema)
@shopper_required
def decline_alternative(request_id):
    """不接受替代方案：取消申请交回商家处理"""
    return _order_of(shopper_requests.decline_alternative(request_id, g.shopper.id))
