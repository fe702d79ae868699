"""Checks production makes against its database at start (issue 14): no demo accounts, no default
passwords. config.check_production covers what the environment alone can tell."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import inspect, select
from sqlalchemy.exc import SQLAlchemyError

from ..cli.seed import DEMO_PASSWORD, DEMO_STAFF
from ..config import ConfigError
from ..db import Staff
from ..extensions import db
from .staff_accounts import verify_password


def default_account_problems() -> list[str]:
    if not inspect(db.engine).has_table(Staff.__tablename__):
        return []  # not migrated yet (`flask db upgrade` itself starts the app)
    demo_usernames = {username for username, _, _ in DEMO_STAFF}
    problems = []
    for staff in db.session.scalars(select(Staff).where(Staff.active).order_by(Staff.id)):
        if staff.username in demo_usernames and verify_password(staff, DEMO_PASSWORD):
            problems.append(f"the demo account {staff.username!r} is present")
        elif verify_password(staff, DEMO_PASSWORD):
            problems.append(f"staff account {staff.username!r} has the default password")
    return problems


def refuse_default_accounts(app: Flask) -> None:
    with app.app_context():
        try:
            problems = default_account_problems()
        except SQLAlchemyError as exc:
            raise ConfigError(f"refusing to start in production: cannot check the staff accounts ({exc})") from exc
        finally:
            db.session.remove()
    if problems:
        raise ConfigError("refusing to start in production: " + "; ".join(problems)
                          + " (disable the account or set a new password)")
