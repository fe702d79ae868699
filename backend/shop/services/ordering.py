"""Placing, paying, closing, accepting, shipping and receiving orders (O3–O6)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import bindparam, func, literal, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..adapters.payments import CloseResult
from ..db import Address, Order, OrderLine, Payment, Product, Shopper, ShopperCoupon, Sku
from ..domain import clock
from ..domain.actors import Actor
from ..domain.balance import balance_to_use
from ..domain.errors import DomainError, ErrorCode
from ..domain.orders import OrderStatus, ensure_shopper_action, ensure_transition
from ..domain import coupons as coupon_rules
from ..domain.pricing import LineInput, price_order
from ..domain.purchase_limits import UnpaidHoldings, check_unpaid_limits
from ..domain.shipping import ShipmentKind
from ..extensions import db
from . import balance, coupons, events, inventory, queries, uow
from .auth import IDENTITY_COLUMNS, ShopperCaller, ShopperIdentity, checked_identity
from .context import deps
from .uow import transaction


@dataclass(frozen=True)
class ItemRequest:
    sku_id: int
    quantity: int


def new_order_no() -> str:
    return f"{clock.to_shanghai(clock.now()):%Y%m%d%H%M%S}{secrets.randbelow(10**6):06d}"


# What the services that change an order go on to read (stock per line, the WeChat payments), in one query.
WRITE_OPTIONS = (joinedload(Order.lines), joinedload(Order.payments))


def get_order(order_id: int, shopper_id: int | None = None, *, include_deleted: bool = False,
              for_view: bool = False, for_write_view: bool = False) -> Order:
    """Load an order; a shopper gets 404 for anything not theirs or deleted by them.

    `for_view`: with everything its JSON shows, fresh (queries.order_view); `for_write_view`: that and what
    a write goes on to read (payments, invoices), for a write that answers with the order's page."""
    if for_view or for_write_view:
        order = queries.order_view(order_id, for_write=for_write_view)
    else:
        order = db.session.get(Order, order_id, options=WRITE_OPTIONS)
    if shopper_id is not None:
        return shoppers_order(order, shopper_id, include_deleted)
    if order is None:
        raise DomainError(ErrorCode.ORDER_NOT_FOUND)
    return order


def shoppers_order(order: Order | None, shopper_id: int, include_deleted: bool = False) -> Order:
    """The order if the shopper may see it: 404 for anything not theirs or deleted by them."""
    if order is None or order.shopper_id != shopper_id or (order.deleted_by_shopper_at and not include_deleted):
        raise DomainError(ErrorCode.ORDER_NOT_FOUND)
    return order


def _find_by_idempotency_key(shopper_id: int, key: str) -> Order | None:
    return db.session.scalar(select(Order).where(Order.shopper_id == shopper_id, Order.idempotency_key == key))


# Built once: the statements a placed order sends, with their values as parameters.
_CART = select(Sku.id, Sku.name, Sku.price_fen, Sku.product_id, Product.name.label("product_name"),
               Product.image, Product.on_sale, Product.category_id) \
    .join(Product, Product.id == Sku.product_id).where(Sku.id.in_(bindparam("ids", expanding=True)))


class CartSku(NamedTuple):
    """A row of _CART: the SKU asked for, with its product's name, image, on_sale and category_id."""
    id: int
    name: str
    price_fen: int
    product_id: int
    product_name: str
    image: str
    on_sale: bool
    category_id: int | None


# The status is written into the SQL, not sent as a parameter: with it as a parameter PostgreSQL cannot see that
# few orders are unpaid when it plans the prepared statement once for every value, so it planned the statement
# again on each order placed (0.3-0.5 ms of its CPU, with the orders table's many indexes to weigh; issue 13).
_UNPAID_BY_SHOPPER = (Order.shopper_id == bindparam("shopper_id"),
                      Order.status == literal(OrderStatus.PENDING_PAYMENT.value, literal_execute=True))
