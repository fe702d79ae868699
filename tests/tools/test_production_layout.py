"""Production layout (issue 15 item 2): every process configured from the environment alone, pools
derived from threads, and the connection arithmetic of docs/operations.md."""
from __future__ import annotations

import importlib
import sys

from shop.config import finalize_database, load_config
from shop.launcher import api_plan

PG = "postgresql://shop@db.internal/shop"


def _gunicorn_conf(monkeypatch, **env):
    for key in ("HOST", "PORT", "WEB_CONCURRENCY", "WEB_THREADS", "GUNICORN_THREADS", "SHOP_INSTANCE"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, str(value))
    sys.modules.pop("shop.gunicorn_conf", None)
    return importlib.import_module("shop.gunicorn_conf")


def test_gunicorn_takes_processes_threads_and_address_from_the_environment(monkeypatch):
    conf = _gunicorn_conf(monkeypatch, PORT=9100, WEB_CONCURRENCY=3, GUNICORN_THREADS=6, SHOP_INSTANCE="web-2")
    assert (conf.bind, conf.workers, conf.threads) == ("0.0.0.0:9100", 3, 6)
    assert conf.preload_app and conf.keepalive == 10 and conf.proc_name == "shop-api@web-2"
    conf = _gunicorn_conf(monkeypatch, HOST="10.0.0.5", WEB_THREADS=4)
    assert (conf.bind, conf.workers, conf.threads) == ("10.0.0.5:8000", 2, 4)


def test_each_process_pool_follows_its_threads():
    config = load_config({"DATABASE_URL": PG, "GUNICORN_THREADS": "4"})
    finalize_database(config)
    options = config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert (options["pool_size"], options["max_overflow"]) == (4, 2)
    config = load_config({"DATABASE_URL": PG})
    finalize_database(config)
    assert config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"] == 8


def test_two_hosts_with_the_defaults_stay_under_postgresqls_100_connections():
    config = load_config({"DATABASE_URL": PG})
    finalize_database(config)
    options = config["SQLALCHEMY_ENGINE_OPTIONS"]
    api = config["WEB_CONCURRENCY"] * (options["pool_size"] + options["max_overflow"])
    workers_and_cron = config["WORKER_PROCESSES"] * 2 + 1  # one job at a time (+ RQ's scheduler), cron
    per_host = api + workers_and_cron
    assert per_host == 25
    assert 2 * per_host < 100 - 3 - 10  # superuser_reserved_connections, room for psql/backups/migrations


def test_make_run_splits_the_api_over_two_masters_on_one_port():
    assert api_plan(1) == [("api", 1)]
    assert api_plan(2) == [("api", 1), ("api-2", 1)]
    assert api_plan(5) == [("api", 3), ("api-2", 2)]
