"""S1 statistics on known data, the refund ledger and retry (R1, R4), with their audit rows."""
import csv
import io
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from shop.db import (AfterSale, AuditLog, Order, OrderEvent, OrderLine, OrderRequest, Product, Refund,
                     RefundAttempt, Shopper, Sku, StatsDaily, StatsDay, StockLedger)
from shop.domain import clock
from shop.extensions import db
from shop.services import stats
from support.staff import Staff


def moment(days_ago: int, hour: int) -> datetime:
    day = clock.to_shanghai(clock.now()).date() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour), tzinfo=clock.SHANGHAI).astimezone(timezone.utc)


def day(days_ago: int) -> str:
    return (clock.to_shanghai(clock.now()).date() - timedelta(days=days_ago)).isoformat()


def make_order(shopper, product_name, quantity, created, *, paid=None, accepted=None, cancelled=None, reason=None,
               canceller=("system", "系统"), released=0):
    sku = db.session.scalar(select(Sku).join(Product).where(Product.name == product_name).order_by(Sku.id))
    goods = sku.price_fen * quantity
    status = "cancelled" if cancelled else ("accepted" if accepted else ("paid" if paid else "pending_payment"))
    order = Order(order_no=f"T{created:%m%d%H%M%S}{shopper.id}{quantity}", shopper_id=shopper.id, status=status,
                  goods_fen=goods, total_fen=goods, paid_fen=goods if paid else 0, receiver_name="张三",
                  receiver_phone="13800138000", province="广东省", city="深圳市", district="南山区",
                  address_detail="科技园路 1 号", created_at=created, paid_at=paid, accepted_at=accepted,
                  cancelled_at=cancelled, cancel_reason_code=reason)
    db.session.add(order)
    db.session.flush()
    line = OrderLine(order_id=order.id, sku_id=sku.id, product_id=sku.product_id, product_name=product_name,
                     sku_name=sku.name, unit_price_fen=sku.price_fen, quantity=quantity, goods_fen=goods)
    db.session.add(line)
    db.session.flush()
    if cancelled:
        db.session.add(OrderEvent(order_id=order.id, kind="cancelled", actor_type=canceller[0], actor_name=canceller[1],
                                  from_status="paid", to_status="cancelled", created_at=cancelled))
    if released:
        db.session.add(StockLedger(sku_id=sku.id, change=released, kind="release", order_id=order.id,
                                   order_line_id=line.id, guard=f"release:{line.id}", created_at=cancelled))
    return order


def make_refund(order, amount, created, status, source="cancel", created_by="系统"):
    refund = Refund(order_id=order.id, out_refund_no=f"R{order.order_no}", amount_fen=amount, status=status,
                    source=source, reason="测试", created_by=created_by, created_at=created, attempts=1,
                    last_error_code="SYSTEMERROR" if status == "abnormal" else None)
    db.session.add(refund)
    db.session.flush()
    if status == "abnormal":
        db.session.add(RefundAttempt(refund_id=refund.id, number=1, outcome="failed", error_code="SYSTEMERROR",
                                     error_message="系统超时", created_at=created))
    return refund


@pytest.fixture(params=["from the orders", "from daily rollups"])
def known_data(app, request):
    source = request.param
    """Three cancellations (one per stage) and three refunds (one after-sales) in the last ten days.

    Every test runs twice: with the reports computed from the orders, and from the daily rollups the
    hourly job stores for closed days (the same figures either way)."""
    newbie = Shopper(openid="stats-a", nickname="新客甲", member_level=0, created_at=moment(20, 9))
    regular = Shopper(openid="stats-b", nickname="老客乙", member_level=2, created_at=moment(20, 9))
    db.session.add_all([newbie, regular])
    db.session.flush()
    make_order(newbie, "快充数据线", 1, moment(3, 10), cancelled=moment(3, 11), released=1)
    earlier = make_order(regular, "保温杯", 1, moment(10, 10), paid=moment(10, 10))
    earlier.status = "completed"
    changed_mind = make_order(regular, "纯棉毛巾", 2, moment(3, 12), paid=moment(3, 12), cancelled=moment(3, 13),
                              reason="changed_mind", canceller=("shopper", "老客乙"), released=2)
    out_of_stock = make_order(regular, "坚果礼盒", 1, moment(1, 9), paid=moment(1, 9), accepted=moment(1, 10),
                              cancelled=moment(1, 11), reason="out_of_stock", canceller=("staff", "王主管"))
    make_refund(changed_mind, 5000, moment(3, 13), "succeeded", created_by="老客乙")
    abnormal = make_refund(out_of_stock, 3000, moment(1, 11), "abnormal", created_by="王主管")
    after_sale_refund = make_refund(earlier, 1000, moment(2, 9), "succeeded", source="after_sale", created_by="系统")
    request = OrderRequest(order_id=earlier.id, shopper_id=regular.id, kind="after_sale", status="approved",
                           created_at=moment(2, 8))
    db.session.add(request)
    db.session.flush()
    db.session.add(AfterSale(request_id=request.id, order_id=earlier.id, shopper_id=regular.id, type="refund_only",
                             status="completed", reason_code="quality_issue", refund_id=after_sale_refund.id,
                             created_at=moment(2, 8)))
    db.session.commit()
    if source == "from daily rollups":
        assert stats.rebuild_rollups() >= 20  # every day since the first order up to yesterday
    return {"abnormal_refund_id": abnormal.id, "out_of_stock_order_no": out_of_stock.order_no}