_ASKED = _CART.subquery("asked")
# Everything placing an order reads before it writes, in one statement (issue 13): the shopper the token names,
# the order an earlier submit with the same Idempotency-Key placed, the shopper's unpaid orders, the address, and
# a row per SKU asked for (none: one row of NULLs) with the units of it the shopper's unpaid orders hold.
_BEFORE_PLACING = select(
    *IDENTITY_COLUMNS,
    select(Order.id).where(Order.shopper_id == bindparam("shopper_id"),
                           Order.idempotency_key == bindparam("key")).scalar_subquery().label("earlier"),
    select(func.count()).select_from(Order).where(*_UNPAID_BY_SHOPPER).scalar_subquery().label("unpaid_orders"),
    Address.shopper_id.label("address_shopper_id"), Address.receiver, Address.phone, Address.province, Address.city,
    Address.district, Address.detail,
    *(column.label(f"sku_{column.key}") for column in _ASKED.c),
    select(func.coalesce(func.sum(OrderLine.quantity), 0)).join(Order, Order.id == OrderLine.order_id)
    .where(*_UNPAID_BY_SHOPPER, OrderLine.sku_id == _ASKED.c.id).scalar_subquery().label("held_units"),
).select_from(select(literal(1).label("one")).subquery()) \
    .outerjoin(Shopper, Shopper.id == bindparam("shopper_id")) \
    .outerjoin(Address, Address.id == bindparam("address_id")) \
    .outerjoin(_ASKED, true())
_WHO = len(IDENTITY_COLUMNS)  # _BEFORE_PLACING's first columns: the shopper placing the order
_SKU_AT = _BEFORE_PLACING.selected_columns.keys().index("sku_id")
_SKU = slice(_SKU_AT, _SKU_AT + len(CartSku._fields))  # its columns of a SKU asked for


class BeforePlacing(NamedTuple):
    shopper: ShopperIdentity  # checked
    earlier_order_id: int | None  # the order an earlier submit with this Idempotency-Key placed
    address: object | None  # the address asked for, if it exists (its columns; address_shopper_id: whose)
    skus: dict[int, CartSku]  # the SKUs asked for that exist
    held: UnpaidHoldings  # what the shopper's unpaid orders hold of them


def before_placing(caller: ShopperCaller, idempotency_key: str | None, address_id: int,
                   sku_ids: list[int]) -> BeforePlacing:
    """_BEFORE_PLACING, with the shopper checked (banned, token version: auth.checked_identity) before anything
    else is used."""
    rows = uow.execute(_BEFORE_PLACING, {"shopper_id": caller.shopper_id, "key": idempotency_key,
                                         "address_id": address_id, "ids": sku_ids}).all()
    first = rows[0]
    shopper = checked_identity(caller.claims, first[:_WHO] if first[0] is not None else None)
    asked = [(CartSku(*row[_SKU]), row.held_units) for row in rows if row[_SKU_AT] is not None]
    return BeforePlacing(shopper, first.earlier, first if first.address_shopper_id is not None else None,
                         {sku.id: sku for sku, _ in asked},
                         UnpaidHoldings(first.unpaid_orders, {sku.id: held for sku, held in asked if held}))


ORDER_NO_ATTEMPTS = 3


def place_order(caller: ShopperCaller, items: list[ItemRequest], address_id: int, *,
                shopper_coupon_id: int | None = None, remark: str = "", idempotency_key: str | None = None,
                use_balance: bool = False) -> tuple[ShopperIdentity, Order]:
    """The order the shopper `caller` names places, and that shopper (their standing, banned or token version, is
    checked with the first statement, before anything else: issue 13).

    R9 `use_balance`: the balance pays what it can at once (reserved; given back if the order closes unpaid),
    WeChat Pay the rest; an order the balance pays entirely is paid here.

    An order number is the second it was placed and six random digits: two orders placed in the same second
    can draw the same one (at 300 orders a second, about once in 20 such seconds). The second one's INSERT is
    then refused by the unique order number, its transaction rolls back with nothing written, and the order is
    placed again with a new number."""
    for _ in range(ORDER_NO_ATTEMPTS):
        try:
            return _place_order(caller, items, address_id, shopper_coupon_id=shopper_coupon_id, remark=remark,
                                idempotency_key=idempotency_key, use_balance=use_balance)
        except IntegrityError as exc:
            # Two submits with the same Idempotency-Key raced and the other one won: the next attempt finds its
            # order with its first statement and answers with it.
            if idempotency_key and _find_by_idempotency_key(caller.shopper_id, idempotency_key):
                continue
            if not _order_no_taken(exc):
                raise
    # Every number drawn was taken (never seen): nothing was written, the shopper may submit again.
    raise DomainError(ErrorCode.SERVICE_UNAVAILABLE, "下单人数较多，请稍后重试")


