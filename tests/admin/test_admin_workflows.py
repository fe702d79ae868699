"""Admin endpoints over the order services: staff cancel (C3), requests (C2/C4), after-sales (A2),
risk (K1), feedback (C6), to-do counts (N2) and reconciliation (R6) — each action audited once."""
from datetime import date, timedelta

from sqlalchemy import select

from shop.db import AuditLog
from shop.domain import clock
from shop.extensions import db
from shop.services import after_sales
from support.services import wait_until
from support.shop import Shopper
from support.staff import Staff


def paid_order(alice, sandbox):
    order = alice.order()
    alice.pay(order, sandbox)
    wait_until(lambda: alice.detail(order["id"])["status"] == "paid")
    return alice.detail(order["id"])


def audit_rows(action: str):
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)).all()


def cancel_request(alice, sandbox):
    """A paid order cancelled after the free window: a request staff must decide."""
    order = paid_order(alice, sandbox)
    clock.advance(timedelta(minutes=31))
    reply = alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind", "reason_text": "不想要了"})
    assert reply.status_code == 200, reply.get_json()
    return order


def test_customer_service_cancels_an_unpaid_order_and_it_is_audited(client):
    alice = Shopper(client)
    order = alice.order()
    service = Staff(client, "service")
    cancelled = service.ok("POST", f"/orders/{order['id']}/cancel",
                           {"reason_code": "out_of_stock", "reason_text": "断货"})
    assert cancelled["status"] == "cancelled" and cancelled["cancel_reason_code"] == "out_of_stock"
    [row] = audit_rows("order.cancel")
    assert row.before["status"] == "pending_payment" and row.after["status"] == "cancelled"
    assert row.after["reason_code"] == "out_of_stock" and row.staff_name == "李客服"


