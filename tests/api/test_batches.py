"""Batch work (A7): one submitted action over many items, run as a job, idempotent, each item through the
same service as the single action (roles and the refund policy per item), a result per item."""
from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import func, select

from shop.db import AuditLog, OrderRequest, Refund
from shop.extensions import db
from support.orders import paid_order
from support.shop import Shopper
from support.staff import DEMO_PASSWORD, Staff
from support.workers import run_jobs
from test_request_actions import cancel_request


def requests_status(ids: list[int]) -> list[str]:
    db.session.expire_all()
    return [db.session.get(OrderRequest, i).status for i in ids]


def finished(staff: Staff, batch_id: int, **query) -> dict:
    run_jobs()
    return staff.ok("GET", f"/batches/{batch_id}", query=query)


def test_approving_many_cancel_requests_approves_each_and_reports_progress(client, sandbox):
    ids = [cancel_request(client, sandbox, code) for code in ("alice", "bob")]
    supervisor = Staff(client, "supervisor")

    batch = supervisor.ok("POST", "/batches/requests/approve", {"ids": ids, "note": "同意"}, status=202)

    assert batch["created"] is True and batch["total"] == 2 and batch["status"] == "queued"
    assert batch["kind_label"] == "批量同意申请"
    done = finished(supervisor, batch["id"])
    assert (done["status"], done["done"], done["failed"], done["percent"]) == ("finished", 2, 0, 100)
    assert [item["status_label"] for item in done["items"]] == ["成功"] * 2
    assert requests_status(ids) == ["approved"] * 2


def test_the_same_batch_submitted_again_returns_it_and_changes_nothing_twice(client, sandbox):
    ids = [cancel_request(client, sandbox, code) for code in ("alice", "bob")]
    supervisor = Staff(client, "supervisor")
    first = supervisor.ok("POST", "/batches/requests/approve", {"ids": ids}, status=202)
    finished(supervisor, first["id"])

    again = supervisor.ok("POST", "/batches/requests/approve", {"ids": list(reversed(ids))}, status=202)
    done = finished(supervisor, again["id"])

    assert again["id"] == first["id"] and again["created"] is False
    assert (done["done"], done["failed"]) == (2, 0)
    assert db.session.scalar(select(func.count()).select_from(Refund)) == 2  # one refund per order, not two
    approvals = db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "request.approve"))
    assert approvals == 2


def test_an_item_already_decided_fails_alone_with_its_reason_in_chinese(client, sandbox):
    ids = [cancel_request(client, sandbox, code) for code in ("alice", "bob")]
    supervisor = Staff(client, "supervisor")
    supervisor.ok("POST", f"/requests/{ids[1]}/reject", {"reason": "商品已打包"})

    batch = supervisor.ok("POST", "/batches/requests/reject", {"ids": ids, "reason": "已发货"}, status=202)
    done = finished(supervisor, batch["id"])

    assert (done["done"], done["failed"], done["percent"]) == (1, 1, 100)
    failed = finished(supervisor, batch["id"], status="failed")["items"]
    assert [(item["ref"], item["result_code"], item["message"]) for item in failed] == [
        (ids[1], "REQUEST_ALREADY_DECIDED", "该申请已处理")]
    assert requests_status(ids) == ["rejected", "rejected"]


def test_the_role_is_checked_per_item_as_for_one_click(client, sandbox):
    ids = [cancel_request(client, sandbox, code) for code in ("alice", "bob")]
    service = Staff(client, "customer_service")  # may review requests, but not approve a cancel

    batch = service.ok("POST", "/batches/requests/approve", {"ids": ids}, status=202)
    done = finished(service, batch["id"])

    assert (done["done"], done["failed"]) == (0, 2)
    assert {item["result_code"] for item in done["items"]} == {"FORBIDDEN"}
    assert all("无权处理取消申请" in item["message"] for item in done["items"])
    assert requests_status(ids) == ["pending", "pending"]
    warehouse = Staff(client, "warehouse")
    assert warehouse.post("/batches/requests/approve", {"ids": ids}).status_code == 403


