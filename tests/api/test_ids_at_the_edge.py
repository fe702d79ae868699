"""Bad numbers get clear answers and change nothing (issue 10): ids beyond the column range are 404 in a path
and 422 in a body, on SQLite and PostgreSQL; a quantity is a true integer."""
import pytest
from sqlalchemy import func, select

from shop.db import Order
from shop.extensions import db
from support.shop import Shopper, first_sku_id
from support.staff import Staff

TOO_BIG = [2**31, 2**63]


@pytest.mark.parametrize("order_id", TOO_BIG)
def test_an_order_id_beyond_the_column_range_is_not_found(client, order_id):
    alice = Shopper(client)
    for reply in (alice.get(f"/orders/{order_id}"), alice.post(f"/orders/{order_id}/cancel", {"reason_code": "other"}),
                  Staff(client, "admin").get(f"/orders/{order_id}"),
                  Staff(client, "admin").post(f"/requests/{order_id}/approve", {})):
        assert reply.status_code == 404, reply.get_data(as_text=True)[:200]
        assert reply.get_json()["error"]["code"]


def order_body(alice, **changes) -> dict:
    return {"items": [{"sku_id": first_sku_id(), "quantity": 1}], "address_id": alice.address_id, **changes}


@pytest.mark.parametrize("changes, field", [
    ({"items": [{"sku_id": 2**31, "quantity": 1}]}, "items"),
    ({"items": [{"sku_id": 2**63, "quantity": 1}]}, "items"),
    ({"address_id": 2**31}, "address_id"),
    ({"address_id": 2**63}, "address_id"),
    ({"coupon_id": 2**31}, "coupon_id"),
    ({"coupon_id": 0}, "coupon_id"),
    ({"items": [{"sku_id": "1", "quantity": 1}]}, "items"),
])
def test_a_body_id_outside_the_range_is_a_validation_error(client, changes, field):
    alice = Shopper(client)
    reply = alice.post("/orders", order_body(alice, **changes))
    assert reply.status_code == 422, reply.get_data(as_text=True)[:300]
    assert reply.get_json()["error"]["code"] == "VALIDATION_ERROR"
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


@pytest.mark.parametrize("quantity", [1.5, "2", 0, 1000, True])
def test_a_quantity_is_a_whole_number_of_units(client, quantity):
    alice = Shopper(client)
    reply = alice.post("/orders", order_body(alice, items=[{"sku_id": first_sku_id(), "quantity": quantity}]))
    assert reply.status_code == 422, reply.get_data(as_text=True)[:300]
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_a_fractional_quantity_change_is_refused(client):
    alice = Shopper(client)
    order = alice.order([(first_sku_id(), 2)])
    line_id = order["items"][0]["id"]
    for lines in ([{"line_id": line_id, "quantity": 1.5}], [{"line_id": 2**31, "quantity": 1}]):
        assert alice.patch(f"/orders/{order['id']}", {"lines": lines}).status_code == 422
    assert alice.detail(order["id"])["items"][0]["quantity"] == 2
