"""The checkout's price breakdown before the order is placed (O3/O7): the same cart and the same pricing
as placing the order, with the shopper's coupons and which of them fits best."""
from __future__ import annotations

from ..db import Address, Shopper
from ..domain import clock
from ..domain.balance import balance_to_use
from ..domain.errors import DomainError, ErrorCode
from ..domain.pricing import price_order
from ..extensions import db
from . import coupons, ordering
from .context import deps
from .uow import transaction

BEST = object()  # no coupon_id in the request: the best usable one is chosen


def quote(shopper_id: int, items: list[ordering.ItemRequest], address_id: int, shopper_coupon_id=BEST,
          use_balance: bool = False) -> dict:
    """`shopper_coupon_id`: BEST, None (no coupon) or the shopper coupon to use. `use_balance`: the balance pays
    what it can (domain.balance.balance_to_use, the rule placing the order applies) and WeChat the rest."""
    now = clock.now()
    with transaction():
        address = db.session.get(Address, address_id)
        if address is None or address.shopper_id != shopper_id:
            raise DomainError(ErrorCode.ADDRESS_NOT_FOUND)
        _, lines = ordering.cart_lines(ordering.merge_items(items))
        options = coupons.checkout_options(shopper_id, lines, now)
        chosen = coupons.best_of(options) if shopper_coupon_id is BEST else shopper_coupon_id
        _, terms = coupons.order_coupon(shopper_id, chosen)
        pricing = price_order(lines, terms, deps().policy, now)
        balance_available = db.session.get(Shopper, shopper_id).balance_fen
        balance_fen = balance_to_use(balance_available, pricing.total_fen, use_balance)
    return {"goods_fen": pricing.goods_fen, "freight_fen": pricing.shipping_fen,
            "coupon_discount_fen": pricing.discount_fen, "balance_fen": balance_fen,
            "payable_fen": pricing.total_fen - balance_fen,
            "coupons": [{k: o[k] for k in ("id", "name", "rule_text", "discount_fen", "usable", "reason_unusable")}
                        for o in options],
            "chosen_coupon_id": chosen, "balance_available_fen": balance_available, "use_balance": use_balance}
