"""The warehouse's order list (issue 12): status tabs with counts in the list's reply, and exports that
open right in Excel — small ones in the request, large ones as a job with progress and a download."""
from shop.services import admin_queries
from support.staff import Staff
from support.workers import run_jobs
from support.xlsx import sheet_cells
from test_admin_orders import day_ago, sku_of, three_orders


def test_the_order_list_counts_every_status_under_the_other_filters(client, sandbox):
    three_orders(client, sandbox)
    staff = Staff(client, "service")
    counts = {tab["status"]: tab for tab in staff.ok("GET", "/orders")["status_counts"]}
    assert {s: t["count"] for s, t in counts.items()} == {
        "pending_payment": 2, "paid": 1, "accepted": 0, "shipped": 0, "completed": 0, "cancelled": 0}
    assert counts["paid"]["label"] == "待发货" and not counts["paid"]["capped"]
    page = staff.ok("GET", "/orders", query={"status": "paid"})
    assert page["total"] == 1 and len(page["items"]) == 1
    # the tabs keep counting every status, under the shopper filter only
    page = staff.ok("GET", "/orders", query={"status": "paid", "shopper": "13900139000"})
    assert page["total"] == 0
    assert {t["status"]: t["count"] for t in page["status_counts"]}["pending_payment"] == 1


def test_a_large_export_runs_as_a_job_and_only_its_owner_downloads_it(client, sandbox, app, monkeypatch, tmp_path):
    alice, bob, cable, cups, earbuds = three_orders(client, sandbox)
    monkeypatch.setitem(app.config, "EXPORT_DIR", str(tmp_path))
    monkeypatch.setattr(admin_queries, "COUNT_CAP", 2)  # three orders are "more than the cap" here
    finance = Staff(client, "finance")
    refused = finance.call("GET", "/orders/export.xlsx")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "EXPORT_TOO_LARGE"

    started = finance.call("POST", "/orders/exports", {"shopper": "", "sort": "created_at"})
    assert started.status_code == 202, started.get_json()
    export = started.get_json()
    assert export["status"] == "queued" and export["progress"] == 0
    with app.app_context():
        run_jobs()
    done = finance.ok("GET", f"/orders/exports/{export['id']}")
    assert done["status"] == "ready" and done["progress"] == 100 and done["total"] == 3

    file = finance.call("GET", f"/orders/exports/{export['id']}/file")
    assert file.status_code == 200
    rows = sheet_cells(file.get_data())
    assert sorted(row[0] for row in rows[1:]) == sorted(("s", o["order_no"]) for o in (cable, cups, earbuds))
    header = [text for _, text in rows[0]]
    nicknames = {row["shopper_nickname"] for row in finance.ok("GET", "/orders")["items"]}
    assert {row[header.index("顾客昵称")][1] for row in rows[1:]} == nicknames  # names, never an internal id

    stranger = Staff(client, "supervisor").call("GET", f"/orders/exports/{export['id']}")
    assert stranger.status_code == 404 and stranger.get_json()["error"]["code"] == "EXPORT_NOT_FOUND"


def test_a_product_filter_counts_its_matches_once_and_caps_them_in_all(client, sandbox, monkeypatch):
    """A product filter counts the statuses among its first COUNT_CAP + 1 matches in one statement: exact
    below the cap (probing a few days' orders for the product, or led by the product's lines), floors
    marked capped past it; a chosen status still gets its own capped total."""
    alice, bob, cable, cups, earbuds = three_orders(client, sandbox)
    alice.order([(sku_of("保温杯"), 1)])
    staff = Staff(client, "service")

    def tabs(**query):
        page = staff.ok("GET", "/orders", query={"product": "保温杯", **query})
        return {t["status"]: (t["count"], t["capped"]) for t in page["status_counts"] if t["count"] or t["capped"]}

    assert tabs() == {"pending_payment": (2, False)}
    assert tabs(created_from=day_ago(6)) == {"pending_payment": (2, False)}  # a week: each order probed
    assert tabs(created_from=day_ago(3)) == {"pending_payment": (1, False)}
    assert tabs(created_from=day_ago(90)) == {"pending_payment": (2, False)}  # led by the product's lines
    assert tabs(shopper="李四") == {"pending_payment": (1, False)}
    assert tabs(product="耳机") == {"paid": (1, False)}

    monkeypatch.setattr(admin_queries, "COUNT_CAP", 1)
    counts = staff.ok("GET", "/orders", query={"product": "保温杯"})["status_counts"]
    assert {t["status"]: (t["count"], t["capped"]) for t in counts} == {
        "pending_payment": (1, True), "paid": (0, True), "accepted": (0, True), "shipped": (0, True),
        "completed": (0, True), "cancelled": (0, True)}
    page = staff.ok("GET", "/orders", query={"product": "保温杯", "status": "pending_payment"})
    assert page["total"] == 1 and page["total_capped"] and len(page["items"]) == 2
