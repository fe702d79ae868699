"""After-sales through the mini-program API and the staff service functions (A1–A3, R5)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop.db import AfterSale, Order, OrderLine, Refund, Shopper, StockLedger
from shop.domain import clock
from shop.domain.actors import Actor
from shop.extensions import db
from shop.services import after_sales, ordering, refunds
from support.services import wait_until
from support.shop import Shopper as ShopperClient
from support.shop import first_sku_id, sku_stock

STAFF = Actor.staff(1, "王主管", "supervisor")
WAREHOUSE = Actor.staff(5, "陈仓管", "warehouse")


def paid_order(alice, sandbox, items=None):
    order = alice.order(items)
    alice.pay(order, sandbox)
    wait_until(lambda: alice.detail(order["id"])["status"] == "paid")
    return alice.detail(order["id"])


def received_order(alice, sandbox, items=None):
    order = paid_order(alice, sandbox, items)
    ordering.ship_order(order["id"], STAFF, "顺丰速运", "SF100200300")
    ordering.confirm_receipt(order["id"], alice.user["id"])
    return alice.detail(order["id"])


def apply(alice, order, type_="return_refund", reason="no_reason", quantity=None, line=0):
    item = order["items"][line]
    return alice.post(f"/orders/{order['id']}/after-sales", {
        "type": type_, "reason_code": reason, "reason_text": "不合适",
        "lines": [{"line_id": item["id"], "quantity": quantity or item["quantity"]}],
        "photos": [alice.upload_photo()]})


def test_reasons_list_has_chinese_labels_and_marks_quality_reasons(client):
    body = client.get("/api/mp/after-sale-reasons").get_json()
    reasons = {r["code"]: r for r in body["reasons"]}
    assert reasons["quality_issue"]["label"] == "质量问题" and reasons["quality_issue"]["quality"]
    assert reasons["no_reason"]["quality"] is False
    assert {t["code"] for t in body["types"]} == {"refund_only", "return_refund", "exchange", "repair"}


def test_return_and_refund_goes_through_approval_shipment_receipt_and_refund(client, sandbox):
    alice = ShopperClient(client)
    sku = first_sku_id()
    order = received_order(alice, sandbox, [(sku, 2)])
    stock_after_sale = sku_stock(sku)

    reply = apply(alice, order, quantity=1)
    assert reply.status_code == 201, reply.get_json()
    case = reply.get_json()
    assert case["status"] == "pending" and case["type_label"] == "退货退款"
    assert case["amount_fen"] == order["items"][0]["payable_fen"] // 2

    after_sales.approve(case["request_id"], STAFF)
    case = alice.get(f"/after-sales/{case['id']}").get_json()
    assert case["status"] == "awaiting_return"
    assert "文一西路 969 号" in case["return_address"]
    assert case["actions"] == ["submit_return_shipment"]

    detail = alice.detail(order["id"])
    assert detail["after_sales"] == [{"id": case["id"], "type": "return_refund", "type_label": "退货退款",
                                      "status": "awaiting_return", "status_label": "待寄回商品"}]
    assert "after_sale" not in detail["actions"]  # one case at a time

    reply = alice.post(f"/after-sales/{case['id']}/return-shipment", {"carrier": "中通快递", "tracking_no": "ZT1234567"})
    assert reply.status_code == 200 and reply.get_json()["status"] == "returning"

    after_sales.confirm_receipt(case["id"], WAREHOUSE, resellable=True)
    case = alice.get(f"/after-sales/{case['id']}").get_json()
    assert case["status"] == "completed"
    assert case["refund"]["amount_fen"] == case["amount_fen"]
    assert sku_stock(sku) == stock_after_sale + 1
    line = db.session.get(OrderLine, order["items"][0]["id"], populate_existing=True)
    assert (line.refunded_quantity, line.refunded_fen) == (1, case["amount_fen"])
    refunds.submit_refund(case["refund"]["id"])  # what the worker does (tests/jobs run the real one)
    # The notification settles it in the server's thread; this test's session (shared with the test client's
    # requests) still holds the row it loaded, so each look starts from the database.
    wait_until(lambda: db.session.expire_all() or
               alice.get(f"/after-sales/{case['id']}").get_json()["refund"]["status"] == "succeeded")
    paid_out = [r for r in sandbox.listing("refunds") if r["out_refund_no"] == case["refund"]["out_refund_no"]]
    assert [r["amount"] for r in paid_out] == [case["amount_fen"]]


def test_goods_that_cannot_be_resold_are_refunded_but_not_restocked(client, sandbox):
    alice = ShopperClient(client)
    sku = first_sku_id()
    order = received_order(alice, sandbox, [(sku, 1)])
    case = apply(alice, order).get_json()
    after_sales.approve(case["request_id"], STAFF)
    before = sku_stock(sku)
    after_sales.confirm_receipt(case["id"], WAREHOUSE, resellable=False)
    assert sku_stock(sku) == before
    assert db.session.get(AfterSale, case["id"], populate_existing=True).refund_id is not None


def test_confirming_receipt_twice_neither_restocks_nor_refunds_twice(client, sandbox):
    alice = ShopperClient(client)
    sku = first_sku_id()
    order = received_order(alice, sandbox, [(sku, 1)])
    case = apply(alice, order).get_json()
    after_sales.approve(case["request_id"], STAFF)
    before = sku_stock(sku)
    after_sales.confirm_receipt(case["id"], WAREHOUSE, resellable=True)
    with pytest.raises(Exception) as again:
        after_sales.confirm_receipt(case["id"], WAREHOUSE, resellable=True)
    assert again.value.code.name == "AFTER_SALE_WRONG_STATE"
    assert sku_stock(sku) == before + 1
    assert db.session.scalar(select(func.count()).select_from(Refund).where(Refund.source == "after_sale")) == 1


def test_refund_only_before_shipping_is_approved_automatically_and_releases_stock(client, sandbox):
    alice = ShopperClient(client)
    sku = first_sku_id()
    order = paid_order(alice, sandbox, [(sku, 3)])
    before = sku_stock(sku)
    reply = apply(alice, order, type_="refund_only", reason="not_wanted", quantity=1)
    assert reply.status_code == 201, reply.get_json()
    case = reply.get_json()
    assert (case["status"], case["decision"]) == ("completed", "approved")
    assert case["refund"]["amount_fen"] == case["amount_fen"] > 0
    assert sku_stock(sku) == before + 1


def test_refunding_every_unit_before_shipping_returns_shipping_and_closes_the_order(client, sandbox):
    alice = ShopperClient(client)
    order = paid_order(alice, sandbox, [(first_sku_id(), 1)])  # 29.00 < 99: shipping fee charged
    assert order["shipping_fen"] > 0
    case = apply(alice, order, type_="refund_only", reason="not_wanted").get_json()
    assert case["amount_fen"] == order["paid_fen"]
    detail = alice.detail(order["id"])
    assert detail["status"] == "cancelled"
    assert detail["refunded_fen"] == detail["paid_fen"]


def test_disputed_reason_always_waits_for_a_person_with_a_summary(client, sandbox):
    alice = ShopperClient(client)
    order = paid_order(alice, sandbox)
    case = apply(alice, order, type_="refund_only", reason="quality_issue", quantity=1).get_json()
    assert case["status"] == "pending"
    staff_view = after_sales.get_case(case["id"])
    summary = staff_view["summary"]
    assert summary["disputed"] is True
    assert "争议原因需人工审核" in summary["automatic_approval_blockers"]
    assert [e["kind"] for e in summary["timeline"]][:2] == ["placed", "payment_requested"]
    assert summary["shopper"]["metrics"]["orders"] == 1
    assert "logistics" in summary


def test_watchlisted_shopper_gets_no_automatic_approval(client, sandbox):
    alice = ShopperClient(client)
    db.session.get(Shopper, alice.user["id"]).risk_flagged = True
    db.session.commit()
    order = paid_order(alice, sandbox)
    case = apply(alice, order, type_="refund_only", reason="not_wanted", quantity=1).get_json()
    assert case["status"] == "pending"


def test_rejection_needs_a_reason_and_tells_the_shopper_why(client, sandbox):
    alice = ShopperClient(client)
    order = received_order(alice, sandbox)
    case = apply(alice, order).get_json()
    with pytest.raises(Exception) as missing:
        after_sales.reject(case["request_id"], STAFF, "  ")
    assert missing.value.code.name == "VALIDATION_ERROR"
    after_sales.reject(case["request_id"], STAFF, "商品已拆封影响二次销售")
    case = alice.get(f"/after-sales/{case['id']}").get_json()
    assert (case["status"], case["decision_reason"]) == ("rejected", "商品已拆封影响二次销售")
    with pytest.raises(Exception) as twice:
        after_sales.approve(case["request_id"], STAFF)
    assert twice.value.code.name == "AFTER_SALE_WRONG_STATE"


def test_staff_take_only_the_steps_their_role_is_offered(client, sandbox):
    alice = ShopperClient(client)
    order = received_order(alice, sandbox)
    case = apply(alice, order).get_json()
    with pytest.raises(Exception) as warehouse_decides:
        after_sales.approve(case["request_id"], WAREHOUSE)
    assert warehouse_decides.value.code.name == "FORBIDDEN"
    with pytest.raises(Exception) as too_early:
        after_sales.confirm_receipt(case["id"], WAREHOUSE, resellable=True)
    assert too_early.value.code.name == "AFTER_SALE_WRONG_STATE"
    after_sales.approve(case["request_id"], STAFF)
    with pytest.raises(Exception) as supervisor_receives:
        after_sales.confirm_receipt(case["id"], STAFF, resellable=True)
    assert supervisor_receives.value.code.name == "FORBIDDEN"
    assert after_sales.get_case(case["id"], staff_role="warehouse")["actions"] == ["receive"]
    assert alice.get(f"/after-sales/{case['id']}").get_json()["actions"] == ["submit_return_shipment"]


def test_no_reason_return_window_closes_after_seven_days_but_quality_problems_get_longer(client, sandbox):
    alice = ShopperClient(client)
    order = received_order(alice, sandbox)
    clock.advance(timedelta(days=8))
    late = apply(alice, order, reason="no_reason")
    assert late.status_code == 409
    assert late.get_json()["error"]["code"] == "AFTER_SALE_WINDOW_CLOSED"
    assert "7 天" in late.get_json()["error"]["message"]
    assert apply(alice, order, reason="quality_issue").status_code == 201


def test_bad_applications_get_clear_errors_and_change_nothing(client, sandbox):
    alice = ShopperClient(client)
    order = received_order(alice, sandbox, [(first_sku_id(), 1)])
    too_many = apply(alice, order, quantity=5)
    assert too_many.status_code == 422 and "超出" in too_many.get_json()["error"]["message"]
    bad_reason = apply(alice, order, reason="because")
    assert bad_reason.status_code == 422
    bad_type = apply(alice, order, type_="gift")
    assert bad_type.status_code == 422
    bob = ShopperClient(client, "bob")
    assert apply(bob, order).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(AfterSale)) == 0


def test_shipped_order_allows_only_refund_only(client, sandbox):
    alice = ShopperClient(client)
    order = paid_order(alice, sandbox)
    ordering.ship_order(order["id"], STAFF, "顺丰速运", "SF100200300")
    reply = apply(alice, order, type_="return_refund")
    assert reply.status_code == 409 and "仅退款" in reply.get_json()["error"]["message"]
    case = apply(alice, order, type_="refund_only", reason="not_received").get_json()
    assert case["status"] == "pending"  # shipped: a person decides


def test_second_application_while_one_is_open_is_refused(client, sandbox):
    alice = ShopperClient(client)
    order = received_order(alice, sandbox, [(first_sku_id(), 2)])
    assert apply(alice, order, quantity=1).status_code == 201
    again = apply(alice, order, quantity=1)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "REQUEST_ALREADY_OPEN"


def test_exchange_ships_a_replacement_and_takes_its_stock(client, sandbox):
    alice = ShopperClient(client)
    sku = first_sku_id()
    order = received_order(alice, sandbox, [(sku, 1)])
    case = apply(alice, order, type_="exchange", reason="wrong_size").get_json()
    after_sales.approve(case["request_id"], STAFF)
    alice.post(f"/after-sales/{case['id']}/return-shipment", {"carrier": "中通快递", "tracking_no": "ZT1234567"})
    before = sku_stock(sku)
    after_sales.confirm_receipt(case["id"], WAREHOUSE, resellable=True)
    assert alice.get(f"/after-sales/{case['id']}").get_json()["status_label"] == "换货中"
    assert sku_stock(sku) == before + 1  # the returned resaleable unit is back on the shelf
    after_sales.ship_replacement(case["id"], WAREHOUSE, "顺丰速运", "SF999888777")
    case = alice.get(f"/after-sales/{case['id']}").get_json()
    assert (case["status"], case["replacement_tracking_no"]) == ("completed", "SF999888777")
    assert case["refund"] is None
    assert sku_stock(sku) == before  # one unit in, one unit out: an exchange loses no stock


def test_an_exchanged_resaleable_unit_is_put_back_exactly_once_with_a_ledger_row(client, sandbox):
    alice = ShopperClient(client)
    sku = first_sku_id()
    order = received_order(alice, sandbox, [(sku, 1)])
    case = apply(alice, order, type_="exchange", reason="wrong_size").get_json()
    after_sales.approve(case["request_id"], STAFF)
    before = sku_stock(sku)
    after_sales.confirm_receipt(case["id"], WAREHOUSE, resellable=True)
    with pytest.raises(Exception):
        after_sales.confirm_receipt(case["id"], WAREHOUSE, resellable=True)
    rows = db.session.scalars(select(StockLedger).where(StockLedger.sku_id == sku, StockLedger.kind == "return")).all()
    assert [row.change for row in rows] == [1] and sku_stock(sku) == before + 1


def test_repair_opens_a_work_order_and_sends_the_goods_back(client, sandbox):
    alice = ShopperClient(client)
    order = received_order(alice, sandbox)
    case = apply(alice, order, type_="repair", reason="quality_issue").get_json()
    after_sales.approve(case["request_id"], STAFF)
    after_sales.confirm_receipt(case["id"], WAREHOUSE, resellable=False)
    assert alice.get(f"/after-sales/{case['id']}").get_json()["status"] == "repairing"
    after_sales.return_repaired(case["id"], WAREHOUSE, "顺丰速运", "SF999888777")
    assert alice.get(f"/after-sales/{case['id']}").get_json()["status"] == "completed"


def test_unanswered_cases_are_escalated_after_the_reply_time(client, sandbox):
    alice = ShopperClient(client)
    order = received_order(alice, sandbox)
    case = apply(alice, order).get_json()
    assert after_sales.escalate_overdue() == {"approved": 0, "escalated": 0}
    clock.advance(timedelta(hours=49))
    assert after_sales.escalate_overdue() == {"approved": 0, "escalated": 1}
    assert after_sales.get_case(case["id"])["escalated"] is True
    assert after_sales.escalate_overdue() == {"approved": 0, "escalated": 0}


def test_another_shoppers_case_is_not_found(client, sandbox):
    alice = ShopperClient(client)
    order = received_order(alice, sandbox)
    case = apply(alice, order).get_json()
    bob = ShopperClient(client, "bob")
    reply = bob.get(f"/after-sales/{case['id']}")
    assert reply.status_code == 404 and reply.get_json()["error"]["code"] == "AFTER_SALE_NOT_FOUND"
    ledger_returns = db.session.scalar(select(func.count()).select_from(StockLedger).where(StockLedger.kind == "return"))
    assert ledger_returns == 0
    assert db.session.get(Order, order["id"]).status == "completed"


@pytest.fixture
def lenient_policy(app):
    from shop.domain.policy import Policy
    deps = app.extensions["shop.deps"]
    deps.policy = Policy(after_sale_timeout_auto_approve=True)
    yield deps.policy
    deps.policy = Policy()


def test_by_setting_unanswered_cases_are_approved_but_disputed_ones_still_escalated(client, sandbox, lenient_policy):
    alice = ShopperClient(client)
    plain = apply(alice, received_order(alice, sandbox)).get_json()
    bob = ShopperClient(client, "bob")
    disputed = apply(bob, received_order(bob, sandbox), reason="not_as_described").get_json()
    clock.advance(timedelta(hours=49))
    assert after_sales.escalate_overdue() == {"approved": 1, "escalated": 1}
    assert alice.get(f"/after-sales/{plain['id']}").get_json()["status"] == "awaiting_return"
    assert bob.get(f"/after-sales/{disputed['id']}").get_json()["status"] == "pending"


def test_replacement_out_of_stock_is_refused_and_changes_nothing(client, sandbox):
    alice = ShopperClient(client)
    sku = first_sku_id()
    order = received_order(alice, sandbox, [(sku, 1)])
    case = apply(alice, order, type_="exchange", reason="wrong_size").get_json()
    after_sales.approve(case["request_id"], STAFF)
    after_sales.confirm_receipt(case["id"], WAREHOUSE, resellable=False)
    db.session.execute(db.text("UPDATE skus SET stock = 0 WHERE id = :id"), {"id": sku})
    db.session.commit()
    with pytest.raises(Exception) as caught:
        after_sales.ship_replacement(case["id"], WAREHOUSE, "顺丰速运", "SF999888777")
    assert caught.value.code.name == "OUT_OF_STOCK"
    assert alice.get(f"/after-sales/{case['id']}").get_json()["status"] == "exchanging"


def test_concurrent_receipt_clicks_refund_and_restock_once(pgapp, sandbox):
    import threading
    alice = ShopperClient(pgapp.test_client())
    sku = first_sku_id()
    order = received_order(alice, sandbox, [(sku, 1)])
    case = apply(alice, order).get_json()
    after_sales.approve(case["request_id"], STAFF)
    before = sku_stock(sku)
    db.session.remove()
    outcomes = []

    def click():
        with pgapp.app_context():
            try:
                after_sales.confirm_receipt(case["id"], WAREHOUSE, resellable=True)
                outcomes.append("ok")
            except Exception as exc:  # noqa: BLE001 - the losers must fail with a clear code
                outcomes.append(exc.code.name)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=click) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1
    assert set(outcomes) - {"ok"} <= {"CONFLICT", "AFTER_SALE_WRONG_STATE"}
    assert sku_stock(sku) == before + 1
    assert db.session.scalar(select(func.count()).select_from(Refund).where(Refund.source == "after_sale")) == 1


def test_the_order_page_links_its_open_request_to_the_after_sales_case(client, sandbox):
    alice = ShopperClient(client)
    order = received_order(alice, sandbox)
    case = apply(alice, order, reason="quality_issue").get_json()
    detail = alice.detail(order["id"])
    assert detail["open_request"]["kind"] == "after_sale"
    assert detail["open_request"]["after_sale_id"] == case["id"]
