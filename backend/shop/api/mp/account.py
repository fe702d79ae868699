from flask import g

from ...services import addresses, auth, coupons
from ..auth import shopper_required
from ..blueprint import Blueprint
from ..schemas import (AddressInSchema, AddressSchema, CouponListArgsSchema, CouponSchema, LoginInSchema,
                       LoginOutSchema, ShopperSchema)

blp = Blueprint("mp_account", __name__, url_prefix="/api/mp", description="小程序：登录、地址、优惠券")


@blp.post("/auth/login")
@blp.arguments(LoginInSchema)
@blp.response(200, LoginOutSchema)
def login(body):
    """wx.login 的 code 换取 API token（O1）"""
    token, shopper = auth.login_shopper(body["code"])
    return {"token": token, "user": shopper}


@blp.post("/auth/logout")
@blp.response(204)
@shopper_required
def logout():
    """退出登录：该顾客已签发的所有 token 立即失效"""
    auth.logout_shopper(g.shopper.id)


@blp.get("/me")
@blp.response(200, ShopperSchema)
@shopper_required
def me():
    return g.shopper


@blp.get("/addresses")
@blp.response(200, AddressSchema(many=True))
@shopper_required
def list_addresses():
    return addresses.list_addresses(g.shopper.id)


@blp.post("/addresses")
@blp.arguments(AddressInSchema)
@blp.response(201, AddressSchema)
@shopper_required
def create_address(body):
    return addresses.save_address(g.shopper.id, body)


@blp.put("/addresses/<int:address_id>")
@blp.arguments(AddressInSchema)
@blp.response(200, AddressSchema)
@shopper_required
def update_address(body, address_id):
    return addresses.save_address(g.shopper.id, body, address_id)


@blp.delete("/addresses/<int:address_id>")
@blp.response(204)
@shopper_required
def delete_address(address_id):
    addresses.delete_address(g.shopper.id, address_id)


@blp.get("/coupons")
@blp.arguments(CouponListArgsSchema, location="query")
@blp.response(200, CouponSchema(many=True))
@shopper_required
def list_coupons(args):
    """我的优惠券：status 选可使用 / 已使用 / 已过期"""
    return coupons.wallet(g.shopper.id, args["status"])
