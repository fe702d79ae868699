"""Money and stock are conserved whatever the shoppers and staff do, in whatever order (issue 10, "Done when").

A hypothesis state machine on PostgreSQL drives random sequences through the real API and services: orders
with and without a coupon, paid by WeChat (the sandbox and its payment notifications), by balance or both;
cancels before and after shipping (automatic, or a request a supervisor approves); partial refunds through
after-sales; staff refunds (an amount, to WeChat or balance, password given); exchanges with a resaleable
return; refunds settled synchronously (what the worker does). After every step, for every order it made:

- paid = refunded + kept, kept >= 0, refunded = the refunds booked (none above what was paid);
- per route: what WeChat refunded never exceeds what WeChat was paid, and the sandbox paid out exactly the
  WeChat refunds the shop records as succeeded; the balance part never exceeds the balance paid in;
- the machine's own record of what it asked to refund equals what the order says was refunded;
- the shopper's balance is the sum of its ledger and never negative;
- stock: on hand = the start − units in live orders + units returned to the shelf (the machine's model), and
  every SKU's stock is the sum of its ledger.
Bounded (max_examples, stateful_step_count) so it runs in well under a minute.
"""
from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import func, select

from shop.db import BalanceEntry, Order, Product, Refund, Shopper as ShopperRow, Sku, StockLedger
from shop.domain.actors import Actor
from shop.domain.errors import DomainError, ErrorCode
from shop.extensions import db
from shop.services import after_sales, balance, ordering, refunds
from shop.services.context import deps
from shop.services.uow import transaction
from support.orders import give_coupon
from support.services import wait_until
from support.shop import Shopper
from support.staff import Staff

pytestmark = pytest.mark.postgres_only

PASSWORD = "demo1234"
WAREHOUSE = Actor.staff(5, "陈仓管", "warehouse")
SUPERVISOR = Actor.staff(1, "王主管", "supervisor")
SETTLED = {"succeeded", "closed", "wechat_abnormal", "abnormal"}
# Cheap SKUs (¥39 and less), so the refund policy's amount limits and the role limits rarely refuse.
PRODUCTS = ("快充数据线",)
RUN = itertools.count()
STEPS: Counter = Counter()  # what the runs did: the test checks every path was taken at least once


def skus() -> list[int]:
    return list(db.session.scalars(select(Sku.id).join(Product).where(Product.name.in_(PRODUCTS))
                                   .order_by(Sku.id).limit(2)))


def fresh(model, ident):
    return db.session.get(model, ident, populate_existing=True)


def stock_of(sku_id: int) -> int:
    return db.session.scalar(select(Sku.stock).where(Sku.id == sku_id).execution_options(populate_existing=True))


