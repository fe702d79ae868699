"""staff.create writes its audit row in the account's own transaction (issue 15 item 5): before, the row
was written in a second transaction after the account was committed, so a crash between the two kept
an account nobody could tell who had added."""
from __future__ import annotations

from sqlalchemy import select

from shop.db import AuditLog, Staff as StaffRow
from shop.extensions import db
from shop.services import audit
from support.staff import DEMO_PASSWORD, Staff

NEW = {"username": "newcomer", "name": "新同事", "role": "customer_service", "password": "Tr4velling-Light-77",
       "current_password": DEMO_PASSWORD}


def _rows():
    db.session.expire_all()
    accounts = db.session.scalars(select(StaffRow.id).where(StaffRow.username == "newcomer")).all()
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "staff.create")).all()
    return accounts, rows


def test_the_new_account_and_its_audit_row_are_written_together(client):
    created = Staff(client, "admin").ok("POST", "/staff", NEW, status=201)
    accounts, [row] = _rows()
    assert accounts == [created["id"]]
    assert row.target_id == str(created["id"]) and row.after["username"] == "newcomer"


def test_when_the_audit_row_cannot_be_written_no_account_is_kept(client, monkeypatch):
    admin = Staff(client, "admin")

    plain = audit._plain

    def broken(value):  # only the account's row (the password re-check is audited too)
        if isinstance(value, dict) and "username" in value:
            raise RuntimeError("the audit row cannot be written")
        return plain(value)
    monkeypatch.setattr(audit, "_plain", broken)
    reply = admin.post("/staff", NEW)
    monkeypatch.undo()
    assert reply.status_code >= 500, reply.get_json()
    assert _rows() == ([], [])  # no account without its audit row
    # and the same request succeeds once the audit can be written
    assert admin.post("/staff", NEW).status_code == 201
