"""The sandbox speaks WeChat Pay APIv3 in public-key mode: driven with the unmodified
wechatpayv3 client, and checked against an independent implementation of WeChat's signing."""
import gzip
import hashlib
import json
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import requests
from v3_support import MCH_ID, Receiver, client, decrypt_resource, is_signed_by_wechatpay, raw_call
from wechatpayv3 import WeChatPayType

from wechat_sandbox.keys import ensure_demo_keys
from wechat_sandbox.signing import signed_xml


@pytest.fixture
def keys(v3_keys):
    """The demo keys the session's sandbox (conftest) was started with."""
    return v3_keys


@pytest.fixture(scope="module")
def v3_receiver():
    receiver = Receiver()  # answers 204, or 500 when refusing: v3's acknowledgement is the status
    yield receiver
    receiver.stop()


@pytest.fixture
def receiver(v3_receiver):
    v3_receiver.clear()
    return v3_receiver


@pytest.fixture
def pay(sandbox, keys, receiver):
    return client(sandbox.base_url, keys, notify_url=receiver.url("/v3/pay-notify"))


def _prepay(pay, out_trade_no="V1000", total=1000):
    return pay.pay(description="测试商品", out_trade_no=out_trade_no, amount={"total": total, "currency": "CNY"},
                   payer={"openid": "sandbox-alice"}, pay_type=WeChatPayType.JSAPI)


def _refund(pay, receiver, out_refund_no="R1", refund=300, out_trade_no="V1000", total=1000):
    return pay.refund(out_refund_no=out_refund_no, out_trade_no=out_trade_no, reason="改变主意",
                      amount={"refund": refund, "total": total, "currency": "CNY"},
                      notify_url=receiver.url("/v3/refund-notify"))


@pytest.fixture
def paid(pay, sandbox, receiver, wait_for):
    """Order V1000 of 1000 fen, paid, its payment notification received."""
    _prepay(pay)
    transaction_id = sandbox.control("POST", "pay", json={"out_trade_no": "V1000"}).json()["transaction_id"]
    wait_for(lambda: receiver.notifications("/v3/pay-notify"))
    return transaction_id


def _refund_events(receiver, keys):
    return [(json.loads(body)["event_type"], decrypt_resource(keys, json.loads(body)))
            for _, body in receiver.notifications("/v3/refund-notify")]


def test_jsapi_prepay_query_and_payment_notification_with_the_real_client(pay, sandbox, receiver, keys, wait_for):
    code, body = _prepay(pay)
    assert code == 200 and json.loads(body)["prepay_id"].startswith("wx")
    code, body = pay.query(out_trade_no="V1000")
    assert (code, json.loads(body)["trade_state"]) == (200, "NOTPAY")

    transaction_id = sandbox.control("POST", "pay", json={"out_trade_no": "V1000"}).json()["transaction_id"]

    [(headers, notification)] = wait_for(lambda: receiver.notifications("/v3/pay-notify"))
    parsed = pay.callback(headers, notification)  # wechatpayv3 verifies the signature and decrypts
    assert parsed["event_type"] == "TRANSACTION.SUCCESS"
    assert parsed["resource"]["transaction_id"] == transaction_id
    assert parsed["resource"]["amount"]["total"] == 1000
    assert parsed["resource"]["payer"]["openid"] == "sandbox-alice"
    code, body = pay.query(out_trade_no="V1000")
    queried = json.loads(body)
    assert (queried["trade_state"], queried["transaction_id"], queried["mchid"]) == ("SUCCESS", transaction_id, MCH_ID)
    assert json.loads(pay.query(transaction_id=transaction_id)[1])["out_trade_no"] == "V1000"


def test_same_prepay_again_returns_the_same_prepay_id_and_other_amount_is_refused(pay, sandbox):
    first = json.loads(_prepay(pay)[1])["prepay_id"]
    assert json.loads(_prepay(pay)[1])["prepay_id"] == first
    code, body = _prepay(pay, total=999)
    assert code == 400 and json.loads(body)["code"] == "INVALID_REQUEST"


def test_requests_and_replies_follow_the_documented_signature_scheme(paid, sandbox, keys):
    url = f"/v3/pay/transactions/out-trade-no/V1000?mchid={MCH_ID}"
    reply = raw_call(sandbox.base_url, keys, "GET", url)  # Authorization built in the test

    assert reply.status_code == 200 and reply.json()["transaction_id"] == paid
    assert reply.headers["Wechatpay-Serial"].startswith("PUB_KEY_ID_")
    assert reply.headers["Wechatpay-Signature-Type"] == "WECHATPAY2-SHA256-RSA2048"
    assert is_signed_by_wechatpay(keys, reply.headers, reply.text)
    assert not is_signed_by_wechatpay(keys, reply.headers, reply.text.replace("1000", "1001"))


