"""W4/W5: every shipment reaches WeChat's order-shipping service; receipt is confirmed inside WeChat
when WeChat manages the shop's trades."""
from datetime import timedelta

import pytest
from redis import Redis
from sqlalchemy import select

from shop.db import ShippingUpload
from shop.domain import clock
from shop.extensions import db
from shop.services import notifications, shipping
from support.orders import paid_order
from support.shop import Shopper
from support.staff import Staff
from support.workers import run_jobs


def shipped(client, sandbox, carrier="中通快递", tracking_no="ZT1234567890"):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    warehouse = Staff(client, "warehouse")
    warehouse.ok("POST", f"/orders/{order['id']}/ship", {"carrier": carrier, "tracking_no": tracking_no})
    return alice, warehouse, order


def wechat_record(sandbox, order_id: int) -> dict:
    out_trade_no = db.session.scalar(select(shop_payment_out_trade_no(order_id)))
    return next(s for s in sandbox.listing("shipping") if s["out_trade_no"] == out_trade_no)


def shop_payment_out_trade_no(order_id):
    from shop.db import Payment
    return select(Payment.out_trade_no).where(Payment.order_id == order_id).scalar_subquery()


def upload_statuses(order_id: int) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(ShippingUpload.status).where(ShippingUpload.order_id == order_id)
                                   .order_by(ShippingUpload.id)))


def test_a_shipped_order_reaches_wechat_with_its_tracking_number_and_the_money_stays_frozen(client, sandbox):
    alice, warehouse, order = shipped(client, sandbox)
    run_jobs()

    record = wechat_record(sandbox, order["id"])
    assert (record["tracking_nos"], record["settlement"], record["order_state"]) == (["ZT1234567890"], "frozen", 2)
    [package] = record["uploads"][0]["shipping_list"]
    assert package["express_company"] == "ZTO" and package["contact"] == {"receiver_contact": "138****8000"}
    assert record["openid"] == "sandbox-alice"
    [upload] = warehouse.ok("GET", f"/orders/{order['id']}")["shipping_uploads"]
    assert (upload["status"], upload["status_label"], upload["kind_label"]) == ("uploaded", "已上传微信", "订单发货")


def test_an_upload_wechat_could_not_take_is_retried_and_shown_on_the_staff_todo_meanwhile(client, sandbox):
    sandbox.fault("upload_shipping_info", "-1", times=1)  # WeChat busy: retryable
    _, warehouse, order = shipped(client, sandbox)
    [upload_id] = db.session.scalars(select(ShippingUpload.id).where(ShippingUpload.order_id == order["id"]))
    with pytest.raises(shipping.ShippingUploadFailed):
        shipping.upload_shipment(upload_id)
    assert upload_statuses(order["id"]) == ["failed"]
    assert warehouse.ok("GET", "/todo")["todo"]["shipping_upload_failures"] == 1

    assert shipping.upload_shipment(upload_id) == "uploaded"
    assert shipping.upload_shipment(upload_id) == "uploaded"  # never twice
    assert len(wechat_record(sandbox, order["id"])["uploads"]) == 1
    assert notifications.staff_todo_counts()["shipping_upload_failures"] == 0


def test_an_upload_whose_job_was_lost_is_queued_again_by_the_sweeper(client, sandbox, redis_url):
    _, _, order = shipped(client, sandbox)
    Redis.from_url(redis_url).flushdb()  # the job is gone, the outbox row stays
    assert shipping.resend_lost_uploads() == 0  # too fresh: its job may still be on its way
    clock.advance(timedelta(minutes=1))
    assert shipping.resend_lost_uploads() == 1
    run_jobs()
    assert upload_statuses(order["id"]) == ["uploaded"]


def test_a_carrier_wechat_does_not_know_fails_into_the_todo_with_a_chinese_reason(client, sandbox):
    _, warehouse, order = shipped(client, sandbox, carrier="小马快递")
    run_jobs()
    [upload] = warehouse.ok("GET", f"/orders/{order['id']}")["shipping_uploads"]
    assert upload["status"] == "failed" and "不在微信物流公司列表" in upload["last_error"]
    assert wechat_record(sandbox, order["id"])["uploads"] == []

    warehouse.ok("POST", f"/orders/{order['id']}/shipment", {"carrier": "中通快递", "tracking_no": "ZT1234567890"})
    run_jobs()
    assert upload_statuses(order["id"]) == ["skipped", "uploaded"]  # the refused upload never goes out later
    assert wechat_record(sandbox, order["id"])["tracking_nos"] == ["ZT1234567890"]
    assert notifications.staff_todo_counts()["shipping_upload_failures"] == 0


