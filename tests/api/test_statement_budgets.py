"""Statement budgets (issue 13): one request sends at most this many SQL statements.

The API is bound by Python time per statement, so the count of statements is the figure that
keeps it fast at a million orders; a test here fails as soon as a change adds a query per row
(N+1) or re-reads what a request already holds. Each test warms the endpoint once (the in-process
policy cache), then counts one request. Counts, never timings.
"""
from datetime import timedelta

from sqlalchemy import select

from shop.db import Sku, StockLedger
from shop.domain import clock
from shop.extensions import db
from support.orders import paid_order
from support.shop import Shopper, first_sku_id, sku_stock
from support.staff import Staff
from support.statements import counting_statements

BUDGETS = {
    "shopper list": 2,  # 1: the shopper with their tab counts (which give the total), the page with lines and facts
    "shopper search": 3,  # 2: plus the count of matches
    "shopper detail": 3,  # the shopper, the order with everything its page shows
    "create": 7,  # 6: one read (the shopper, earlier order, address, SKUs, unpaid holdings), 5 writes; no read-back
    "cancel unpaid": 8,  # 7 (8 on SQLite): the order with its page and its shopper, order, stock back (ledger, SKU),
    # its event and the notice in one INSERT (one per event on SQLite), the messages (in-app, subscribe)
    "cancel paid": 12,  # 12 (11 on SQLite): the refund path too (lock, then order + refunds read; one order UPDATE)
    "admin list page": 5,
    "admin filtered list": 6,
    "admin detail": 5,
    "admin requests": 16,  # grows with the distinct shoppers on the page (risk metrics per shopper)
    "admin refunds": 5,
    "stats summary": 8,  # stored days, then today from the orders
    "stats by day": 5,
}


def within_budget(name: str, request):
    db.session.remove()  # a request of its own starts with an empty session, as in production
    with counting_statements() as log:
        reply = request()
    assert reply.status_code < 400, reply.get_data(as_text=True)[:300]
    assert len(log) <= BUDGETS[name], f"{name}: {len(log)} statements, budget {BUDGETS[name]}\n{log}"
    return reply.get_json()


def some_orders(shopper, sandbox, n: int = 3) -> list[dict]:
    """A shopper's order history: paid, unpaid and cancelled orders."""
    orders = [paid_order(shopper, sandbox)]
    orders += [shopper.order() for _ in range(n - 1)]
    shopper.post(f"/orders/{orders[-1]['id']}/cancel", {"reason_code": "changed_mind", "reason_text": ""})
    return orders


def test_shopper_order_list_reads_orders_lines_and_facts_at_once(client, sandbox):
    alice = Shopper(client)
    some_orders(alice, sandbox, 4)
    alice.get("/orders")
    body = within_budget("shopper list", lambda: alice.get("/orders"))
    assert len(body["items"]) == 4 and body["counts"]["all"] == 4
    within_budget("shopper search", lambda: alice.get("/orders", query_string={"q": "数据线"}))


def test_shopper_order_detail(client, sandbox):
    alice = Shopper(client)
    order = some_orders(alice, sandbox)[0]
    alice.detail(order["id"])
    body = within_budget("shopper detail", lambda: alice.get(f"/orders/{order['id']}"))
    assert body["status"] == "paid" and [e["kind"] for e in body["timeline"]] == ["placed", "paid"]


def test_creating_an_order_sends_no_reread_after_commit(client):
    alice = Shopper(client)
    alice.order()
    body = {"items": [{"sku_id": first_sku_id(), "quantity": 1}], "address_id": alice.address_id}
    order = within_budget("create", lambda: alice.post("/orders", body, headers={"Idempotency-Key": "budget-1"}))
    assert order["status"] == "pending_payment" and order["actions"] and len(order["timeline"]) == 1
    assert order == alice.detail(order["id"])  # answered from what the create wrote: the same as a fresh read


def sku_of(parameters) -> int:
    """The SKU of a stock UPDATE (`SET stock = stock ± :quantity WHERE id = :sku ...`), named or positional."""
    return parameters["sku"] if isinstance(parameters, dict) else parameters[1]


