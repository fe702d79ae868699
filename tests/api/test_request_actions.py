"""Request rows carry the caller's `actions` (issue 12 item 1): the admin draws 同意 / 拒绝 / 替代方案 from
them, so a 客服 is never shown 同意 on a cancel request the server would refuse, nor anyone a 同意 whose
refund is over their role's limit (R12). Judged from the rows the list already reads: no statement per row."""
from datetime import timedelta

from shop.domain import clock
from support.orders import paid_order
from support.shop import Shopper
from support.staff import Staff
from test_statement_budgets import within_budget


def cancel_request(client, sandbox, code: str = "alice") -> int:
    """A paid order the shopper asks to cancel after the free window: a request staff decide."""
    shopper = Shopper(client, code)
    order = paid_order(shopper, sandbox)
    clock.advance(timedelta(minutes=40))
    body = shopper.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind", "reason_text": ""}).get_json()
    return body["open_request"]["id"]


def row_of(staff: Staff, request_id: int) -> dict:
    return next(r for r in staff.ok("GET", "/requests")["items"] if r["id"] == request_id)


def test_customer_service_may_reject_or_offer_an_alternative_but_is_not_shown_approve(client, sandbox):
    request_id = cancel_request(client, sandbox)
    service = Staff(client, "customer_service")

    row = row_of(service, request_id)

    assert row["actions"] == ["reject", "offer_alternative"]
    refused = service.post(f"/requests/{request_id}/approve", {})
    assert refused.status_code == 403  # the button left out is one the server refuses


def test_a_supervisor_is_shown_approve_until_the_refund_is_over_the_role_limit(client, sandbox):
    request_id = cancel_request(client, sandbox)
    supervisor = Staff(client, "supervisor")
    assert row_of(supervisor, request_id)["actions"] == ["approve", "reject", "offer_alternative"]
    assert row_of(supervisor, request_id)["approve_refusal"] is None
    row = row_of(supervisor, request_id)
    assert row["refund_fen"] == row["paid_fen"] > 0  # what 同意 refunds, shown in the confirmation

    Staff(client, "admin").ok("PUT", "/settings", {"refund_limit_supervisor_fen": 100})
    row = row_of(supervisor, request_id)

    assert row["actions"] == ["reject", "offer_alternative"]
    assert "超出主管的退款权限" in row["approve_refusal"]
    assert supervisor.post(f"/requests/{request_id}/approve", {}).get_json()["error"]["code"] == "REFUND_OVER_ROLE_LIMIT"


def test_a_decided_request_offers_nothing_and_the_decision_reply_carries_actions(client, sandbox):
    request_id = cancel_request(client, sandbox)
    service = Staff(client, "customer_service")

    decided = service.ok("POST", f"/requests/{request_id}/reject", {"reason": "商品已打包，无法取消"})

    assert decided["status"] == "rejected" and decided["actions"] == []
    assert service.get("/requests", status="all").get_json()["items"][0]["actions"] == []


def test_the_actions_of_a_page_of_requests_cost_no_statement_per_row(client, sandbox):
    ids = [cancel_request(client, sandbox, code) for code in ("alice", "bob")]  # the budget's two shoppers
    service = Staff(client, "customer_service")
    service.ok("GET", "/requests")

    body = within_budget("admin requests", lambda: service.get("/requests"))

    assert sorted(r["id"] for r in body["items"]) == sorted(ids)
    assert all(r["actions"] == ["reject", "offer_alternative"] for r in body["items"])
