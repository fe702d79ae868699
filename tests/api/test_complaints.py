"""W6: WeChat Pay consumer complaints reach the admin (notification, or the pull as the safety net) linked to
their order, with WeChat's 24 h / 72 h deadlines; staff answer by role, every action audited, WeChat holding
what we sent; supervisors are alerted 4 hours before a deadline."""
from datetime import timedelta

import requests
from sqlalchemy import select

from shop.db import AuditLog, Complaint, ComplaintAlert, Payment
from shop.domain import clock
from shop.extensions import db
from shop.services import complaints
from support.orders import paid_order
from support.services import wait_until
from support.shop import Shopper
from support.staff import Staff


def control(sandbox, method, path, **kwargs):
    return requests.request(method, f"{sandbox.base_url}/__control__/{path}", timeout=10, **kwargs)


def complain(sandbox, order_id, text="商品与描述不符，要求退款"):
    out_trade_no = db.session.scalar(select(Payment.out_trade_no).where(Payment.order_id == order_id))
    reply = control(sandbox, "POST", "complaints", json={"out_trade_no": out_trade_no, "text": text,
                                                         "media_urls": ["https://example.com/evidence.jpg"]})
    assert reply.status_code == 201, reply.text
    return reply.json()


def held_by_wechat(sandbox, complaint_id):
    return next(c for c in control(sandbox, "GET", "complaints").json()["complaints"]
                if c["complaint_id"] == complaint_id)


def stored(complaint_id):
    db.session.expire_all()
    return db.session.scalar(select(Complaint).where(Complaint.complaint_id == complaint_id))


def filed_and_notified(client, sandbox):
    order = paid_order(Shopper(client), sandbox)
    complaints.register_notify_url()
    filed = complain(sandbox, order["id"])
    row = wait_until(lambda: stored(filed["complaint_id"]))
    return order, filed, row


def test_a_notified_complaint_shows_up_linked_to_its_order_with_both_deadlines(client, sandbox):
    order, filed, row = filed_and_notified(client, sandbox)
    assert control(sandbox, "GET", "complaints").json()["notify_url"].endswith("/api/wechat/v3/complaint-notify")
    service = Staff(client, "customer_service")

    [item] = service.ok("GET", "/complaints")["items"]
    assert (item["id"], item["order_id"], item["state"], item["state_label"]) == (row.id, order["id"], "pending",
                                                                                  "待回复")
    assert item["media_urls"] == ["https://example.com/evidence.jpg"]
    reply, resolve = item["deadlines"]
    assert (reply["kind"], reply["label"], resolve["kind"], resolve["label"]) == ("reply", "首次回复", "resolve",
                                                                                  "处理完成")
    assert reply["countdown"].startswith("还剩 23小时") and resolve["countdown"].startswith("还剩 2天23小时")
    assert item["actions"] == ["respond", "update_refund_progress"]
    assert service.ok("GET", "/todo")["todo"]["complaints"] == 1

    detail = service.ok("GET", f"/complaints/{row.id}")
    assert detail["order"]["id"] == order["id"] and "timeline" in detail["order"]
    assert [h["operate_type_label"] for h in detail["history"]] == ["用户提交投诉"]


def test_customer_service_replies_and_a_supervisor_completes_each_audited_and_held_by_wechat(client, sandbox):
    _, filed, row = filed_and_notified(client, sandbox)
    service, supervisor = Staff(client, "customer_service"), Staff(client, "supervisor")

    answered = service.ok("POST", f"/complaints/{row.id}/respond", {"text": "您好，已为您安排全额退款"})
    assert answered["state"] == "processing" and answered["deadlines"][0]["countdown"] == "已完成"
    assert "complete" not in answered["actions"]
    assert service.call("POST", f"/complaints/{row.id}/complete").status_code == 403
    service.ok("POST", f"/complaints/{row.id}/update-refund-progress", {"action": "approve", "launch_refund_day": 0})
    assert "complete" in supervisor.ok("GET", f"/complaints/{row.id}")["actions"]
    done = supervisor.ok("POST", f"/complaints/{row.id}/complete")

    assert (done["state"], done["actions"]) == ("processed", [])
    wechat = held_by_wechat(sandbox, filed["complaint_id"])
    assert [r["content"] for r in wechat["responses"]] == ["您好，已为您安排全额退款"]
    assert wechat["refund_progress"][0]["action"] == "APPROVE" and wechat["complaint_state"] == "PROCESSED"
    assert [h["operate_type"] for h in done["history"]][-1] == "MERCHANT_CONFIRM_COMPLETE"
    audited = db.session.execute(select(AuditLog.action, AuditLog.role).where(AuditLog.target_type == "complaint")
                                 .order_by(AuditLog.id)).all()
    assert audited == [("complaint.respond", "customer_service"),
                       ("complaint.update_refund_progress", "customer_service"),
                       ("complaint.complete", "supervisor")]


