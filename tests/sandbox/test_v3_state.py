"""The sandbox remembers across restarts (a SQLite file), and WeChat's refund rate windows."""
import json

import pytest
from v3_support import Receiver, Served, client
from wechatpayv3 import WeChatPayType

from wechat_sandbox import create_app
from wechat_sandbox.keys import ensure_demo_keys
from wechat_sandbox.limits import RefundRateLimiter


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    return ensure_demo_keys(tmp_path_factory.mktemp("wechatpay"))


def _start(keys, state_path, **config):
    return Served(create_app({"keys_dir": str(keys.folder), "state_path": str(state_path),
                              "notify_retry_intervals": [], "notify_timeout": 0.5, **config}))


def _paid_order(sandbox, keys, out_trade_no="P1", total=1000):
    pay = client(sandbox.base_url, keys)
    pay.pay(description="重启前的订单", out_trade_no=out_trade_no, amount={"total": total},
            payer={"openid": "sandbox-alice"}, pay_type=WeChatPayType.JSAPI)
    assert sandbox.control("POST", "pay", json={"out_trade_no": out_trade_no}).status_code == 200


def test_a_refund_owed_for_a_payment_made_before_a_restart_still_succeeds(keys, tmp_path, wait_for):
    state = tmp_path / "sandbox.sqlite"
    before = _start(keys, state, refund_settle_delay=0.05)
    _paid_order(before, keys)
    transaction_id = json.loads(client(before.base_url, keys).query(out_trade_no="P1")[1])["transaction_id"]
    before.stop()

    after = _start(keys, state, refund_settle_delay=0.05)
    try:
        pay = client(after.base_url, keys)
        queried = json.loads(pay.query(out_trade_no="P1")[1])
        code, body = pay.refund(out_refund_no="R1", out_trade_no="P1",
                                amount={"refund": 1000, "total": 1000, "currency": "CNY"})
        assert (queried["trade_state"], queried["transaction_id"]) == ("SUCCESS", transaction_id)
        assert code == 200 and json.loads(body)["status"] == "PROCESSING"
        wait_for(lambda: json.loads(pay.query_refund(out_refund_no="R1")[1])["status"] == "SUCCESS")
    finally:
        after.stop()


def test_a_refund_processing_at_restart_settles_afterwards_and_is_never_paid_twice(keys, tmp_path, wait_for):
    state = tmp_path / "sandbox.sqlite"
    before = _start(keys, state, refund_settle_delay=None)  # nothing settles before the restart
    _paid_order(before, keys)
    pay = client(before.base_url, keys)
    refund_id = json.loads(pay.refund(out_refund_no="R1", out_trade_no="P1",
                                      amount={"refund": 400, "total": 1000, "currency": "CNY"})[1])["refund_id"]
    before.stop()

    after = _start(keys, state, refund_settle_delay=0.05)
    try:
        pay = client(after.base_url, keys)
        wait_for(lambda: json.loads(pay.query_refund(out_refund_no="R1")[1])["status"] == "SUCCESS")
        again = json.loads(pay.refund(out_refund_no="R1", out_trade_no="P1",
                                      amount={"refund": 400, "total": 1000, "currency": "CNY"})[1])
        over = pay.refund(out_refund_no="R2", out_trade_no="P1", amount={"refund": 601, "total": 1000, "currency": "CNY"})
        assert again["refund_id"] == refund_id
        assert (over[0], json.loads(over[1])["code"]) == (400, "INVALID_REQUEST")
        assert len(after.control("GET", "refunds").json()["refunds"]) == 1
    finally:
        after.stop()


def test_reset_empties_the_file_too(keys, tmp_path):
    state = tmp_path / "sandbox.sqlite"
    before = _start(keys, state)
    _paid_order(before, keys)
    before.control("POST", "reset")
    before.stop()

    after = _start(keys, state)
    try:
        assert after.control("GET", "payments").json()["payments"] == []
    finally:
        after.stop()


def test_without_a_state_path_nothing_is_kept(keys):
    first = Served(create_app({"keys_dir": str(keys.folder)}))
    _paid_order(first, keys)
    first.stop()
    second = Served(create_app({"keys_dir": str(keys.folder)}))
    try:
        assert second.control("GET", "payments").json()["payments"] == []
    finally:
        second.stop()


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_at_most_150_refund_calls_in_any_one_second():
    clock = FakeClock()
    limiter = RefundRateLimiter({"refund_rate_limit": 150, "refund_failure_rate_limit": 6, "rate_window": 1.0}, clock)

    admitted = [limiter.admit() for _ in range(151)]
    clock.now += 0.5
    still_full = limiter.admit()
    clock.now += 0.5  # the first 150 are now a second old
    again = limiter.admit()

    assert admitted.count(True) == 150 and admitted[-1] is False
    assert still_full is False and again is True


def test_six_failing_refund_calls_in_a_second_refuse_the_next_ones():
    clock = FakeClock()
    limiter = RefundRateLimiter({"refund_rate_limit": 150, "refund_failure_rate_limit": 6, "rate_window": 1.0}, clock)

    for _ in range(6):
        assert limiter.admit()
        limiter.record_outcome("v3_refund", "INVALID_REQUEST")
    refused = limiter.admit()
    clock.now += 1.0

    assert refused is False and limiter.admit() is True


def test_waits_refusals_and_other_endpoints_are_not_failing_refund_calls():
    clock = FakeClock()
    limiter = RefundRateLimiter({"refund_rate_limit": 150, "refund_failure_rate_limit": 1, "rate_window": 1.0}, clock)

    for error in ("FREQUENCY_LIMITED", "timeout", "lost_reply", None):
        limiter.record_outcome("refund", error)
    limiter.record_outcome("v3_query", "ORDER_NOT_EXIST")

    assert limiter.admit() is True


def test_a_notification_unanswered_at_restart_is_sent_after_the_restart(keys, tmp_path, wait_for):
    receiver = Receiver()
    receiver.refusals_left = 1000  # the shop is down while the sandbox runs the first time
    state = tmp_path / "sandbox.sqlite"
    before = _start(keys, state, notify_retry_intervals=[60])
    pay = client(before.base_url, keys, notify_url=receiver.url("/v3/pay-notify"))
    pay.pay(description="通知", out_trade_no="N1", amount={"total": 100}, payer={"openid": "o"},
            pay_type=WeChatPayType.JSAPI)
    before.control("POST", "pay", json={"out_trade_no": "N1"})
    wait_for(lambda: receiver.notifications("/v3/pay-notify"))
    before.stop()
    receiver.refusals_left = 0

    after = _start(keys, state)
    try:
        wait_for(lambda: len(receiver.notifications("/v3/pay-notify")) == 2)
        log = wait_for(lambda: after.control("GET", "notifications").json()["notifications"])
        assert [(e["out_trade_no"], e["status"]) for e in log] == [("N1", "acknowledged")]
        assert json.loads(receiver.notifications("/v3/pay-notify")[1][1])["event_type"] == "TRANSACTION.SUCCESS"
    finally:
        after.stop()
        receiver.stop()
