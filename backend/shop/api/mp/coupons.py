"""Mini-program: 领券 (claimable coupons, claim) and the checkout's price breakdown (O7, O3)."""
from flask import g
from marshmallow import Schema, fields

from ...services import checkout, coupons
from ...services.ordering import ItemRequest
from ..auth import shopper_required
from ..blueprint import Blueprint
from ..ids import id_field
from ..schemas import CouponSchema, OrderCreateSchema, ShanghaiDateTime

blp = Blueprint("mp_coupons", __name__, url_prefix="/api/mp", description="小程序：领券中心、结算价格明细（O7）")


class ClaimableCouponSchema(Schema):
    id = fields.Integer(metadata={"description": "template id, POST /coupons/{id}/claim"})
    name = fields.String()
    description = fields.String()
    rule_text = fields.String(metadata={"example": "满99减10"})
    kind = fields.String()
    discount_fen = fields.Integer()
    percent_off = fields.Integer()
    threshold_fen = fields.Integer()
    valid_until = ShanghaiDateTime(allow_none=True)
    valid_days = fields.Integer(allow_none=True, metadata={"description": "领取后有效天数"})
    claimed = fields.Integer(metadata={"description": "how many this shopper already holds"})
    per_shopper_limit = fields.Integer()
    remaining = fields.Integer(allow_none=True, metadata={"description": "left to claim; null: no limit"})
    can_claim = fields.Boolean()
    reason = fields.String(allow_none=True, metadata={"description": "why not, in Chinese"})
    actions = fields.List(fields.String(), metadata={"description": "[claim] when the button is drawn"})


class QuoteInSchema(OrderCreateSchema):
    coupon_id = id_field(allow_none=True, metadata={
        "description": "absent: the best usable coupon is chosen; null: no coupon; an id: that coupon"})
    use_balance = fields.Boolean(load_default=False, metadata={"description": "使用余额"})


class QuoteCouponSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    rule_text = fields.String()
    discount_fen = fields.Integer()
    usable = fields.Boolean()
    reason_unusable = fields.String(allow_none=True)


class QuoteSchema(Schema):
    goods_fen = fields.Integer()
    freight_fen = fields.Integer()
    coupon_discount_fen = fields.Integer()
    balance_fen = fields.Integer()
    payable_fen = fields.Integer(metadata={"description": "what WeChat Pay is asked for"})
    coupons = fields.List(fields.Nested(QuoteCouponSchema), metadata={"description": "usable first, best first"})
    chosen_coupon_id = fields.Integer(allow_none=True)
    balance_available_fen = fields.Integer()
    use_balance = fields.Boolean()


@blp.get("/coupons/claimable")
@blp.response(200, ClaimableCouponSchema(many=True))
@shopper_required
def claimable():
    """领券中心：开放领取的优惠券，can_claim / reason 说明能否领取"""
    return coupons.claimable(g.shopper.id)


@blp.post("/coupons/<int:coupon_id>/claim")
@blp.response(201, CouponSchema)
@shopper_required
def claim(coupon_id):
    """领取一张（每人限领、发行总量由服务器把关）"""
    mine = coupons.claim(g.shopper.id, coupon_id)
    return coupons.wallet_json(mine, mine.created_at)


@blp.post("/orders/quote")
@blp.arguments(QuoteInSchema)
@blp.response(200, QuoteSchema)
@shopper_required
def quote(body):
    """结算页价格明细：与下单同样的请求体，不创建订单。未传 coupon_id 时选用最优惠的可用券"""
    return checkout.quote(g.shopper.id, [ItemRequest(i["sku_id"], i["quantity"]) for i in body["items"]],
                          body["address_id"], body.get("coupon_id", checkout.BEST), body["use_balance"])