def test_bad_input_and_wechats_refusal_change_nothing(client, sandbox):
    _, filed, row = filed_and_notified(client, sandbox)
    service = Staff(client, "customer_service")

    assert service.call("POST", f"/complaints/{row.id}/respond", {"text": ""}).status_code == 422
    too_long = service.call("POST", f"/complaints/{row.id}/respond", {"text": "长" * 201})
    assert too_long.status_code == 422 and too_long.get_json()["error"]["code"] == "VALIDATION_ERROR"
    no_reason = service.call("POST", f"/complaints/{row.id}/update-refund-progress", {"action": "reject"})
    assert no_reason.status_code == 422
    assert service.call("GET", "/complaints/999999").get_json()["error"]["code"] == "COMPLAINT_NOT_FOUND"
    refused = Staff(client, "supervisor").call("POST", f"/complaints/{row.id}/complete")  # not replied yet
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "COMPLAINT_ACTION_NOT_ALLOWED"
    sandbox.fault("v3_complaint_response", "SYSTEM_ERROR")
    busy = service.call("POST", f"/complaints/{row.id}/respond", {"text": "您好"})
    assert busy.status_code == 502 and busy.get_json()["error"]["code"] == "WECHAT_ERROR"

    assert stored(filed["complaint_id"]).state == "pending"
    assert held_by_wechat(sandbox, filed["complaint_id"])["responses"] == []
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.target_type == "complaint")) is None
    assert Staff(client, "warehouse").call("GET", "/complaints").status_code == 403


def test_a_complaint_whose_notification_never_came_is_found_by_the_pull(client, sandbox):
    order = paid_order(Shopper(client), sandbox)
    filed = complain(sandbox, order["id"])  # no notify URL registered: no notification
    assert stored(filed["complaint_id"]) is None

    first, second = complaints.sweep(), complaints.sweep()
    assert (first["pulled"], second["pulled"]) == (1, 1)  # again: the same row
    # The sweep also keeps WeChat's complaint notify URL ours: registered once, then left alone.
    assert (first["registered"], second["registered"]) == (True, False)
    assert control(sandbox, "GET", "complaints").json()["notify_url"] == complaints.notify_url()
    row = stored(filed["complaint_id"])
    assert (row.order_id, row.state, row.amount_fen) == (order["id"], "pending", order["paid_fen"])
    assert db.session.query(Complaint).count() == 1


def test_supervisors_are_alerted_once_four_hours_before_each_deadline(client, sandbox):
    _, _, row = filed_and_notified(client, sandbox)
    supervisor = Staff(client, "supervisor")
    assert complaints.alert_due() == 0

    clock.advance(timedelta(hours=19, minutes=59))
    assert complaints.alert_due() == 0
    clock.advance(timedelta(minutes=2))
    assert complaints.alert_due() == 1 and complaints.alert_due() == 0
    todo = supervisor.ok("GET", "/todo")["todo"]
    assert (todo["complaints"], todo["complaints_due_soon"]) == (1, 1)
    [due] = supervisor.ok("GET", "/complaints", query={"due_soon": "true"})["items"]
    assert due["deadlines"][0]["alert"] and due["deadlines"][0]["countdown"].startswith("还剩 3小时")

    supervisor.ok("POST", f"/complaints/{row.id}/respond", {"text": "您好，我们正在处理"})
    assert supervisor.ok("GET", "/todo")["todo"]["complaints_due_soon"] == 0  # the reply deadline is met
    assert supervisor.ok("GET", "/complaints", query={"due_soon": "true"})["items"] == []
    clock.advance(timedelta(hours=48))  # 68 h after the complaint: the resolve deadline is 4 h away
    assert complaints.alert_due() == 1
    assert [a.deadline for a in db.session.scalars(select(ComplaintAlert).order_by(ComplaintAlert.id))] == [
        "reply", "resolve"]
    assert supervisor.ok("GET", "/todo")["todo"]["complaints_due_soon"] == 1


def test_a_forged_complaint_notification_is_refused_and_changes_nothing(client, sandbox):
    order = paid_order(Shopper(client), sandbox)
    complain(sandbox, order["id"])
    forged = client.post("/api/wechat/v3/complaint-notify", data=b'{"event_type": "COMPLAINT.CREATE"}',
                         headers={"Content-Type": "application/json", "Wechatpay-Serial": "PUB_KEY_ID_forged",
                                  "Wechatpay-Timestamp": "1", "Wechatpay-Nonce": "n", "Wechatpay-Signature": "x"})
    assert forged.status_code == 400 and forged.get_json()["code"] == "FAIL"
    assert db.session.query(Complaint).count() == 0


def test_the_merchant_registers_the_complaint_notify_url_with_one_command(app, sandbox):
    result = app.test_cli_runner().invoke(args=["complaints", "register-notify-url"])
    assert result.exit_code == 0, result.output
    assert complaints.notify_url() in result.output
    assert control(sandbox, "GET", "complaints").json()["notify_url"] == complaints.notify_url()
