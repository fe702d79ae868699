"""A shopper driving the mini-program API through the Flask test client."""
from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from shop.db import Sku
from shop.extensions import db

ADDRESS = {"receiver": "张三", "phone": "13800138000", "province": "广东省", "city": "深圳市",
           "district": "南山区", "detail": "科技园路 1 号 2 栋 301"}


class Shopper:
    def __init__(self, client, code: str = "alice"):
        self.client = client
        reply = client.post("/api/mp/auth/login", json={"code": code})
        assert reply.status_code == 200, reply.get_json()
        self.token = reply.get_json()["token"]
        self.user = reply.get_json()["user"]
        self._address_id = None

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path, **kwargs):
        return self.client.get(f"/api/mp{path}", headers=self.headers, **kwargs)

    def post(self, path, json=None, headers=None):
        return self.client.post(f"/api/mp{path}", json=json, headers={**self.headers, **(headers or {})})

    def patch(self, path, json=None):
        return self.client.patch(f"/api/mp{path}", json=json, headers=self.headers)

    def delete(self, path):
        return self.client.delete(f"/api/mp{path}", headers=self.headers)

    @property
    def address_id(self) -> int:
        if self._address_id is None:
            reply = self.post("/addresses", ADDRESS)
            assert reply.status_code == 201, reply.get_json()
            self._address_id = reply.get_json()["id"]
        return self._address_id

    def order(self, items: list[tuple[int, int]] | None = None, **extra) -> dict:
        items = items or [(first_sku_id(), 1)]
        body = {"items": [{"sku_id": s, "quantity": q} for s, q in items], "address_id": self.address_id, **extra}
        reply = self.post("/orders", body)
        assert reply.status_code == 201, reply.get_json()
        return reply.get_json()

    def pay(self, order: dict, sandbox) -> dict:
        reply = self.post(f"/orders/{order['id']}/pay")
        assert reply.status_code == 200, reply.get_json()
        sandbox.pay(reply.get_json()["out_trade_no"])
        return reply.get_json()

    def upload(self, data: bytes, filename: str = "evidence.png"):
        return self.client.post("/api/mp/uploads", headers=self.headers,
                                data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")

    def upload_photo(self) -> str:
        """The URL of an evidence photo this shopper uploaded."""
        reply = self.upload(image_bytes())
        assert reply.status_code == 201, reply.get_json()
        return reply.get_json()["url"]

    def detail(self, order_id: int) -> dict:
        reply = self.get(f"/orders/{order_id}")
        assert reply.status_code == 200, reply.get_json()
        return reply.get_json()


def first_sku_id() -> int:
    return db.session.scalar(select(Sku.id).order_by(Sku.id).limit(1))


def sku_stock(sku_id: int) -> int:
    return db.session.scalar(select(Sku.stock).where(Sku.id == sku_id).execution_options(populate_existing=True))


def image_bytes(fmt: str = "PNG", size=(40, 30), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, format=fmt, **save)
    return buffer.getvalue()
