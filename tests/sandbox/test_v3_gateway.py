"""The shop's WeChat Pay APIv3 gateway (public-key mode): against the sandbox, and its signing and
verification against the independent implementation in support/v3_reference.py."""
import json
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest
from support import v3_reference as ref

from shop.adapters.payments import CloseResult, PaymentState, RefundStatus
from shop.adapters.wechat_errors import InvalidNotification, WeChatUnavailable
from wechat_sandbox.keys import ensure_demo_keys

APPID, MCH_ID = "wxsandboxappid0001", "1900000109"


def _order(gateway, receiver, out_trade_no="T1", amount_fen=990):
    return gateway.create_payment(out_trade_no=out_trade_no, amount_fen=amount_fen, description="测试商品",
                                  openid="sandbox-alice", notify_url=receiver.url("/v3/pay-notify"))


@pytest.fixture
def paid(sandbox, gateway_v3, receiver, wait_for):
    """An order of 1000 fen paid through v3, its notification received."""
    _order(gateway_v3, receiver, "T1000", 1000)
    transaction_id = sandbox.pay("T1000")
    wait_for(lambda: receiver.deliveries("/v3/pay-notify"))
    return transaction_id


def _refund(gateway, receiver, out_refund_no="R1", refund_fen=300):
    return gateway.refund(out_trade_no="T1000", out_refund_no=out_refund_no, total_fen=1000, refund_fen=refund_fen,
                          notify_url=receiver.url("/v3/refund-notify"), reason="改变主意")


# ---- against the sandbox ---------------------------------------------------------------------------


def test_jsapi_prepay_gives_rsa_signed_request_payment_params(gateway_v3, receiver, v3_keys):
    created = _order(gateway_v3, receiver)

    params = created.pay_params
    assert created.prepay_id and params["package"] == f"prepay_id={created.prepay_id}"
    assert (params["appId"], params["signType"]) == (APPID, "RSA")
    assert ref.pay_sign_verifies(v3_keys.merchant_public_key, params)
    assert ref.pay_sign_verifies(v3_keys.merchant_public_key, gateway_v3.pay_params(created.prepay_id))


def test_paid_order_is_notified_signed_and_encrypted_and_queried(sandbox, gateway_v3, receiver, wait_for):
    _order(gateway_v3, receiver)
    assert gateway_v3.query_payment("T1").state == PaymentState.UNPAID

    transaction_id = sandbox.pay("T1")

    [(body, headers)] = wait_for(lambda: receiver.deliveries("/v3/pay-notify"))
    notice = gateway_v3.parse_payment_notification(body, headers)
    assert (notice.out_trade_no, notice.transaction_id, notice.amount_fen) == ("T1", transaction_id, 990)
    queried = gateway_v3.query_payment("T1")
    assert (queried.state, queried.transaction_id, queried.amount_fen, queried.openid) == (
        PaymentState.PAID, transaction_id, 990, "sandbox-alice")


def test_closing_says_closed_already_paid_or_not_found(sandbox, gateway_v3, receiver, paid):
    _order(gateway_v3, receiver, "T2")

    assert gateway_v3.close_payment("T2") == CloseResult.CLOSED
    assert gateway_v3.close_payment("T2") == CloseResult.CLOSED
    assert gateway_v3.query_payment("T2").state == PaymentState.CLOSED
    assert gateway_v3.close_payment("T1000") == CloseResult.ALREADY_PAID
    assert gateway_v3.close_payment("never-created") == CloseResult.NOT_FOUND


def test_same_out_refund_no_twice_is_one_refund(paid, sandbox, gateway_v3, receiver):
    first, second = _refund(gateway_v3, receiver), _refund(gateway_v3, receiver)

    assert first.status == RefundStatus.ACCEPTED and first.wechat_refund_id == second.wechat_refund_id
    assert [r["out_refund_no"] for r in sandbox.listing("refunds")] == ["R1"]


def test_system_error_is_retryable_and_a_refund_beyond_the_paid_amount_is_final(paid, sandbox, v3_keys, make_gateway_v3,
                                                                                receiver):
    # The sandbox answers in this process, beside the notifications it sends: on a loaded machine an answer took
    # over the 1 s the other tests give it (CI, 2026-12-02), and a timeout is not what this test is about.
    gateway_v3 = make_gateway_v3(v3_keys, sandbox.base_url, timeout=10.0)
    sandbox.fault("v3_refund", "SYSTEM_ERROR", times=2)
    for _ in range(2):
        failed = _refund(gateway_v3, receiver)
        assert (failed.status, failed.code) == (RefundStatus.RETRYABLE_FAILURE, "SYSTEM_ERROR")
    assert _refund(gateway_v3, receiver, "R1", 600).status == RefundStatus.ACCEPTED

    refused = _refund(gateway_v3, receiver, "R2", 500)

    assert (refused.status, refused.code) == (RefundStatus.FINAL_FAILURE, "INVALID_REQUEST")
    assert [r["out_refund_no"] for r in sandbox.listing("refunds")] == ["R1"]