def rows_by_key(report: dict) -> dict:
    return {row["key"]: row for row in report["rows"]}


def test_summary_counts_orders_cancellations_refunds_and_stock_returned(client, known_data):
    summary = Staff(client, "supervisor").ok("GET", "/stats/summary")
    assert summary["orders"] == 4 and summary["cancellations"] == 3 and summary["cancel_rate"] == 0.75
    assert summary["refunds"] == 3 and summary["refund_fen"] == 9000 and summary["refunded_fen"] == 6000
    assert summary["stock_returned"] == 3 and summary["abnormal_refunds"] == 1


def test_cancellations_by_stage_reason_operator_customer_group_and_category(client, known_data):
    staff = Staff(client, "finance")

    def report(group_by):
        return rows_by_key(staff.ok("GET", "/stats/cancellations", query={"group_by": group_by}))

    stage = report("stage")
    assert {k: r["count"] for k, r in stage.items()} == {"before_payment": 1, "after_payment": 1,
                                                         "after_acceptance": 1}
    assert stage["after_payment"]["label"] == "付款后（未受理）"
    reason = report("reason")
    assert {r["label"]: r["count"] for r in reason.values()} == {"未注明（含超时关闭）": 1, "改变主意": 1, "缺货": 1}
    assert {k: r["count"] for k, r in report("operator").items()} == {"系统": 1, "顾客": 1, "王主管": 1}
    groups = report("customer_group")
    assert {k: r["count"] for k, r in groups.items()} == {"new": 1, "returning": 2}
    assert groups["returning"]["label"] == "老客"
    assert {k: r["count"] for k, r in report("member_level").items()} == {"0": 1, "2": 2}
    category = report("category")
    assert {k: r["count"] for k, r in category.items()} == {"数码配件": 1, "居家日用": 1, "食品饮料": 1}
    assert category["居家日用"]["stock_returned"] == 2


def add_line(order, product_name, quantity):
    sku = db.session.scalar(select(Sku).join(Product).where(Product.name == product_name).order_by(Sku.id))
    db.session.add(OrderLine(order_id=order.id, sku_id=sku.id, product_id=sku.product_id, product_name=product_name,
                             sku_name=sku.name, unit_price_fen=sku.price_fen, quantity=quantity,
                             goods_fen=sku.price_fen * quantity))
    order.goods_fen += sku.price_fen * quantity
    order.total_fen = order.goods_fen


