"""WeChat payment notifications: only a genuine, matching one changes anything."""
import pytest

from shop.db import Order, Refund
from shop.extensions import db
from support.shop import Shopper
from wechat_sandbox.signing import nonce, parse_xml, signed_xml

API_KEY = "sandboxapikeysandboxapikey123456"


def notification(out_trade_no: str, total_fee: int, **overrides) -> dict:
    params = {
        "return_code": "SUCCESS", "result_code": "SUCCESS", "appid": "wxsandboxappid0001",
        "mch_id": "1900000109", "nonce_str": nonce(), "openid": "sandbox-alice", "trade_type": "JSAPI",
        "bank_type": "OTHERS", "total_fee": str(total_fee), "cash_fee": str(total_fee), "fee_type": "CNY",
        "transaction_id": "4200000000000000000000000001", "out_trade_no": out_trade_no, "time_end": "20261121120000",
    }
    params.update(overrides)
    return params


@pytest.fixture
def unpaid(client):
    alice = Shopper(client)
    order = alice.order()
    pay = alice.post(f"/orders/{order['id']}/pay").get_json()
    return alice, order, pay["out_trade_no"]


def post_notify(client, body: str):
    reply = client.post("/api/wechat/pay-notify", data=body.encode(), content_type="application/xml")
    return reply.status_code, parse_xml(reply.data)["return_code"]


def status_of(order_id: int) -> str:
    return db.session.get(Order, order_id, populate_existing=True).status


def test_genuine_notification_marks_the_order_paid_and_a_replay_changes_nothing(client, unpaid):
    alice, order, out_trade_no = unpaid
    body = signed_xml(notification(out_trade_no, order["total_fen"]), API_KEY)
    assert post_notify(client, body) == (200, "SUCCESS")
    assert status_of(order["id"]) == "paid"
    assert post_notify(client, body) == (200, "SUCCESS")  # WeChat must stop re-sending
    detail = alice.detail(order["id"])
    assert detail["paid_fen"] == order["total_fen"]
    assert [e["kind"] for e in detail["timeline"]].count("paid") == 1


def test_forged_signature_is_refused_and_changes_nothing(client, unpaid):
    _, order, out_trade_no = unpaid
    body = signed_xml(notification(out_trade_no, order["total_fen"]), "x" * 32)
    assert post_notify(client, body) == (400, "FAIL")
    assert status_of(order["id"]) == "pending_payment"


def test_tampered_amount_after_signing_is_refused(client, unpaid):
    _, order, out_trade_no = unpaid
    body = signed_xml(notification(out_trade_no, order["total_fen"]), API_KEY)
    tampered = body.replace(f"<total_fee>{order['total_fen']}</total_fee>", "<total_fee>1</total_fee>")
    assert tampered != body
    assert post_notify(client, tampered) == (400, "FAIL")
    assert status_of(order["id"]) == "pending_payment"


def test_signed_notification_with_the_wrong_amount_is_refused(client, unpaid):
    _, order, out_trade_no = unpaid
    body = signed_xml(notification(out_trade_no, order["total_fen"] - 1), API_KEY)
    assert post_notify(client, body) == (400, "FAIL")
    assert status_of(order["id"]) == "pending_payment"


@pytest.mark.parametrize("field,value", [("mch_id", "1234567890"), ("appid", "wxsomeoneelse00001")])
def test_signed_notification_for_another_merchant_or_app_is_refused(client, unpaid, field, value):
    _, order, out_trade_no = unpaid
    body = signed_xml(notification(out_trade_no, order["total_fen"], **{field: value}), API_KEY)
    assert post_notify(client, body) == (400, "FAIL")
    assert status_of(order["id"]) == "pending_payment"


def test_payment_arriving_after_the_order_closed_is_refunded_automatically(client, sandbox, unpaid):
    from shop.domain import clock
    from shop.services import ordering
    from datetime import timedelta

    alice, order, out_trade_no = unpaid
    clock.advance(timedelta(minutes=31))
    assert ordering.close_unpaid_order(order["id"]) is True
    clock.reset()
    body = signed_xml(notification(out_trade_no, order["total_fen"]), API_KEY)
    assert post_notify(client, body) == (200, "SUCCESS")
    detail = alice.detail(order["id"])
    assert detail["status"] == "cancelled"
    assert detail["paid_fen"] == detail["refunded_fen"] == order["total_fen"]
    refund = db.session.query(Refund).filter_by(order_id=order["id"]).one()
    assert (refund.source, refund.amount_fen) == ("late_payment", order["total_fen"])
    assert "late_payment_refund" in [e["kind"] for e in detail["timeline"]]