def test_an_order_of_several_lines_writes_each_table_once(client):
    """Lines and their stock ledger rows go in one INSERT each, however many lines; the stock, one UPDATE a SKU,
    goes last, by SKU id whatever the lines' order (inventory.write_stock); the answer is the order as a fresh read
    shows it."""
    alice = Shopper(client)
    skus = list(db.session.scalars(select(Sku.id).order_by(Sku.id).limit(3)))
    before = {s: sku_stock(s) for s in skus}
    body = {"items": [{"sku_id": s, "quantity": 2} for s in reversed(skus)], "address_id": alice.address_id}
    alice.order()
    db.session.remove()
    with counting_statements() as log:
        order = alice.post("/orders", body).get_json()
    sent = [(" ".join(s.split()[:3]), p) for s, p in log.writes()]
    writes = [w for w, _ in sent]
    if db.engine.dialect.name == "postgresql":  # SQLAlchemy sends SQLite a row at a time when it needs the ids
        assert writes == ["INSERT INTO orders", "INSERT INTO order_lines", "INSERT INTO stock_ledger",
                          "INSERT INTO order_events", *["UPDATE skus SET"] * 3], str(log)
    assert writes[-3:] == ["UPDATE skus SET"] * 3 and "UPDATE skus SET" not in writes[:-3], str(log)
    assert [sku_of(p) for _, p in sent[-3:]] == skus, str(log)
    assert [line["sku_id"] for line in order["items"]] == skus[::-1] and order == alice.detail(order["id"])
    assert {s: sku_stock(s) for s in skus} == {s: before[s] - 2 - (s == skus[0]) for s in skus}
    ledger = db.session.execute(select(StockLedger.sku_id, StockLedger.change, StockLedger.order_line_id)
                                .where(StockLedger.order_id == order["id"]).order_by(StockLedger.id)).all()
    assert ledger == [(s, -2, line["id"]) for s, line in zip(skus[::-1], order["items"])]


def test_cancelling_unpaid_and_paid_orders(client, sandbox):
    alice = Shopper(client)
    unpaid, paid = alice.order(), paid_order(alice, sandbox)
    reason = {"reason_code": "changed_mind", "reason_text": ""}
    body = within_budget("cancel unpaid", lambda: alice.post(f"/orders/{unpaid['id']}/cancel", reason))
    assert body["status"] == "cancelled"
    assert body == alice.detail(unpaid["id"])  # answered from what the cancel wrote: the same as a fresh read
    body = within_budget("cancel paid", lambda: alice.post(f"/orders/{paid['id']}/cancel", reason))
    assert body["status"] == "cancelled" and body["refunds"] and body["refund_status"] == "refunding"
    assert [e["kind"] for e in body["timeline"]][-3:] == ["cancelled", "refund_created", "decision_notice"]
    assert body == alice.detail(paid["id"])


def test_a_cancel_gives_its_stock_back_last(client, sandbox):
    """An unpaid or a paid cancel writes the SKU's stock after everything else (events, messages, the refund), so
    the row of a popular SKU stays locked for the COMMIT alone (inventory.write_stock)."""
    alice = Shopper(client)
    sku, reason = first_sku_id(), {"reason_code": "changed_mind", "reason_text": ""}
    for order in (alice.order(), paid_order(alice, sandbox)):
        before = sku_stock(sku)
        db.session.remove()
        with counting_statements() as log:
            body = alice.post(f"/orders/{order['id']}/cancel", reason).get_json()
        assert body["status"] == "cancelled", body
        writes = log.writes()
        assert writes[-1][0].startswith("UPDATE skus") and sku_of(writes[-1][1]) == sku, str(log)
        assert not any(s.startswith("UPDATE skus") for s, _ in writes[:-1]), str(log)
        assert sku_stock(sku) == before + 1


def test_admin_order_list_page_batches_every_row(client, sandbox):
    for code in ("alice", "bob", "carol"):
        some_orders(Shopper(client, code), sandbox)
    admin = Staff(client, "admin")
    admin.ok("GET", "/orders")
    body = within_budget("admin list page", lambda: admin.get("/orders"))
    assert len(body["items"]) == 9 and all(row["actions"] is not None for row in body["items"])
    within_budget("admin filtered list", lambda: admin.get("/orders", status="paid", sort="total_fen",
                                                           product="数据线"))


def test_admin_order_detail(client, sandbox):
    order = some_orders(Shopper(client), sandbox)[0]
    admin = Staff(client, "admin")
    admin.ok("GET", f"/orders/{order['id']}")
    body = within_budget("admin detail", lambda: admin.get(f"/orders/{order['id']}"))
    assert "accept" in body["actions"]


def test_admin_requests_and_refunds_lists(client, sandbox):
    for code in ("alice", "bob"):
        shopper = Shopper(client, code)
        paid_order(shopper, sandbox)
        order = paid_order(shopper, sandbox)
        shopper.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind", "reason_text": ""})
    clock.advance(timedelta(minutes=40))
    for code in ("alice", "bob"):
        shopper = Shopper(client, code)
        order = shopper.get("/orders", query_string={"status": "paid"}).get_json()["items"][0]
        shopper.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind", "reason_text": ""})
    supervisor = Staff(client, "supervisor")
    supervisor.ok("GET", "/requests")
    body = within_budget("admin requests", lambda: supervisor.get("/requests"))
    assert len(body["items"]) == 2
    finance = Staff(client, "finance")
    finance.ok("GET", "/refunds")
    body = within_budget("admin refunds", lambda: finance.get("/refunds"))
    assert len(body["items"]) == 2


def test_statistics_read_a_bounded_number_of_statements(client, sandbox):
    some_orders(Shopper(client), sandbox)
    admin = Staff(client, "admin")
    admin.ok("GET", "/stats/summary")
    body = within_budget("stats summary", lambda: admin.get("/stats/summary"))
    assert body
    body = within_budget("stats by day", lambda: admin.get("/stats/cancellations", group_by="day"))
    assert body["totals"]["count"] == 1
