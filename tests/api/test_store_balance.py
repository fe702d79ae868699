"""Store balance (R9) and money is provable (issue 10 item 8): the ledger books each change exactly once, the
balance pays all or part of an order, refunds go back the way the money came, and the conservation report
finds a planted difference."""
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from shop.db import BalanceEntry, Order, Payment, Product, Shopper as ShopperRow, Sku
from shop.domain import clock
from shop.domain.errors import DomainError, ErrorCode
from shop.extensions import db
from shop.services import balance, money_checks, ordering
from shop.services.uow import transaction
from support.orders import refunds_of
from support.services import wait_until
from support.shop import Shopper
from support.staff import Staff


def cable_2m() -> int:
    """快充数据线 2米: ¥39.00."""
    return db.session.scalar(select(Sku.id).join(Product).where(Product.name == "快充数据线", Sku.name == "2米"))


def credit(shopper: Shopper, fen: int, key: str = "test-credit") -> None:
    with transaction():
        balance.change_balance(shopper.user["id"], fen, kind="adjust", key=key, note="测试充值")


def balance_of(shopper: Shopper) -> int:
    db.session.expire_all()
    return db.session.get(ShopperRow, shopper.user["id"]).balance_fen


def ledger_of(shopper: Shopper) -> list[tuple[str, int]]:
    db.session.expire_all()
    return [(e.kind, e.delta_fen) for e in db.session.scalars(
        select(BalanceEntry).where(BalanceEntry.shopper_id == shopper.user["id"]).order_by(BalanceEntry.id))]


def paid_mixed_order(alice: Shopper, sandbox, units: int = 2) -> dict:
    order = alice.order([(cable_2m(), units)], use_balance=True)
    alice.pay(order, sandbox)
    return wait_until(lambda: (d := alice.detail(order["id"]))["status"] == "paid" and d)


def test_balance_pays_part_and_a_partial_refund_goes_back_wechat_first_then_balance(client, sandbox):
    alice = Shopper(client)
    credit(alice, 1000)
    order = paid_mixed_order(alice, sandbox)          # 2 × ¥39 + ¥8 shipping = ¥86
    assert (order["total_fen"], order["balance_paid_fen"], order["wechat_paid_fen"]) == (8600, 1000, 7600)
    assert db.session.scalar(select(Payment.amount_fen).where(Payment.order_id == order["id"])) == 7600
    assert [(p["route"], p["paid_fen"]) for p in order["payment_split"]] == [("balance", 1000), ("wechat", 7600)]
    assert balance_of(alice) == 0

    finance = Staff(client, "finance")
    finance.ok("POST", f"/orders/{order['id']}/refunds", {"kind": "amount", "amount_fen": 7500, "reason": "差价"})
    finance.ok("POST", f"/orders/{order['id']}/refunds", {"kind": "amount", "amount_fen": 600, "reason": "补偿"})

    assert [(r.method, r.amount_fen) for r in refunds_of(order["id"])] == \
        [("wechat", 7500), ("wechat", 100), ("balance", 500)]
    assert balance_of(alice) == 500
    assert ledger_of(alice) == [("adjust", 1000), ("pay_out", -1000), ("refund_in", 500)]
    split = {p["route"]: p["refunded_fen"] for p in alice.detail(order["id"])["payment_split"]}
    assert split == {"balance": 500, "wechat": 7600}


def test_an_order_the_balance_covers_is_paid_at_once_and_a_cancel_puts_it_all_back(client, sandbox):
    alice = Shopper(client)
    credit(alice, 20000)
    order = alice.order([(cable_2m(), 1)], use_balance=True)
    assert order["status"] == "paid" and (order["balance_paid_fen"], order["wechat_paid_fen"]) == (4700, 0)
    assert "pay" not in order["actions"]
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0
    assert balance_of(alice) == 15300

    reply = alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind", "reason_text": ""})
    assert reply.status_code == 200, reply.get_json()
    assert [(r.method, r.amount_fen, r.status) for r in refunds_of(order["id"])] == [("balance", 4700, "succeeded")]
    assert balance_of(alice) == 20000


def test_closing_an_unpaid_order_gives_the_reserved_balance_back_exactly_once(client):
    alice = Shopper(client)
    credit(alice, 1000)
    order = alice.order([(cable_2m(), 1)], use_balance=True)
    assert order["status"] == "pending_payment" and order["balance_paid_fen"] == 1000
    assert balance_of(alice) == 0
    pay = alice.post(f"/orders/{order['id']}/pay").get_json()
    assert pay["amount_fen"] == 3700  # WeChat is asked only for the rest

    clock.advance(timedelta(hours=2))
    assert ordering.close_unpaid_order(order["id"]) is True
    assert ordering.close_unpaid_order(order["id"]) is False
    assert balance_of(alice) == 1000
    assert ledger_of(alice) == [("adjust", 1000), ("pay_out", -1000), ("pay_refund", 1000)]


