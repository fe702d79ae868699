from support.services import wait_until
from support.shop import Shopper, first_sku_id, sku_stock


def test_login_with_code_alice_is_always_the_same_shopper(client):
    first = Shopper(client, "alice")
    again = Shopper(client, "alice")
    assert first.user["id"] == again.user["id"]
    assert Shopper(client, "bob").user["id"] != first.user["id"]


def test_order_is_placed_paid_through_the_sandbox_and_shows_a_timeline(client, sandbox):
    alice = Shopper(client)
    sku = first_sku_id()
    before = sku_stock(sku)
    order = alice.order([(sku, 2)])
    assert order["status"] == "pending_payment"
    assert order["actions"][:2] == ["pay", "cancel"]
    assert sku_stock(sku) == before - 2

    alice.pay(order, sandbox)
    paid = wait_until(lambda: (d := alice.detail(order["id"]))["status"] == "paid" and d)
    assert paid["paid_fen"] == order["total_fen"]
    assert [e["kind"] for e in paid["timeline"]] == ["placed", "paid"]
    assert "pay" not in paid["actions"]