def test_a_cancellation_in_two_categories_counts_in_each_and_once_in_the_totals(client, known_data):
    """Two orders each with lines in two categories: one on a closed day (stored, when the rollups are), one a
    moment ago (always read from the orders). Each is a row of both its categories; the totals count it once."""
    shopper = Shopper(openid="stats-two", nickname="双类客", member_level=1, created_at=moment(20, 9))
    db.session.add(shopper)
    db.session.flush()
    earlier = make_order(shopper, "快充数据线", 1, moment(2, 14), cancelled=moment(2, 15))
    add_line(earlier, "纯棉毛巾", 1)
    db.session.commit()
    if db.session.scalar(select(StatsDay.day).limit(1)) is not None:
        stats.rebuild_rollups()  # the rollups' variant: the closed day's rows are stored again with this order
    now = clock.now()
    recent = make_order(shopper, "坚果礼盒", 1, now - timedelta(seconds=3), cancelled=now - timedelta(seconds=1))
    add_line(recent, "纯棉毛巾", 2)
    db.session.commit()
    report = Staff(client, "admin").ok("GET", "/stats/cancellations", query={"group_by": "category"})
    category = rows_by_key(report)
    assert {k: r["count"] for k, r in category.items()} == {"居家日用": 3, "数码配件": 2, "食品饮料": 2}
    assert category["居家日用"]["amount_fen"] == 3990 * 2 + earlier.total_fen + recent.total_fen
    assert report["totals"]["count"] == 5 and report["totals"]["orders"] == 6
    assert report["totals"]["amount_fen"] == sum(r["amount_fen"] for r in rows_by_key(Staff(client, "admin").ok(
        "GET", "/stats/cancellations", query={"group_by": "stage"})).values())
    assert report["totals"]["amount_fen"] < sum(r["amount_fen"] for r in report["rows"])


def test_cancellations_by_day_include_empty_days_and_the_cancel_rate(client, known_data):
    report = Staff(client, "admin").ok("GET", "/stats/cancellations",
                                       query={"group_by": "day", "from": day(10), "to": day(0)})
    assert len(report["rows"]) == 11
    by_day = rows_by_key(report)
    assert by_day[day(3)]["count"] == 2 and by_day[day(3)]["orders"] == 2 and by_day[day(3)]["cancel_rate"] == 1.0
    assert by_day[day(1)]["count"] == 1 and by_day[day(10)]["count"] == 0 and by_day[day(10)]["orders"] == 1
    assert by_day[day(5)]["cancel_rate"] is None
    totals = report["totals"]
    assert totals["count"] == 3 and totals["orders"] == 4 and totals["cancel_rate"] == 0.75
    assert report["totals"]["stock_returned"] == 3
    for group_by in ("week", "month"):
        rolled = Staff(client, "admin").ok("GET", "/stats/cancellations", query={"group_by": group_by})
        assert sum(r["count"] for r in rolled["rows"]) == 3


def test_refunds_by_stage_separate_after_sales_and_sum_amounts(client, known_data):
    staff = Staff(client, "finance")
    report = staff.ok("GET", "/stats/refunds", query={"group_by": "stage"})
    stage = rows_by_key(report)
    assert {k: (r["count"], r["amount_fen"]) for k, r in stage.items()} == {
        "after_payment": (1, 5000), "after_acceptance": (1, 3000), "after_sales": (1, 1000)}
    assert report["totals"] == {"count": 3, "amount_fen": 9000, "succeeded_fen": 6000, "abnormal": 1}
    reason = {r["key"]: r["count"] for r in staff.ok("GET", "/stats/refunds", query={"group_by": "reason"})["rows"]}
    assert reason == {"changed_mind": 1, "out_of_stock": 1, "quality_issue": 1}


def test_period_outside_the_data_is_empty_and_bad_periods_are_refused(client, known_data):
    staff = Staff(client, "admin")
    empty = staff.ok("GET", "/stats/cancellations", query={"group_by": "reason", "from": day(60), "to": day(40)})
    assert empty["rows"] == [] and empty["totals"]["count"] == 0
    assert staff.get("/stats/cancellations", **{"from": day(1), "to": day(5)}).status_code == 422
    assert staff.get("/stats/cancellations", group_by="colour").status_code == 422


def test_stats_csv_export_has_chinese_headers_yuan_and_a_total_row(client, known_data):
    reply = Staff(client, "finance").get("/stats/export.csv", report="refunds", group_by="stage")
    assert reply.status_code == 200 and reply.get_data().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(reply.get_data().decode("utf-8-sig"))))
    assert rows[0] == ["阶段", "退款笔数", "退款金额（元）", "已退成功（元）", "异常笔数"]
    assert ["售后", "1", "10.00", "10.00", "0"] in rows
    assert rows[-1] == ["合计", "3", "90.00", "60.00", "1"]


