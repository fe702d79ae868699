"""Request and response shapes (they also make the OpenAPI document)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..domain.clock import to_shanghai
from ..domain.labels import SHOPPER_ORDER_TABS
from .ids import id_field, quantity_field


def text(max_length: int, **kwargs) -> fields.String:
    """A string no longer than its database column: too long is a 422 with a Chinese message, not a 500."""
    return fields.String(validate=validate.Length(max=max_length, error=f"最多 {max_length} 个字符"), **kwargs)


class ShanghaiDateTime(fields.DateTime):
    """Stored in UTC, shown in Asia/Shanghai (SPEC §2)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(to_shanghai(value), attr, obj, **kwargs)


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"example": "ORDER_NOT_CANCELLABLE"})
    message = fields.String(required=True, metadata={"example": "订单已发货，无法取消"})
    details = fields.Dict(metadata={"description": "字段错误（422）、retry_after_seconds（429）等"})


class ErrorSchema(Schema):
    """What errors.py serves for every error status."""
    error = fields.Nested(ErrorBodySchema, required=True)


class PageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000))
    per_page = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))


class SkuSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    price_fen = fields.Integer()
    stock = fields.Integer()


class CategorySchema(Schema):
    id = fields.Integer()
    name = fields.String()


class ProductSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    image = fields.String()
    category = fields.Nested(CategorySchema)
    min_price_fen = fields.Integer()
    skus = fields.List(fields.Nested(SkuSchema))


