"""Store balance (R9): how much of an order the balance pays, where each part of a refund goes back to,
and what proves that every fen is accounted for.

Paying: with "use balance" on, the balance pays min(balance, payable) and WeChat Pay the rest; an order
the balance pays entirely is paid at once.

Refunding (as 有赞 does it): a refund goes back the way the money came. The WeChat part comes first, up to
what WeChat received and has not yet refunded; whatever is left goes back to the balance. So a partial
refund of a mixed order is paid by WeChat as long as WeChat money is left, and the balance part is the
last money returned (the shopper gets real money back first).
"""
from __future__ import annotations

from dataclasses import dataclass, field

# The ledger's kinds and the words the shopper and finance read for them.
KIND_LABELS = {
    "refund_in": "退款退回余额",
    "pay_out": "余额支付订单",
    "pay_refund": "订单关闭，余额退回",
    "adjust": "余额调整",
}
ROUTE_LABELS = {"wechat": "微信支付", "balance": "余额"}


def balance_to_use(balance_fen: int, payable_fen: int, use_balance: bool) -> int:
    """How much of an order the balance pays: everything it can, up to the amount payable."""
    if not use_balance:
        return 0
    return max(0, min(balance_fen, payable_fen))


@dataclass(frozen=True)
class RefundSplit:
    wechat_fen: int
    balance_fen: int


def split_refund(amount_fen: int, wechat_paid_fen: int, wechat_refunded_fen: int) -> RefundSplit:
    """Which part of an original-route refund goes back to WeChat and which to the balance: WeChat first, up to
    what it received minus what it already gave back (or holds for refunds still on their way)."""
    wechat_left = max(0, wechat_paid_fen - wechat_refunded_fen)
    wechat = min(amount_fen, wechat_left)
    return RefundSplit(wechat_fen=wechat, balance_fen=amount_fen - wechat)


def original_route_parts(amount_fen: int, balance_paid_fen: int, wechat_paid_fen: int,
                         wechat_booked_fen: int) -> list[tuple[str, int]]:
    """(route, fen) of an original-route refund, each part paid by its own route: all of it to WeChat when the
    balance paid nothing (WeChat holds all that is left), else split as `split_refund` says. Empty for no money.
    `wechat_booked_fen`: the order's WeChat refunds not replaced (paid out or on their way)."""
    if amount_fen <= 0:
        return []
    if balance_paid_fen <= 0:
        return [("wechat", amount_fen)]
    split = split_refund(amount_fen, wechat_paid_fen, wechat_booked_fen)
    return [(route, fen) for route, fen in (("wechat", split.wechat_fen), ("balance", split.balance_fen)) if fen > 0]


def payment_split(balance_paid_fen: int, wechat_paid_fen: int, refunds: list[tuple[str, int, bool]]) -> list[dict]:
    """The order page's 支付方式: each route that paid, how much, and how much went back to it.
    `refunds`: (method, amount_fen, replaced) of the order's refunds; replaced ones no longer count."""
    back = {"wechat": 0, "balance": 0}
    for method, amount, replaced in refunds:
        if not replaced and method in back:
            back[method] += amount
    routes = [("balance", "余额支付", balance_paid_fen, "退回余额"), ("wechat", "微信支付", wechat_paid_fen, "退回微信")]
    return [{"route": route, "label": label, "paid_fen": paid, "refunded_fen": back[route], "refunded_label": back_label}
            for route, label, paid, back_label in routes if paid or back[route]]


# ---- money is provable (issue 10 item 8) --------------------------------------------------------------

@dataclass(frozen=True)
class OrderMoney:
    """Everything recorded about one order's money, from each source. Refund sums count refunds that are not
    replaced; `*_settled` are the ones paid out, `*_booked` include those still on their way."""
    order_id: int
    order_no: str
    paid_fen: int
    refunded_fen: int
    balance_paid_fen: int
    wechat_paid_fen: int
    payments_paid_fen: int            # our payments table, status paid
    gateway_paid_fen: int | None      # what WeChat says it received (None: not asked)
    ledger_order_fen: int             # balance ledger rows of this order's payment (pay_out + pay_refund)
    refunds_booked_fen: int           # refund rows, every state but replaced
    wechat_refunds_settled_fen: int   # WeChat refund rows that succeeded
    balance_refunds_fen: int          # balance refund rows (settled at once)
    ledger_refund_in_fen: int         # balance ledger rows crediting this order's refunds
    gateway_refunded_fen: int | None  # what WeChat says it refunded (None: not asked)