def test_a_correction_before_receipt_is_uploaded_once_and_a_second_is_refused(client, sandbox):
    _, warehouse, order = shipped(client, sandbox)
    run_jobs()
    corrected = warehouse.ok("POST", f"/orders/{order['id']}/shipment",
                             {"carrier": "顺丰速运", "tracking_no": "SF1234567890"})
    assert corrected["tracking_no"] == "SF1234567890"
    run_jobs()
    record = wechat_record(sandbox, order["id"])
    assert (record["tracking_nos"], record["updates_used"]) == (["SF1234567890"], 1)

    again = warehouse.post(f"/orders/{order['id']}/shipment", {"carrier": "顺丰速运", "tracking_no": "SF999999999"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "SHIPMENT_CORRECTION_USED"
    assert "只允许修改一次" in again.get_json()["error"]["message"]
    assert warehouse.ok("GET", f"/orders/{order['id']}")["tracking_no"] == "SF1234567890"
    assert upload_statuses(order["id"]) == ["uploaded", "uploaded"]


def test_the_ship_dialog_offers_wechats_carriers_cached_for_the_day(client, sandbox, redis_url):
    warehouse = Staff(client, "warehouse")
    carriers = warehouse.ok("GET", "/carriers")
    assert {"code": "SF", "name": "顺丰速运"} in carriers
    assert Redis.from_url(redis_url).ttl(shipping.CARRIERS_KEY) > 3600
    assert Staff(client, "service").get("/carriers").status_code == 403


def test_delivered_asks_wechat_to_remind_the_shopper_to_confirm_receipt(client, sandbox):
    _, warehouse, order = shipped(client, sandbox)
    run_jobs()
    assert {"correct_shipment", "mark_delivered"} <= set(warehouse.ok("GET", f"/orders/{order['id']}")["actions"])
    detail = warehouse.ok("POST", f"/orders/{order['id']}/delivered")
    assert "mark_delivered" not in detail["actions"]
    assert detail["timeline"][-1]["label"] == "快递已签收"
    run_jobs()
    transaction_id = wechat_record(sandbox, order["id"])["transaction_id"]
    assert [r["transaction_id"] for r in sandbox._call("GET", "shipping").json()["reminders"]] == [transaction_id]
    assert warehouse.post(f"/orders/{order['id']}/delivered").status_code == 409


def test_when_wechat_manages_trades_receipt_is_confirmed_in_wechat_and_checked_with_wechat(client, sandbox):
    alice, _, order = shipped(client, sandbox)
    run_jobs()
    assert shipping.check_platform()["trade_managed"] is True

    detail = alice.detail(order["id"])
    assert "confirm_receipt_in_wechat" in detail["actions"] and "confirm_receipt" not in detail["actions"]
    record = wechat_record(sandbox, order["id"])
    assert detail["wechat_confirm"] == {"transaction_id": record["transaction_id"], "merchant_id": "1900000109",
                                        "merchant_trade_no": record["out_trade_no"]}

    early = alice.post(f"/orders/{order['id']}/confirm-receipt")
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "RECEIPT_NOT_CONFIRMED_IN_WECHAT"
    assert alice.detail(order["id"])["status"] == "shipped"

    sandbox._call("POST", "shipping/confirm", json={"out_trade_no": record["out_trade_no"]}).raise_for_status()
    done = alice.post(f"/orders/{order['id']}/confirm-receipt")
    assert done.status_code == 200 and done.get_json()["status"] == "completed"
    assert wechat_record(sandbox, order["id"])["settlement"] == "released"


def test_an_order_page_ends_what_it_read_in_the_session_with_commit(pgapp, sandbox, monkeypatch):
    """What an order page reads through the session (the settings, when a process reads them afresh) ends with
    the page, by COMMIT: on ROLLBACK psycopg deallocates every statement the connection had prepared (and the
    order pages after it on that connection were parsed and planned afresh). The WeChat payment of an order to
    confirm in WeChat is read on the page's own connection: no transaction at all."""
    import psycopg
    alice, _, order = shipped(pgapp.test_client(), sandbox)
    run_jobs()
    assert shipping.check_platform()["trade_managed"] is True
    sent = []  # what ends a transaction on the wire (psycopg sends nothing for a connection with none open)
    commit, rollback = psycopg.Connection.commit, psycopg.Connection.rollback

    def counted(name, original):
        def end(self):
            if self.pgconn.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                sent.append(name)
            return original(self)
        return end

    monkeypatch.setattr(psycopg.Connection, "commit", counted("COMMIT", commit))
    monkeypatch.setattr(psycopg.Connection, "rollback", counted("ROLLBACK", rollback))
    db.session.remove()  # the test's own session ends its transaction, as a request's own context would
    pgapp.extensions["shop.deps"].forget_process_caches()  # the page reads the settings afresh, in the session
    sent.clear()
    detail = alice.detail(order["id"])
    assert detail["wechat_confirm"] is not None
    assert sent == ["COMMIT"], sent
    sent.clear()  # the settings kept: the page, its payment included, reads on its own connection, no transaction
    assert alice.detail(order["id"])["wechat_confirm"] == detail["wechat_confirm"]
    assert sent == [], sent


def test_without_trade_management_the_shop_confirms_receipt_itself(client, sandbox):
    sandbox._call("POST", "platform", json={"trade_managed": False}).raise_for_status()
    alice, _, order = shipped(client, sandbox)
    assert shipping.check_platform()["trade_managed"] is False
    detail = alice.detail(order["id"])
    assert "confirm_receipt" in detail["actions"] and detail["wechat_confirm"] is None
    assert alice.post(f"/orders/{order['id']}/confirm-receipt").get_json()["status"] == "completed"


def test_health_and_settings_show_whether_wechat_manages_trades(client, sandbox):
    assert client.get("/api/health").get_json()["wechat_platform"]["label"] == "尚未查询"
    shipping.check_platform()
    assert client.get("/api/health").get_json()["wechat_platform"]["trade_managed"] is True
    platform = Staff(client, "admin").ok("GET", "/settings")["wechat_platform"]
    assert platform["trade_managed"] is True and platform["msg_jump_path"] == shipping.ORDER_PAGE
    assert sandbox._call("GET", "shipping").json()["jump_path"] == shipping.ORDER_PAGE


def test_after_sales_shipments_are_reported_while_wechat_still_takes_them(client, sandbox):
    from shop.domain.actors import Actor
    from shop.services import after_sales, ordering

    warehouse = Actor.staff(5, "陈仓管", "warehouse")
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    ordering.ship_order(order["id"], warehouse, "中通快递", "ZT1234567890")
    ordering.confirm_receipt(order["id"], alice.user["id"])  # in the shop: WeChat still waits for the shopper
    item = alice.detail(order["id"])["items"][0]

    def case_of(type_, reason):
        case = alice.post(f"/orders/{order['id']}/after-sales", {
            "type": type_, "reason_code": reason, "reason_text": "不合适",
            "lines": [{"line_id": item["id"], "quantity": 1}], "photos": [alice.upload_photo()]}).get_json()
        after_sales.approve(case["request_id"], Actor.staff(1, "王主管", "supervisor"))
        after_sales.confirm_receipt(case["id"], warehouse, resellable=type_ == "exchange")
        return case["id"]

    after_sales.ship_replacement(case_of("exchange", "wrong_size"), warehouse, "顺丰速运", "SF999888777")
    run_jobs()
    assert upload_statuses(order["id"]) == ["uploaded", "uploaded"]  # the replacement is WeChat's one update
    assert wechat_record(sandbox, order["id"])["tracking_nos"] == ["SF999888777"]

    sandbox._call("POST", "shipping/confirm", json={"out_trade_no": wechat_record(sandbox, order["id"])["out_trade_no"]})
    after_sales.return_repaired(case_of("repair", "quality_issue"), warehouse, "顺丰速运", "SF555666777")
    run_jobs()
    uploads = Staff(client, "warehouse").ok("GET", f"/orders/{order['id']}")["shipping_uploads"]
    assert [(u["kind_label"], u["status_label"]) for u in uploads] == [
        ("订单发货", "已上传微信"), ("换货发出", "已上传微信"), ("维修寄回", "无需上传")]
    assert "确认收货" in uploads[-1]["last_error"]
    assert notifications.staff_todo_counts()["shipping_upload_failures"] == 0


def test_the_periodic_jobs_check_the_platform_and_requeue_lost_uploads(client, sandbox, redis_url):
    from shop.jobs.worker import SCHEDULE
    from shop.services.context import deps

    assert {"shop.jobs.shipping_tasks.sweep_shipping_uploads",
            "shop.jobs.shipping_tasks.check_wechat_platform"} <= {task for task, _ in SCHEDULE}
    _, _, order = shipped(client, sandbox)
    Redis.from_url(redis_url).flushdb()  # the upload's job is lost
    clock.advance(timedelta(minutes=1))
    for task in ("shop.jobs.shipping_tasks.sweep_shipping_uploads", "shop.jobs.shipping_tasks.check_wechat_platform"):
        deps().jobs.enqueue(task)
    run_jobs()
    assert upload_statuses(order["id"]) == ["uploaded"]
    assert shipping.platform_status()["trade_managed"] is True
