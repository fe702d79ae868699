"""The warehouse's day on the 工作台 (issue 12 item 3): 待发货 counts paid orders not yet shipped, accepted or not."""
from shop.services import ordering
from support.orders import paid_order, staff
from support.shop import Shopper
from support.staff import Staff


def test_orders_to_ship_counts_paid_and_accepted_orders_until_shipped(client, sandbox):
    alice = Shopper(client)
    paid, accepted = paid_order(alice, sandbox), paid_order(alice, sandbox)
    alice.order()  # unpaid: nothing to ship yet
    ordering.accept_order(accepted["id"], staff("warehouse"))
    warehouse = Staff(client, "warehouse")

    todo = warehouse.ok("GET", "/todo")["todo"]

    assert todo["orders_to_ship"] == 2
    assert todo["total"] == 0  # a figure of the day's work, not an alert
    warehouse.ok("POST", f"/orders/{paid['id']}/ship", {"carrier": "顺丰速运", "tracking_no": "SF1234567890"})
    assert warehouse.ok("GET", "/todo")["todo"]["orders_to_ship"] == 1
