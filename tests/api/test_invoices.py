"""Invoices (发票, R10): the shopper asks on a paid order; finance issues (number + PDF) or rejects; a refund
of an invoiced order, by any route, opens a 冲红/重开 to-do that finance closes; the shopper sees each state."""
import io

from sqlalchemy import select

from shop.db import AuditLog
from shop.extensions import db
from support.orders import paid_order
from support.shop import Shopper
from support.staff import Staff

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
COMPANY = {"kind": "company", "title": "上海某某科技有限公司", "tax_no": "91310000MA1K4XXX1X", "email": "fin@example.com"}
PERSONAL = {"kind": "personal", "title": "张三", "email": "zhang@example.com"}


def upload_pdf(finance: Staff, data: bytes = PDF):
    return finance.client.post("/api/admin/invoice-files", headers=finance.headers,
                               data={"file": (io.BytesIO(data), "fapiao.pdf")}, content_type="multipart/form-data")


def issued(finance: Staff, invoice_id: int, number: str = "24310000000012345678") -> dict:
    reply = upload_pdf(finance)
    assert reply.status_code == 201, reply.get_json()
    return finance.ok("POST", f"/invoices/{invoice_id}/issue", {"invoice_no": number, "file": reply.get_json()["file"]})


def test_shopper_asks_finance_issues_and_the_shopper_downloads_it(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    view = alice.get(f"/orders/{order['id']}/invoice").get_json()
    assert (view["invoice"], view["actions"]) == (None, ["request_invoice"])
    assert [(b["action"], b["label"]) for b in view["buttons"]] == [("request_invoice", "申请发票")]

    asked = alice.post(f"/orders/{order['id']}/invoice", COMPANY)
    assert asked.status_code == 201, asked.get_json()
    body = asked.get_json()
    assert (body["invoice"]["status_label"], body["invoice"]["tax_no"], body["actions"]) == ("申请中", COMPANY["tax_no"], [])
    finance = Staff(client, "finance")
    assert finance.ok("GET", "/todo")["todo"]["invoice_requests"] == 1
    [row] = finance.ok("GET", "/invoices", query={"status": "requested"})["items"]
    assert row["actions"] == ["issue", "reject"] and row["order_no"] == order["order_no"]

    done = issued(finance, row["id"])
    assert (done["status"], done["amount_fen"], done["actions"]) == ("issued", order["paid_fen"], [])
    seen = alice.get(f"/orders/{order['id']}/invoice").get_json()
    assert seen["invoice"]["status_label"] == "已开具" and seen["actions"] == ["download"]
    pdf = alice.get(f"/orders/{order['id']}/invoice/pdf")
    assert pdf.status_code == 200 and pdf.data == PDF and pdf.mimetype == "application/pdf"
    assert "电子发票已开具" in alice.get("/messages").get_json()["items"][0]["title"]
    assert db.session.scalar(select(AuditLog.after).where(AuditLog.action == "invoice.issue"))["status"] == "issued"
    assert Shopper(client, "bob").get(f"/orders/{order['id']}/invoice/pdf").status_code == 404


def test_one_open_request_per_order_and_a_rejected_one_can_be_asked_again(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    first = alice.post(f"/orders/{order['id']}/invoice", PERSONAL).get_json()["invoice"]
    again = alice.post(f"/orders/{order['id']}/invoice", PERSONAL)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "INVOICE_NOT_ALLOWED"

    Staff(client, "finance").ok("POST", f"/invoices/{first['id']}/reject", {"reason": "抬头与付款人不符"})
    seen = alice.get(f"/orders/{order['id']}/invoice").get_json()
    assert seen["invoice"]["status_label"] == "已驳回" and "抬头与付款人不符" in seen["invoice"]["note"]
    assert seen["actions"] == ["request_invoice"]
    assert alice.post(f"/orders/{order['id']}/invoice", PERSONAL).status_code == 201


def test_requests_are_checked_at_the_edge_and_unpaid_orders_have_none(client, sandbox):
    alice = Shopper(client)
    unpaid = alice.order()
    refused = alice.post(f"/orders/{unpaid['id']}/invoice", PERSONAL)
    assert refused.status_code == 409 and "付款后" in refused.get_json()["error"]["message"]
    order = paid_order(alice, sandbox)
    for bad, field in [({**COMPANY, "tax_no": ""}, "tax_no"), ({**COMPANY, "tax_no": "123"}, "tax_no"),
                       ({**PERSONAL, "email": "not-an-email"}, "email"), ({**PERSONAL, "kind": "vat"}, "kind"),
                       ({**PERSONAL, "title": ""}, "title")]:
        reply = alice.post(f"/orders/{order['id']}/invoice", bad)
        assert reply.status_code == 422 and field in str(reply.get_json()["error"]["details"]), (bad, reply.get_json())
    assert alice.get(f"/orders/{order['id']}/invoice").get_json()["invoice"] is None
    finance = Staff(client, "finance")
    assert upload_pdf(finance, b"<html>not a pdf</html>").status_code == 422
    assert Staff(client, "customer_service").get("/invoices").status_code == 403


def test_a_refund_of_an_invoiced_order_opens_a_red_letter_todo_that_finance_closes_by_reissuing(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    invoice = alice.post(f"/orders/{order['id']}/invoice", PERSONAL).get_json()["invoice"]
    finance = Staff(client, "finance")
    issued(finance, invoice["id"])

    finance.ok("POST", f"/orders/{order['id']}/refunds", {"kind": "amount", "amount_fen": 300, "reason": "差价补偿"})

    todo = finance.ok("GET", f"/invoices/{invoice['id']}")
    assert (todo["status"], todo["actions"]) == ("red_pending", ["record_red"])
    assert finance.ok("GET", "/todo")["todo"]["invoices_to_redo"] == 1
    assert alice.get(f"/orders/{order['id']}/invoice").get_json()["invoice"]["status_label"] == "冲红/重开中"
    needs_reissue = finance.post(f"/invoices/{invoice['id']}/red", {"red_invoice_no": "24310000000099990000"})
    assert needs_reissue.status_code == 422 and "重开" in needs_reissue.get_json()["error"]["message"]

    pdf = upload_pdf(finance).get_json()["file"]
    done = finance.ok("POST", f"/invoices/{invoice['id']}/red", {"red_invoice_no": "24310000000099990000",
                                                                 "reissue_invoice_no": "24310000000012340001",
                                                                 "reissue_file": pdf})
    assert (done["status_label"], done["amount_fen"], done["invoice_no"]) == ("已重开", order["paid_fen"] - 300,
                                                                            "24310000000012340001")
    assert [e["event"] for e in done["history"]] == ["issued", "refund", "red", "reissued"]
    assert finance.ok("GET", "/todo")["todo"]["invoices_to_redo"] == 0
    assert alice.get(f"/orders/{order['id']}/invoice").get_json()["actions"] == ["download"]


def test_a_shopper_cancel_refunded_in_full_is_only_reversed(client, sandbox):
    alice = Shopper(client)
    order = paid_order(alice, sandbox)
    invoice = alice.post(f"/orders/{order['id']}/invoice", PERSONAL).get_json()["invoice"]
    finance = Staff(client, "finance")
    issued(finance, invoice["id"])

    cancelled = alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind", "reason_text": ""})
    assert cancelled.status_code == 200, cancelled.get_json()

    assert finance.ok("GET", f"/invoices/{invoice['id']}")["status"] == "red_pending"
    reissue = finance.post(f"/invoices/{invoice['id']}/red", {"red_invoice_no": "24310000000099990001",
                                                             "reissue_invoice_no": "24310000000012340002",
                                                             "reissue_file": upload_pdf(finance).get_json()["file"]})
    assert reissue.status_code == 409
    done = finance.ok("POST", f"/invoices/{invoice['id']}/red", {"red_invoice_no": "24310000000099990001"})
    assert (done["status_label"], done["amount_fen"]) == ("已冲红", 0)
    seen = alice.get(f"/orders/{order['id']}/invoice").get_json()
    assert seen["invoice"]["status_label"] == "已冲红" and seen["actions"] == []
