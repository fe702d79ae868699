from dataclasses import replace

import pytest
import requests

from shop.adapters.miniprogram import MiniProgramClient
from shop.adapters.payments import CloseResult, PaymentState
from shop.adapters.payments.v2 import WeChatPayV2
from shop.adapters.wechat_errors import InvalidNotification, WeChatError, WeChatUnavailable
from wechat_sandbox import signing


def _order(gateway, receiver, out_trade_no="T1", total_fee=990, **extra):
    return gateway.create_payment(out_trade_no=out_trade_no, amount_fen=total_fee, description="测试商品",
                                  openid="sandbox-alice", notify_url=receiver.url("/pay-notify"), **extra).prepay_id


def test_paid_order_sends_a_signed_payment_notification(sandbox, gateway, receiver, wait_for):
    prepay_id = _order(gateway, receiver)
    transaction_id = sandbox.pay("T1")

    [body] = wait_for(lambda: receiver.bodies("/pay-notify"))
    notification = gateway.parse_payment_notification(body, {})
    assert prepay_id.startswith("wx")
    assert (notification.out_trade_no, notification.transaction_id, notification.amount_fen) == (
        "T1", transaction_id, 990)
    assert wait_for(lambda: sandbox.listing("notifications"))[0]["acknowledged"]


def test_query_order_follows_the_payment(sandbox, gateway, receiver):
    _order(gateway, receiver)
    assert gateway.query_payment("T1").state == PaymentState.UNPAID

    transaction_id = sandbox.pay("T1")

    queried = gateway.query_payment("T1")
    assert (queried.state, queried.transaction_id, queried.amount_fen, queried.openid) == (
        PaymentState.PAID, transaction_id, 990, "sandbox-alice")


def test_jsapi_params_are_signed_for_wx_request_payment(gateway, receiver, settings):
    prepay_id = _order(gateway, receiver)

    params = gateway.pay_params(prepay_id)

    assert params["package"] == f"prepay_id={prepay_id}"
    assert params["signType"] == "MD5"
    unsigned = {k: v for k, v in params.items() if k != "paySign"}
    assert params["paySign"] == signing.sign(unsigned, settings.api_key)


def test_tampered_payment_notification_is_rejected(paid_order, gateway, receiver):
    [body] = receiver.bodies("/pay-notify")
    tampered = body.replace(b"<total_fee>1000</total_fee>", b"<total_fee>1</total_fee>")
    assert tampered != body

    with pytest.raises(InvalidNotification, match="signature"):
        gateway.parse_payment_notification(tampered, {})


def test_forged_payment_notification_signed_with_another_key_is_rejected(gateway):
    forged = {"return_code": "SUCCESS", "result_code": "SUCCESS", "appid": gateway.settings.appid,
              "mch_id": gateway.settings.mch_id, "out_trade_no": "T1", "transaction_id": "4200", "total_fee": 1}
    body = signing.signed_xml(forged, "x" * 32).encode()

    with pytest.raises(InvalidNotification):
        gateway.parse_payment_notification(body, {})
    with pytest.raises(InvalidNotification):
        gateway.parse_payment_notification(b"not xml at all", {})


def test_notification_for_another_merchant_is_rejected_even_if_signed(gateway):
    other = {"return_code": "SUCCESS", "result_code": "SUCCESS", "appid": gateway.settings.appid,
             "mch_id": "1234567890", "out_trade_no": "T1", "transaction_id": "4200", "total_fee": 1}
    body = signing.signed_xml(other, gateway.settings.api_key).encode()

    with pytest.raises(InvalidNotification, match="mch_id"):
        gateway.parse_payment_notification(body, {})


def test_same_out_trade_no_with_other_amount_is_refused(gateway, receiver):
    first = _order(gateway, receiver, total_fee=990)
    assert _order(gateway, receiver, total_fee=990) == first

    with pytest.raises(WeChatError) as caught:
        _order(gateway, receiver, total_fee=1)
    assert caught.value.code == "INVALID_REQUEST"
    assert not caught.value.retryable


def test_closing_a_paid_order_says_it_is_already_paid(paid_order, gateway):
    assert gateway.close_payment(paid_order["out_trade_no"]) == CloseResult.ALREADY_PAID
    assert gateway.close_payment("never-created") == CloseResult.NOT_FOUND


def test_closed_order_can_no_longer_be_paid(sandbox, gateway, receiver):
    _order(gateway, receiver)

    assert gateway.close_payment("T1") == CloseResult.CLOSED
    assert gateway.close_payment("T1") == CloseResult.CLOSED  # closing again is harmless

    assert gateway.query_payment("T1").state == PaymentState.CLOSED
    assert sandbox.control("POST", "pay", json={"out_trade_no": "T1"}).status_code == 409
    assert sandbox.control("POST", "pay", json={"out_trade_no": "nope"}).status_code == 404


def test_request_with_a_bad_signature_is_refused_by_the_sandbox(sandbox, settings):
    params = {"appid": settings.appid, "mch_id": settings.mch_id, "out_trade_no": "T1", "nonce_str": "abc"}
    params["sign"] = signing.sign(params, settings.api_key)
    params["out_trade_no"] = "T2"

    reply = signing.parse_xml(requests.post(f"{sandbox.base_url}pay/orderquery", data=signing.to_xml(params)).content)

    assert reply["return_code"] == "FAIL"
    assert reply["return_msg"] == "签名错误"


def test_gateway_with_the_wrong_api_key_gets_a_final_error(settings):
    gateway = WeChatPayV2(replace(settings, api_key="y" * 32))

    with pytest.raises(WeChatError) as caught:
        gateway.query_payment("T1")
    assert caught.value.code == "RETURN_FAIL"
    assert "签名错误" in caught.value.message
    assert not caught.value.retryable


class _TamperingSession(requests.Session):
    """A man in the middle that rewrites WeChat Pay replies."""

    def request(self, *args, **kwargs):
        response = super().request(*args, **kwargs)
        response._content = response.content.replace(b"<trade_state><![CDATA[NOTPAY]]>",
                                                     b"<trade_state><![CDATA[SUCCESS]]>")
        return response


def test_reply_with_a_wrong_signature_is_not_believed(settings, gateway, receiver):
    _order(gateway, receiver)
    tampered = WeChatPayV2(settings, session=_TamperingSession())

    with pytest.raises(WeChatUnavailable) as caught:
        tampered.query_payment("T1")
    assert caught.value.code == "BAD_SIGNATURE"
    assert caught.value.retryable


def test_unreachable_wechat_is_reported_as_unavailable(settings):
    unreachable = replace(settings, api_base="http://127.0.0.1:9/", pay_api_base="http://127.0.0.1:9/")
    gateway, client = WeChatPayV2(unreachable), MiniProgramClient(unreachable)

    for call in (lambda: gateway.query_payment("T1"), lambda: client.code_to_session("alice")):
        with pytest.raises(WeChatUnavailable) as caught:
            call()
        assert caught.value.code == "NETWORK_ERROR"
