"""Walk the happy path against a running `make run`: log in as alice, order, pay, see it paid.

    .venv/bin/python scripts/smoke.py [--api http://127.0.0.1:8000] [--sandbox http://127.0.0.1:8001]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import uuid

import requests


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
    parser.add_argument("--sandbox", default=f"http://127.0.0.1:{os.environ.get('SANDBOX_PORT', '8001')}")
    args = parser.parse_args()
    api = args.api.rstrip("/") + "/api"

    health = requests.get(f"{api}/health", timeout=5).json()
    print("health:", health["status"])
    login = requests.post(f"{api}/mp/auth/login", json={"code": "alice"}, timeout=5).json()
    auth = {"Authorization": f"Bearer {login['token']}"}
    print("logged in as shopper", login["user"]["id"], "(openid sandbox-alice)")
    address = requests.post(f"{api}/mp/addresses", headers=auth, timeout=5, json={
        "receiver": "张三", "phone": "13800138000", "province": "广东省", "city": "深圳市",
        "district": "南山区", "detail": "科技园路 1 号"}).json()
    product = requests.get(f"{api}/mp/products", timeout=5).json()["items"][0]
    order = requests.post(f"{api}/mp/orders", timeout=5, headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
                          json={"items": [{"sku_id": product["skus"][0]["id"], "quantity": 1}],
                                "address_id": address["id"]}).json()
    print(f"order {order['order_no']}: {order['status_label']}, total {order['total_fen']} fen")
    pay = requests.post(f"{api}/mp/orders/{order['id']}/pay", headers=auth, timeout=10).json()
    paid = requests.post(f"{args.sandbox}/__control__/pay", json={"out_trade_no": pay["out_trade_no"]}, timeout=5)
    print("sandbox paid, transaction", paid.json()["transaction_id"])
    for _ in range(50):
        detail = requests.get(f"{api}/mp/orders/{order['id']}", headers=auth, timeout=5).json()
        if detail["status"] == "paid":
            break
        time.sleep(0.2)
    print(f"order is now {detail['status']} ({detail['status_label']}); timeline:")
    for entry in detail["timeline"]:
        print(f"  {entry['at']}  {entry['label']}")
    return 0 if detail["status"] == "paid" else 1


if __name__ == "__main__":
    sys.exit(main())