def test_timeout_makes_wechat_unavailable(sandbox, gateway_v3):
    sandbox.fault("v3_query", "timeout")
    with pytest.raises(WeChatUnavailable) as caught:
        gateway_v3.query_payment("T1")

    assert caught.value.code == "TIMEOUT" and caught.value.retryable  # the client's own timeout (requests.Timeout)


def test_refund_query_and_notification_give_the_outcome(paid, sandbox, gateway_v3, receiver, wait_for):
    sandbox.control("POST", "config", json={"refund_settle_delay": None})
    try:
        refund = _refund(gateway_v3, receiver)
        assert gateway_v3.query_refund("R1").status == RefundStatus.PROCESSING
        assert gateway_v3.query_refund("never-sent").status == RefundStatus.NOT_FOUND

        sandbox.control("POST", "refunds/R1/settle", json={"status": "SUCCESS"})

        queried = gateway_v3.query_refund("R1")
        assert (queried.status, queried.wechat_refund_id, queried.amount_fen) == (
            RefundStatus.SUCCEEDED, refund.wechat_refund_id, 300)
        [(body, headers)] = wait_for(lambda: receiver.deliveries("/v3/refund-notify"))
        notice = gateway_v3.parse_refund_notification(body, headers)
        assert (notice.status, notice.out_refund_no, notice.amount_fen) == (RefundStatus.SUCCEEDED, "R1", 300)
    finally:
        sandbox.control("POST", "config", json={"refund_settle_delay": 0.1})


@pytest.mark.parametrize("outcome,status", [("ABNORMAL", RefundStatus.WECHAT_ABNORMAL),
                                            ("CLOSED", RefundStatus.CLOSED)])
def test_wechat_abnormal_and_closed_refunds_are_told_apart(paid, sandbox, gateway_v3, receiver, wait_for,
                                                           outcome, status):
    sandbox.fault("v3_refund", outcome)

    assert _refund(gateway_v3, receiver).status == RefundStatus.ACCEPTED

    [(body, headers)] = wait_for(lambda: receiver.deliveries("/v3/refund-notify"))
    assert gateway_v3.parse_refund_notification(body, headers).status == status
    assert gateway_v3.query_refund("R1").status == status


def test_refund_bill_is_downloaded_unzipped_and_read_in_fen(paid, gateway_v3, receiver):
    _refund(gateway_v3, receiver, "R1", 300)
    _refund(gateway_v3, receiver, "R2", 199)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()

    rows = sorted(gateway_v3.download_refund_bill(today), key=lambda row: row.out_refund_no)

    assert [(r.out_trade_no, r.out_refund_no, r.refund_fen) for r in rows] == [("T1000", "R1", 300),
                                                                              ("T1000", "R2", 199)]
    assert gateway_v3.download_refund_bill(datetime(2020, 1, 1).date()) == []


def test_a_merchant_key_the_sandbox_does_not_know_is_refused(sandbox, receiver, tmp_path, make_gateway_v3):
    stranger = make_gateway_v3(ensure_demo_keys(tmp_path), sandbox.base_url)

    failed = stranger.refund(out_trade_no="T1", out_refund_no="R1", total_fen=1, refund_fen=1,
                             notify_url=receiver.url("/v3/refund-notify"))

    assert (failed.status, failed.code) == (RefundStatus.FINAL_FAILURE, "SIGN_ERROR")


# ---- against the reference implementation ------------------------------------------------------------


class _Recorder:
    """A WeChat Pay stand-in: records each request and answers it signed by the reference implementation."""

    def __init__(self, keys):
        self.keys, self.requests, self.signing_key = keys, [], keys.wechatpay_private_key
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                recorder.requests.append(("POST", self.path, dict(self.headers.items()), body))
                reply = json.dumps({"refund_id": "50300000000000000000000001", "out_refund_no": "R1",
                                    "status": "PROCESSING", "amount": {"refund": 1, "total": 1}})
                headers = ref.signed_headers(recorder.signing_key, recorder.keys.wechatpay_public_key_id, reply)
                self.send_response(200)
                for name, value in {**headers, "Content-Type": "application/json"}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.encode())))
                self.end_headers()
                self.wfile.write(reply.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server.server_port}/"


@pytest.fixture
def recorder(v3_keys):
    recorder = _Recorder(v3_keys)
    yield recorder
    recorder.server.shutdown()