def test_forged_unsigned_or_stale_requests_get_401_sign_error_and_change_nothing(sandbox, keys, tmp_path):
    prepay = {"appid": "wxsandboxappid0001", "mchid": MCH_ID, "description": "伪造", "out_trade_no": "F1",
              "notify_url": "http://127.0.0.1:9/n", "amount": {"total": 1}, "payer": {"openid": "o"}}
    path = "/v3/pay/transactions/jsapi"
    stranger = ensure_demo_keys(tmp_path / "stranger")
    forgeries = [
        dict(unsigned=True),
        dict(private_key_pem=stranger.merchant_private_key),  # someone else's key
        dict(serial_no="0" * 40),  # not our merchant's certificate serial
        dict(timestamp=int(time.time()) - 3600),  # an hour old
        dict(signed_payload={**prepay, "amount": {"total": 2}}),  # body changed after signing
    ]

    replies = [raw_call(sandbox.base_url, keys, "POST", path, prepay, **forgery) for forgery in forgeries]

    assert [(r.status_code, r.json()["code"]) for r in replies] == [(401, "SIGN_ERROR")] * len(forgeries)
    assert sandbox.control("GET", "payments").json()["payments"] == []
    assert raw_call(sandbox.base_url, keys, "POST", path, prepay).status_code == 200  # the genuine one passes


def test_a_wechatpay_serial_that_is_not_our_public_key_id_is_refused(sandbox, keys):
    url = f"/v3/pay/transactions/out-trade-no/V1?mchid={MCH_ID}"
    reply = raw_call(sandbox.base_url, keys, "GET", url, headers={"Wechatpay-Serial": "PUB_KEY_ID_0"})
    assert (reply.status_code, reply.json()["code"]) == (400, "PARAM_ERROR")


def test_payment_notification_is_signed_and_decrypts_with_aes_256_gcm(paid, receiver, keys):
    [(headers, body)] = receiver.notifications("/v3/pay-notify")
    notification = json.loads(body)

    assert is_signed_by_wechatpay(keys, headers, body)
    assert (notification["resource_type"], notification["event_type"]) == ("encrypt-resource", "TRANSACTION.SUCCESS")
    assert notification["resource"]["original_type"] == "transaction"
    resource = decrypt_resource(keys, notification)  # AES-256-GCM written in the test
    assert (resource["out_trade_no"], resource["trade_state"], resource["transaction_id"]) == ("V1000", "SUCCESS", paid)


def test_closed_order_answers_204_and_can_no_longer_be_paid(pay, sandbox):
    _prepay(pay)
    assert pay.close(out_trade_no="V1000")[0] == 204
    assert pay.close(out_trade_no="V1000")[0] == 204  # closing again is no error
    assert json.loads(pay.query(out_trade_no="V1000")[1])["trade_state"] == "CLOSED"
    assert sandbox.control("POST", "pay", json={"out_trade_no": "V1000"}).status_code == 409


def test_unknown_order_is_404_order_not_exist(pay, sandbox):
    code, body = pay.query(out_trade_no="NOPE")
    assert (code, json.loads(body)["code"]) == (404, "ORDER_NOT_EXIST")


def test_same_out_refund_no_twice_is_one_payout(paid, pay, sandbox, receiver):
    first = json.loads(_refund(pay, receiver)[1])
    second = json.loads(_refund(pay, receiver)[1])

    assert first["status"] == "PROCESSING"
    assert first["refund_id"] == second["refund_id"]
    [refund] = sandbox.control("GET", "refunds").json()["refunds"]
    assert (refund["out_refund_no"], refund["amount"], refund["api"]) == ("R1", 300, "v3")


def test_refund_beyond_the_refundable_remainder_is_refused(paid, pay, sandbox, receiver):
    assert _refund(pay, receiver, "R1", 600)[0] == 200
    code, body = _refund(pay, receiver, "R2", 500)

    assert (code, json.loads(body)["code"]) == (400, "INVALID_REQUEST")
    assert [r["out_refund_no"] for r in sandbox.control("GET", "refunds").json()["refunds"]] == ["R1"]
    assert _refund(pay, receiver, "R3", 400)[0] == 200  # exactly the remainder


