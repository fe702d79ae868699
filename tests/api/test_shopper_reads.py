"""The shopper's read path at speed (issue 13): the order list from Core rows, both pages dumped by the
compiled schema dumper, read-only requests ending in COMMIT. Each answers exactly as before."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import event, exists, func, or_, select, text

from shop.api import fast_json
from shop.api.mp.orders import order_page_json
from shop.api.presenters import order_summary
from shop.api.schemas import OrderPageSchema, OrderSchema, ShanghaiDateTime
from shop.db import Order, OrderLine
from shop.domain.orders import OrderStatus
from shop.domain import labels
from shop.extensions import db
from shop.services import ordering, queries
from support.orders import paid_order
from support.shop import Shopper
from support.staff import Staff

QUERIES = [{}, {"status": "pending_payment"}, {"status": "paid"}, {"status": "shipped"}, {"status": "cancelled"},
           {"status": "refund"}, {"page": 2, "per_page": 2}, {"q": "数据线"}, {"q": "没有这种商品"},
           {"status": "cancelled", "q": "数据线"}, {"page": 9}]


def history(client, sandbox) -> tuple[Shopper, list[dict]]:
    """Unpaid, paid, shipped, cancelled unpaid with feedback, cancelled paid (refunded) orders."""
    alice = Shopper(client)
    orders = [alice.order(), paid_order(alice, sandbox), paid_order(alice, sandbox)]
    Staff(client, "warehouse").ok("POST", f"/orders/{orders[2]['id']}/ship",
                                  {"carrier": "中通快递", "tracking_no": "ZT1234567890"})
    reason = {"reason_code": "changed_mind", "reason_text": ""}
    unpaid = alice.order()
    assert alice.post(f"/orders/{unpaid['id']}/cancel", reason).status_code == 200
    assert alice.post(f"/orders/{unpaid['id']}/feedback", {"rating": 4, "text": "取消很方便"}).status_code == 201
    paid = paid_order(alice, sandbox)
    assert alice.post(f"/orders/{paid['id']}/cancel", reason).status_code == 200
    return alice, orders + [unpaid, paid]


def orm_list(shopper_id: int, tab: str | None, q: str | None, page: int, per_page: int):
    """The reference: the list as the ORM path read it before services/order_reads.py."""
    visible = (Order.shopper_id == shopper_id, Order.deleted_by_shopper_at.is_(None))
    counts = {tab: 0 for tab in queries.SHOPPER_TABS} | {"all": 0}
    for status, refund_status, n in db.session.execute(select(Order.status, Order.refund_status, func.count())
                                                       .where(*visible).group_by(Order.status, Order.refund_status)):
        counts["all"] += n
        counts["paid" if status == OrderStatus.ACCEPTED.value else status] += n
        if refund_status != "none":
            counts["refund"] += n
    query = select(Order).where(*visible)
    if tab in queries.SHOPPER_TABS:
        query = query.where(queries.SHOPPER_TABS[tab]())
    total = counts[tab if tab in queries.SHOPPER_TABS else "all"]
    if q and q.strip():
        term = q.strip()
        query = query.where(or_(Order.order_no == term, exists().where(
            OrderLine.order_id == Order.id, OrderLine.product_name.contains(term))))
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = queries.with_facts(query.order_by(Order.created_at.desc(), Order.id.desc())
                              .limit(per_page).offset((page - 1) * per_page))
    return rows, total, counts


def as_before_list(shopper_id: int, args: dict) -> dict:
    """The list as the ORM path and marshmallow gave it."""
    args = {"status": None, "q": None, "page": 1, "per_page": 10, **args}
    rows, total, counts = orm_list(shopper_id, args["status"], args["q"], args["page"], args["per_page"])
    body = {"items": [order_summary(order, queries.shopper_actions_of(facts), for_shopper=True)
                      for order, facts in rows],
            "total": total, "page": args["page"], "per_page": args["per_page"], "counts": counts,
            "tabs": labels.shopper_order_tabs(counts)}  # the mini-program's tabs (issue 12), from the same counts
    return body


def json_of(app, data):
    return app.json.loads(app.json.dumps(data))


def test_order_list_and_page_answer_as_the_orm_path_and_marshmallow_did(app, client, sandbox):
    alice, orders = history(client, sandbox)
    shopper_id = alice.user["id"]
    seen = set()
    for args in QUERIES:
        reply = alice.get("/orders", query_string=args)
        assert reply.status_code == 200, reply.get_json()
        before = as_before_list(shopper_id, args)
        assert fast_json.dumper(OrderPageSchema)(before) == OrderPageSchema().dump(before)
        assert reply.get_json() == json_of(app, OrderPageSchema().dump(before)), args
        seen.update(item["status"] for item in reply.get_json()["items"])
    assert seen == {"pending_payment", "paid", "shipped", "cancelled"}
    assert alice.get("/orders", query_string={"q": "数据线"}).get_json()["total"] == len(orders)
    carol = Shopper(client, "carol")  # no orders: the list's one row is the shopper's, with nothing counted
    assert carol.get("/orders").get_json() == json_of(app, OrderPageSchema().dump(as_before_list(carol.user["id"], {})))

    for order in orders:
        reply = alice.get(f"/orders/{order['id']}")
        assert reply.status_code == 200
        body = order_page_json(queries.viewable(ordering.get_order(order["id"], shopper_id, for_view=True)))
        assert fast_json.dumper(OrderSchema)(body) == OrderSchema().dump(body)
        assert reply.get_json() == json_of(app, OrderSchema().dump(body))
    page = alice.detail(orders[-1]["id"])
    assert page["refunds"] and page["timeline"] and "buttons" in page
    assert alice.detail(orders[-2]["id"])["feedback"]["text"] == "取消很方便"


def test_the_dumper_leaves_out_what_marshmallow_leaves_out():
    body = {"id": 1, "status": "paid", "created_at": None, "items": [{"id": 2, "quantity": "3"}], "extra": "x"}
    fast = fast_json.dumper(OrderSchema)(body)
    assert fast == OrderSchema().dump(body) == {"id": 1, "status": "paid", "created_at": None,
                                                 "items": [{"id": 2, "quantity": 3}]}


@pytest.mark.parametrize("moment", [
    datetime(2026, 12, 1, 4, 5, 6, tzinfo=timezone.utc), datetime(2026, 12, 1, 23, 59, 59, 1, tzinfo=timezone.utc),
    datetime(2026, 6, 30, 16, 0, 0, 120000, tzinfo=timezone.utc), datetime(1988, 7, 1, 12, 0, tzinfo=timezone.utc),
    datetime(2026, 1, 1, 0, 0)])  # 1988: Shanghai kept summer time (+09:00); a naive moment is taken as UTC
def test_the_dumper_writes_a_time_as_marshmallow_does(moment):
    assert fast_json.shanghai_iso(moment) == ShanghaiDateTime()._serialize(moment, None, None)


def test_a_reader_with_a_revoked_token_or_another_shoppers_order_is_refused(client):
    alice, bob = Shopper(client, "alice"), Shopper(client, "bob")
    order = alice.order()
    assert bob.get(f"/orders/{order['id']}").status_code == 404
    assert alice.post("/auth/logout").status_code == 204
    for path in ("/orders", f"/orders/{order['id']}"):
        reply = alice.get(path)
        assert reply.status_code == 401 and reply.get_json()["error"]["message"] == "登录已失效，请重新登录"


def test_a_request_that_only_read_ends_with_commit_any_other_with_rollback(app):
    ended = []
    listeners = {"commit": lambda conn: ended.append("commit"), "rollback": lambda conn: ended.append("rollback")}
    for name, listener in listeners.items():
        event.listen(db.engine, name, listener)
    try:
        def request(work, fails=False):
            ended.clear()
            with pytest.raises(RuntimeError) if fails else _nothing():
                with app.app_context():  # a request of its own: its session ends when the context does
                    work()
                    if fails:
                        raise RuntimeError("the view failed")
            return ended[-1:]

        assert request(lambda: db.session.execute(select(Order.id).limit(1)).all()) == ["commit"]
        assert request(lambda: db.session.connection().execute(select(Order.id).limit(1)).all()) == ["commit"]
        assert request(lambda: db.session.execute(text("UPDATE orders SET remark = remark WHERE id < 0"))) \
            == ["rollback"]
        assert request(lambda: db.session.execute(select(Order.id).limit(1)).all(), fails=True) == ["rollback"]

        def pending_change():
            order = Order(order_no="X1", shopper_id=1, goods_fen=1, total_fen=1, receiver_name="", receiver_phone="",
                          province="", city="", district="", address_detail="")
            db.session.execute(select(Order.id).limit(1)).all()
            db.session.add(order)
        assert request(pending_change) == ["rollback"]
        assert request(lambda: None) == []  # nothing read, nothing to end
    finally:
        for name, listener in listeners.items():
            event.remove(db.engine, name, listener)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
