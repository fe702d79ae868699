"""Mini-program: message centre (N2) and subscribe-message grants (N1)."""
from flask import g
from marshmallow import Schema, fields, validate

from ...services import notifications
from ..auth import shopper_required
from ..blueprint import Blueprint
from ..schemas import PageArgsSchema, ShanghaiDateTime

blp = Blueprint("mp_messages", __name__, url_prefix="/api/mp", description="小程序：消息中心、订阅消息授权")


class MessageSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    body = fields.String()
    order_id = fields.Integer(allow_none=True)
    read = fields.Function(lambda m: m.read_at is not None)
    created_at = ShanghaiDateTime()


class MessagePageSchema(Schema):
    items = fields.List(fields.Nested(MessageSchema))
    total = fields.Integer()
    unread = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class SubscriptionsInSchema(Schema):
    templates = fields.List(fields.String(), required=True, validate=validate.Length(min=1, max=10),
                            metadata={"description": "template keys the shopper accepted in wx.requestSubscribeMessage"})


class TemplateSchema(Schema):
    key = fields.String()
    title = fields.String()
    template_id = fields.String()


class SubscriptionsSchema(Schema):
    subscriptions = fields.Dict(keys=fields.String(), values=fields.Integer(),
                                metadata={"description": "template key -> sends still allowed"})


@blp.get("/messages")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, MessagePageSchema)
@shopper_required
def list_messages(args):
    rows, total, unread = notifications.list_messages(g.shopper.id, args["page"], args["per_page"])
    return {"items": rows, "total": total, "unread": unread, "page": args["page"], "per_page": args["per_page"]}


@blp.post("/messages/<int:message_id>/read")
@blp.response(200, MessageSchema)
@shopper_required
def read_message(message_id):
    return notifications.mark_read(g.shopper.id, message_id)


@blp.get("/subscribe-templates")
@blp.response(200, TemplateSchema(many=True))
def subscribe_templates():
    """订阅消息模板（小程序调用 wx.requestSubscribeMessage 时使用 template_id）"""
    return notifications.subscribe_templates()


@blp.post("/subscriptions")
@blp.arguments(SubscriptionsInSchema)
@blp.response(200, SubscriptionsSchema)
@shopper_required
def grant(body):
    """记录顾客同意的订阅消息模板（每次同意可发送一条）"""
    return {"subscriptions": notifications.record_grants(g.shopper.id, body["templates"])}