def test_customer_service_may_not_cancel_a_paid_order_but_a_supervisor_may(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    refused = Staff(client, "service").post(f"/orders/{order['id']}/cancel", {"reason_code": "out_of_stock"})
    assert refused.status_code == 403 and "客服" in refused.get_json()["error"]["message"]
    assert audit_rows("order.cancel") == []
    cancelled = Staff(client, "supervisor").ok("POST", f"/orders/{order['id']}/cancel", {"reason_code": "out_of_stock"})
    assert cancelled["status"] == "cancelled" and cancelled["refund_status"] in ("refunding", "refunded")


def test_over_the_threshold_set_in_settings_the_operator_types_the_password_again(client, sandbox):
    Staff(client, "admin").ok("PUT", "/settings", {"staff_cancel_recheck_fen": 100})
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    supervisor = Staff(client, "supervisor")
    path, body = f"/orders/{order['id']}/cancel", {"reason_code": "out_of_stock"}
    assert supervisor.post(path, body).get_json()["error"]["code"] == "PASSWORD_REQUIRED"
    assert supervisor.post(path, {**body, "password": "wrong"}).get_json()["error"]["code"] == "PASSWORD_INCORRECT"
    assert supervisor.ok("POST", path, {**body, "password": "demo1234"})["status"] == "cancelled"


def test_cancel_request_waits_in_the_list_and_approval_cancels_and_refunds(client, sandbox):
    alice = Shopper(client)
    order = cancel_request(alice, sandbox)
    service = Staff(client, "service")
    waiting = service.ok("GET", "/requests", query={"kind": "cancel"})
    assert waiting["total"] == 1
    request = waiting["items"][0]
    assert request["order_id"] == order["id"] and request["status"] == "pending"
    # Approving a paid cancel means a refund: customer service may not (the rule lives in the service).
    assert service.post(f"/requests/{request['id']}/approve", {}).status_code == 403
    supervisor = Staff(client, "supervisor")
    decided = supervisor.ok("POST", f"/requests/{request['id']}/approve", {"note": "同意"})
    assert decided["status"] == "approved"
    assert alice.detail(order["id"])["status"] == "cancelled"
    assert service.ok("GET", "/requests")["total"] == 0
    [row] = audit_rows("request.approve")
    assert row.before["status"] == "pending" and row.after["status"] == "approved"
    assert row.target_id == str(request["id"])
    again = supervisor.post(f"/requests/{request['id']}/approve", {})
    assert again.status_code == 409 and len(audit_rows("request.approve")) == 1


def test_staff_offer_an_alternative_then_reject_with_a_reason(client, sandbox):
    alice = Shopper(client)
    order = cancel_request(alice, sandbox)
    supervisor = Staff(client, "supervisor")
    request_id = supervisor.ok("GET", "/requests")["items"][0]["id"]
    offered = supervisor.ok("POST", f"/requests/{request_id}/alternative",
                            {"kind": "faster_shipping", "message": "今天为您加急发货"})
    assert offered["status"] == "pending" and offered["alternative"]["kind"] == "faster_shipping"
    assert supervisor.post(f"/requests/{request_id}/reject", {}).status_code == 422
    rejected = supervisor.ok("POST", f"/requests/{request_id}/reject", {"reason": "商品已打包，即将发出"})
    assert rejected["status"] == "rejected" and rejected["decision_reason"] == "商品已打包，即将发出"
    assert alice.detail(order["id"])["status"] == "paid"
    assert [r.action for r in db.session.scalars(select(AuditLog).where(AuditLog.target_type == "request"))] == [
        "request.alternative", "request.reject"]


def after_sale_case(client, alice, sandbox, type_="return_refund", reason="no_reason") -> dict:
    """A received order and the shopper's after-sales application on its first line."""
    order = paid_order(alice, sandbox)
    Staff(client, "warehouse").ok("POST", f"/orders/{order['id']}/ship", {"carrier": "顺丰速运", "tracking_no": "SF100200300"})
    alice.post(f"/orders/{order['id']}/confirm-receipt")
    applied = alice.post(f"/orders/{order['id']}/after-sales", {
        "type": type_, "reason_code": reason, "reason_text": "不合适",
        "lines": [{"line_id": order["items"][0]["id"], "quantity": 1}], "photos": []})
    assert applied.status_code == 201, applied.get_json()
    return applied.get_json()


def test_after_sales_return_is_approved_received_by_the_warehouse_and_refunded(client, sandbox):
    alice = Shopper(client)
    case = after_sale_case(client, alice, sandbox)
    warehouse = Staff(client, "warehouse")
    service = Staff(client, "service")
    assert service.ok("GET", "/requests", query={"kind": "after_sale"})["total"] == 1
    service.ok("POST", f"/requests/{case['request_id']}/approve")
    listed = warehouse.ok("GET", "/after-sales")
    assert [c["id"] for c in listed["items"]] == [case["id"]]
    alice.post(f"/after-sales/{case['id']}/return-shipment", {"carrier": "中通快递", "tracking_no": "ZT1234567"})
    assert service.post(f"/after-sales/{case['id']}/receive", {"resellable": True}).status_code == 403
    received = warehouse.ok("POST", f"/after-sales/{case['id']}/receive", {"resellable": True})
    assert received["status"] == "completed" and received["refund"]["amount_fen"] == case["amount_fen"]
    detail = warehouse.ok("GET", f"/after-sales/{case['id']}")
    assert detail["id"] == case["id"] and "summary" in detail
    [row] = audit_rows("after_sale.receive")
    assert row.before["status"] == "returning" and row.after["status"] == "completed"


def test_the_warehouse_sends_a_repaired_item_back_and_the_case_is_completed(client, sandbox):
    alice = Shopper(client)
    case = after_sale_case(client, alice, sandbox, type_="repair", reason="quality_issue")
    Staff(client, "service").ok("POST", f"/requests/{case['request_id']}/approve")
    warehouse = Staff(client, "warehouse")
    shipment = {"carrier": "顺丰速运", "tracking_no": "SF999888777"}
    early = warehouse.post(f"/after-sales/{case['id']}/return-repaired", shipment)
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "AFTER_SALE_WRONG_STATE"
    assert warehouse.ok("POST", f"/after-sales/{case['id']}/receive", {"resellable": False})["status"] == "repairing"

    returned = warehouse.ok("POST", f"/after-sales/{case['id']}/return-repaired", shipment)

    assert returned["status"] == "completed" and returned["replacement_tracking_no"] == "SF999888777"
    [row] = audit_rows("after_sale.return_repaired")
    assert row.before["status"] == "repairing" and row.after["replacement_tracking_no"] == "SF999888777"


def test_a_return_case_cannot_be_sent_back_as_repaired(client, sandbox):
    alice = Shopper(client)
    case = after_sale_case(client, alice, sandbox)
    reply = Staff(client, "admin").post(f"/after-sales/{case['id']}/return-repaired",
                                        {"carrier": "顺丰速运", "tracking_no": "SF999888777"})
    assert reply.status_code == 409 and reply.get_json()["error"]["code"] == "AFTER_SALE_WRONG_STATE"
    assert audit_rows("after_sale.return_repaired") == []


def test_each_staff_member_is_sent_the_after_sales_actions_their_role_allows_now(client, sandbox):
    alice = Shopper(client)
    case = after_sale_case(client, alice, sandbox, type_="exchange", reason="wrong_size")
    service, warehouse = Staff(client, "service"), Staff(client, "warehouse")

    def actions(staff):
        [listed] = staff.ok("GET", "/after-sales")["items"]
        detail = staff.ok("GET", f"/after-sales/{case['id']}")
        assert listed["actions"] == detail["actions"]
        return detail["actions"]

    assert (actions(service), actions(warehouse)) == (["approve", "reject", "propose"], [])
    service.ok("POST", f"/requests/{case['request_id']}/approve")
    assert (actions(service), actions(warehouse)) == ([], ["receive"])
    received = warehouse.ok("POST", f"/after-sales/{case['id']}/receive", {"resellable": False})
    assert received["status"] == "exchanging" and received["actions"] == ["ship_replacement"]
    shipped = warehouse.ok("POST", f"/after-sales/{case['id']}/ship-replacement",
                           {"carrier": "顺丰速运", "tracking_no": "SF999888777"})
    assert shipped["actions"] == [] and actions(Staff(client, "admin")) == []


def test_the_warehouse_cannot_approve_a_case_it_is_not_offered(client, sandbox):
    alice = Shopper(client)
    case = after_sale_case(client, alice, sandbox)
    reply = Staff(client, "admin").post(f"/after-sales/{case['id']}/receive", {"resellable": True})
    assert reply.status_code == 409 and reply.get_json()["error"]["code"] == "AFTER_SALE_WRONG_STATE"
    assert audit_rows("after_sale.receive") == []


def test_returns_on_their_way_back_are_a_warehouse_todo_of_their_own(client, sandbox):
    alice = Shopper(client)
    case = after_sale_case(client, alice, sandbox)
    service, warehouse = Staff(client, "service"), Staff(client, "warehouse")
    assert warehouse.ok("GET", "/todo")["todo"]["returns_to_receive"] == 0
    service.ok("POST", f"/requests/{case['request_id']}/approve")
    alice.post(f"/after-sales/{case['id']}/return-shipment", {"carrier": "中通快递", "tracking_no": "ZT1234567"})

    todo = warehouse.ok("GET", "/todo")["todo"]

    assert todo["returns_to_receive"] == 1 and todo["after_sales"] == 0
    assert todo["total"] == 1  # the approved case left the pending requests: counted once, here
    [listed] = warehouse.ok("GET", "/after-sales", query={"status": "returning"})["items"]
    assert listed["id"] == case["id"] and listed["actions"] == ["receive"]
    warehouse.ok("POST", f"/after-sales/{case['id']}/receive", {"resellable": True})
    assert warehouse.ok("GET", "/todo")["todo"]["returns_to_receive"] == 0


def test_each_request_row_carries_the_shopper_risk_and_the_order_lines(client, sandbox):
    alice = Shopper(client)
    order = cancel_request(alice, sandbox)
    Staff(client, "supervisor").ok("POST", f"/risk/shoppers/{alice.user['id']}/flag", {"reason": "一周内退款 5 次"})

    [row] = Staff(client, "service").ok("GET", "/requests")["items"]

    shopper = row["shopper"]
    assert shopper["id"] == alice.user["id"] and shopper["risk_flagged"] is True and shopper["allow_listed"] is False
    assert [r["reason"] for r in shopper["risk_reasons"]] == ["一周内退款 5 次"]
    assert shopper["metrics"]["orders"] == 1 and shopper["metrics"]["cancels"] == 0
    assert [i["product_name"] for i in row["order_items"]] == [i["product_name"] for i in order["items"]]
    assert row["carrier"] is None and row["escalated"] is False


def test_escalated_after_sales_are_counted_on_their_own_and_listed(client, sandbox):
    alice = Shopper(client)
    case = after_sale_case(client, alice, sandbox)
    service = Staff(client, "service")
    assert service.ok("GET", "/todo")["todo"]["escalated_after_sales"] == 0
    clock.advance(timedelta(hours=49))
    assert after_sales.escalate_overdue()["escalated"] == 1

    todo = service.ok("GET", "/todo")["todo"]

    assert todo["escalated_after_sales"] == 1 and todo["after_sales"] == 1
    assert todo["total"] == 1  # an escalated case is one of the waiting after-sales, not a second to-do
    [row] = service.ok("GET", "/requests", query={"kind": "after_sale", "escalated": "true"})["items"]
    assert row["id"] == case["request_id"] and row["escalated"] is True
    assert service.ok("GET", "/requests", query={"escalated": "false"})["items"] == []


def test_supervisor_flags_unflags_and_allow_lists_a_shopper(client):
    alice = Shopper(client)
    shopper_id = alice.user["id"]
    supervisor = Staff(client, "supervisor")
    flagged = supervisor.ok("POST", f"/risk/shoppers/{shopper_id}/flag", {"reason": "一周内退款 5 次"})
    assert flagged["risk_flagged"] is True
    listed = Staff(client, "service").ok("GET", "/risk/shoppers")
    assert [s["id"] for s in listed["items"]] == [shopper_id]
    assert supervisor.ok("POST", f"/risk/shoppers/{shopper_id}/unflag")["risk_flagged"] is False
    assert supervisor.ok("POST", f"/risk/shoppers/{shopper_id}/allow-list")["risk_allow_listed"] is True
    assert [r.action for r in db.session.scalars(select(AuditLog).where(AuditLog.target_type == "shopper"))] == [
        "risk.flag", "risk.unflag", "risk.allow_list"]
    assert supervisor.post("/risk/shoppers/999999/flag", {"reason": "x"}).status_code == 404


def test_feedback_after_a_cancel_is_read_by_staff(client):
    alice = Shopper(client)
    order = alice.order()
    alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "wrong_item"})
    reply = alice.post(f"/orders/{order['id']}/feedback", {"rating": 4, "text": "取消很方便"})
    assert reply.status_code in (200, 201), reply.get_json()
    feedback = Staff(client, "service").ok("GET", "/feedback")
    assert feedback["total"] == 1 and feedback["items"][0]["text"] == "取消很方便"


def test_workbench_counts_waiting_requests_and_todays_orders(client, sandbox):
    alice = Shopper(client)
    cancel_request(alice, sandbox)
    clock.reset()
    todo = Staff(client, "warehouse").ok("GET", "/todo")
    assert todo["todo"]["cancel_requests"] == 1
    assert todo["today"]["orders"] == 1 and todo["today"]["cancellations"] == 0


def test_finance_runs_the_reconciliation_for_a_day(client, sandbox):
    finance = Staff(client, "finance")
    day = (clock.to_shanghai(clock.now()).date() - timedelta(days=1)).isoformat()
    run = finance.ok("POST", "/reconciliation/run", {"date": day})
    assert run["status"] in ("matched", "mismatched", "failed")
    runs = finance.ok("GET", "/reconciliation/runs")
    assert runs["total"] == 1 and runs["items"][0]["bill_date"] == day
    assert finance.ok("GET", "/reconciliation/mismatches")["items"] == []
    assert len(audit_rows("reconciliation.run")) == 1
    assert isinstance(date.fromisoformat(day), date)