def test_refund_settles_and_is_notified_as_refund_success(paid, pay, receiver, keys, wait_for):
    _refund(pay, receiver)
    [(event, resource)] = wait_for(lambda: _refund_events(receiver, keys))

    assert event == "REFUND.SUCCESS"
    assert (resource["out_refund_no"], resource["refund_status"], resource["amount"]["refund"]) == ("R1", "SUCCESS", 300)
    queried = json.loads(pay.query_refund(out_refund_no="R1")[1])
    assert (queried["status"], queried["channel"]) == ("SUCCESS", "ORIGINAL")
    assert pay.query_refund(out_refund_no="R404")[0] == 404


def test_abnormal_refund_is_rerouted_to_the_shoppers_bank_card(paid, pay, sandbox, receiver, keys, wait_for):
    sandbox.control("POST", "faults", json={"endpoint": "v3_refund", "error": "ABNORMAL"})
    accepted = json.loads(_refund(pay, receiver)[1])
    assert accepted["status"] == "PROCESSING"
    wait_for(lambda: _refund_events(receiver, keys))
    assert [e for e, _ in _refund_events(receiver, keys)] == ["REFUND.ABNORMAL"]
    assert json.loads(pay.query_refund(out_refund_no="R1")[1])["status"] == "ABNORMAL"

    code, body = pay.abnormal_refund(refund_id=accepted["refund_id"], out_refund_no="R1", type="USER_BANK_CARD",
                                     bank_type="ICBC_DEBIT", bank_account="6222020202020201234", real_name="张三")

    assert code == 200 and json.loads(body)["status"] == "PROCESSING"
    wait_for(lambda: len(_refund_events(receiver, keys)) == 2)
    event, resource = _refund_events(receiver, keys)[1]
    assert (event, resource["refund_status"]) == ("REFUND.SUCCESS", "SUCCESS")
    queried = json.loads(pay.query_refund(out_refund_no="R1")[1])
    assert queried["channel"] == "OTHER_BANKCARD" and queried["user_received_account"].endswith("1234")
    assert len(sandbox.control("GET", "refunds").json()["refunds"]) == 1


def test_abnormal_refund_of_a_refund_that_is_not_abnormal_is_refused(paid, pay, receiver, wait_for, keys):
    accepted = json.loads(_refund(pay, receiver)[1])
    code, body = pay.abnormal_refund(refund_id=accepted["refund_id"], out_refund_no="R1", type="MERCHANT_BANK_CARD")
    assert (code, json.loads(body)["code"]) == (400, "INVALID_REQUEST")


def test_closed_refund_frees_its_amount_for_a_new_refund(paid, pay, sandbox, receiver, keys, wait_for):
    sandbox.control("POST", "faults", json={"endpoint": "v3_refund", "error": "CLOSED"})
    _refund(pay, receiver, "R1", 1000)
    wait_for(lambda: _refund_events(receiver, keys))
    assert [e for e, _ in _refund_events(receiver, keys)] == ["REFUND.CLOSED"]

    code, body = _refund(pay, receiver, "R2", 1000)
    assert code == 200 and json.loads(body)["status"] == "PROCESSING"


def test_system_error_fault_is_500_and_changes_nothing(paid, pay, sandbox, receiver):
    sandbox.control("POST", "faults", json={"endpoint": "v3_refund", "error": "SYSTEM_ERROR", "times": 2})
    assert [_refund(pay, receiver)[0] for _ in range(2)] == [500, 500]
    assert sandbox.control("GET", "refunds").json()["refunds"] == []
    assert _refund(pay, receiver)[0] == 200


def test_timeout_fault_keeps_the_caller_waiting_and_creates_nothing(paid, pay, sandbox, receiver, wait_for):
    sandbox.control("POST", "faults", json={"endpoint": "v3_refund", "error": "timeout"})
    pay._core._timeout = (2, 0.5)
    with pytest.raises(requests.Timeout):
        _refund(pay, receiver)
    assert sandbox.control("GET", "refunds").json()["refunds"] == []
    # The sandbox finishes the call after timeout_sleep: counted, and then never a refund.
    wait_for(lambda: sandbox.control("GET", "stats").json()["endpoints"].get("v3_refund", {}).get("errors"))
    assert sandbox.control("GET", "stats").json()["endpoints"]["v3_refund"]["errors"] == {"timeout": 1}
    assert sandbox.control("GET", "refunds").json()["refunds"] == []


