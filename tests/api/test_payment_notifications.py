"""WeChat payment notifications, in both protocols: only a genuine, matching, fresh one changes anything.

v3 notifications are built by the reference implementation (support/v3_reference.py): signed with the
WeChat Pay private key, resource encrypted with the APIv3 key. v2 ones are MD5-signed XML."""
import json
import time
from datetime import timedelta

import pytest
from support import v3_reference as ref

from shop.db import Order, Refund
from shop.domain import clock
from shop.extensions import db
from shop.services import ordering
from support.shop import Shopper
from wechat_sandbox.signing import nonce, parse_xml, signed_xml

pytestmark = pytest.mark.parametrize("wechatpay_api", ["v3", "v2"], indirect=True, scope="session")

APPID, MCH_ID = "wxsandboxappid0001", "1900000109"
API_KEY = "sandboxapikeysandboxapikey123456"


class WeChat:
    """Sends payment notifications to the app the way WeChat Pay does in the app's protocol."""

    def __init__(self, client, api: str, keys):
        self.client, self.api, self.keys = client, api, keys

    def notification(self, out_trade_no: str, total: int, *, key: str | None = None, timestamp: int | None = None,
                     **fields) -> tuple[bytes, dict]:
        """`key`: sign with another key (a forgery); `fields`: appid / mchid / amount overrides."""
        if self.api == "v2":
            params = {"return_code": "SUCCESS", "result_code": "SUCCESS", "appid": fields.get("appid", APPID),
                      "mch_id": fields.get("mchid", MCH_ID), "nonce_str": nonce(), "openid": "sandbox-alice",
                      "trade_type": "JSAPI", "bank_type": "OTHERS", "total_fee": str(total), "cash_fee": str(total),
                      "fee_type": "CNY", "transaction_id": "4200000000000000000000000001",
                      "out_trade_no": out_trade_no, "time_end": "20261121120000"}
            return signed_xml(params, key or API_KEY).encode(), {"Content-Type": "application/xml"}
        plain = {**ref.payment_plain(APPID, MCH_ID, out_trade_no, total), **fields}
        return ref.notification(self.keys, "TRANSACTION.SUCCESS", plain, timestamp=timestamp, signing_key=key)

    def forgery_key(self, tmp_path) -> str:
        if self.api == "v2":
            return "x" * 32
        from wechat_sandbox.keys import ensure_demo_keys
        return ensure_demo_keys(tmp_path).wechatpay_private_key

    def tamper_amount(self, body: bytes, total: int) -> bytes:
        """Change the amount after signing (v3: flip a byte of the ciphertext, the amount is inside it)."""
        if self.api == "v2":
            return body.replace(f"<total_fee>{total}</total_fee>".encode(), b"<total_fee>1</total_fee>")
        envelope = json.loads(body)
        text = envelope["resource"]["ciphertext"]
        envelope["resource"]["ciphertext"] = ("B" if text[5] != "B" else "C").join([text[:5], text[6:]])
        return json.dumps(envelope).encode()

    def send(self, body: bytes, headers: dict) -> tuple[int, bool]:
        """(HTTP status, whether WeChat would take it as acknowledged)."""
        path = "/api/wechat/pay-notify" if self.api == "v2" else "/api/wechat/v3/pay-notify"
        reply = self.client.post(path, data=body, headers=headers)
        if self.api == "v2":
            return reply.status_code, parse_xml(reply.data)["return_code"] == "SUCCESS"
        if reply.status_code >= 300:
            assert reply.get_json()["code"] == "FAIL"
        else:
            assert reply.data == b""
        return reply.status_code, reply.status_code < 300


@pytest.fixture
def wechat(client, wechatpay_api, wechatpay_keys):
    return WeChat(client, wechatpay_api, wechatpay_keys)


@pytest.fixture
def unpaid(client):
    alice = Shopper(client)
    order = alice.order()
    pay = alice.post(f"/orders/{order['id']}/pay").get_json()
    return alice, order, pay["out_trade_no"]