def test_a_debit_beyond_the_balance_is_refused_and_changes_nothing(client):
    alice = Shopper(client)
    credit(alice, 300)
    with pytest.raises(DomainError) as refused, transaction():
        balance.change_balance(alice.user["id"], -301, kind="adjust", key="too-much")
    assert refused.value.code == ErrorCode.BALANCE_INSUFFICIENT
    assert balance_of(alice) == 300 and ledger_of(alice) == [("adjust", 300)]


def test_the_same_key_credits_once_even_when_two_threads_book_it_at_the_same_moment(pgapp):
    alice = Shopper(pgapp.test_client())

    def book(_):
        with pgapp.app_context():
            with transaction():
                entry = balance.change_balance(alice.user["id"], 500, kind="refund_in", key="refund-race")
            return entry is not None

    with ThreadPoolExecutor(max_workers=2) as pool:
        booked = list(pool.map(book, range(2)))
    assert sorted(booked) == [False, True]
    assert balance_of(alice) == 500 and ledger_of(alice) == [("refund_in", 500)]


def test_the_shopper_reads_the_balance_and_its_history_in_chinese(client, sandbox):
    alice = Shopper(client)
    credit(alice, 1000)
    paid_mixed_order(alice, sandbox, units=1)
    body = alice.get("/balance").get_json()
    assert body["balance_fen"] == 0 and body["total"] == 2
    assert [(i["kind_label"], i["delta_fen"], i["balance_after_fen"]) for i in body["items"]] == \
        [("余额支付订单", -1000, 0), ("余额调整", 1000, 1000)]


def test_the_conservation_report_adds_up_and_finds_a_planted_difference(client, sandbox):
    alice = Shopper(client)
    credit(alice, 1000)
    order = paid_mixed_order(alice, sandbox)
    Staff(client, "finance").ok("POST", f"/orders/{order['id']}/refunds",
                                {"kind": "amount", "amount_fen": 1200, "method": "balance", "reason": "补偿"})
    clean = money_checks.check_money(ask_gateway=True)
    assert clean["ok"], clean["differences"]
    assert clean["gateway_checked"] == 1
    assert clean["totals"]["paid_fen"] == 8600 and clean["totals"]["kept_fen"] == 7400

    db.session.execute(update(ShopperRow).where(ShopperRow.id == alice.user["id"])
                       .values(balance_fen=ShopperRow.balance_fen + 1))
    db.session.execute(update(Order).where(Order.id == order["id"]).values(wechat_paid_fen=Order.wechat_paid_fen - 1))
    db.session.commit()
    found = Staff(client, "finance").ok("POST", "/finance/money-check")
    kinds = {(d["scope"], d["kind"]) for d in found["differences"]}
    assert {("shopper", "shopper_balance"), ("order", "paid_split"), ("order", "wechat_payments")} <= kinds
    assert any("余额账本合计 1200 分" in d["explanation"] for d in found["differences"])
    assert Staff(client, "finance").ok("GET", "/finance/money-check")["difference_count"] == found["difference_count"]


def test_a_cancelled_mixed_order_goes_back_by_both_routes_and_the_shopper_is_told_each(client, sandbox):
    alice = Shopper(client)
    credit(alice, 1000)
    order = paid_mixed_order(alice, sandbox, units=1)  # ¥47: ¥10 balance + ¥37 WeChat
    reply = alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind", "reason_text": ""})
    assert reply.status_code == 200, reply.get_json()
    assert [(r.method, r.amount_fen) for r in refunds_of(order["id"])] == [("wechat", 3700), ("balance", 1000)]
    assert balance_of(alice) == 1000
    notice = reply.get_json()["decision"]["text"]
    assert "¥37.00 原路退回（微信支付）" in notice and "¥10.00 退回账户余额" in notice


def test_the_quote_takes_the_balance_by_the_same_rule_as_placing_the_order(client):
    alice = Shopper(client)
    credit(alice, 1000)
    cart = {"items": [{"sku_id": cable_2m(), "quantity": 1}], "address_id": alice.address_id, "coupon_id": None}
    without = alice.post("/orders/quote", cart).get_json()
    assert (without["balance_fen"], without["payable_fen"], without["balance_available_fen"]) == (0, 4700, 1000)
    quote = alice.post("/orders/quote", {**cart, "use_balance": True}).get_json()
    assert (quote["balance_fen"], quote["payable_fen"]) == (1000, 3700)
    placed = alice.order([(cable_2m(), 1)], use_balance=True)
    assert (placed["balance_paid_fen"], placed["total_fen"] - placed["balance_paid_fen"]) == (1000, 3700)
