"""Demo orders for `make run`: work waiting in the admin, made through the real APIs and the sandbox.

    .venv/bin/python scripts/demo_scenarios.py [--api http://127.0.0.1:8000] [--sandbox http://127.0.0.1:8001]

Leaves, for a first look at the admin:
- 待审核的取消申请: a paid order the warehouse had accepted, which the shopper then asked to cancel;
- 一笔失败的退款: WeChat refuses the refund of a cancelled order every time (SYSTEM_ERROR), so after its
  automatic retries it is `abnormal` and waits for finance (the fault is used up by then, so
  finance's manual retry goes through);
- 一个待收货的退货: a received order the shopper returned; staff agreed and the parcel is on its way
  back, waiting for the warehouse to confirm receipt;
- a few ordinary orders in other states (unpaid, paid, shipped, completed).
Runs only while the demo shopper (code `demo`) has no orders, so `make run` twice does not pile them up.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import uuid

import requests

ADDRESSES = [
    {"receiver": "张三", "phone": "13800138000", "province": "广东省", "city": "深圳市", "district": "南山区",
     "detail": "科技园路 1 号 2 栋 301"},
    {"receiver": "李娜", "phone": "13912345678", "province": "浙江省", "city": "杭州市", "district": "西湖区",
     "detail": "文三路 90 号 5 单元 602"},
    {"receiver": "王强", "phone": "13700001111", "province": "北京市", "city": "北京市", "district": "朝阳区",
     "detail": "建国路 88 号 SOHO 现代城 1 号楼 1203"},
]


class Demo:
    def __init__(self, api: str, sandbox: str):
        self.api, self.sandbox = api.rstrip("/") + "/api", sandbox.rstrip("/")
        self.http = requests.Session()
        self.staff = {}

    def call(self, method: str, path: str, token: str | None = None, expect: int | tuple = (200, 201), **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        reply = self.http.request(method, self.api + path, headers=headers, timeout=15, **kwargs)
        expected = (expect,) if isinstance(expect, int) else expect
        if reply.status_code not in expected:
            raise RuntimeError(f"{method} {path}: HTTP {reply.status_code} {reply.text[:300]}")
        return reply.json() if reply.content else None

    def control(self, path: str, body: dict) -> dict:
        reply = self.http.post(f"{self.sandbox}/__control__/{path}", json=body, timeout=10)
        reply.raise_for_status()
        return reply.json()

    def staff_token(self, username: str) -> str:
        if username not in self.staff:
            self.staff[username] = self.call("POST", "/admin/auth/login",
                                             json={"username": username, "password": "demo1234"})["token"]
        return self.staff[username]

    def shopper(self, code: str, address: dict) -> tuple[str, int]:
        token = self.call("POST", "/mp/auth/login", json={"code": code})["token"]
        address_id = self.call("POST", "/mp/addresses", token, json=address)["id"]
        return token, address_id

    def order(self, shopper: tuple[str, int], items: list[tuple[int, int]], remark: str = "") -> dict:
        token, address_id = shopper
        return self.call("POST", "/mp/orders", token, headers={"Idempotency-Key": uuid.uuid4().hex}, json={
            "items": [{"sku_id": s, "quantity": q} for s, q in items], "address_id": address_id, "remark": remark})

    def paid(self, shopper, items) -> dict:
        order = self.order(shopper, items)
        out_trade_no = self.call("POST", f"/mp/orders/{order['id']}/pay", shopper[0])["out_trade_no"]
        self.control("pay", {"out_trade_no": out_trade_no})
        return self.wait(shopper, order["id"], lambda o: o["status"] == "paid")

    def wait(self, shopper, order_id: int, condition, seconds: float = 60) -> dict:
        deadline = time.monotonic() + seconds
        while True:
            order = self.call("GET", f"/mp/orders/{order_id}", shopper[0])
            if condition(order):
                return order
            if time.monotonic() > deadline:
                raise RuntimeError(f"order {order_id} did not reach the expected state: {order['status']}")
            time.sleep(0.3)

    def accept_and_ship(self, order_id: int, ship: bool = True) -> None:
        self.call("POST", f"/admin/orders/{order_id}/accept", self.staff_token("warehouse"))
        if ship:
            self.call("POST", f"/admin/orders/{order_id}/ship", self.staff_token("warehouse"),
                      json={"carrier": "顺丰速运", "tracking_no": f"SF{int(time.time() * 1000) % 10**12:012d}"})

    def confirm_receipt(self, shopper, order_id: int) -> None:
        """As the mini-program does: inside WeChat when WeChat manages the order's shipping (the sandbox
        plays the shopper once the shipment has reached WeChat), then tell the shop."""
        order = self.call("GET", f"/mp/orders/{order_id}", shopper[0])
        if "confirm_receipt_in_wechat" in order["actions"]:
            trade_no = order["wechat_confirm"]["merchant_trade_no"]
            deadline = time.monotonic() + 60
            while True:
                reply = self.http.post(f"{self.sandbox}/__control__/shipping/confirm",
                                       json={"out_trade_no": trade_no}, timeout=10)
                if reply.status_code == 200:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"WeChat never saw the shipment of order {order_id}: {reply.text[:200]}")
                time.sleep(0.3)
        self.call("POST", f"/mp/orders/{order_id}/confirm-receipt", shopper[0])


def skus(demo: Demo) -> list[int]:
    products = demo.call("GET", "/mp/products?per_page=50")["items"]
    return [p["skus"][0]["id"] for p in products]


def main() -> int:
    parser = argparse.ArgumentParser(description="Demo orders for make run")
    parser.add_argument("--api", default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
    parser.add_argument("--sandbox", default=f"http://127.0.0.1:{os.environ.get('SANDBOX_PORT', '8001')}")
    args = parser.parse_args()
    demo = Demo(args.api, args.sandbox)
    # The demo shoppers' own orders are made once; the 90 days of history (flask seed-history) are others'.
    alice_token = demo.call("POST", "/mp/auth/login", json={"code": "demo"})["token"]
    if demo.call("GET", "/mp/orders?per_page=1", alice_token)["total"] > 0:
        print("  demo orders: the demo shopper already has orders, none added")
        return 0
    sku = skus(demo)
    alice, bob, carol = (demo.shopper(code, address) for code, address in
                         zip(("demo", "demo-bob", "demo-carol"), ADDRESSES))

    # A cancel request waiting for a supervisor: accepted orders are no longer cancelled automatically.
    order = demo.paid(alice, [(sku[2], 1), (sku[0], 2)])
    demo.accept_and_ship(order["id"], ship=False)
    demo.call("POST", f"/mp/orders/{order['id']}/cancel", alice[0],
              json={"reason_code": "found_better", "reason_text": "在别家找到了更便宜的"})

    # A refund WeChat keeps refusing: abnormal after the automatic retries, for finance to retry by hand.
    order = demo.paid(bob, [(sku[5], 1)])
    retries = len(os.environ.get("REFUND_RETRY_INTERVALS", "").split(",")) if os.environ.get(
        "REFUND_RETRY_INTERVALS") else 5
    # The sandbox names the call and the error as the protocol in use does.
    endpoint, error = ("refund", "SYSTEMERROR") if os.environ.get("WECHATPAY_API") == "v2" else ("v3_refund",
                                                                                               "SYSTEM_ERROR")
    demo.control("faults", {"endpoint": endpoint, "error": error, "times": retries + 1})
    demo.call("POST", f"/mp/orders/{order['id']}/cancel", bob[0], json={"reason_code": "changed_mind"})

    # A return on its way back to the warehouse.
    order = demo.paid(carol, [(sku[6], 1)])
    demo.accept_and_ship(order["id"])
    demo.confirm_receipt(carol, order["id"])
    detail = demo.call("GET", f"/mp/orders/{order['id']}", carol[0])
    case = demo.call("POST", f"/mp/orders/{order['id']}/after-sales", carol[0], json={
        "type": "return_refund", "reason_code": "quality_issue", "reason_text": "杯盖有裂纹，漏水",
        "lines": [{"line_id": detail["items"][0]["id"], "quantity": 1}], "photos": []})
    request_id = demo.call("GET", f"/mp/orders/{order['id']}", carol[0])["open_request"]["id"]
    demo.call("POST", f"/admin/requests/{request_id}/approve", demo.staff_token("supervisor"),
              json={"note": "请寄回检测"})
    demo.call("POST", f"/mp/after-sales/{case['id']}/return-shipment", carol[0],
              json={"carrier": "中通快递", "tracking_no": "ZT7788990011"})

    # Ordinary orders in other states.
    demo.order(alice, [(sku[11], 1)], remark="请尽快发货")
    demo.paid(bob, [(sku[14], 2)])
    shipped = demo.paid(carol, [(sku[17], 1)])
    demo.accept_and_ship(shipped["id"])
    done = demo.paid(alice, [(sku[20], 1)])
    demo.accept_and_ship(done["id"])
    demo.confirm_receipt(alice, done["id"])
    print("  demo orders: a cancel request (审核), a refund WeChat keeps refusing (退款, abnormal in about "
          "a minute), a return on its way back (售后), and orders in every state")
    return 0


if __name__ == "__main__":
    sys.exit(main())
