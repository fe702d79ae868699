"""The sandbox's mini-program platform: shared access tokens and the order-shipping service rules."""
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
import requests

from shop.adapters.miniprogram import MiniProgramClient, ShipmentUpload
from shop.adapters.wechat_errors import WeChatError

BEIJING = timezone(timedelta(hours=8))


def shipment(paid_order, **changes) -> ShipmentUpload:
    values = dict(out_trade_no=paid_order["out_trade_no"], transaction_id=None, openid="sandbox-alice",
                  express_company="ZTO", tracking_no="ZT1234567890", item_desc="测试商品*1",
                  receiver_contact="138****8000", upload_time=datetime.now(BEIJING))
    values.update(changes)
    return ShipmentUpload(**values)


def shipping_of(sandbox, out_trade_no: str) -> dict:
    return next(s for s in sandbox.control("GET", "shipping").json()["shipping"] if s["out_trade_no"] == out_trade_no)


def test_two_processes_share_one_stable_token_and_never_invalidate_each_other(sandbox, settings):
    first, second = MiniProgramClient(settings), MiniProgramClient(settings)
    for client in (first, second, first, second):
        client.send_subscribe_message(openid="sandbox-alice", template_id="T", data={"thing1": "x"})
    stats = sandbox.control("GET", "tokens").json()
    assert stats["rejected"] == 0
    assert stats["fetches"] == {"token": 0, "stable_token": 2}
    assert stats["stable_tokens_alive"] == 1
    assert len(sandbox.listing("messages")) == 4


def test_a_classic_token_fetch_invalidates_the_previous_classic_token(sandbox, settings):
    def classic():
        return requests.get(f"{sandbox.base_url}cgi-bin/token", params={
            "grant_type": "client_credential", "appid": settings.appid, "secret": settings.secret}).json()["access_token"]

    def send(token):
        return requests.post(f"{sandbox.base_url}cgi-bin/message/subscribe/send", params={"access_token": token},
                             json={"touser": "sandbox-alice", "template_id": "T", "data": {}}).json()["errcode"]

    old = classic()
    new = classic()
    assert (send(old), send(new)) == (40001, 0)


def test_stable_token_normal_mode_repeats_and_force_refresh_replaces(sandbox, settings):
    def stable(force):
        return requests.post(f"{sandbox.base_url}cgi-bin/stable_token", json={
            "grant_type": "client_credential", "appid": settings.appid, "secret": settings.secret,
            "force_refresh": force}).json()["access_token"]

    first = stable(False)
    assert stable(False) == first
    assert stable(True) != first


def test_shipment_upload_freezes_money_until_the_shopper_confirms_receipt(sandbox, miniprogram, paid_order):
    miniprogram.upload_shipping_info(shipment(paid_order))

    record = shipping_of(sandbox, "T1000")
    assert (record["order_state"], record["settlement"], record["tracking_nos"]) == (2, "frozen", ["ZT1234567890"])
    assert miniprogram.shipping_order_state(paid_order["transaction_id"]) == 2

    confirmed = sandbox.control("POST", "shipping/confirm", json={"out_trade_no": "T1000"}).json()
    assert (confirmed["order_state"], confirmed["settlement"]) == (3, "released")
    assert miniprogram.shipping_order_state(paid_order["transaction_id"]) == 3


def test_a_payment_allows_one_update_of_its_shipping_info(sandbox, miniprogram, paid_order):
    miniprogram.upload_shipping_info(shipment(paid_order))
    miniprogram.upload_shipping_info(shipment(paid_order, tracking_no="ZT999999999",
                                              upload_time=datetime.now(BEIJING) + timedelta(seconds=1)))
    with pytest.raises(WeChatError) as caught:
        miniprogram.upload_shipping_info(shipment(paid_order, tracking_no="ZT888888888",
                                                  upload_time=datetime.now(BEIJING) + timedelta(seconds=2)))
    assert caught.value.code == "10060003" and not caught.value.retryable
    record = shipping_of(sandbox, "T1000")
    assert (record["tracking_nos"], record["updates_used"]) == (["ZT999999999"], 1)


def test_no_upload_after_the_shopper_confirmed_receipt(sandbox, miniprogram, paid_order):
    miniprogram.upload_shipping_info(shipment(paid_order))
    sandbox.control("POST", "shipping/confirm", json={"out_trade_no": "T1000", "auto": True})
    with pytest.raises(WeChatError) as caught:
        miniprogram.upload_shipping_info(shipment(paid_order, upload_time=datetime.now(BEIJING) + timedelta(seconds=1)))
    assert caught.value.code == "10060004"
    assert shipping_of(sandbox, "T1000")["settlement"] == "released"


