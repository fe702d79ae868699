"""Flask extensions, created once and bound in the app factory."""
import time

from flask import Flask
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = Api()


def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite as the embedded default: WAL so the API and the worker can write side by side."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


event.listen(Engine, "connect", _sqlite_pragmas)


def _cheap_descriptions(dbapi_connection, connection_record):
    """PostgreSQL: the connection's cursors describe their columns cheaply (db/driver.DescribedCursor)."""
    import psycopg

    if isinstance(dbapi_connection, psycopg.Connection):
        from .db.driver import DescribedCursor  # db's models import this module
        dbapi_connection.cursor_factory = DescribedCursor


event.listen(Engine, "connect", _cheap_descriptions)


PING_AFTER_IDLE_SECONDS = 1.0  # DB_PING_AFTER_IDLE_SECONDS
_LAST_USED = "shop.last_used"  # the pool entry's info: when the connection last went back to the pool


def take_pre_ping(app: Flask) -> bool:
    """Before db.init_app: take `pool_pre_ping` out of the engine options; ping_idle_connections does it."""
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    wanted = bool(options.pop("pool_pre_ping", False))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    return wanted


def ping_idle_connections(app: Flask) -> None:
    """SQLAlchemy's pool_pre_ping, but only for a connection that sat in the pool longer than
    DB_PING_AFTER_IDLE_SECONDS (default 1 s): a busy API sends its requests without the extra round trip
    (issue 13), an idle connection is still checked before use. A connection that fails the ping is
    replaced at once, and every connection pooled before it when next taken, as pool_pre_ping does
    (InvalidatePoolError: the pool retries the checkout with a new connection). A database that went away
    within that second is found by the request that uses the connection: it gets the 503 of any request
    while the database is down, SQLAlchemy marks the pool's older connections stale, and the next requests
    connect afresh."""
    config = app.config  # read at each checkout (a test changes it)
    with app.app_context():
        engines = list(db.engines.values())
    for engine in engines:
        dialect = engine.dialect

        def connected(_dbapi_connection, record):
            record.info[_LAST_USED] = time.monotonic()

        def checked_in(_dbapi_connection, record):
            if record is not None:
                record.info[_LAST_USED] = time.monotonic()

        def checked_out(dbapi_connection, record, _proxy, dialect=dialect):
            idle = config.get("DB_PING_AFTER_IDLE_SECONDS", PING_AFTER_IDLE_SECONDS)
            if time.monotonic() - record.info.get(_LAST_USED, 0.0) <= idle:
                return
            try:
                dialect.do_ping(dbapi_connection)
            except dialect.loaded_dbapi.Error as exc:  # the database restarted: every older connection is stale
                raise InvalidatePoolError(str(exc)) from exc

        event.listen(engine, "connect", connected)
        event.listen(engine, "checkin", checked_in)
        event.listen(engine, "checkout", checked_out)
