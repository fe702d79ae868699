"""Consumer complaints (消费者投诉2.0, W6): the shop's v3 gateway against the sandbox's complaint endpoints,
the complaint notification, and APIv2's clear refusal."""
from datetime import date, timedelta

import pytest
import requests
from v3_support import Served, client
from wechatpayv3 import WeChatPayType

from shop.adapters.payments import NOT_SUPPORTED_CODE, ComplaintState
from shop.adapters.wechat_errors import InvalidNotification, WeChatError
from wechat_sandbox import create_app
from wechat_sandbox.keys import ensure_demo_keys


@pytest.fixture
def paid_v3(sandbox, gateway_v3, receiver, wait_for):
    gateway_v3.create_payment(out_trade_no="T1000", amount_fen=1000, description="测试商品", openid="sandbox-alice",
                              notify_url=receiver.url("/v3/pay-notify"))
    transaction_id = sandbox.pay("T1000")
    wait_for(lambda: receiver.deliveries("/v3/pay-notify"))
    return transaction_id


def complain(sandbox, text="商品与描述不符，要求退款", **extra):
    reply = sandbox.control("POST", "complaints", json={"out_trade_no": "T1000", "text": text, **extra})
    assert reply.status_code == 201, reply.text
    return reply.json()


def held(sandbox, complaint_id):
    return next(c for c in sandbox.control("GET", "complaints").json()["complaints"]
                if c["complaint_id"] == complaint_id)


def test_a_shopper_complaint_is_notified_to_the_registered_url_and_verifies(sandbox, gateway_v3, receiver, paid_v3,
                                                                            wait_for):
    assert gateway_v3.register_complaint_notify_url(receiver.url("/v3/complaint-notify")) \
        == receiver.url("/v3/complaint-notify")
    filed = complain(sandbox)

    [(body, headers)] = wait_for(lambda: receiver.deliveries("/v3/complaint-notify"))
    notice = gateway_v3.parse_complaint_notification(body, headers)
    assert (notice.complaint_id, notice.action_type) == (filed["complaint_id"], "CREATE_COMPLAINT")
    with pytest.raises(InvalidNotification):  # a payment notification is not a complaint
        gateway_v3.parse_complaint_notification(*receiver.deliveries("/v3/pay-notify")[0])
    with pytest.raises(InvalidNotification):  # tampered
        gateway_v3.parse_complaint_notification(body.replace(b"COMPLAINT", b"COMPLAINX"), headers)


def test_list_and_detail_speak_our_types(sandbox, gateway_v3, paid_v3):
    filed = complain(sandbox, media_urls=["https://example.com/a.jpg"])
    today = date.today()

    complaints, total = gateway_v3.list_complaints(today - timedelta(days=1), today + timedelta(days=1))
    assert total == 1
    [listed] = complaints
    detail = gateway_v3.get_complaint(filed["complaint_id"])
    assert listed == detail
    assert (detail.state, detail.out_trade_no, detail.transaction_id, detail.amount_fen) == (
        ComplaintState.PENDING, "T1000", paid_v3, 1000)
    assert detail.detail == "商品与描述不符，要求退款" and detail.media_urls == ("https://example.com/a.jpg",)
    assert detail.complaint_time.tzinfo is not None

    with pytest.raises(WeChatError) as missing:
        gateway_v3.get_complaint("200200000000000000000")
    assert missing.value.code == "RESOURCE_NOT_EXISTS"