def test_refund_ledger_lists_attempts_and_error_codes_and_filters(client, known_data):
    finance = Staff(client, "finance")
    ledger = finance.ok("GET", "/refunds")
    assert ledger["total"] == 3
    abnormal = finance.ok("GET", "/refunds", query={"status": "abnormal"})
    assert abnormal["total"] == 1
    row = abnormal["items"][0]
    assert row["order_no"] == known_data["out_of_stock_order_no"] and row["status_label"] == "退款异常"
    assert row["retryable"] and row["attempt_log"][0]["error_code"] == "SYSTEMERROR"
    assert finance.ok("GET", "/refunds", query={"order_no": known_data["out_of_stock_order_no"]})["total"] == 1
    assert finance.ok("GET", "/refunds", query={"from": day(2), "to": day(2)})["total"] == 1
    assert finance.get("/refunds/999999").status_code == 404


def test_finance_retries_an_abnormal_refund_and_the_retry_is_audited(client, known_data):
    refund_id = known_data["abnormal_refund_id"]
    finance = Staff(client, "finance")
    retried = finance.ok("POST", f"/refunds/{refund_id}/retry")
    assert retried["status"] == "pending" and retried["out_refund_no"].startswith("R")
    again = finance.post(f"/refunds/{refund_id}/retry")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "REFUND_NOT_RETRYABLE"
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "refund.retry")).all()
    assert len(rows) == 1
    assert rows[0].before["status"] == "abnormal" and rows[0].after["status"] == "pending"
    assert rows[0].staff_name == "赵财务" and rows[0].target_id == str(refund_id)


def test_today_is_stored_up_to_a_moment_ago_and_only_what_follows_is_read_from_the_orders(client):
    """The minute job stores today up to stats.SETTLE_SECONDS ago; a report adds what came after from the
    orders, counting nothing twice, and the next run stores that too."""
    noon = moment(0, 12)
    with clock.frozen_at(noon):
        shopper = Shopper(openid="stats-today", nickname="今日客", member_level=1, created_at=moment(5, 9))
        db.session.add(shopper)
        db.session.flush()
        make_order(shopper, "保温杯", 1, moment(0, 10), paid=moment(0, 10), cancelled=moment(0, 11),
                   reason="changed_mind", canceller=("shopper", "今日客"), released=1)
        db.session.commit()
        assert stats.refresh_today() == 2  # yesterday was not stored to its end yet, then today
        yesterday = clock.to_shanghai(noon).date() - timedelta(days=1)
        assert db.session.get(StatsDay, yesterday).built_at == moment(0, 0)
        assert db.session.get(StatsDay, noon.astimezone(clock.SHANGHAI).date()).built_at == \
            noon - timedelta(seconds=stats.SETTLE_SECONDS)
        assert stats.refresh_today() == 1  # yesterday is complete now
        assert stats.rebuild_closed_days() == stats.RECENT_DAYS  # up to yesterday: today is the minute job's
        assert db.session.get(StatsDay, noon.astimezone(clock.SHANGHAI).date()).built_at == \
            noon - timedelta(seconds=stats.SETTLE_SECONDS)
        # Placed and cancelled after the stored moment: read from the orders, beside the stored figures.
        make_order(shopper, "纯棉毛巾", 1, noon - timedelta(seconds=20), paid=noon - timedelta(seconds=15),
                   cancelled=noon - timedelta(seconds=5),
                   reason="out_of_stock", canceller=("staff", "王主管"))
        db.session.commit()
        stored = db.session.scalars(select(StatsDaily.measures).where(
            StatsDaily.report == "cancellations", StatsDaily.group_by == "day",
            StatsDaily.day == clock.to_shanghai(noon).date())).all()
        assert [m["count"] for m in stored] == [1]
        staff = Staff(client, "admin")

        def figures():
            by_category = rows_by_key(staff.ok("GET", "/stats/cancellations", query={"group_by": "category"}))
            by_day = rows_by_key(staff.ok("GET", "/stats/cancellations", query={"group_by": "day"}))
            summary = staff.ok("GET", "/stats/summary", query={"from": day(0), "to": day(0)})
            return ({k: r["count"] for k, r in by_category.items()}, by_day[day(0)]["count"],
                    by_day[day(0)]["orders"], summary["cancellations"], summary["stock_returned"])

        assert figures() == ({"居家日用": 2}, 2, 2, 2, 1)
        clock.advance(timedelta(minutes=1))
        assert stats.refresh_today() == 1
        assert figures() == ({"居家日用": 2}, 2, 2, 2, 1)
