"""Q1: the shopper's order carries its parcel (物流) once shipped: carrier, tracking number, state, events."""
from support.orders import paid_order
from support.shop import Shopper
from support.staff import Staff


def test_an_unshipped_order_has_no_parcel(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    assert alice.detail(order["id"])["logistics"] is None


def test_a_shipped_order_shows_its_parcel_and_its_events_oldest_first_in_chinese(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    warehouse = Staff(client, "warehouse")
    warehouse.ok("POST", f"/orders/{order['id']}/ship", {"carrier": "中通快递", "tracking_no": "ZT1234567890"})

    parcel = alice.detail(order["id"])["logistics"]
    assert (parcel["carrier"], parcel["tracking_no"], parcel["status_label"]) == ("中通快递", "ZT1234567890", "运输中")
    assert parcel["shipped_at"].endswith("+08:00")
    assert [e["label"] for e in parcel["events"]] == ["商家已发货"]
    assert parcel["events"][0]["data"] == {"carrier": "中通快递", "tracking_no": "ZT1234567890"}

    warehouse.ok("POST", f"/orders/{order['id']}/delivered")
    parcel = alice.detail(order["id"])["logistics"]
    assert parcel["status_label"] == "已签收"
    assert [e["kind"] for e in parcel["events"]] == ["shipped", "delivered"]

    alice.post(f"/orders/{order['id']}/confirm-receipt")
    assert alice.detail(order["id"])["logistics"]["status_label"] == "已确认收货"