def test_refund_rate_limits_answer_frequency_limited_and_show_in_stats(paid, pay, sandbox, receiver):
    # A long window so that the test counts calls instead of racing the clock.
    sandbox.control("POST", "config", json={"refund_rate_limit": 3, "rate_window": 600})
    try:
        codes = [_refund(pay, receiver, f"R{i}", 100)[0] for i in range(4)]
        stats = sandbox.control("GET", "stats").json()["endpoints"]["v3_refund"]
    finally:
        sandbox.control("POST", "config", json={"refund_rate_limit": 150, "rate_window": 1.0})

    assert codes == [200, 200, 200, 429]
    assert (stats["calls"], stats["errors"]) == (4, {"FREQUENCY_LIMITED": 1})
    assert len(sandbox.control("GET", "refunds").json()["refunds"]) == 3


def test_failing_refund_calls_are_limited_separately(paid, pay, sandbox, receiver):
    sandbox.control("POST", "config", json={"refund_failure_rate_limit": 2, "rate_window": 600})
    try:
        over = [json.loads(_refund(pay, receiver, f"X{i}", 5000)[1])["code"] for i in range(2)]
        code, body = _refund(pay, receiver, "R1", 100)  # valid, but WeChat is refusing this merchant now
    finally:
        sandbox.control("POST", "config", json={"refund_failure_rate_limit": 6, "rate_window": 1.0})

    assert over == ["INVALID_REQUEST", "INVALID_REQUEST"]
    assert (code, json.loads(body)["code"]) == (429, "FREQUENCY_LIMITED")


def test_a_second_refund_of_one_order_too_soon_is_frequency_limited_when_the_rule_is_on(paid, pay, sandbox, receiver):
    sandbox.control("POST", "config", json={"same_order_refund_interval": 60})
    try:
        first = _refund(pay, receiver, "R1", 100)
        again = _refund(pay, receiver, "R1", 100)  # the same refund asked again is not a second one
        second = _refund(pay, receiver, "R2", 100)
    finally:
        sandbox.control("POST", "config", json={"same_order_refund_interval": 0})

    assert (first[0], again[0]) == (200, 200)
    assert (second[0], json.loads(second[1])["code"]) == (429, "FREQUENCY_LIMITED")
    assert [r["out_refund_no"] for r in sandbox.control("GET", "refunds").json()["refunds"]] == ["R1"]


def test_refund_bill_downloads_gzip_matching_its_hash(paid, pay, receiver, wait_for, keys):
    _refund(pay, receiver)
    wait_for(lambda: _refund_events(receiver, keys))
    today = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d")

    code, body = pay.trade_bill(bill_date=today, bill_type="REFUND")
    bill = json.loads(body)
    assert code == 200 and bill["hash_type"] == "SHA1"
    _refund(pay, receiver, "R2", 100)  # after the bill was applied for: not in its file
    code, content = pay.download_bill(bill["download_url"])
    text = gzip.decompress(content)

    assert code == 200 and hashlib.sha1(text).hexdigest() == bill["hash_value"]
    lines = text.decode().splitlines()
    assert lines[0].startswith("交易时间,公众账号ID,商户号")
    [line] = [row for row in lines if "`R" in row]
    assert "`R1," in line and "`3.00," in line and "`SUCCESS," in line
    assert json.loads(pay.trade_bill(bill_date="2001-01-01", bill_type="REFUND")[1])["code"] == "NO_STATEMENT_EXIST"


def test_unacknowledged_notification_is_sent_again_until_answered_2xx(pay, sandbox, receiver, wait_for, keys):
    receiver.refusals_left = 1
    _prepay(pay)
    sandbox.control("POST", "pay", json={"out_trade_no": "V1000"})

    def log():
        return sandbox.control("GET", "notifications").json()["notifications"]

    wait_for(lambda: any(e["acknowledged"] for e in log()))
    assert [(e["attempt"], e["status"], e["api"]) for e in log()] == [(1, "rejected", "v3"), (2, "acknowledged", "v3")]
    first, second = receiver.notifications("/v3/pay-notify")
    assert all(is_signed_by_wechatpay(keys, headers, body) for headers, body in (first, second))