class ProductPageSchema(Schema):
    items = fields.List(fields.Nested(ProductSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class AddressInSchema(Schema):
    receiver = text(20, required=True, metadata={"example": "张三"})
    phone = text(20, required=True, metadata={"example": "13800138000"})
    province = text(20, required=True, metadata={"example": "广东省"})
    city = text(20, required=True, metadata={"example": "深圳市"})
    district = text(20, required=True, metadata={"example": "南山区"})
    detail = text(120, required=True, metadata={"example": "科技园路 1 号 2 栋 301"})
    is_default = fields.Boolean(load_default=False)


class AddressSchema(AddressInSchema):
    id = fields.Integer()


class CouponSchema(Schema):
    """A coupon in the shopper's wallet (我的优惠券, O7)."""
    id = fields.Integer(metadata={"description": "shopper coupon id, pass as coupon_id when ordering"})
    coupon_id = fields.Integer(metadata={"description": "the template"})
    name = fields.String()
    description = fields.String()
    rule_text = fields.String(metadata={"example": "满99减10"})
    kind = fields.String(metadata={"description": "amount | percent"})
    threshold_fen = fields.Integer()
    discount_fen = fields.Integer()
    percent_off = fields.Integer(metadata={"description": "percent: 15 = 8.5折"})
    valid_until = ShanghaiDateTime(allow_none=True)
    status = fields.String(metadata={"description": "available | used | expired"})
    status_label = fields.String()
    order_id = fields.Integer(allow_none=True)
    source = fields.String(metadata={"description": "grant | claim | compensation"})


class CouponListArgsSchema(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(["available", "used", "expired"]))


class LoginInSchema(Schema):
    code = text(128, required=True, metadata={"description": "wx.login code"})


class ShopperSchema(Schema):
    id = fields.Integer()
    nickname = fields.String()
    balance_fen = fields.Integer()
    member_level = fields.Integer()


class LoginOutSchema(Schema):
    token = fields.String()
    user = fields.Nested(ShopperSchema)


class OrderItemInSchema(Schema):
    sku_id = id_field(required=True)
    quantity = quantity_field(required=True, error="购买数量须在 1 到 999 之间")


class OrderCreateSchema(Schema):
    items = fields.List(fields.Nested(OrderItemInSchema), required=True,
                        validate=validate.Length(min=1, max=50, error="商品数量须在 1 到 50 种之间"))
    address_id = id_field(required=True)
    coupon_id = id_field(load_default=None, allow_none=True)
    remark = fields.String(load_default="", validate=validate.Length(max=200, error="备注不能超过 200 字"))
    use_balance = fields.Boolean(load_default=False, metadata={
        "description": "使用余额 (R9): the balance pays min(balance, payable) now, WeChat Pay the rest"})


class OrderListArgsSchema(PageArgsSchema):
    status = fields.String(load_default=None, validate=validate.OneOf(list(SHOPPER_ORDER_TABS)))
    q = fields.String(load_default=None, validate=validate.Length(max=50))


class OrderLineSchema(Schema):
    id = fields.Integer()
    sku_id = fields.Integer()
    product_id = fields.Integer()
    product_name = fields.String()
    sku_name = fields.String()
    image = fields.String()
    unit_price_fen = fields.Integer()
    quantity = fields.Integer()
    goods_fen = fields.Integer()
    discount_fen = fields.Integer()
    payable_fen = fields.Integer()
    refunded_quantity = fields.Integer()
    refunded_fen = fields.Integer()


class TimelineEntrySchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    label = fields.String()
    at = ShanghaiDateTime()
    actor_type = fields.String()
    actor_name = fields.String()
    actor_role = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String(allow_none=True)
    reason = fields.String()
    data = fields.Dict()


class LogisticsSchema(Schema):
    carrier = fields.String(allow_none=True)
    tracking_no = fields.String()
    shipped_at = ShanghaiDateTime(allow_none=True)
    status_label = fields.String(metadata={"description": "运输中 / 已签收 / 已确认收货"})
    events = fields.List(fields.Nested(TimelineEntrySchema), metadata={"description": "the parcel's timeline entries, oldest first"})


class RefundBriefSchema(Schema):
    id = fields.Integer()
    out_refund_no = fields.String()
    amount_fen = fields.Integer()
    method = fields.String()
    method_label = fields.String()
    status = fields.String()
    status_label = fields.String()
    reason = fields.String()
    source = fields.String()
    created_at = ShanghaiDateTime()
    succeeded_at = ShanghaiDateTime(allow_none=True)
    expected_arrival = fields.String()
    notice = fields.String(metadata={"description": "退款说明：金额、退回方式、到账时间与原因（中文）"})


class OrderSummarySchema(Schema):
    id = fields.Integer()
    order_no = fields.String()
    status = fields.String()
    status_label = fields.String()
    refund_status = fields.String()
    refund_status_label = fields.String()
    total_fen = fields.Integer()
    paid_fen = fields.Integer()
    refunded_fen = fields.Integer(metadata={"description": "sum of refunds created (in progress or done)"})
    item_count = fields.Integer()
    items = fields.List(fields.Nested(OrderLineSchema))
    created_at = ShanghaiDateTime()
    actions = fields.List(fields.String())
    buttons = fields.List(fields.Dict(), metadata={
        "description": "mini-program only: the actions as buttons to draw, in display order — action, label (Chinese), "
                       "primary; the open_request carries its own buttons the same way"})


class OrderSchema(OrderSummarySchema):
    goods_fen = fields.Integer()
    discount_fen = fields.Integer()
    shipping_fen = fields.Integer()
    receiver_name = fields.String()
    receiver_phone = fields.String()
    province = fields.String()
    city = fields.String()
    district = fields.String()
    address_detail = fields.String()
    remark = fields.String()
    carrier = fields.String(allow_none=True)
    tracking_no = fields.String(allow_none=True)
    cancel_reason_code = fields.String(allow_none=True)
    cancel_reason_text = fields.String(allow_none=True)
    pay_deadline = ShanghaiDateTime(allow_none=True)
    paid_at = ShanghaiDateTime(allow_none=True)
    accepted_at = ShanghaiDateTime(allow_none=True)
    shipped_at = ShanghaiDateTime(allow_none=True)
    completed_at = ShanghaiDateTime(allow_none=True)
    cancelled_at = ShanghaiDateTime(allow_none=True)
    expedited_at = ShanghaiDateTime(allow_none=True, metadata={"description": "加急发货: the shopper accepted it (C4)"})
    timeline = fields.List(fields.Nested(TimelineEntrySchema))
    logistics = fields.Nested(LogisticsSchema, allow_none=True, metadata={
        "description": "the parcel once shipped (物流): carrier, tracking number, state, its events; null before"})
    refunds = fields.List(fields.Nested(RefundBriefSchema))
    balance_paid_fen = fields.Integer(metadata={"description": "R9: paid (or reserved while unpaid) from the balance"})
    wechat_paid_fen = fields.Integer(metadata={"description": "R9: paid by WeChat Pay"})
    payment_split = fields.List(fields.Dict(), metadata={
        "description": "支付方式: route (balance | wechat), label, paid_fen, refunded_fen, refunded_label"})
    open_request = fields.Dict(allow_none=True)
    after_sales = fields.List(fields.Dict(), metadata={"description": "售后单（A2）: id, type, status and labels"})
    modifiable = fields.Dict(metadata={"description": "what the shopper may change now (M1)"})
    feedback = fields.Dict(allow_none=True, metadata={"description": "the shopper's cancel feedback (C6)"})
    delete_warning = fields.String(allow_none=True, metadata={"description": "what deleting loses (D1), when delete is allowed"})
    decision = fields.Dict(allow_none=True, metadata={
        "description": "the merchant's last decision explained: kind, label, text (why, what comes back: amount, "
                       "route, coupon; when it arrives), at"})
    wechat_confirm = fields.Dict(allow_none=True, metadata={
        "description": "with the action confirm_receipt_in_wechat (W5): the extraData for "
                       "wx.openBusinessView({businessType: 'weappOrderConfirm'}): transaction_id, merchant_id, "
                       "merchant_trade_no"})


class OrderTabSchema(Schema):
    key = fields.String(metadata={"description": "the list's status filter", "example": "pending_payment"})
    label = fields.String(metadata={"example": "待付款"})
    count = fields.Integer(metadata={"description": "the shopper's orders in this tab"})


class OrderPageSchema(Schema):
    items = fields.List(fields.Nested(OrderSummarySchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    tabs = fields.List(fields.Nested(OrderTabSchema),
                       metadata={"description": "the mini-program's status tabs in order, with their words and counts"})


class PayOutSchema(Schema):
    out_trade_no = fields.String()
    amount_fen = fields.Integer()
    pay_params = fields.Dict(metadata={"description": "pass to wx.requestPayment as is"})


class LineQuantitySchema(Schema):
    line_id = id_field(required=True)
    quantity = quantity_field(required=True)


class ModifyInSchema(Schema):
    receiver_name = text(20, load_default=None)
    receiver_phone = text(20, load_default=None)
    province = text(20, load_default=None)
    city = text(20, load_default=None)
    district = text(20, load_default=None)
    address_detail = text(120, load_default=None)
    remark = text(200, load_default=None)
    lines = fields.List(fields.Nested(LineQuantitySchema), load_default=None,
                        metadata={"description": "new quantities; a paid order may only decrease"})