def test_the_refund_policy_asks_for_the_password_once_per_batch(client, sandbox):
    ids = [cancel_request(client, sandbox, code) for code in ("alice", "bob")]
    admin = Staff(client, "admin")
    admin.ok("PUT", "/settings", {"staff_cancel_recheck_fen": 1})  # every refund needs 二次验证
    supervisor = Staff(client, "supervisor")

    without = finished(supervisor, supervisor.ok("POST", "/batches/requests/approve", {"ids": ids},
                                                 status=202)["id"])
    wrong = supervisor.post("/batches/requests/approve", {"ids": ids, "note": "x", "password": "wrong-password"})
    right = supervisor.ok("POST", "/batches/requests/approve", {"ids": ids, "note": "y", "password": DEMO_PASSWORD},
                          status=202)
    done = finished(supervisor, right["id"])

    assert {item["result_code"] for item in without["items"]} == {"PASSWORD_REQUIRED"}
    assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "PASSWORD_INCORRECT"
    assert (done["done"], done["failed"]) == (2, 0)
    assert requests_status(ids) == ["approved", "approved"]
    rechecks = db.session.scalar(select(func.count()).select_from(AuditLog)
                                 .where(AuditLog.action == "auth.password_recheck"))
    assert rechecks == 1


def ship_file_csv(rows: list[list[str]]) -> bytes:
    return ("\ufeff" + "\n".join(",".join(row) for row in rows)).encode("utf-8")


def upload(staff: Staff, content: bytes, filename: str):
    return staff.client.post("/api/admin/batches/orders/ship-file", headers=staff.headers,
                             data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def test_a_shipment_file_with_bad_rows_is_refused_row_by_row_in_chinese(client, sandbox):
    order = paid_order(Shopper(client), sandbox)
    warehouse = Staff(client, "warehouse")
    content = ship_file_csv([["订单号", "快递公司", "快递单号"], [order["order_no"], "顺丰速运", "SF12"],
                             ["NO-SUCH-ORDER", "中通快递", "ZT1234567890"], [order["order_no"], "", "SF1234567890"]])

    reply = upload(warehouse, content, "发货.csv")

    assert reply.status_code == 422
    error = reply.get_json()["error"]
    assert error["message"] == "文件中有 3 行有误，请修改后重新上传"
    assert [(row["row"], row["message"]) for row in error["details"]["rows"]] == [
        (2, "快递单号「SF12」格式不正确（6–40 位字母或数字）"),
        (3, "订单号「NO-SUCH-ORDER」不存在"),
        (4, "缺少快递公司"),
    ]
    assert upload(warehouse, b"order,x\n1,2", "a.csv").get_json()["error"]["message"].startswith("第 1 行表头缺少「订单号」列")


def test_a_spreadsheet_of_shipments_ships_each_order(client, sandbox):
    shopper = Shopper(client)
    orders = [paid_order(shopper, sandbox) for _ in range(2)]
    book = Workbook()
    book.active.append(["订单号", "快递公司", "快递单号"])
    for n, order in enumerate(orders):
        book.active.append([order["order_no"], "顺丰速运", f"SF10000000{n}"])
    content = io.BytesIO()
    book.save(content)
    warehouse = Staff(client, "warehouse")

    reply = upload(warehouse, content.getvalue(), "发货.xlsx")

    assert reply.status_code == 202, reply.get_json()
    done = finished(warehouse, reply.get_json()["id"])
    assert (done["done"], done["failed"]) == (2, 0), done["items"]
    assert [shopper.detail(o["id"])["status"] for o in orders] == ["shipped", "shipped"]
    assert [shopper.detail(o["id"])["tracking_no"] for o in orders] == ["SF100000000", "SF100000001"]


def test_after_sales_cases_rejected_in_one_batch_each_tell_the_shopper(client, sandbox):
    from shop.services import ordering
    from support.orders import staff as staff_actor
    from test_after_sales import apply

    cases = []
    for code in ("alice", "bob"):
        shopper = Shopper(client, code)
        order = paid_order(shopper, sandbox)
        ordering.ship_order(order["id"], staff_actor("warehouse"), "顺丰速运", "SF100200300")
        ordering.confirm_receipt(order["id"], shopper.user["id"])
        cases.append((shopper, apply(shopper, shopper.detail(order["id"])).get_json()))
    supervisor = Staff(client, "supervisor")

    batch = supervisor.ok("POST", "/batches/after-sales/reject",
                          {"ids": [case["id"] for _, case in cases], "reason": "商品已拆封影响二次销售"}, status=202)
    done = finished(supervisor, batch["id"])

    assert (done["done"], done["failed"]) == (2, 0), done["items"]
    for shopper, case in cases:
        seen = shopper.get(f"/after-sales/{case['id']}").get_json()
        assert (seen["status"], seen["decision_reason"]) == ("rejected", "商品已拆封影响二次销售")