def _order_no_taken(exc: IntegrityError) -> bool:
    return uow.is_unique_violation(exc) and "order_no" in str(exc.orig)


def _place_order(caller: ShopperCaller, items: list[ItemRequest], address_id: int, *, shopper_coupon_id: int | None,
                 remark: str, idempotency_key: str | None, use_balance: bool) -> tuple[ShopperIdentity, Order]:
    policy = deps().policy
    now = clock.now()
    merged = merge_items(items)
    # The order is answered from what this transaction wrote: nothing is read back after commit.
    with transaction(expire_on_commit=False) as tx:
        found = before_placing(caller, idempotency_key, address_id, list(merged))
        shopper, address = found.shopper, found.address
        shopper_id, actor = shopper.id, caller.actor(shopper)
        if found.earlier_order_id is not None:  # the same submit again: its order, nothing placed
            return shopper, db.session.get(Order, found.earlier_order_id)
        if address is None or address.address_shopper_id != shopper_id:
            raise DomainError(ErrorCode.ADDRESS_NOT_FOUND)
        skus, line_inputs = _lines_of(merged, found.skus)
        check_unpaid_limits(found.held, merged,
                            {i: f"{s.product_name} {s.name}" for i, s in skus.items()}, policy)
        shopper_coupon, terms = coupons.order_coupon(shopper_id, shopper_coupon_id)
        pricing = price_order(line_inputs, terms, policy, now)
        # The order, its lines, the stock and the first event are written with one statement each (Core,
        # uow.insert_now), not through the unit of work; the objects stay in the session, loaded.
        order = Order(
            order_no=new_order_no(), shopper_id=shopper_id, status=OrderStatus.PENDING_PAYMENT.value,
            goods_fen=pricing.goods_fen, discount_fen=pricing.discount_fen, shipping_fen=pricing.shipping_fen,
            total_fen=pricing.total_fen, shopper_coupon_id=shopper_coupon.id if shopper_coupon else None,
            receiver_name=address.receiver, receiver_phone=address.phone, province=address.province,
            city=address.city, district=address.district, address_detail=address.detail,
            remark=(remark or "").strip(), idempotency_key=idempotency_key, created_at=now,
            pay_deadline=now + policy.unpaid_close_after)
        uow.insert_now(order)
        lines = [OrderLine(order_id=order.id, sku_id=priced.sku_id, product_id=skus[priced.sku_id].product_id,
                           product_name=skus[priced.sku_id].product_name, sku_name=skus[priced.sku_id].name,
                           image=skus[priced.sku_id].image, unit_price_fen=priced.unit_price_fen,
                           quantity=priced.quantity, goods_fen=priced.goods_fen,
                           discount_fen=priced.discount_fen) for priced in pricing.lines]
        uow.insert_now(*lines)
        # A new order's collection is never lazy-loaded from the database.
        set_committed_value(order, "lines", lines)
        inventory.reserve_lines([(line.sku_id, line.quantity, order.id, line.id) for line in lines])
        if shopper_coupon is not None:
            _use_coupon(shopper_coupon.id, order.id)
        placed = events.record(order, "placed", actor, to_status=order.status,
                               data={"total_fen": order.total_fen, "lines": len(lines)}, at_once=True)
        if use_balance:
            _pay_with_balance(order, balance_to_use(balance.current_balance(shopper_id), order.total_fen,
                                                    use_balance), actor)
        queries.new_order_viewed(order, placed)
        order_id, deadline = order.id, order.pay_deadline
        if order.status == OrderStatus.PENDING_PAYMENT.value:
            tx.after_commit(lambda: deps().jobs.enqueue("shop.jobs.tasks.close_unpaid_order", order_id,
                                                        job_id=f"close-order-{order_id}", at=deadline))
    return shopper, order


def _pay_with_balance(order: Order, amount_fen: int, actor: Actor) -> None:
    """Take `amount_fen` of the order from the shopper's balance (once per order); if that is all of it, the
    order is paid now."""
    if amount_fen <= 0:
        return
    balance.change_balance(order.shopper_id, -amount_fen, kind="pay_out", key=f"order-{order.id}-pay",
                           order_id=order.id, note=f"订单 {order.order_no}", actor=actor)
    order.balance_paid_fen = amount_fen
    _paid_if_balance_covers(order, actor)


