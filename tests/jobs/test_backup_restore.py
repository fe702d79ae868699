"""`flask backup` and `flask restore` (issue 15): a backup restored into a fresh database carries on,
refunds still owed included — on SQLite (online backup API) and PostgreSQL (pg_dump / pg_restore)."""
from __future__ import annotations

import os

import pytest
from redis import Redis
from sqlalchemy import select

from shop import create_app
from shop.db import Refund
from shop.extensions import db
from shop.jobs import tasks
from shop.services import instance
from support.orders import paid_order, refunds_of
from support.services import PG_ADMIN_URL, wait_until
from support.shop import Shopper
from support.workers import run_jobs


@pytest.fixture
def fresh_database_url(app, tmp_path):
    """An empty database of the same kind as the app's."""
    if app.config["DB_BACKEND"] == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite'}"
        return
    import psycopg
    name = f"shop_restore_{os.getpid()}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG_ADMIN_URL.rsplit('/', 1)[0].replace('postgresql://', 'postgresql+psycopg://')}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_into_a_fresh_database_carries_on_and_pays_the_refund_still_owed(
        app, sandbox, redis_url, fresh_database_url, tmp_path):
    alice = Shopper(app.test_client())
    order = paid_order(alice, sandbox)
    assert alice.post(f"/orders/{order['id']}/cancel", {"reason_code": "changed_mind"}).status_code == 200
    [owed] = refunds_of(order["id"])
    assert owed.status == "pending"
    Redis.from_url(redis_url).flushdb()  # its job is lost with the old host's Redis
    old_instance = instance.instance_id()

    file = tmp_path / "shop.backup"
    made = app.test_cli_runner().invoke(args=["backup", str(file)])
    assert made.exit_code == 0, made.output
    assert file.stat().st_size > 0

    keep = ("REDIS_URL", "WECHAT_API_BASE", "WECHAT_PAY_API_BASE", "PUBLIC_BASE_URL", "REFUND_RETRY_INTERVALS",
            "WECHAT_TIMEOUT", "WECHATPAY_API", "UPLOAD_DIR")
    restored = create_app({**{k: app.config[k] for k in keep if k in app.config},
                           **{k: v for k, v in app.config.items() if k.startswith("WECHATPAY_")},
                           "TESTING": True, "SQLALCHEMY_DATABASE_URI": fresh_database_url})
    with restored.app_context():  # flask commands run in the app context already pushed
        done = restored.test_cli_runner().invoke(args=["restore", str(file), "--yes"])
        assert done.exit_code == 0, done.output
        assert instance.instance_id() != old_instance
        refund = db.session.scalar(select(Refund).where(Refund.out_refund_no == owed.out_refund_no))
        assert refund.status == "pending" and refund.amount_fen == owed.amount_fen
        assert tasks.sweep_refunds()["submitted"] == 1  # the sweeper picks up what the backup still owes
        run_jobs()

        def paid_out():
            return [r["refund_fee"] for r in sandbox.listing("refunds") if r["out_refund_no"] == owed.out_refund_no]
        assert wait_until(paid_out) == [owed.amount_fen]
        again = Shopper(restored.test_client()).order()  # and the shop takes new orders
        assert again["id"] > order["id"]
        db.session.remove()
        db.engine.dispose()


def test_restore_refuses_a_file_that_is_missing(app, tmp_path):
    reply = app.test_cli_runner().invoke(args=["restore", str(tmp_path / "nothing.backup"), "--yes"])
    assert reply.exit_code != 0


def test_backup_of_postgresql_without_the_client_tools_says_what_to_install(pgapp, monkeypatch, tmp_path):
    from shop.cli import backup as backup_module
    monkeypatch.setattr(backup_module.shutil, "which", lambda name: None)
    reply = pgapp.test_cli_runner().invoke(args=["backup", str(tmp_path / "shop.backup")])
    assert reply.exit_code != 0
    assert "pg_dump not found" in reply.output and "postgresql-client" in reply.output