@dataclass(frozen=True)
class Difference:
    kind: str
    expected_fen: int
    actual_fen: int
    explanation: str


@dataclass(frozen=True)
class OrderCheck:
    money: OrderMoney
    differences: list[Difference] = field(default_factory=list)

    @property
    def kept_fen(self) -> int:
        return self.money.paid_fen - self.money.refunded_fen


DIFFERENCE_LABELS = {
    "paid_split": "实付金额与分项不符",
    "wechat_payments": "微信实收与支付记录不符",
    "wechat_gateway_paid": "微信实收与微信支付平台不符",
    "balance_ledger_pay": "余额支付与余额账本不符",
    "refund_total": "已退金额与退款单不符",
    "balance_refunds": "退回余额与余额账本不符",
    "wechat_gateway_refunded": "微信退款与微信支付平台不符",
    "over_refunded": "退款超过实付",
    "wechat_over_refunded": "微信退款超过微信实收",
    "shopper_balance": "顾客余额与余额账本不符",
    "stock": "库存不守恒",
}


def check_order_money(m: OrderMoney) -> OrderCheck:
    """paid = refunded + kept, per route and to the fen, against every record of it. Each difference says in
    Chinese what does not add up, so finance knows where to look."""
    found: list[Difference] = []

    def differ(kind: str, expected: int, actual: int, explanation: str) -> None:
        if expected != actual:
            found.append(Difference(kind, expected, actual, explanation))

    paid_any = m.paid_fen > 0
    differ("paid_split", m.paid_fen, (m.balance_paid_fen + m.wechat_paid_fen) if paid_any else 0,
           f"订单实付 {m.paid_fen} 分，余额支付 {m.balance_paid_fen} 分 + 微信支付 {m.wechat_paid_fen} 分不等于它")
    differ("wechat_payments", m.wechat_paid_fen, m.payments_paid_fen,
           f"订单记录微信支付 {m.wechat_paid_fen} 分，支付记录中已支付合计 {m.payments_paid_fen} 分")
    if m.gateway_paid_fen is not None:
        differ("wechat_gateway_paid", m.payments_paid_fen, m.gateway_paid_fen,
               f"系统记录微信实收 {m.payments_paid_fen} 分，微信支付平台查询为 {m.gateway_paid_fen} 分")
    differ("balance_ledger_pay", -m.balance_paid_fen, m.ledger_order_fen,
           f"订单由余额支付 {m.balance_paid_fen} 分，余额账本中本订单的扣款与退回合计 {-m.ledger_order_fen} 分")
    differ("refund_total", m.refunded_fen, m.refunds_booked_fen,
           f"订单已退 {m.refunded_fen} 分，有效退款单合计 {m.refunds_booked_fen} 分")
    differ("balance_refunds", m.balance_refunds_fen, m.ledger_refund_in_fen,
           f"退回余额的退款单合计 {m.balance_refunds_fen} 分，余额账本入账 {m.ledger_refund_in_fen} 分")
    if m.gateway_refunded_fen is not None:
        differ("wechat_gateway_refunded", m.wechat_refunds_settled_fen, m.gateway_refunded_fen,
               f"系统记录微信退款成功 {m.wechat_refunds_settled_fen} 分，微信支付平台为 {m.gateway_refunded_fen} 分")
    if m.refunded_fen > m.paid_fen:
        found.append(Difference("over_refunded", m.paid_fen, m.refunded_fen,
                                f"已退 {m.refunded_fen} 分超过实付 {m.paid_fen} 分"))
    if m.wechat_refunds_settled_fen > m.payments_paid_fen:
        found.append(Difference("wechat_over_refunded", m.payments_paid_fen, m.wechat_refunds_settled_fen,
                                f"微信退款 {m.wechat_refunds_settled_fen} 分超过微信实收 {m.payments_paid_fen} 分"))
    return OrderCheck(m, found)


def check_shopper_balance(balance_fen: int, ledger_sum_fen: int) -> Difference | None:
    if balance_fen == ledger_sum_fen:
        return None
    return Difference("shopper_balance", ledger_sum_fen, balance_fen,
                      f"顾客余额 {balance_fen} 分，余额账本合计 {ledger_sum_fen} 分")