def _paid_if_balance_covers(order: Order, actor: Actor) -> None:
    if order.balance_paid_fen > 0 and order.balance_paid_fen == order.total_fen:
        ensure_transition(order.status, OrderStatus.PAID)
        order.paid_fen, order.paid_at = order.balance_paid_fen, clock.now()
        events.transition(order, "paid", actor, OrderStatus.PAID.value,
                          data={"amount_fen": order.paid_fen, "balance_fen": order.paid_fen})


def rebalance_unpaid(order: Order, actor: Actor, change_key: str) -> None:
    """An unpaid order's total went down (M2): balance reserved beyond the new total goes back (once per
    `change_key`); if the balance now covers the order, it is paid."""
    excess = order.balance_paid_fen - order.total_fen
    if excess > 0:
        balance.change_balance(order.shopper_id, excess, kind="pay_refund", key=f"order-{order.id}-{change_key}",
                               order_id=order.id, note=f"订单 {order.order_no} 修改后金额减少", actor=actor)
        order.balance_paid_fen = order.total_fen
    _paid_if_balance_covers(order, actor)


def _give_back_balance(order: Order, actor: Actor) -> None:
    """An unpaid order closes: the balance it reserved goes back, exactly once."""
    if order.balance_paid_fen <= 0 or order.paid_fen > 0:
        return
    balance.change_balance(order.shopper_id, order.balance_paid_fen, kind="pay_refund",
                           key=f"order-{order.id}-pay-back", order_id=order.id,
                           note=f"订单 {order.order_no} 已关闭", actor=actor)
    order.balance_paid_fen = 0


def wechat_due_fen(order: Order) -> int:
    """What WeChat Pay is asked for: the order's total less what the balance already paid."""
    return order.total_fen - order.balance_paid_fen


def merge_items(items: list[ItemRequest]) -> dict[int, int]:
    merged: dict[int, int] = {}
    for item in items:
        merged[item.sku_id] = merged.get(item.sku_id, 0) + item.quantity
    return merged


def cart_lines(merged: dict[int, int]) -> tuple[dict[int, CartSku], list[LineInput]]:
    """The SKUs asked for (each must exist and be on sale) and the lines to price, in the order asked."""
    return _lines_of(merged, {s.id: s for s in uow.execute(_CART, {"ids": list(merged)})})


def _lines_of(merged: dict[int, int], skus: dict[int, CartSku]) -> tuple[dict[int, CartSku], list[LineInput]]:
    for sku_id in merged:
        sku = skus.get(sku_id)
        if sku is None:
            raise DomainError(ErrorCode.SKU_NOT_FOUND, details={"sku_id": sku_id})
        if not sku.on_sale:
            raise DomainError(ErrorCode.PRODUCT_UNAVAILABLE, f"「{sku.product_name}」已下架")
    return skus, [LineInput(sku_id, skus[sku_id].price_fen, qty, skus[sku_id].product_id,
                            skus[sku_id].category_id) for sku_id, qty in merged.items()]


