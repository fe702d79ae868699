"""D1–D2: delete hides a finished order from the shopper only."""
from sqlalchemy import select

from shop.db import Order, OrderEvent
from shop.extensions import db
from support.shop import Shopper
from support.orders import paid_order


def test_cancelled_order_is_deleted_for_the_shopper_only_and_counts_update(client):
    alice = Shopper(client)
    order = alice.order()
    alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"})
    detail = alice.detail(order["id"])
    assert "delete" in detail["actions"] and "售后" in detail["delete_warning"]
    assert alice.get("/orders").get_json()["counts"]["cancelled"] == 1
    reply = alice.delete(f"/orders/{order['id']}")
    assert reply.status_code == 204
    assert alice.get(f"/orders/{order['id']}").status_code == 404
    listing = alice.get("/orders").get_json()
    assert listing["total"] == 0 and listing["counts"]["cancelled"] == 0 and listing["counts"]["all"] == 0
    db.session.expire_all()
    kept = db.session.get(Order, order["id"])
    assert kept is not None and kept.deleted_by_shopper_at is not None
    kinds = db.session.scalars(select(OrderEvent.kind).where(OrderEvent.order_id == order["id"])).all()
    assert kinds[-1] == "deleted"
    assert alice.delete(f"/orders/{order['id']}").status_code == 404


def test_unfinished_order_or_refund_in_progress_cannot_be_deleted(client, sandbox):
    alice = Shopper(client)
    unpaid = alice.order()
    reply = alice.delete(f"/orders/{unpaid['id']}")
    assert reply.status_code == 409
    assert reply.get_json()["error"] == {"code": "ORDER_NOT_DELETABLE", "message": "只有已完成或已取消的订单可以删除"}
    assert alice.detail(unpaid["id"])["delete_warning"] is None
    paid = paid_order(alice, sandbox)
    alice.post(f"/orders/{paid['id']}/cancel", {"reason_code": "changed_mind"})  # refund queued, not yet paid out
    reply = alice.delete(f"/orders/{paid['id']}")
    assert reply.status_code == 409 and reply.get_json()["error"]["message"] == "退款处理中，暂不能删除订单"
    assert alice.detail(paid["id"])["status"] == "cancelled"


def test_someone_elses_order_cannot_be_deleted(client):
    alice, bob = Shopper(client, "alice"), Shopper(client, "bob")
    order = alice.order()
    alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"})
    assert bob.delete(f"/orders/{order['id']}").status_code == 404
    assert alice.detail(order["id"])["status"] == "cancelled"