@pytest.mark.parametrize("changes, problem", [
    ({"tracking_no": ""}, "物流单号"),
    ({"express_company": "NOPE"}, "物流公司编码"),
    ({"express_company": "SF", "receiver_contact": None}, "顺丰"),
    ({"receiver_contact": "13800138000"}, "掩码"),
    ({"openid": "sandbox-mallory"}, "payer"),
])
def test_express_shipments_follow_wechats_field_rules(sandbox, miniprogram, paid_order, changes, problem):
    with pytest.raises(WeChatError) as caught:
        miniprogram.upload_shipping_info(shipment(paid_order, **changes))
    assert caught.value.code == "10060014" and problem in caught.value.message
    assert shipping_of(sandbox, "T1000")["uploads"] == []


def test_upload_for_an_unknown_or_unpaid_payment_is_refused(sandbox, miniprogram, gateway, receiver):
    gateway.create_payment(out_trade_no="T2000", amount_fen=500, description="未付款", openid="sandbox-alice",
                           notify_url=receiver.url("/pay-notify"))
    for out_trade_no in ("T2000", "NOSUCH"):
        with pytest.raises(WeChatError) as caught:
            miniprogram.upload_shipping_info(shipment({"out_trade_no": out_trade_no}))
        assert caught.value.code == "10060001"


def test_shipping_calls_need_a_valid_access_token(sandbox, paid_order):
    reply = requests.post(f"{sandbox.base_url}wxa/sec/order/get_order", params={"access_token": "forged"},
                          json={"transaction_id": paid_order["transaction_id"]})
    assert reply.json()["errcode"] == 40001


def test_platform_settings_carriers_and_confirm_reminders(sandbox, miniprogram, paid_order):
    assert miniprogram.is_trade_managed() is True
    sandbox.control("POST", "platform", json={"trade_managed": False})
    assert miniprogram.is_trade_managed() is False
    miniprogram.set_msg_jump_path("pages/orders/detail/detail")
    assert {"code": "SF", "name": "顺丰速运"} in miniprogram.delivery_list()

    with pytest.raises(WeChatError):  # nothing shipped yet: nothing to confirm
        miniprogram.notify_confirm_receive(paid_order["transaction_id"], datetime.now(BEIJING))
    miniprogram.upload_shipping_info(shipment(paid_order))
    miniprogram.notify_confirm_receive(paid_order["transaction_id"], datetime.now(BEIJING))

    listing = sandbox.control("GET", "shipping").json()
    assert listing["jump_path"] == "pages/orders/detail/detail"
    assert [r["transaction_id"] for r in listing["reminders"]] == [paid_order["transaction_id"]]


def test_a_wrong_secret_cannot_get_a_stable_token(settings):
    with pytest.raises(WeChatError) as caught:
        MiniProgramClient(replace(settings, secret="wrong")).is_trade_managed()
    assert caught.value.code == "40125"


def test_a_restarted_sandbox_remembers_uploads_settlement_and_tokens(tmp_path):
    from wechat_sandbox import create_app

    def sandbox_app():
        return create_app({"state_path": str(tmp_path / "sandbox.sqlite"), "notify_retry_intervals": []})

    first = sandbox_app()
    pay_state, platform = first.extensions["wechat_sandbox"].state, first.extensions["wechat_platform"]
    pay_state.unified_order({"body": "测试商品", "out_trade_no": "T3000", "total_fee": "800", "trade_type": "JSAPI",
                             "openid": "sandbox-alice", "notify_url": "http://127.0.0.1:9/none",
                             "spbill_create_ip": "127.0.0.1"})
    transaction_id = pay_state.mark_paid("T3000").transaction_id
    token, _ = platform.stable_token(force_refresh=False)
    platform.upload_shipping_info({
        "order_key": {"order_number_type": 2, "transaction_id": transaction_id}, "logistics_type": 1,
        "delivery_mode": 1, "shipping_list": [{"tracking_no": "ZT1234567890", "express_company": "ZTO",
                                               "item_desc": "测试商品*1"}],
        "upload_time": datetime.now(BEIJING).isoformat(), "payer": {"openid": "sandbox-alice"}})
    platform.set_trade_managed(False)

    again = sandbox_app().extensions["wechat_platform"]
    [record] = again.shipping()
    assert (record["tracking_nos"], record["settlement"], record["order_state"]) == (["ZT1234567890"], "frozen", 2)
    assert again.is_valid_token(token) and again.stable_token(force_refresh=False)[0] == token
    assert again.trade_managed is False
    assert again.confirm_receipt("T3000")["settlement"] == "released"
