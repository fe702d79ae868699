"""N1–N2: in-app messages for every notice, subscribe messages only with a grant, staff to-dos."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from shop.db import Shopper as ShopperRow, SubscribeMessage
from shop.domain import clock
from shop.extensions import db
from shop.services import notifications
from support.workers import run_jobs
from support.orders import paid_order, refunds_of
from support.services import wait_until
from support.shop import Shopper


def test_refund_that_fails_for_good_tells_the_shopper_and_shows_on_the_staff_todo(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    sandbox.fault("refund", "NOTENOUGH", times=1)
    alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"})
    run_jobs()
    assert [r.status for r in refunds_of(order["id"])] == ["abnormal"]
    message = alice.get("/messages").get_json()["items"][0]
    assert message["kind"] == "refund_failed" and "联系客服" in message["body"]
    assert notifications.staff_todo_counts()["abnormal_refunds"] == 1


def test_messages_are_listed_newest_first_and_marked_read_by_their_owner_only(client):
    alice, bob = Shopper(client, "alice"), Shopper(client, "bob")
    for _ in range(2):
        order = alice.order()
        alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"})
    page = alice.get("/messages?per_page=1").get_json()
    assert (page["total"], page["unread"], len(page["items"])) == (2, 2, 1)
    newest = page["items"][0]
    assert newest["order_id"] == order["id"] and newest["read"] is False
    assert bob.post(f"/messages/{newest['id']}/read").status_code == 404
    reply = alice.post(f"/messages/{newest['id']}/read")
    assert reply.status_code == 200 and reply.get_json()["read"] is True
    assert alice.get("/messages").get_json()["unread"] == 1
    assert bob.get("/messages").get_json()["total"] == 0


def test_each_grant_allows_one_send(client):
    alice = Shopper(client)
    alice.post("/subscriptions", {"templates": ["cancel_result", "shipped"]})
    reply = alice.post("/subscriptions", {"templates": ["cancel_result"]})
    assert reply.get_json()["subscriptions"] == {"cancel_result": 2, "shipped": 1}
    for _ in range(3):
        order = alice.order()
        alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"})
    db.session.expire_all()
    assert db.session.scalars(select(SubscribeMessage.status).order_by(SubscribeMessage.id)).all() \
        == ["pending", "pending", "skipped"]
    assert db.session.get(ShopperRow, alice.user["id"]).subscriptions == {"cancel_result": 0, "shipped": 1}


def test_failed_subscribe_send_is_retried_and_then_sent(client, sandbox):
    alice = Shopper(client)
    alice.post("/subscriptions", {"templates": ["cancel_result"]})
    order = alice.order()
    sandbox.fault("subscribe_send", "-1", times=1)  # WeChat busy: retryable
    alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"})
    outbox_id = db.session.scalar(select(SubscribeMessage.id))
    with pytest.raises(notifications.SubscribeSendFailed):
        notifications.send_subscribe_message(outbox_id)
    assert notifications.send_subscribe_message(outbox_id) == "sent"
    assert notifications.send_subscribe_message(outbox_id) == "sent"  # never twice
    sent = sandbox.listing("messages")
    assert len(sent) == 1 and sent[0]["template_id"] == "sandbox-cancel_result"
    assert sent[0]["data"]["character_string1"]["value"] == order["order_no"]


def test_wechat_saying_the_grant_is_spent_ends_the_send_and_zeroes_the_count(client, sandbox):
    alice = Shopper(client)
    alice.post("/subscriptions", {"templates": ["cancel_result", "cancel_result"]})
    order = alice.order()
    sandbox.fault("subscribe_send", "43101", times=1)
    alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"})
    outbox_id = db.session.scalar(select(SubscribeMessage.id))
    assert notifications.send_subscribe_message(outbox_id) == "skipped"  # no exception: no retry
    assert notifications.send_subscribe_message(outbox_id) == "skipped"
    db.session.expire_all()
    assert "43101" in db.session.get(SubscribeMessage, outbox_id).last_error
    assert db.session.get(ShopperRow, alice.user["id"]).subscriptions == {"cancel_result": 0}
    assert sandbox.listing("messages") == []
    assert alice.get("/messages").get_json()["total"] == 1  # the in-app message stays


def test_staff_todo_counts_pending_requests(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    assert notifications.staff_todo_counts()["total"] == 0
    clock.advance(timedelta(minutes=45))
    alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"})
    counts = notifications.staff_todo_counts()
    assert (counts["cancel_requests"], counts["modify_requests"], counts["total"]) == (1, 0, 1)


def test_refund_success_reaches_the_message_centre(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"})
    run_jobs()
    message = wait_until(lambda: next((m for m in alice.get("/messages").get_json()["items"]
                                       if m["kind"] == "refund_succeeded"), None))
    assert "1-3 个工作日" in message["body"]


def test_subscribe_templates_are_published_for_the_mini_program(client):
    templates = client.get("/api/mp/subscribe-templates").get_json()
    assert {t["key"] for t in templates} == {"cancel_result", "refund_succeeded", "refund_failed",
                                             "after_sale_result", "modify_result", "shipped"}