def status_of(order_id: int) -> str:
    return db.session.get(Order, order_id, populate_existing=True).status


def test_genuine_notification_marks_the_order_paid_and_a_replay_changes_nothing(wechat, unpaid):
    alice, order, out_trade_no = unpaid
    notification = wechat.notification(out_trade_no, order["total_fen"])
    assert wechat.send(*notification)[1]
    assert status_of(order["id"]) == "paid"
    assert wechat.send(*notification)[1]  # WeChat must stop re-sending
    detail = alice.detail(order["id"])
    assert detail["paid_fen"] == order["total_fen"]
    assert [e["kind"] for e in detail["timeline"]].count("paid") == 1


def test_forged_signature_is_refused_and_changes_nothing(wechat, unpaid, tmp_path):
    _, order, out_trade_no = unpaid
    forged = wechat.notification(out_trade_no, order["total_fen"], key=wechat.forgery_key(tmp_path))
    assert wechat.send(*forged) == (400, False)
    assert status_of(order["id"]) == "pending_payment"


def test_tampered_amount_after_signing_is_refused(wechat, unpaid):
    _, order, out_trade_no = unpaid
    body, headers = wechat.notification(out_trade_no, order["total_fen"])
    tampered = wechat.tamper_amount(body, order["total_fen"])
    assert tampered != body
    assert wechat.send(tampered, headers) == (400, False)
    assert status_of(order["id"]) == "pending_payment"


def test_signed_notification_with_the_wrong_amount_is_refused(wechat, unpaid):
    _, order, out_trade_no = unpaid
    assert wechat.send(*wechat.notification(out_trade_no, order["total_fen"] - 1)) == (400, False)
    assert status_of(order["id"]) == "pending_payment"


@pytest.mark.parametrize("field,value", [("mchid", "1234567890"), ("appid", "wxsomeoneelse00001")])
def test_signed_notification_for_another_merchant_or_app_is_refused(wechat, unpaid, field, value):
    _, order, out_trade_no = unpaid
    assert wechat.send(*wechat.notification(out_trade_no, order["total_fen"], **{field: value})) == (400, False)
    assert status_of(order["id"]) == "pending_payment"


def test_v3_notification_older_than_five_minutes_is_refused(wechat, unpaid):
    if wechat.api == "v2":
        pytest.skip("v2 notifications carry no signed timestamp")
    _, order, out_trade_no = unpaid
    stale = wechat.notification(out_trade_no, order["total_fen"], timestamp=int(time.time()) - 6 * 60)
    assert wechat.send(*stale) == (400, False)
    assert status_of(order["id"]) == "pending_payment"


def test_notification_of_the_protocol_not_in_use_is_refused(client, wechat, unpaid):
    _, order, out_trade_no = unpaid
    other = "/api/wechat/v3/pay-notify" if wechat.api == "v2" else "/api/wechat/pay-notify"
    body, headers = wechat.notification(out_trade_no, order["total_fen"])
    assert client.post(other, data=body, headers=headers).status_code == 404
    assert status_of(order["id"]) == "pending_payment"


def test_payment_arriving_after_the_order_closed_is_refunded_automatically(wechat, sandbox, unpaid):
    alice, order, out_trade_no = unpaid
    clock.advance(timedelta(minutes=31))
    assert ordering.close_unpaid_order(order["id"]) is True
    clock.reset()
    assert wechat.send(*wechat.notification(out_trade_no, order["total_fen"])) == (
        (200, True) if wechat.api == "v2" else (204, True))
    detail = alice.detail(order["id"])
    assert detail["status"] == "cancelled"
    assert detail["paid_fen"] == detail["refunded_fen"] == order["total_fen"]
    refund = db.session.query(Refund).filter_by(order_id=order["id"]).one()
    assert (refund.source, refund.amount_fen) == ("late_payment", order["total_fen"])
    assert "late_payment_refund" in [e["kind"] for e in detail["timeline"]]