def test_dropped_and_duplicated_v3_notifications(pay, sandbox, receiver, wait_for):
    sandbox.control("POST", "faults", json={"endpoint": "pay_notify", "error": "duplicate"})
    _prepay(pay)
    sandbox.control("POST", "pay", json={"out_trade_no": "V1000"})
    wait_for(lambda: len(receiver.notifications("/v3/pay-notify")) == 2)
    first, second = receiver.notifications("/v3/pay-notify")
    assert json.loads(first[1])["id"] == json.loads(second[1])["id"]  # the same notification twice


def test_control_pay_and_listings_cover_v2_and_v3(pay, sandbox, receiver, wait_for):
    _prepay(pay, "V3ORDER")
    v2 = {"appid": "wxsandboxappid0001", "mch_id": MCH_ID, "nonce_str": "n1", "body": "v2商品",
          "out_trade_no": "V2ORDER", "total_fee": "500", "spbill_create_ip": "127.0.0.1",
          "notify_url": receiver.url("/v2/pay-notify"), "trade_type": "JSAPI", "openid": "sandbox-bob"}
    requests.post(sandbox.base_url + "pay/unifiedorder",
                  data=signed_xml(v2, "sandboxapikeysandboxapikey123456").encode(), timeout=5)

    for out_trade_no in ("V3ORDER", "V2ORDER"):
        assert sandbox.control("POST", "pay", json={"out_trade_no": out_trade_no}).status_code == 200

    wait_for(lambda: receiver.notifications("/v2/pay-notify") and receiver.notifications("/v3/pay-notify"))
    assert receiver.notifications("/v2/pay-notify")[0][1].startswith("<xml>")
    assert json.loads(receiver.notifications("/v3/pay-notify")[0][1])["event_type"] == "TRANSACTION.SUCCESS"
    listed = {p["out_trade_no"]: p["api"] for p in sandbox.control("GET", "payments").json()["payments"]}
    assert listed == {"V3ORDER": "v3", "V2ORDER": "v2"}
    stats = sandbox.control("GET", "stats").json()["endpoints"]
    assert stats["unifiedorder"]["calls"] == 1 and stats["v3_jsapi"]["calls"] == 1


@pytest.mark.parametrize("path, payload", [
    ("/v3/pay/transactions/jsapi", {"appid": "wxsandboxappid0001", "mchid": MCH_ID, "description": 1,
                                    "out_trade_no": "B1", "notify_url": "http://x/n", "amount": {"total": 1},
                                    "payer": {"openid": "o"}}),
    ("/v3/pay/transactions/jsapi", {"appid": "wxsandboxappid0001", "mchid": MCH_ID, "description": "d",
                                    "out_trade_no": "B1", "notify_url": "http://x/n", "amount": {"total": 1.5},
                                    "payer": {"openid": "o"}}),
    ("/v3/pay/transactions/jsapi", {"appid": "wxsandboxappid0001", "mchid": MCH_ID, "description": "d",
                                    "out_trade_no": "B1", "notify_url": "http://x/n", "amount": [],
                                    "payer": {"openid": "o"}, "time_expire": "tomorrow"}),
    ("/v3/refund/domestic/refunds", {"out_refund_no": "R1", "out_trade_no": 5, "amount": {"refund": 1, "total": 1,
                                                                                           "currency": "CNY"}}),
    ("/v3/refund/domestic/refunds", {"out_refund_no": "R1", "out_trade_no": "V1000",
                                     "amount": {"refund": -1, "total": 1000, "currency": "CNY"}}),
    ("/v3/refund/domestic/refunds", {"out_refund_no": "R1", "out_trade_no": "V1000",
                                     "amount": {"refund": 1, "total": 1000, "currency": "USD"}}),
    ("/v3/refund/domestic/refunds/5000/apply-abnormal-refund", {"out_refund_no": "R1", "type": "MERCHANT_BANK_CARD",
                                                                "bank_account": 12345}),
    ("/v3/refund/domestic/refunds/5000/apply-abnormal-refund", {"out_refund_no": "R1", "type": "TO_THE_MOON"}),
    ("/v3/pay/transactions/out-trade-no/V1000/close", {}),
])
def test_bad_input_is_a_4xx_with_a_code_and_changes_nothing(paid, sandbox, keys, path, payload):
    reply = raw_call(sandbox.base_url, keys, "POST", path, payload)

    assert 400 <= reply.status_code < 500 and reply.json()["code"] in ("PARAM_ERROR", "MCH_NOT_EXISTS")
    assert sandbox.control("GET", "refunds").json()["refunds"] == []
    assert [p["out_trade_no"] for p in sandbox.control("GET", "payments").json()["payments"]] == ["V1000"]
