import time

import pytest

from shop.adapters.payments import RefundStatus
from shop.adapters.wechat_errors import WeChatError, WeChatUnavailable


def _refund(gateway, receiver, out_refund_no="R1"):
    return gateway.refund(out_trade_no="T1000", out_refund_no=out_refund_no, total_fen=1000, refund_fen=300,
                          notify_url=receiver.url("/refund-notify"))


def test_refund_fails_three_times_with_systemerror_then_succeeds(paid_order, sandbox, gateway, receiver):
    sandbox.fault("refund", "SYSTEMERROR", times=3)

    for _ in range(3):
        failed = _refund(gateway, receiver)
        assert (failed.status, failed.code) == (RefundStatus.RETRYABLE_FAILURE, "SYSTEMERROR")
    refund = _refund(gateway, receiver)

    assert refund.status == RefundStatus.ACCEPTED
    assert len(sandbox.listing("refunds")) == 1
    assert sandbox.listing("faults") == []


def test_timeout_fault_makes_wechat_unavailable(sandbox, gateway):
    sandbox.fault("orderquery", "timeout")
    with pytest.raises(WeChatUnavailable) as caught:
        gateway.query_payment("T1")

    assert caught.value.code == "TIMEOUT"
    assert caught.value.retryable
    # TIMEOUT is the client's own timeout (requests.Timeout): had the gateway waited out the sandbox's sleep, the
    # empty answer after it would have given another code. No clock is read.


def test_refund_whose_reply_was_lost_is_not_paid_twice_on_retry(paid_order, sandbox, gateway, receiver):
    sandbox.fault("refund", "lost_reply")

    lost = _refund(gateway, receiver)
    assert lost.status == RefundStatus.RETRYABLE_FAILURE
    retried = _refund(gateway, receiver)

    [paid_out] = sandbox.listing("refunds")
    assert paid_out["refund_id"] == retried.wechat_refund_id


def test_dropped_payment_notification_is_sent_again(sandbox, gateway, receiver, wait_for):
    sandbox.fault("pay_notify", "drop")
    gateway.create_payment(out_trade_no="T1", amount_fen=1, description="b", openid="sandbox-alice",
                           notify_url=receiver.url("/pay-notify"))

    sandbox.pay("T1")

    [body] = wait_for(lambda: receiver.bodies("/pay-notify"))
    assert gateway.parse_payment_notification(body, {}).out_trade_no == "T1"
    log = wait_for(lambda: [e for e in sandbox.listing("notifications") if e["acknowledged"]] and
                   sandbox.listing("notifications"))
    assert [(e["attempt"], e["status"]) for e in log] == [(1, "dropped"), (2, "acknowledged")]


def test_duplicated_refund_notification_arrives_twice(paid_order, sandbox, gateway, receiver, wait_for):
    sandbox.fault("refund_notify", "duplicate")

    _refund(gateway, receiver)

    first, second = wait_for(lambda: len(receiver.bodies("/refund-notify")) == 2 and receiver.bodies("/refund-notify"))
    assert gateway.parse_refund_notification(first, {}) == gateway.parse_refund_notification(second, {})


def test_unacknowledged_notification_is_resent_until_acknowledged(sandbox, gateway, receiver, wait_for):
    receiver.refusals_left = 2
    gateway.create_payment(out_trade_no="T1", amount_fen=1, description="b", openid="sandbox-alice",
                           notify_url=receiver.url("/pay-notify"))

    sandbox.pay("T1")

    wait_for(lambda: len(receiver.bodies("/pay-notify")) == 3)
    time.sleep(0.4)
    statuses = [e["status"] for e in sandbox.listing("notifications")]
    assert statuses == ["rejected", "rejected", "acknowledged"]


def test_unknown_fault_endpoint_is_refused(sandbox):
    reply = sandbox.control("POST", "faults", json={"endpoint": "nope", "error": "SYSTEMERROR"})

    assert reply.status_code == 400


def test_login_fault_gives_retryable_system_busy(sandbox, miniprogram):
    sandbox.fault("jscode2session", "SYSTEMERROR")

    with pytest.raises(WeChatError) as caught:
        miniprogram.code_to_session("alice")
    assert (caught.value.code, caught.value.retryable) == ("-1", True)
    assert miniprogram.code_to_session("alice")["openid"] == "sandbox-alice"
