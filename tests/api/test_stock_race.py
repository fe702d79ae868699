"""O3: stock is reserved atomically; concurrent buyers never oversell."""
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select, update

from shop.db import Order, Sku, StockLedger
from shop.extensions import db
from support.shop import Shopper, first_sku_id, sku_stock


def test_thirty_buyers_racing_for_five_units_get_exactly_five_orders(pgapp):
    sku_id = first_sku_id()
    db.session.execute(update(Sku).where(Sku.id == sku_id).values(stock=5))
    db.session.commit()
    buyers = [Shopper(pgapp.test_client(), f"racer{i}") for i in range(30)]
    for buyer in buyers:
        assert buyer.address_id

    def buy(buyer):
        reply = buyer.post("/orders", {"items": [{"sku_id": sku_id, "quantity": 1}], "address_id": buyer.address_id})
        return reply.status_code, reply.get_json()

    with ThreadPoolExecutor(max_workers=30) as pool:
        results = list(pool.map(buy, buyers))

    codes = sorted(code for code, _ in results)
    assert codes.count(201) == 5
    assert codes.count(409) == 25
    assert all(body["error"]["code"] == "OUT_OF_STOCK" for code, body in results if code == 409)
    assert sku_stock(sku_id) == 0
    assert db.session.scalar(select(func.count()).select_from(Order)) == 5
    reserved = db.session.scalar(select(func.sum(StockLedger.change)).where(
        StockLedger.sku_id == sku_id, StockLedger.kind == "reserve"))
    assert reserved == -5


def test_out_of_stock_order_changes_nothing(client):
    alice = Shopper(client)
    sku_id = first_sku_id()
    # Few units left, so the order stays within the per-shopper unit cap and meets the stock check itself.
    db.session.execute(update(Sku).where(Sku.id == sku_id).values(stock=3))
    db.session.commit()
    before = sku_stock(sku_id)
    reply = alice.post("/orders", {"items": [{"sku_id": sku_id, "quantity": before + 1}],
                                   "address_id": alice.address_id})
    assert reply.status_code == 409
    assert reply.get_json()["error"]["code"] == "OUT_OF_STOCK"
    assert "库存不足" in reply.get_json()["error"]["message"]
    assert sku_stock(sku_id) == before
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_an_order_refused_for_stock_leaves_nothing_behind_for_the_next(client):
    """The refused order's rows were written before its stock ran out: the rollback takes them back, in the
    database and in the session, so the next order (which SQLite gives the same id) is placed as usual."""
    alice = Shopper(client)
    first, second = db.session.scalars(select(Sku.id).order_by(Sku.id).limit(2)).all()
    db.session.execute(update(Sku).where(Sku.id == second).values(stock=1))
    db.session.commit()
    items = [{"sku_id": first, "quantity": 1}, {"sku_id": second, "quantity": 2}]
    reply = alice.post("/orders", {"items": items, "address_id": alice.address_id})
    assert reply.status_code == 409 and reply.get_json()["error"]["code"] == "OUT_OF_STOCK"
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    order = alice.order([(first, 1), (second, 1)])
    assert [line["quantity"] for line in order["items"]] == [1, 1] and order == alice.detail(order["id"])
    assert sku_stock(second) == 0
