"""After-sales negotiation (A4) and a deadline at every stage (A5), through the mini-program and admin APIs."""
from datetime import timedelta

from sqlalchemy import select

from shop.db import Refund
from shop.domain import clock
from shop.extensions import db
from shop.services import after_sales
from support.shop import Shopper as ShopperClient
from support.staff import Staff
from test_after_sales import STAFF, WAREHOUSE, apply, received_order


FRESH_48H = ("还剩 2天0小时", "还剩 1天23小时")  # the clock keeps running while the test does


def propose(client, case, **body):
    return Staff(client, "supervisor").post(f"/after-sales/{case['id']}/propose", body)


def test_a_partial_refund_staff_propose_and_the_shopper_accepts_is_paid_keeping_the_goods(client, sandbox):
    alice = ShopperClient(client)
    case = apply(alice, received_order(alice, sandbox)).get_json()
    full = case["amount_fen"]
    assert case["deadline_for"] == "staff" and case["deadline_label"] in FRESH_48H

    reply = propose(client, case, kind="change_type", amount_fen=full // 2, message="商品轻微瑕疵，补偿一半")
    assert reply.status_code == 200, reply.get_json()
    staff_view = reply.get_json()
    assert staff_view["status"] == "negotiating" and staff_view["actions"] == []
    waiting = Staff(client, "supervisor").get("/requests", kind="after_sale").get_json()["items"]
    assert case["request_id"] not in [row["id"] for row in waiting]  # the shopper has the next move
    assert [m["kind"] for m in staff_view["messages"]] == ["apply", "proposal"]

    mine = alice.get(f"/after-sales/{case['id']}").get_json()
    assert mine["actions"] == ["accept_proposal", "decline_proposal"]
    assert mine["proposal"]["text"].startswith("商家建议改为仅退款，商品无需寄回")
    assert mine["deadline_for"] == "shopper" and mine["deadline_stage"] == "顾客回应协商"

    done = alice.post(f"/after-sales/{case['id']}/accept-proposal").get_json()
    assert done["status"] == "completed" and done["type"] == "refund_only"
    assert done["refund"]["amount_fen"] == full // 2 and done["amount_fen"] == full // 2
    assert [m["kind"] for m in done["messages"]] == ["apply", "proposal", "accepted", "approved"]
    assert done["deadline_at"] is None and done["proposal"] is None


def test_declining_returns_the_case_to_staff_with_a_fresh_reply_clock(client, sandbox):
    alice = ShopperClient(client)
    case = apply(alice, received_order(alice, sandbox)).get_json()
    propose(client, case, kind="change_amount", amount_fen=100)
    clock.advance(timedelta(hours=10))
    back = alice.post(f"/after-sales/{case['id']}/decline-proposal", {"reason": "金额太少"}).get_json()
    assert back["status"] == "pending" and back["proposal"] is None
    assert back["deadline_label"] in FRESH_48H
    assert back["messages"][-1]["text"] == "顾客不同意协商方案：金额太少"
    # nothing left to answer: a second reply is refused and changes nothing
    again = alice.post(f"/after-sales/{case['id']}/accept-proposal")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "AFTER_SALE_WRONG_STATE"


def test_evidence_asked_for_goes_into_the_thread_and_back_to_staff(client, sandbox):
    alice = ShopperClient(client)
    case = apply(alice, received_order(alice, sandbox)).get_json()
    refused = propose(client, case, kind="more_evidence")
    assert refused.status_code == 422 and refused.get_json()["error"]["details"]["message"] == "必填"
    propose(client, case, kind="more_evidence", message="请拍摄破损处的照片")
    assert alice.get(f"/after-sales/{case['id']}").get_json()["actions"] == ["add_evidence", "decline_proposal"]
    photo = alice.upload_photo()
    back = alice.post(f"/after-sales/{case['id']}/evidence", {"text": "破损在左下角", "photos": [photo]}).get_json()
    assert back["status"] == "pending"
    assert back["messages"][-1] == {**back["messages"][-1], "kind": "evidence", "author": "shopper",
                                    "text": "破损在左下角", "photos": [photo]}
    staff_view = Staff(client, "supervisor").get(f"/after-sales/{case['id']}").get_json()
    assert [m["kind"] for m in staff_view["messages"]] == ["apply", "proposal", "evidence"]


def test_accepting_an_invitation_to_withdraw_ends_the_case(client, sandbox):
    alice = ShopperClient(client)
    case = apply(alice, received_order(alice, sandbox)).get_json()
    propose(client, case, kind="withdraw", message="商品支持免费维修，建议撤销退货")
    done = alice.post(f"/after-sales/{case['id']}/accept-proposal").get_json()
    assert done["status"] == "withdrawn" and done["decision"] == "withdrawn" and done["refund"] is None


def test_a_bad_proposal_is_refused_and_changes_nothing(client, sandbox):
    alice = ShopperClient(client)
    case = apply(alice, received_order(alice, sandbox)).get_json()
    too_much = propose(client, case, kind="change_amount", amount_fen=case["amount_fen"] + 1)
    assert too_much.status_code == 422 and too_much.get_json()["error"]["code"] == "VALIDATION_ERROR"
    warehouse = Staff(client, "warehouse").post(f"/after-sales/{case['id']}/propose", {"kind": "withdraw",
                                                                                      "message": "撤销吧"})
    assert warehouse.status_code == 403
    assert alice.get(f"/after-sales/{case['id']}").get_json()["status"] == "pending"


def test_an_unanswered_proposal_counts_as_declined_once(client, sandbox):
    alice = ShopperClient(client)
    case = apply(alice, received_order(alice, sandbox)).get_json()
    propose(client, case, kind="change_amount", amount_fen=100)
    assert after_sales.sweep_deadlines()["declined"] == 0
    clock.advance(timedelta(hours=49))
    # the staff's reply clock (A3) does not run while the shopper's does
    assert after_sales.escalate_overdue() == {"approved": 0, "escalated": 0}
    assert after_sales.sweep_deadlines()["declined"] == 1
    assert after_sales.sweep_deadlines()["declined"] == 0
    body = alice.get(f"/after-sales/{case['id']}").get_json()
    assert body["status"] == "pending" and body["messages"][-1]["kind"] == "expired"


def test_a_return_never_shipped_closes_the_case(client, sandbox):
    alice = ShopperClient(client)
    case = apply(alice, received_order(alice, sandbox)).get_json()
    after_sales.approve(case["request_id"], STAFF)
    body = alice.get(f"/after-sales/{case['id']}").get_json()
    assert body["deadline_stage"] == "顾客寄回商品" and body["deadline_label"] in ("还剩 7天0小时", "还剩 6天23小时")
    clock.advance(timedelta(days=7, minutes=1))
    assert after_sales.sweep_deadlines()["closed"] == 1
    assert after_sales.sweep_deadlines()["closed"] == 0
    body = alice.get(f"/after-sales/{case['id']}").get_json()
    assert body["status"] == "closed" and body["actions"] == [] and body["deadline_at"] is None


def test_a_return_the_warehouse_never_received_is_refunded_automatically_once(client, sandbox):
    alice = ShopperClient(client)
    case = apply(alice, received_order(alice, sandbox)).get_json()
    after_sales.approve(case["request_id"], STAFF)
    alice.post(f"/after-sales/{case['id']}/return-shipment", {"carrier": "中通快递", "tracking_no": "ZT1234567"})
    assert Staff(client, "warehouse").get(f"/after-sales/{case['id']}").get_json()["deadline_stage"] == "商家确认收货"
    clock.advance(timedelta(days=7, minutes=1))
    assert after_sales.sweep_deadlines()["refunded"] == 1
    assert after_sales.sweep_deadlines()["refunded"] == 0
    body = alice.get(f"/after-sales/{case['id']}").get_json()
    assert body["status"] == "completed" and body["refund"]["amount_fen"] == case["amount_fen"]
    assert len(db.session.scalars(select(Refund).where(Refund.source_id == case["id"])).all()) == 1
    # the warehouse arrives late: nothing left to receive
    late = Staff(client, "warehouse").post(f"/after-sales/{case['id']}/receive", {"resellable": True})
    assert late.status_code == 409


def test_at_most_three_cases_per_order_line(client, sandbox):
    alice = ShopperClient(client)
    order = received_order(alice, sandbox)
    for _ in range(3):
        case = apply(alice, order, quantity=1).get_json()
        after_sales.reject(case["request_id"], STAFF, "不符合退货条件")
    fourth = apply(alice, order, quantity=1)
    assert fourth.status_code == 409 and "已申请过 3 次售后" in fourth.get_json()["error"]["message"]
