from dataclasses import replace

import pytest
import requests

from shop.adapters.miniprogram import MiniProgramClient
from shop.adapters.wechat_errors import WeChatError


def test_login_code_alice_is_always_shopper_sandbox_alice(miniprogram):
    first = miniprogram.code_to_session("alice")
    second = miniprogram.code_to_session("alice")

    assert first["openid"] == second["openid"] == "sandbox-alice"
    assert first["session_key"]


def test_empty_login_code_is_refused_as_invalid_code(sandbox, settings):
    reply = requests.get(f"{sandbox.base_url}sns/jscode2session",
                         params={"appid": settings.appid, "secret": settings.secret, "js_code": "", "grant_type": "authorization_code"})

    assert reply.json()["errcode"] == 40029


@pytest.mark.parametrize("wrong, errcode", [({"appid": "wxother"}, 40013), ({"secret": "wrong"}, 40125)])
def test_token_needs_our_appid_and_secret(sandbox, settings, wrong, errcode):
    params = {"grant_type": "client_credential", "appid": settings.appid, "secret": settings.secret, **wrong}
    reply = requests.get(f"{sandbox.base_url}cgi-bin/token", params=params)

    assert reply.json()["errcode"] == errcode


def test_subscribe_messages_are_recorded(sandbox, miniprogram):
    miniprogram.send_subscribe_message(openid="sandbox-alice", template_id="TPL_REFUND",
                                   data={"thing1": "退款成功", "amount2": {"value": "10.00元"}}, page="pages/order")

    [message] = sandbox.listing("messages")
    assert message["touser"] == "sandbox-alice"
    assert message["template_id"] == "TPL_REFUND"
    assert message["page"] == "pages/order"
    assert message["data"] == {"thing1": {"value": "退款成功"}, "amount2": {"value": "10.00元"}}


def test_subscribe_message_with_invalid_token_is_refused(sandbox):
    reply = requests.post(f"{sandbox.base_url}cgi-bin/message/subscribe/send", params={"access_token": "forged"},
                          json={"touser": "sandbox-alice", "template_id": "T", "data": {}})

    assert reply.json()["errcode"] == 40001
    assert sandbox.listing("messages") == []


def test_wrong_secret_fails_login_with_a_final_error(settings):
    client = MiniProgramClient(replace(settings, secret="wrong"))

    with pytest.raises(WeChatError) as caught:
        client.code_to_session("alice")
    assert caught.value.code == "40125"
    assert not caught.value.retryable
