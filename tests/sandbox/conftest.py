"""The sandbox on a free port in a background thread, a notification receiver, a gateway."""
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from werkzeug.serving import make_server

from shop.adapters.miniprogram import MiniProgramClient
from shop.adapters.payments.v2 import WeChatPayV2
from shop.adapters.payments.v3 import WeChatPayV3, WeChatPayV3Settings
from shop.adapters.wechat_settings import WeChatSettings
from wechat_sandbox import create_app
from wechat_sandbox.keys import ensure_demo_keys

APPID = "wxsandboxappid0001"
SECRET = "sandbox-secret"
MCH_ID = "1900000109"
API_KEY = "sandboxapikeysandboxapikey123456"

SANDBOX_CONFIG = {
    "refund_settle_delay": 0.1,
    "notify_retry_intervals": [0.3, 0.3, 0.5],
    "notify_timeout": 2.0,
    "timeout_sleep": 1.5,
}


class Sandbox:
    def __init__(self, base_url: str):
        self.base_url = base_url

    def control(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.base_url}__control__/{path}", timeout=5, **kwargs)

    def pay(self, out_trade_no: str) -> str:
        response = self.control("POST", "pay", json={"out_trade_no": out_trade_no})
        assert response.status_code == 200, response.text
        return response.json()["transaction_id"]

    def fault(self, endpoint: str, error: str, times: int = 1):
        response = self.control("POST", "faults", json={"endpoint": endpoint, "error": error, "times": times})
        assert response.status_code == 201, response.text

    def listing(self, name: str) -> list:
        return self.control("GET", name).json()[name]


class Receiver:
    """Records every notification POSTed to it; acknowledges unless told to refuse."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.lock = threading.Lock()
        self.received: list[tuple[str, bytes, dict]] = []
        self.refusals_left = 0

    def url(self, path: str) -> str:
        return self.base_url + path

    def bodies(self, path: str) -> list[bytes]:
        return [body for body, _ in self.deliveries(path)]

    def deliveries(self, path: str) -> list[tuple[bytes, dict]]:
        """(body, headers) of each notification POSTed to `path`."""
        with self.lock:
            return [(body, headers) for p, body, headers in self.received if p == path]

    def clear(self):
        with self.lock:
            self.received.clear()
            self.refusals_left = 0


def _wait_for(condition, timeout: float = 5.0, interval: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


@pytest.fixture
def wait_for():
    """wait_for(condition, timeout=5.0): poll until condition() is truthy, return its value."""
    return _wait_for


@pytest.fixture(scope="session")
def v3_keys(tmp_path_factory):
    """The merchant's and WeChat Pay's key pairs and the APIv3 key, shared with the sandbox."""
    return ensure_demo_keys(tmp_path_factory.mktemp("wechatpay"))


@pytest.fixture(scope="session")
def sandbox_server(v3_keys):
    app = create_app({**SANDBOX_CONFIG, "keys_dir": str(v3_keys.folder)})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Sandbox(f"http://127.0.0.1:{server.server_port}/")
    server.shutdown()


@pytest.fixture(scope="session")
def receiver_server():
    state = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            receiver = state["receiver"]
            with receiver.lock:
                receiver.received.append((self.path, body, dict(self.headers.items())))
                refuse = receiver.refusals_left > 0
                receiver.refusals_left -= 1 if refuse else 0
            reply = WeChatPayV2.reply(not refuse, "busy").body
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state["receiver"] = Receiver(f"http://127.0.0.1:{server.server_port}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state["receiver"]
    server.shutdown()


@pytest.fixture
def sandbox(sandbox_server):
    sandbox_server.control("POST", "reset")
    yield sandbox_server
    sandbox_server.control("POST", "reset")


@pytest.fixture
def receiver(receiver_server):
    receiver_server.clear()
    return receiver_server


@pytest.fixture
def settings(sandbox):
    return WeChatSettings(appid=APPID, secret=SECRET, mch_id=MCH_ID, api_key=API_KEY,
                          api_base=sandbox.base_url, pay_api_base=sandbox.base_url, timeout=1.0)


@pytest.fixture
def gateway(settings):
    return WeChatPayV2(settings)


def v3_settings(keys, api_base: str | None, timeout: float = 1.0) -> WeChatPayV3Settings:
    return WeChatPayV3Settings(appid=APPID, mch_id=MCH_ID, mch_private_key=keys.merchant_private_key,
                               mch_serial=keys.merchant_serial_no, wechatpay_public_key=keys.wechatpay_public_key,
                               wechatpay_public_key_id=keys.wechatpay_public_key_id, apiv3_key=keys.apiv3_key,
                               api_base=api_base, timeout=timeout)


@pytest.fixture
def make_gateway_v3():
    """make_gateway_v3(keys, api_base, timeout=1.0): a v3 gateway with those keys against that host."""
    return lambda keys, api_base, timeout=1.0: WeChatPayV3(v3_settings(keys, api_base, timeout))


@pytest.fixture
def gateway_v3(sandbox, v3_keys, make_gateway_v3):
    return make_gateway_v3(v3_keys, sandbox.base_url)


@pytest.fixture
def miniprogram(settings):
    return MiniProgramClient(settings)


@pytest.fixture
def paid_order(sandbox, gateway, receiver):
    """An order of 1000 fen, paid, whose payment notification has arrived."""
    gateway.create_payment(out_trade_no="T1000", amount_fen=1000, description="测试商品", openid="sandbox-alice",
                           notify_url=receiver.url("/pay-notify"))
    transaction_id = sandbox.pay("T1000")
    _wait_for(lambda: receiver.bodies("/pay-notify"))
    return {"out_trade_no": "T1000", "transaction_id": transaction_id, "total_fee": 1000}
