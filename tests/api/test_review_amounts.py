"""Every 审核 row whose 同意 moves money carries the amount and route it would refund, and the whole confirmation
sentence the admin shows verbatim (issue 12 item 7): after-sales (仅退款 now, 退货退款 once the goods are
received), modifications (the difference of their decreases) as cancels already did."""
from datetime import timedelta

from jsonschema import Draft7Validator

from shop.domain import clock
from shop.domain.money import yuan
from shop.domain.refund_amounts import LineAmounts, line_refund_fen
from shop.services import ordering
from support.orders import paid_order, refunds_of, staff
from support.shop import Shopper, first_sku_id
from support.staff import Staff
from test_request_actions import cancel_request
from test_statement_budgets import BUDGETS, within_budget
from test_store_balance import credit, paid_mixed_order


def after_sale(shopper, order, type_: str, reason: str, quantity: int = 1) -> dict:
    reply = shopper.post(f"/orders/{order['id']}/after-sales", {
        "type": type_, "reason_code": reason, "reason_text": "",
        "lines": [{"line_id": order["items"][0]["id"], "quantity": quantity}], "photos": [shopper.upload_photo()]})
    assert reply.status_code == 201, reply.get_json()
    return reply.get_json()


def shipped_order(shopper, sandbox, items=None) -> dict:
    order = paid_order(shopper, sandbox, items)
    ordering.ship_order(order["id"], staff("warehouse"), "顺丰速运", "SF100200300")
    return shopper.detail(order["id"])


def rows(staff_member: Staff) -> dict[int, dict]:
    return {row["id"]: row for row in staff_member.ok("GET", "/requests")["items"]}


def _json_schema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema's type list."""
    if isinstance(node, dict):
        node = {key: _json_schema(value) for key, value in node.items()}
        if node.pop("nullable", False) and "type" in node:
            node["type"] = [node["type"], "null"]
        return node
    return [_json_schema(value) for value in node] if isinstance(node, list) else node