def _use_coupon(shopper_coupon_id: int, order_id: int) -> None:
    result = db.session.execute(update(ShopperCoupon).where(
        ShopperCoupon.id == shopper_coupon_id, ShopperCoupon.status == "available")
        .values(status="used", order_id=order_id).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise DomainError(ErrorCode.COUPON_UNAVAILABLE, "优惠券已使用")


def return_coupon(order: Order) -> bool:
    """Give the coupon back after a cancel when its rules allow (returnable and still valid)."""
    if order.shopper_coupon_id is None:
        return False
    sc = db.session.get(ShopperCoupon, order.shopper_coupon_id)
    if sc is None or sc.status != "used" or sc.order_id != order.id or not sc.coupon.returnable:
        return False
    if coupon_rules.is_expired(coupons.wallet_terms(sc), clock.now()):
        sc.status = "expired"
        return False
    sc.status, sc.order_id = "available", None
    return True


# ---- paying (O4) -------------------------------------------------------------------------


def request_payment(order_id: int, shopper_id: int, openid: str) -> dict:
    """Create (or reuse) the WeChat prepay for an unpaid order; returns wx.requestPayment params."""
    d = deps()
    with transaction():
        order = get_order(order_id, shopper_id)
        ensure_shopper_action(order.facts(), "pay", d.policy, clock.now(), ErrorCode.ORDER_NOT_PAYABLE)
        due = wechat_due_fen(order)
        payment = next((p for p in order.payments if p.status == "created" and p.amount_fen == due), None)
        if payment is None:
            for stale in order.payments:
                if stale.status == "created":
                    stale.status = "closed"
            payment = Payment(order_id=order.id, out_trade_no=f"{order.order_no}{len(order.payments) + 1:02d}",
                              amount_fen=due, created_at=clock.now())
            db.session.add(payment)
            events.record(order, "payment_requested", Actor.shopper(shopper_id), data={"amount_fen": due})
        db.session.flush()
        payment_id, prepay_id = payment.id, payment.prepay_id
        out_trade_no, amount, order_no, deadline = payment.out_trade_no, payment.amount_fen, order.order_no, order.pay_deadline
    if prepay_id is None:
        # WeChat is called outside any transaction.
        created = d.payments.create_payment(out_trade_no=out_trade_no, amount_fen=amount, description=f"订单{order_no}",
                                            openid=openid, notify_url=d.pay_notify_url, expires_at=deadline)
        with transaction():
            db.session.execute(update(Payment).where(Payment.id == payment_id, Payment.prepay_id.is_(None))
                               .values(prepay_id=created.prepay_id))
        params = created.pay_params
    else:
        params = d.payments.pay_params(prepay_id)
    return {"out_trade_no": out_trade_no, "amount_fen": amount, "pay_params": params}


def record_payment(out_trade_no: str, transaction_id: str, amount_fen: int, paid_at=None) -> Order:
    """Apply a verified payment notification. Idempotent; a payment for a cancelled order is refunded."""
    from . import refunds  # refunds depend on ordering's helpers; import here to keep the graph one-way

    now = clock.now()
    with transaction() as tx:
        payment = db.session.scalar(select(Payment).where(Payment.out_trade_no == out_trade_no))
        if payment is None:
            raise DomainError(ErrorCode.ORDER_NOT_FOUND, "支付单不存在")
        if amount_fen != payment.amount_fen:
            raise DomainError(ErrorCode.BAD_REQUEST, "支付金额与订单不符",
                              {"expected": payment.amount_fen, "got": amount_fen})
        claimed = db.session.execute(
            update(Payment).where(Payment.id == payment.id, Payment.status != "paid")
            .values(status="paid", transaction_id=transaction_id, paid_at=paid_at or now)
            .execution_options(synchronize_session=False)).rowcount
        order = payment.order
        if not claimed:
            return order  # a duplicate notification: already applied
        order.wechat_paid_fen += amount_fen
        if order.status == OrderStatus.PENDING_PAYMENT.value:
            ensure_transition(order.status, OrderStatus.PAID)
            order.paid_fen += amount_fen + order.balance_paid_fen  # the balance part was reserved at placing
            order.paid_at = paid_at or now
            events.transition(order, "paid", Actor.wechat(), OrderStatus.PAID.value,
                              data={"amount_fen": amount_fen + order.balance_paid_fen, "wechat_fen": amount_fen,
                                    "balance_fen": order.balance_paid_fen, "transaction_id": transaction_id})
        else:
            order.paid_fen += amount_fen
            # Paid after the order was closed or cancelled: the money goes straight back.
            refund = refunds.create_refund(order, amount_fen, source="late_payment",
                                           reason="订单已关闭后收到付款，自动退款", actor=Actor.system(), tx=tx)
            events.record(order, "late_payment_refund", Actor.wechat(),
                          data={"amount_fen": amount_fen, "refund_id": refund.id})
    return order


# ---- closing unpaid orders (O5) ----------------------------------------------------------


def cancel_unpaid(order: Order, actor: Actor, kind: str, reason: str, tx) -> None:
    """Cancel an order nobody paid for: stock and coupon back, WeChat order closed after commit."""
    ensure_transition(order.status, OrderStatus.CANCELLED, ErrorCode.ORDER_NOT_CANCELLABLE)
    order.cancelled_at = clock.now()
    # The order's UPDATE goes first (its version claims the cancel: a concurrent one fails there). Its event
    # waits, unflushed, for the cancel's notice (cancellation.cancel_order): one INSERT writes both.
    events.transition(order, kind, actor, OrderStatus.CANCELLED.value, reason=reason, claim=True)
    with db.session.no_autoflush:
        inventory.release_order_stock(order)
        return_coupon(order)
        _give_back_balance(order, actor)
    for payment in order.payments:
        if payment.status == "created" and payment.prepay_id:
            out_trade_no = payment.out_trade_no
            tx.after_commit(lambda n=out_trade_no: deps().jobs.enqueue(
                "shop.jobs.tasks.close_wechat_order", n, job_id=f"close-wx-{n}"))


def close_unpaid_order(order_id: int) -> bool:
    """Close the order if it is still unpaid past its deadline. True if it was closed."""
    with transaction() as tx:
        order = db.session.get(Order, order_id)
        if order is None or order.status != OrderStatus.PENDING_PAYMENT.value or order.pay_deadline > clock.now():
            return False
        cancel_unpaid(order, Actor.system(), "closed_unpaid", "超时未支付", tx)
    return True


def close_wechat_order(out_trade_no: str) -> None:
    """Make an abandoned WeChat order unpayable. Already paid: the notification will refund it."""
    if deps().payments.close_payment(out_trade_no) != CloseResult.CLOSED:
        return
    with transaction():
        db.session.execute(update(Payment).where(Payment.out_trade_no == out_trade_no, Payment.status == "created")
                           .values(status="closed"))


# ---- fulfilment and receipt (O6) --------------------------------------------------------


def accept_order(order_id: int, actor: Actor) -> Order:
    with transaction():
        order = get_order(order_id)
        ensure_transition(order.status, OrderStatus.ACCEPTED)
        order.accepted_at = clock.now()
        events.transition(order, "accepted", actor, OrderStatus.ACCEPTED.value)
    return order


def ship_order(order_id: int, actor: Actor, carrier: str, tracking_no: str) -> Order:
    carrier, tracking_no = (carrier or "").strip(), (tracking_no or "").strip()
    problems = {}
    if not carrier:
        problems["carrier"] = "请选择快递公司"
    if not tracking_no or len(tracking_no) < 6 or not tracking_no.isalnum():
        problems["tracking_no"] = "请填写正确的快递单号"
    if problems:
        raise DomainError(ErrorCode.VALIDATION_ERROR, details=problems)
    from . import notifications, shipping  # they read orders; imported here to keep the graph one-way

    with transaction() as tx:
        order = get_order(order_id)
        ensure_transition(order.status, OrderStatus.SHIPPED)
        order.shipped_at, order.carrier, order.tracking_no = clock.now(), carrier, tracking_no
        events.transition(order, "shipped", actor, OrderStatus.SHIPPED.value,
                          data={"carrier": carrier, "tracking_no": tracking_no})
        notifications.order_shipped(order, tx)
        shipping.record_shipment(order, ShipmentKind.ORDER, carrier, tracking_no, tx)
    return order


def confirm_receipt(order_id: int, shopper_id: int) -> Order:
    with transaction():
        order = get_order(order_id, shopper_id)
        ensure_shopper_action(order.facts(), "confirm_receipt", deps().policy, clock.now(),
                              ErrorCode.ORDER_ACTION_NOT_ALLOWED)
        _complete(order, Actor.shopper(shopper_id), "received")
    return order


def auto_confirm_order(order_id: int) -> bool:
    with transaction():
        order = db.session.get(Order, order_id)
        if order is None or order.status != OrderStatus.SHIPPED.value \
                or order.shipped_at + deps().policy.auto_confirm_after > clock.now():
            return False
        _complete(order, Actor.system(), "auto_received")
    return True


def _complete(order: Order, actor: Actor, kind: str) -> None:
    ensure_transition(order.status, OrderStatus.COMPLETED)
    order.completed_at = clock.now()
    events.transition(order, kind, actor, OrderStatus.COMPLETED.value)


def unpaid_overdue_ids(limit: int = 500) -> list[int]:
    return list(db.session.scalars(select(Order.id).where(
        Order.status == OrderStatus.PENDING_PAYMENT.value, Order.pay_deadline <= clock.now()).limit(limit)))


def shipped_overdue_ids(limit: int = 500) -> list[int]:
    cutoff = clock.now() - deps().policy.auto_confirm_after
    return list(db.session.scalars(select(Order.id).where(
        Order.status == OrderStatus.SHIPPED.value, Order.shipped_at <= cutoff).limit(limit)))
