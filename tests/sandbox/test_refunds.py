from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import requests

from shop.adapters.payments import RefundStatus
from shop.adapters.payments.v2 import WeChatPayV2
from shop.adapters.wechat_errors import InvalidNotification
from wechat_sandbox import signing


def _refund(gateway, receiver, out_refund_no="R1", refund_fee=300, out_trade_no="T1000"):
    return gateway.refund(out_trade_no=out_trade_no, out_refund_no=out_refund_no, total_fen=1000,
                          refund_fen=refund_fee, notify_url=receiver.url("/refund-notify"), reason="改变主意")


def _refused(outcome, code: str, retryable: bool = False):
    assert (outcome.status, outcome.code) == (
        RefundStatus.RETRYABLE_FAILURE if retryable else RefundStatus.FINAL_FAILURE, code)


def test_same_out_refund_no_twice_pays_out_once(paid_order, sandbox, gateway, receiver):
    first = _refund(gateway, receiver)
    second = _refund(gateway, receiver)

    assert first.status == RefundStatus.ACCEPTED
    assert first.wechat_refund_id == second.wechat_refund_id
    [paid_out] = sandbox.listing("refunds")
    assert (paid_out["out_refund_no"], paid_out["amount"]) == ("R1", 300)


def test_refunds_beyond_the_paid_amount_are_refused(paid_order, sandbox, gateway, receiver):
    _refund(gateway, receiver, "R1", 600)

    _refused(_refund(gateway, receiver, "R2", 500), "INVALID_REQUEST")
    assert [r["out_refund_no"] for r in sandbox.listing("refunds")] == ["R1"]

    _refund(gateway, receiver, "R3", 400)
    _refused(_refund(gateway, receiver, "R4", 1), "ERROR")  # 订单已全额退款


def test_same_out_refund_no_with_another_amount_is_refused(paid_order, gateway, receiver):
    _refund(gateway, receiver, "R1", 300)

    _refused(_refund(gateway, receiver, "R1", 400), "REFUND_FEE_MISMATCH")


def test_unpaid_order_cannot_be_refunded(sandbox, gateway, receiver):
    gateway.create_payment(out_trade_no="T1000", amount_fen=1000, description="b", openid="sandbox-alice",
                           notify_url=receiver.url("/pay-notify"))

    _refused(_refund(gateway, receiver), "ORDERNOTEXIST")
    assert sandbox.listing("refunds") == []


def test_refund_settles_and_its_notification_decrypts(paid_order, gateway, receiver, wait_for):
    refund = _refund(gateway, receiver)

    [body] = wait_for(lambda: receiver.bodies("/refund-notify"))
    notice = gateway.parse_refund_notification(body, {})
    assert (notice.status, notice.out_refund_no, notice.wechat_refund_id, notice.amount_fen) == (
        RefundStatus.SUCCEEDED, "R1", refund.wechat_refund_id, 300)
    assert notice.succeeded_at


def test_tampered_refund_notification_is_rejected(paid_order, gateway, receiver, wait_for):
    _refund(gateway, receiver)
    [body] = wait_for(lambda: receiver.bodies("/refund-notify"))
    start = body.index(b"<req_info><![CDATA[") + len(b"<req_info><![CDATA[")
    flipped = b"A" if body[start + 10:start + 11] != b"A" else b"B"
    tampered = body[:start + 10] + flipped + body[start + 11:]

    with pytest.raises(InvalidNotification):
        gateway.parse_refund_notification(tampered, {})
    with pytest.raises(InvalidNotification, match="mch_id"):
        gateway.parse_refund_notification(body.replace(b"1900000109", b"1234567890"), {})


def test_query_refund_goes_from_processing_to_success(paid_order, sandbox, gateway, receiver, wait_for):
    sandbox.control("POST", "config", json={"refund_settle_delay": None})
    try:
        refund = _refund(gateway, receiver)
        assert gateway.query_refund("R1").status == RefundStatus.PROCESSING

        sandbox.control("POST", "refunds/R1/settle", json={"status": "SUCCESS"})

        queried = gateway.query_refund("R1")
        assert (queried.status, queried.wechat_refund_id, queried.amount_fen) == (
            RefundStatus.SUCCEEDED, refund.wechat_refund_id, 300)
        assert queried.succeeded_at
    finally:
        sandbox.control("POST", "config", json={"refund_settle_delay": 0.1})


def test_query_unknown_refund_says_not_found(paid_order, gateway):
    assert gateway.query_refund("never-sent").status == RefundStatus.NOT_FOUND


def test_refund_bill_lists_the_days_refunds_in_fen(paid_order, gateway, receiver, wait_for):
    _refund(gateway, receiver, "R1", 300)
    _refund(gateway, receiver, "R2", 199)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()

    rows = sorted(gateway.download_refund_bill(today), key=lambda row: row.out_refund_no)

    assert [(r.out_trade_no, r.out_refund_no, r.refund_fen) for r in rows] == [
        ("T1000", "R1", 300), ("T1000", "R2", 199)]
    assert all(r.refund_id and r.status in (RefundStatus.PROCESSING, RefundStatus.SUCCEEDED) for r in rows)


def test_day_without_refunds_has_no_bill(sandbox, gateway):
    assert gateway.download_refund_bill(datetime(2020, 1, 1).date()) == []


def test_all_bill_is_in_wechat_text_format(paid_order, sandbox, settings):
    today = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y%m%d")
    params = {"appid": settings.appid, "mch_id": settings.mch_id, "nonce_str": "n", "bill_date": today,
              "bill_type": "ALL"}
    params["sign"] = signing.sign(params, settings.api_key)

    lines = requests.post(f"{sandbox.base_url}pay/downloadbill", data=signing.to_xml(params)).text.splitlines()

    assert lines[0].startswith("交易时间,公众账号ID,商户号")
    assert lines[1].startswith("`") and "`T1000" in lines[1] and "`10.00" in lines[1]
    assert lines[2].startswith("总交易单数")
    assert lines[3].startswith("`1,`10.00")


def test_refund_needs_the_merchant_certificate_on_real_wechat(settings):
    real = WeChatPayV2(replace(settings, pay_api_base=None))

    _refused(real.refund(out_trade_no="T", out_refund_no="R", total_fen=1, refund_fen=1, notify_url="https://x/"),
             "CERT_REQUIRED")
