"""The mini-program's buttons carry the server's words (issue 12): every shopper action comes with its Chinese
label from domain.labels.ACTION_LABELS (the table GET /api/admin/meta also serves), in display order."""
from datetime import timedelta

from shop.domain import clock, labels
from support.orders import paid_order
from support.shop import Shopper
from support.staff import Staff
from test_after_sales import apply, received_order


def test_every_shopper_action_has_a_label_and_a_place():
    assert set(labels.SHOPPER_BUTTON_ORDER) <= set(labels.ACTION_LABELS)
    assert labels.SHOPPER_PRIMARY_ACTIONS <= set(labels.SHOPPER_BUTTON_ORDER)
    assert labels.shopper_buttons(["pay", "cancel", "modify"]) == [
        {"action": "modify", "label": "修改订单", "primary": False, "confirm": None, "done": None},
        {"action": "cancel", "label": "取消订单", "primary": False, "confirm": None, "done": None},
        {"action": "pay", "label": "去支付", "primary": True, "confirm": None, "done": None},
    ]
    delete, = labels.shopper_buttons(["delete"])
    assert delete["confirm"]["content"] == labels.DELETE_WARNING and delete["done"] == "订单已删除"


def test_order_list_detail_and_open_request_carry_buttons_for_exactly_their_actions(client, sandbox):
    alice = Shopper(client)
    unpaid = alice.order()
    assert [b["action"] for b in unpaid["buttons"]] == [
        a for a in labels.SHOPPER_BUTTON_ORDER if a in unpaid["actions"]]
    assert {b["action"]: b["label"] for b in unpaid["buttons"]}["pay"] == "去支付"
    listed = alice.get("/orders").get_json()["items"]
    assert all(sorted(b["action"] for b in row["buttons"]) == sorted(row["actions"]) for row in listed)
    assert all(b["label"] == labels.ACTION_LABELS[b["action"]] for row in listed for b in row["buttons"])

    order = paid_order(alice, sandbox)
    clock.advance(timedelta(minutes=40))  # past the free cancel window: cancelling asks the merchant
    request_id = alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"}).get_json()[
        "open_request"]["id"]
    Staff(client, "supervisor").ok("POST", f"/requests/{request_id}/alternative",
                                   {"kind": "faster_shipping", "message": "今天顺丰发出"})
    offered = alice.detail(order["id"])["open_request"]
    assert [(b["action"], b["label"], b["primary"]) for b in offered["buttons"]] == [
        ("decline_alternative", "不接受", False), ("withdraw", "撤回申请", False), ("accept_alternative", "接受方案", True)]
    assert offered["buttons"][-1]["confirm"]["content"].endswith(offered["alternative"]["text"])
    assert offered["buttons"][-1]["done"] == "已接受方案"


def test_staff_order_rows_carry_no_shopper_buttons(client, sandbox):
    alice = Shopper(client)
    paid_order(alice, sandbox)
    rows = Staff(client, "admin").ok("GET", "/orders")["items"]
    assert rows and all("buttons" not in row for row in rows)


def test_an_after_sales_case_carries_the_shoppers_buttons_with_the_proposal_in_its_question(client, sandbox):
    alice = Shopper(client)
    case = apply(alice, received_order(alice, sandbox)).get_json()
    assert [(b["action"], b["label"]) for b in case["buttons"]] == [("withdraw", "撤回申请")]
    assert case["buttons"][0]["confirm"]["title"] == "撤回售后申请"
    reply = Staff(client, "supervisor").post(f"/after-sales/{case['id']}/propose",
                                             {"kind": "change_type", "amount_fen": case["amount_fen"] // 2,
                                              "message": "补偿一半"})
    assert "buttons" not in reply.get_json()  # staff read their words from /api/admin/meta
    mine = alice.get(f"/after-sales/{case['id']}").get_json()
    assert [b["action"] for b in mine["buttons"]] == [a for a in labels.CASE_BUTTON_ORDER if a in mine["actions"]]
    accept = next(b for b in mine["buttons"] if b["action"] == "accept_proposal")
    assert accept["label"] == "接受方案" and accept["confirm"]["content"] == mine["proposal"]["text"]