def test_reply_refund_progress_and_complete_are_held_by_wechat_in_the_history(sandbox, gateway_v3, paid_v3):
    complaint_id = complain(sandbox)["complaint_id"]
    with pytest.raises(WeChatError) as early:  # WeChat: reply first
        gateway_v3.complete_complaint(complaint_id)
    assert early.value.code == "INVALID_REQUEST"

    gateway_v3.respond_complaint(complaint_id, "您好，已为您安排退款")
    gateway_v3.update_complaint_refund(complaint_id, approve=True, launch_refund_day=0, remark="同意全额退款")
    assert gateway_v3.get_complaint(complaint_id).state == ComplaintState.PROCESSING
    gateway_v3.complete_complaint(complaint_id)

    assert gateway_v3.get_complaint(complaint_id).state == ComplaintState.PROCESSED
    record = held(sandbox, complaint_id)
    assert [r["content"] for r in record["responses"]] == ["您好，已为您安排退款"]
    assert record["refund_progress"][0]["action"] == "APPROVE" and record["completed_at"]
    assert [h.operate_type for h in gateway_v3.complaint_history(complaint_id)] == [
        "USER_CREATE_COMPLAINT", "MERCHANT_RESPONSE", "MERCHANT_APPROVE_REFUND", "MERCHANT_CONFIRM_COMPLETE"]
    with pytest.raises(WeChatError):
        gateway_v3.respond_complaint(complaint_id, "再次回复")


def test_bad_input_is_refused_with_wechats_codes(sandbox, gateway_v3, paid_v3):
    complaint_id = complain(sandbox)["complaint_id"]
    with pytest.raises(WeChatError) as long_reply:
        gateway_v3.respond_complaint(complaint_id, "长" * 201)
    with pytest.raises(WeChatError) as no_reason:
        gateway_v3.update_complaint_refund(complaint_id, approve=False)
    with pytest.raises(WeChatError) as too_long_span:
        gateway_v3.list_complaints(date.today() - timedelta(days=40), date.today())
    assert {long_reply.value.code, no_reason.value.code, too_long_span.value.code} == {"PARAM_ERROR"}
    assert held(sandbox, complaint_id)["responses"] == []
    assert sandbox.control("POST", "complaints", json={"out_trade_no": "nope", "text": "x"}).status_code == 404
    assert sandbox.control("POST", "complaints", json={"out_trade_no": "T1000"}).status_code == 400


def test_complaint_calls_are_refused_without_our_signature(sandbox, paid_v3):
    reply = sandbox.control("GET", "complaints")  # control API is open
    assert reply.status_code == 200
    unsigned = requests.get(sandbox.base_url + "v3/merchant-service/complaints-v2/x", timeout=5)
    assert unsigned.status_code == 401 and unsigned.json()["code"] == "SIGN_ERROR"


def test_apiv2_says_complaints_are_v3_only(gateway):
    with pytest.raises(WeChatError) as refused:
        gateway.list_complaints(date.today(), date.today())
    assert refused.value.code == NOT_SUPPORTED_CODE and not refused.value.retryable


def test_complaints_and_the_notify_url_survive_a_restart(tmp_path):
    keys = ensure_demo_keys(tmp_path / "keys")
    settings = {"keys_dir": str(keys.folder), "state_path": str(tmp_path / "sandbox.sqlite"),
                "notify_retry_intervals": [], "notify_timeout": 0.5}
    before = Served(create_app(settings))
    pay = client(before.base_url, keys)
    pay.pay(description="投诉前的订单", out_trade_no="P1", amount={"total": 500}, payer={"openid": "sandbox-alice"},
            pay_type=WeChatPayType.JSAPI)
    before.control("POST", "pay", json={"out_trade_no": "P1"})
    pay.complaint_notification_create("https://shop.example.com/api/wechat/v3/complaint-notify")
    filed = before.control("POST", "complaints", json={"out_trade_no": "P1", "text": "未收到货"}).json()
    pay.complaint_response(filed["complaint_id"], "已补发")
    before.stop()

    after = Served(create_app(settings))
    try:
        listing = after.control("GET", "complaints").json()
        [kept] = listing["complaints"]
        assert (kept["complaint_id"], kept["complaint_state"], kept["responses"][0]["content"]) == (
            filed["complaint_id"], "PROCESSING", "已补发")
        assert listing["notify_url"] == "https://shop.example.com/api/wechat/v3/complaint-notify"
    finally:
        after.stop()