def documented_errors(client, body: dict) -> list[str]:
    """Where the list's answer departs from what /api/openapi.json documents for GET /api/admin/requests."""
    document = _json_schema(client.get("/api/openapi.json").get_json())
    page = document["paths"]["/api/admin/requests"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    validator = Draft7Validator({**document, "$ref": page["$ref"]})
    return [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(body)]


def test_a_refund_only_row_carries_the_case_amount_its_route_and_the_sentence(client, sandbox):
    alice = Shopper(client)
    order = shipped_order(alice, sandbox, [(first_sku_id(), 2)])
    case = after_sale(alice, order, "refund_only", "not_received", quantity=1)
    assert case["status"] == "pending" and 0 < case["amount_fen"] < order["paid_fen"]
    supervisor = Staff(client, "supervisor")

    body = supervisor.ok("GET", "/requests")
    row = next(row for row in body["items"] if row["id"] == case["request_id"])

    assert documented_errors(client, body) == []
    assert documented_errors(client, {**body, "items": [{**row, "refund_routes": [{"amount_fen": "12.00"}]}]})
    assert row["refund_fen"] == case["amount_fen"]
    assert row["refund_routes"] == [{"route": "wechat", "amount_fen": case["amount_fen"], "label": "原路退回微信支付"}]
    assert row["refund_after_receipt"] is False
    assert row["confirm_text"] == (f"确认同意该售后申请（仅退款）？同意后立即退款 ¥{yuan(case['amount_fen'])}，"
                                   "原路退回微信支付。")
    # the 售后 page asks the same question, for whoever may approve
    listed = next(c for c in supervisor.ok("GET", "/after-sales")["items"] if c["id"] == case["id"])
    assert listed["confirm_text"] == supervisor.ok("GET", f"/after-sales/{case['id']}")["confirm_text"] \
        == row["confirm_text"]
    seen_by_warehouse = Staff(client, "warehouse").ok("GET", f"/after-sales/{case['id']}")
    assert "approve" not in seen_by_warehouse["actions"] and seen_by_warehouse["confirm_text"] is None
    # 同意 refunds exactly that amount; its reply (a decided request, read on its own) asks nothing more
    decided = supervisor.ok("POST", f"/requests/{case['request_id']}/approve", {})
    assert alice.detail(order["id"])["refunded_fen"] == row["refund_fen"]
    assert (decided["refund_fen"], decided["confirm_text"]) == (row["refund_fen"], None)


def test_a_return_and_refund_row_says_the_refund_follows_the_goods(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    ordering.ship_order(order["id"], staff("warehouse"), "顺丰速运", "SF100200300")
    ordering.confirm_receipt(order["id"], alice.user["id"])
    case = after_sale(alice, alice.detail(order["id"]), "return_refund", "no_reason")

    row = rows(Staff(client, "supervisor"))[case["request_id"]]

    assert row["refund_fen"] == case["amount_fen"] > 0 and row["refund_after_receipt"] is True
    assert row["confirm_text"] == ("确认同意该售后申请（退货退款）？同意后请顾客寄回商品，商家确认收到退货后"
                                   f"退款 ¥{yuan(case['amount_fen'])}，原路退回微信支付。")


def test_a_modification_row_carries_the_difference_it_refunds(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox, [(first_sku_id(), 3)])
    ordering.accept_order(order["id"], staff("warehouse"))
    line = order["items"][0]
    body = alice.patch(f"/orders/{order['id']}", {"lines": [{"line_id": line["id"], "quantity": 1}]}).get_json()
    request_id = body["open_request"]["id"]
    difference = line_refund_fen(LineAmounts(line["payable_fen"], 3, 0), 2)

    row = rows(Staff(client, "supervisor"))[request_id]

    assert row["refund_fen"] == difference > 0
    assert row["confirm_text"] == (f"确认同意该修改申请？同意后按申请修改订单，并退还差价 ¥{yuan(difference)}，"
                                   "原路退回微信支付。")


def test_a_page_with_every_kind_reads_the_amounts_in_one_extra_statement_at_most(client, sandbox, monkeypatch):
    """The cases' amounts and the WeChat refunds come with the page's rows; only a waiting change of quantities
    reads its orders' lines, once for the page. Two shoppers, as the list budget counts them."""
    alice, bob = Shopper(client, "alice"), Shopper(client, "bob")
    case = after_sale(alice, shipped_order(alice, sandbox), "refund_only", "not_received")
    order = paid_order(bob, sandbox, [(first_sku_id(), 2)])
    ordering.accept_order(order["id"], staff("warehouse"))
    modify = bob.patch(f"/orders/{order['id']}", {"lines": [{"line_id": order["items"][0]["id"], "quantity": 1}]})
    cancel_id = cancel_request(client, sandbox, "alice")
    supervisor = Staff(client, "supervisor")
    supervisor.ok("GET", "/requests")

    monkeypatch.setitem(BUDGETS, "admin requests with amounts", BUDGETS["admin requests"] + 1)  # + the lines
    body = within_budget("admin requests with amounts", lambda: supervisor.get("/requests"))

    by_id = {row["id"]: row for row in body["items"]}
    assert {case["request_id"], modify.get_json()["open_request"]["id"], cancel_id} <= set(by_id)
    assert all(row["refund_fen"] > 0 and "¥" in row["confirm_text"] for row in by_id.values())


def test_a_mixed_order_names_each_route_as_the_refund_will_split(client, sandbox):
    """R9: WeChat gets back what it still holds (its earlier refunds counted), the balance the rest."""
    alice = Shopper(client)
    credit(alice, 1000)
    order = paid_mixed_order(alice, sandbox)  # 2 × ¥39 + ¥8 = ¥86: ¥10 balance + ¥76 WeChat
    line = order["items"][0]
    alice.patch(f"/orders/{order['id']}", {"lines": [{"line_id": line["id"], "quantity": 1}]})
    assert [(r.method, r.amount_fen) for r in refunds_of(order["id"])] == [("wechat", 3900)]  # WeChat holds ¥37
    clock.advance(timedelta(minutes=40))
    reply = alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind", "reason_text": ""})
    request_id = reply.get_json()["open_request"]["id"]
    supervisor = Staff(client, "supervisor")

    row = rows(supervisor)[request_id]

    assert row["refund_fen"] == 4700
    assert [(r["route"], r["amount_fen"]) for r in row["refund_routes"]] == [("wechat", 3700), ("balance", 1000)]
    assert row["confirm_text"] == ("确认同意该取消申请？同意后订单将取消，并退款 ¥47.00：¥37.00 原路退回微信支付，"
                                   "¥10.00 原路退回账户余额。")
    supervisor.ok("POST", f"/requests/{request_id}/approve", {})
    assert [(r.method, r.amount_fen) for r in refunds_of(order["id"])][1:] == [("wechat", 3700), ("balance", 1000)]
