"""Fixtures shared by the whole suite.

`app` runs each API test twice: on SQLite and on PostgreSQL (skipped loudly when PostgreSQL is
unreachable). Redis is real. The WeChat sandbox runs in a thread, and the app is also served on a
real port so the sandbox's notifications reach it.
"""
from __future__ import annotations

import pytest
from flask_migrate import upgrade
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text

from shop import create_app
from shop.domain import clock
from shop.extensions import db
from support.services import (RedisServer, SandboxControl, ServerThread, drop_postgres, free_port,
                              postgres_available)
from wechat_sandbox import create_app as create_sandbox
from wechat_sandbox.keys import ensure_demo_keys

# Tests count, never time: Hypothesis's per-example deadline and its "too slow" check measure only how busy
# the machine is (a property test failed on a loaded 2-core machine and passed again). Every property test
# inherits this profile; the examples and their number stay as each test sets them.
hypothesis_settings.register_profile("shop", deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
hypothesis_settings.load_profile("shop")

# WeChat calls wait up to WECHAT_TIMEOUT (5 s, as in production) below: with 1 s, a plain payment call to the
# sandbox thread timed out on the loaded machine (CI, test_admin_orders). A "timeout" or "lost_reply" fault
# keeps the sandbox silent longer than that (timeout_sleep), so the client still gives up first.
SANDBOX_SETTINGS = {"refund_settle_delay": 0.05, "notify_retry_intervals": [0.3, 0.5, 1, 2], "timeout_sleep": 6.0}


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres_only: needs PostgreSQL (concurrency, workers)")


@pytest.fixture(scope="session")
def redis_url():
    server = RedisServer()
    url = server.start()
    yield url
    server.stop()


# The WeChat Pay protocol the apps speak unless a test module parametrizes `wechatpay_api` (session scope):
# the payment and refund scenarios and the notification tests run in both.
DEFAULT_WECHATPAY_API = "v3"


@pytest.fixture(scope="session")
def wechatpay_api(request) -> str:
    return getattr(request, "param", DEFAULT_WECHATPAY_API)


@pytest.fixture(scope="session")
def wechatpay_keys(tmp_path_factory):
    """The merchant's and WeChat Pay's key pairs and the APIv3 key, shared by the sandbox and the apps."""
    return ensure_demo_keys(tmp_path_factory.mktemp("wechatpay"))


def wechatpay_config(api: str, keys) -> dict:
    return {"WECHATPAY_API": api, "WECHATPAY_MCH_PRIVATE_KEY": str(keys.merchant_private_key_path),
            "WECHATPAY_MCH_SERIAL": keys.merchant_serial_no,
            "WECHATPAY_PUBLIC_KEY": str(keys.wechatpay_public_key_path),
            "WECHATPAY_PUBLIC_KEY_ID": keys.wechatpay_public_key_id, "WECHATPAY_APIV3_KEY": keys.apiv3_key,
            "WECHATPAY_DEMO_KEYS_DIR": ""}


@pytest.fixture(scope="session")
def sandbox_server(wechatpay_keys):
    server = ServerThread(create_sandbox({**SANDBOX_SETTINGS, "keys_dir": str(wechatpay_keys.folder)})).start()
    yield server
    server.stop()


@pytest.fixture
def sandbox(sandbox_server, wechatpay_api):
    control = SandboxControl(sandbox_server.url, wechatpay_api)
    control.reset()
    control.configure(**SANDBOX_SETTINGS)
    return control


@pytest.fixture(scope="session")
def pg_url():
    url = postgres_available()
    yield url
    if url:
        drop_postgres(url)


def _build_app(database_url: str, redis_url: str, sandbox_url: str, tmp_factory, **extra):
    port = free_port()
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "WECHAT_API_BASE": sandbox_url + "/",
        "WECHAT_PAY_API_BASE": sandbox_url + "/",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "REFUND_RETRY_INTERVALS": [1, 1, 1],
        "WECHAT_TIMEOUT": 5.0,
        "UPLOAD_DIR": str(tmp_factory.mktemp("uploads")),
        **extra,
    }
    app = create_app(config)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory, revision="heads")
    server = ServerThread(app, port).start()
    return app, server


def _database_url(backend: str, pg_url: str | None, tmp_path_factory) -> str:
    if backend == "postgresql":
        if pg_url is None:
            pytest.skip("PostgreSQL unreachable")
        return pg_url.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'shop.sqlite'}"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def live_app(request, pg_url, redis_url, sandbox_server, tmp_path_factory, wechatpay_api, wechatpay_keys):
    """One migrated app per database backend (and WeChat Pay protocol), served on a real port for WeChat's callbacks."""
    url = _database_url(request.param, pg_url, tmp_path_factory)
    app, server = _build_app(url, redis_url, sandbox_server.url, tmp_path_factory,
                             **wechatpay_config(wechatpay_api, wechatpay_keys))
    app.config["DB_BACKEND"] = request.param
    yield app
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def pg_app(pg_url, redis_url, sandbox_server, tmp_path_factory, wechatpay_api, wechatpay_keys):
    """The PostgreSQL app only (concurrency, workers)."""
    url = _database_url("postgresql", pg_url, tmp_path_factory)
    app, server = _build_app(url, redis_url, sandbox_server.url, tmp_path_factory,
                             **wechatpay_config(wechatpay_api, wechatpay_keys))
    app.config["DB_BACKEND"] = "postgresql"
    yield app
    server.stop()


def _clean(app, redis_url):
    from redis import Redis
    with app.app_context():
        # The instance id stays: it belongs to the database, and worker processes read it from there.
        tables = [t.name for t in reversed(db.metadata.sorted_tables) if t.name != "shop_instance"]
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                db.session.execute(text(f"DELETE FROM {name}"))
        db.session.commit()
        from shop.cli.seed import seed_demo
        seed_demo()
        db.session.remove()
    Redis.from_url(redis_url).flushdb()
    # What each process keeps from Redis for a second (the settings version, WeChat's platform status).
    app.extensions["shop.deps"].forget_process_caches()


def _fresh(app, redis_url):
    """The app with empty tables (plus demo data), an empty Redis, the real clock, inside its context."""
    _clean(app, redis_url)
    clock.reset()
    with app.app_context():
        yield app
        db.session.remove()
    clock.reset()


@pytest.fixture
def app(live_app, redis_url, sandbox):
    yield from _fresh(live_app, redis_url)


@pytest.fixture
def pgapp(pg_app, redis_url, sandbox):
    yield from _fresh(pg_app, redis_url)


@pytest.fixture
def client(app):
    return app.test_client()