def test_our_request_signature_verifies_with_the_documented_string(recorder, v3_keys, make_gateway_v3):
    gateway = make_gateway_v3(v3_keys, recorder.base_url)

    outcome = gateway.refund(out_trade_no="T1", out_refund_no="R1", total_fen=1, refund_fen=1,
                             notify_url="https://shop.example.com/api/wechat/v3/refund-notify")

    assert outcome.status == RefundStatus.ACCEPTED  # the reference-signed reply was believed
    [(method, path, headers, body)] = recorder.requests
    fields = ref.parse_authorization(headers["Authorization"])
    assert (fields["mchid"], fields["serial_no"]) == (MCH_ID, v3_keys.merchant_serial_no)
    assert abs(int(fields["timestamp"]) - time.time()) < 60
    assert ref.request_signature_verifies(v3_keys.merchant_public_key, method, path, body,
                                          headers["Authorization"])
    assert not ref.request_signature_verifies(v3_keys.merchant_public_key, method, path, body + " ",
                                              headers["Authorization"])
    assert json.loads(body)["amount"] == {"refund": 1, "total": 1, "currency": "CNY"}


def test_a_reply_signed_with_another_key_is_not_believed(recorder, v3_keys, tmp_path, make_gateway_v3):
    recorder.signing_key = ensure_demo_keys(tmp_path).wechatpay_private_key
    gateway = make_gateway_v3(v3_keys, recorder.base_url)

    outcome = gateway.refund(out_trade_no="T1", out_refund_no="R1", total_fen=1, refund_fen=1,
                             notify_url="https://shop.example.com/api/wechat/v3/refund-notify")

    assert (outcome.status, outcome.code) == (RefundStatus.RETRYABLE_FAILURE, "BAD_SIGNATURE")


def _payment(v3_keys, **overrides):
    return {**ref.payment_plain(APPID, MCH_ID, "T1", 990), **overrides}


def test_a_reference_notification_is_verified_and_decrypted(v3_keys, make_gateway_v3):
    gateway = make_gateway_v3(v3_keys, None)
    body, headers = ref.notification(v3_keys, "TRANSACTION.SUCCESS", _payment(v3_keys))

    notice = gateway.parse_payment_notification(body, headers)

    assert (notice.out_trade_no, notice.amount_fen) == ("T1", 990)
    lower = {name.lower(): value for name, value in headers.items()}
    assert gateway.parse_payment_notification(body, lower).out_trade_no == "T1"  # header names are case-blind
    refund_body, refund_headers = ref.notification(v3_keys, "REFUND.ABNORMAL",
                                                   ref.refund_plain(MCH_ID, "T1", "R1", 300, 990, "ABNORMAL"))
    assert gateway.parse_refund_notification(refund_body, refund_headers).status == RefundStatus.WECHAT_ABNORMAL


def test_forged_expired_misdirected_and_tampered_notifications_are_refused(v3_keys, tmp_path, make_gateway_v3):
    gateway = make_gateway_v3(v3_keys, None)
    stranger = ensure_demo_keys(tmp_path)
    forged = ref.notification(v3_keys, "TRANSACTION.SUCCESS", _payment(v3_keys),
                              signing_key=stranger.wechatpay_private_key)
    expired = ref.notification(v3_keys, "TRANSACTION.SUCCESS", _payment(v3_keys), timestamp=int(time.time()) - 301)
    other_merchant = ref.notification(v3_keys, "TRANSACTION.SUCCESS", _payment(v3_keys, mchid="1234567890"))
    other_app = ref.notification(v3_keys, "TRANSACTION.SUCCESS", _payment(v3_keys, appid="wxsomeoneelse00001"))
    body, headers = ref.notification(v3_keys, "TRANSACTION.SUCCESS", _payment(v3_keys))
    wrong_serial = (body, {**headers, "Wechatpay-Serial": "PUB_KEY_ID_0000000000000000000000000000000"})
    envelope = json.loads(body)
    envelope["resource"]["ciphertext"] = ref.encrypt_resource(stranger.apiv3_key, _payment(v3_keys),
                                                              "transaction")["ciphertext"]
    resigned = json.dumps(envelope)  # correctly signed, but encrypted with another APIv3 key
    other_apiv3_key = (resigned.encode(), ref.signed_headers(v3_keys.wechatpay_private_key,
                                                             v3_keys.wechatpay_public_key_id, resigned))
    tampered = (body.replace(b'"summary": "', b'"summary": "x'), headers)

    for reason, (notice_body, notice_headers) in {
            "signature": forged, "5 minutes": expired, "mchid": other_merchant, "appid": other_app,
            "Serial": wrong_serial, "APIv3 key": other_apiv3_key, "signature ": tampered}.items():
        with pytest.raises(InvalidNotification, match=reason.strip()):
            gateway.parse_payment_notification(notice_body, notice_headers)