def machine_for(client, sandbox):
    class MoneyMachine(RuleBasedStateMachine):
        """One fresh shopper per run; the orders it placed are the ones checked."""

        @initialize()
        def start(self):
            db.session.expire_all()
            self.shopper = Shopper(client, f"hyp-{next(RUN)}")
            self.shopper_id = self.shopper.user["id"]
            self.finance, self.supervisor = Staff(client, "finance"), Staff(client, "supervisor")
            self.skus = skus()
            self.start_stock = {s: stock_of(s) for s in self.skus}
            self.out = {s: 0 for s in self.skus}  # units the model says left the shelf
            self.orders: dict[int, dict] = {}  # id -> {"lines": {sku: qty}, "asked": fen refunded by our steps}
            self.credited = 0
            with transaction():
                balance.change_balance(self.shopper_id, 5000, kind="adjust", key=f"hyp-credit-{self.shopper_id}",
                                       note="测试充值")
            self.credited = 5000
            # One order already paid by WeChat and shipped, so after-sales and exchanges are possible from step one.
            self.place_order(sku=0, quantity=3, coupon=False, use_balance=False, pay=True)
            ordering.ship_order(next(iter(self.orders)), WAREHOUSE, "顺丰速运", "SF100200300")
            self.after_sale_partial_refund(pick=0, settle=False)  # one unit back through after-sales, left pending
            self.exchange(pick=0)  # and one exchanged: the returned unit back on the shelf, the replacement out
            # And one paid with balance and WeChat, cancelled before shipping (refunded each part its own way).
            self.place_order(sku=1, quantity=1, coupon=True, use_balance=True, pay=True)
            self.cancel(pick=1)

        # ---- steps --------------------------------------------------------------------------------
        @rule(sku=st.integers(0, 1), quantity=st.integers(1, 3), coupon=st.booleans(), use_balance=st.booleans(),
              pay=st.booleans())
        def place_order(self, sku, quantity, coupon, use_balance, pay):
            sku_id = self.skus[sku % len(self.skus)]
            extra = {"use_balance": use_balance}
            if coupon:
                extra["coupon_id"] = give_coupon(self.shopper, "新人无门槛5元")
            reply = self.shopper.post("/orders", {"items": [{"sku_id": sku_id, "quantity": quantity}],
                                                  "address_id": self.shopper.address_id, **extra})
            assert reply.status_code in (201, 409), reply.get_json()  # 409: a limit (stock, unpaid orders)
            if reply.status_code != 201:
                return
            order = reply.get_json()
            self.orders[order["id"]] = {"lines": {sku_id: quantity}, "asked": 0}
            self.out[sku_id] += quantity
            if pay and order["status"] == "pending_payment":
                paying = self.shopper.post(f"/orders/{order['id']}/pay")
                assert paying.status_code == 200, paying.get_json()
                sandbox.pay(paying.get_json()["out_trade_no"])
                wait_until(lambda: self.shopper.detail(order["id"])["status"] == "paid")
            STEPS["paid" if fresh(Order, order["id"]).paid_fen else "placed"] += 1

        def _has(self, *statuses) -> bool:
            return bool(getattr(self, "orders", None)) and bool(self._orders_in(*statuses))

        def _orders_in(self, *statuses) -> list[int]:
            db.session.expire_all()
            return [o.id for o in db.session.scalars(select(Order).where(Order.id.in_(list(self.orders)),
                                                                         Order.status.in_(statuses))
                                                      .order_by(Order.id))]

        @precondition(lambda self: self._has("pending_payment", "paid", "accepted", "shipped"))
        @rule(pick=st.integers(0, 50))
        def cancel(self, pick):
            """Before shipping: unpaid closes, paid refunds at once or after a supervisor approves; after
            shipping the shopper is refused and nothing changes."""
            candidates = self._orders_in("pending_payment", "paid", "accepted", "shipped")
            if not candidates:
                return
            order_id = candidates[pick % len(candidates)]
            before = fresh(Order, order_id)
            status, left = before.status, before.paid_fen - before.refunded_fen
            reply = self.shopper.post(f"/orders/{order_id}/cancel", {"reason_code": "changed_mind", "reason_text": ""})
            if status == "shipped":
                assert reply.status_code == 409 and fresh(Order, order_id).refunded_fen == before.refunded_fen
                return
            assert reply.status_code in (200, 409), reply.get_json()
            if reply.status_code == 409:
                return
            body = reply.get_json()
            if body["status"] != "cancelled" and (body.get("open_request") or {}).get("kind") == "cancel":
                approved = self.supervisor.post(f"/requests/{body['open_request']['id']}/approve",
                                                {"password": PASSWORD})
                assert approved.status_code in (200, 403, 409), approved.get_json()
            if fresh(Order, order_id).status == "cancelled":
                STEPS["cancelled"] += 1
                self.orders[order_id]["asked"] += left
                for sku_id, quantity in self.orders[order_id]["lines"].items():
                    self.out[sku_id] -= quantity

        @precondition(lambda self: self._has("paid", "accepted"))
        @rule(pick=st.integers(0, 50))
        def ship(self, pick):
            candidates = self._orders_in("paid", "accepted")
            if candidates:
                ordering.ship_order(candidates[pick % len(candidates)], WAREHOUSE, "顺丰速运", "SF100200300")

        @precondition(lambda self: self._has("shipped", "completed"))
        @rule(pick=st.integers(0, 50), settle=st.booleans())
        def after_sale_partial_refund(self, pick, settle):
            """仅退款 of one unit of a shipped order (no stock moves), approved when it waits for a person."""
            candidates = self._orders_in("shipped", "completed")
            if not candidates:
                return
            order_id = candidates[pick % len(candidates)]
            detail = self.shopper.detail(order_id)
            if "after_sale" not in detail["actions"]:
                return
            line = detail["items"][0]
            reply = self.shopper.post(f"/orders/{order_id}/after-sales", {
                "type": "refund_only", "reason_code": "no_reason", "reason_text": "不想要了",
                "lines": [{"line_id": line["id"], "quantity": 1}], "photos": []})
            assert reply.status_code in (201, 409, 422), reply.get_json()
            if reply.status_code != 201:
                return
            case = reply.get_json()
            if case["status"] == "pending":
                approved = self.supervisor.post(f"/requests/{case['request_id']}/approve", {"password": PASSWORD})
                assert approved.status_code in (200, 403, 409), approved.get_json()
            case = self.shopper.get(f"/after-sales/{case['id']}").get_json()
            if case.get("refund"):  # the case's amount: it may go back in two refunds (WeChat part, balance part)
                self.orders[order_id]["asked"] += case["amount_fen"]
                STEPS["after_sale_refund"] += 1
            if settle:
                self.settle_refunds()

        @precondition(lambda self: self._has("paid", "accepted", "shipped", "completed"))
        @rule(pick=st.integers(0, 50), amount=st.integers(1, 800), to_balance=st.booleans(), settle=st.booleans())
        def staff_refund(self, pick, amount, to_balance, settle):
            candidates = self._orders_in("paid", "accepted", "shipped", "completed")
            if not candidates:
                return
            order_id = candidates[pick % len(candidates)]
            reply = self.finance.post(f"/orders/{order_id}/refunds", {
                "kind": "amount", "amount_fen": amount, "reason": "补偿", "password": PASSWORD,
                "method": "balance" if to_balance else "wechat"})
            assert reply.status_code in (200, 403, 409, 422), reply.get_json()
            if reply.status_code == 200:
                self.orders[order_id]["asked"] += amount
                STEPS["staff_refund"] += 1
            if settle:
                self.settle_refunds()

        @precondition(lambda self: self._has("shipped", "completed"))
        @rule(pick=st.integers(0, 50))
        def exchange(self, pick):
            """Receive the order, exchange one unit: the resaleable return goes back on the shelf, the
            replacement leaves it."""
            candidates = self._orders_in("shipped", "completed")
            if not candidates:
                return
            order_id = candidates[pick % len(candidates)]
            if fresh(Order, order_id).status == "shipped":
                ordering.confirm_receipt(order_id, self.shopper_id)
            detail = self.shopper.detail(order_id)
            if "after_sale" not in detail["actions"]:
                return
            line = detail["items"][0]
            if line["quantity"] - line.get("refunded_quantity", 0) < 1:
                return
            reply = self.shopper.post(f"/orders/{order_id}/after-sales", {
                "type": "exchange", "reason_code": "wrong_size", "reason_text": "换个规格",
                "lines": [{"line_id": line["id"], "quantity": 1}], "photos": [self.shopper.upload_photo()]})
            assert reply.status_code in (201, 409, 422), reply.get_json()
            if reply.status_code != 201:
                return
            case = reply.get_json()
            after_sales.approve(case["request_id"], SUPERVISOR)
            self.shopper.post(f"/after-sales/{case['id']}/return-shipment", {"carrier": "中通快递",
                                                                             "tracking_no": "ZT1234567"})
            after_sales.confirm_receipt(case["id"], WAREHOUSE, resellable=True)
            after_sales.ship_replacement(case["id"], WAREHOUSE, "顺丰速运", "SF999888777")
            STEPS["exchanged"] += 1
            # one unit back on the shelf, one unit out: nothing changes in the model

        @rule()
        def settle_refunds(self):
            """What the refund worker does: submit each pending WeChat refund and wait for WeChat's answer."""
            db.session.expire_all()
            waiting = list(db.session.scalars(select(Refund.id).where(
                Refund.order_id.in_(list(self.orders)), Refund.status.not_in(list(SETTLED)))))
            for refund_id in waiting:
                try:
                    refunds.submit_refund(refund_id, operator="test")
                except DomainError as exc:  # WeChat's notification settled it while the reply was being recorded
                    assert exc.code is ErrorCode.CONFLICT, exc
                    db.session.rollback()
                wait_until(lambda: fresh(Refund, refund_id).status in SETTLED)
                STEPS["settled"] += 1

        # ---- invariants ---------------------------------------------------------------------------
        @invariant()
        def money_is_conserved_per_order_and_route(self):
            if not hasattr(self, "orders"):
                return
            db.session.expire_all()
            paid_out = {r["out_refund_no"]: r["amount"] for r in sandbox.listing("refunds") if r["status"] == "SUCCESS"}
            for order_id, model in self.orders.items():
                order = db.session.get(Order, order_id)
                rows = [r for r in db.session.scalars(select(Refund).where(Refund.order_id == order_id))
                        if r.replaced_by_id is None]
                kept = order.paid_fen - order.refunded_fen
                assert kept >= 0 and order.refunded_fen == sum(r.amount_fen for r in rows), order_id
                assert order.refunded_fen == model["asked"], (order_id, order.refunded_fen, model)
                if order.paid_fen:
                    assert order.paid_fen == order.wechat_paid_fen + order.balance_paid_fen, order_id
                wechat = [r for r in rows if r.method == "wechat"]
                assert sum(r.amount_fen for r in wechat) <= order.wechat_paid_fen, order_id
                for r in wechat:
                    assert paid_out.get(r.out_refund_no, 0) == (r.amount_fen if r.status == "succeeded" else 0), \
                        (order_id, r.out_refund_no, r.status)

        @invariant()
        def balance_is_its_ledger_and_never_negative(self):
            if not hasattr(self, "orders"):
                return
            shopper = fresh(ShopperRow, self.shopper_id)
            ledger = db.session.scalar(select(func.coalesce(func.sum(BalanceEntry.delta_fen), 0))
                                       .where(BalanceEntry.shopper_id == self.shopper_id))
            assert shopper.balance_fen == ledger >= 0

        @invariant()
        def stock_is_the_start_less_live_units_plus_returns(self):
            if not hasattr(self, "orders"):
                return
            for sku_id in self.skus:
                on_hand = stock_of(sku_id)
                assert on_hand == self.start_stock[sku_id] - self.out[sku_id], (sku_id, on_hand, self.out)
                assert on_hand == db.session.scalar(select(func.sum(StockLedger.change))
                                                    .where(StockLedger.sku_id == sku_id))

    return MoneyMachine


def test_money_and_stock_are_conserved_through_random_sequences(pgapp, sandbox, monkeypatch):
    # W3's gap between two refunds of one order (a minute) is the pacer's own test; here it would only wait.
    monkeypatch.setattr(deps().refund_pacer, "acquire", lambda *args, **kwargs: None)
    STEPS.clear()
    run_state_machine_as_test(machine_for(pgapp.test_client(), sandbox), settings=settings(
        max_examples=4, stateful_step_count=10, deadline=None, derandomize=True,
        suppress_health_check=list(HealthCheck)))
    taken = {"paid", "cancelled", "after_sale_refund", "staff_refund", "exchanged", "settled"}  # each path ran
    assert taken <= {step for step, count in STEPS.items() if count}, STEPS
