"""One place that commits or rolls back; side effects (jobs, WeChat) run only after commit."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from weakref import WeakKeyDictionary

from flask import Flask
from sqlalchemy import bindparam, event, insert, inspect, update
from sqlalchemy.engine import Connection, CursorResult, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import ColumnProperty, Session, make_transient_to_detached
from sqlalchemy.orm.exc import StaleDataError

from ..db.driver import DriverWrite, Written
from ..domain.errors import DomainError, ErrorCode
from ..extensions import db

logger = logging.getLogger("shop.uow")
WROTE = "shop.wrote"  # Session.info flag: this transaction flushed or executed a change
KEPT_LOADED = "shop.kept_loaded"  # Session.info flag: the last commit left its objects unexpired
SENT_NON_SELECT = "shop.sent_non_select"  # Connection.info flag: this transaction sent something else than SELECT
CONNECTIONS = "shop.connections"  # Session.info: the connections its transaction uses
INSERTED_NOW = "shop.inserted_now"  # Session.info: the objects insert_now wrote in the open transaction
_before_commit: ContextVar[tuple[Callable[[], None], ...]] = ContextVar("shop_before_commit", default=())


@event.listens_for(Session, "after_flush")
def _flushed(session, _context):
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state):
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _ended(session, transaction):
    if transaction.parent is None:
        session.info.pop(WROTE, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_inserted_now(session, previous_transaction):
    """What insert_now wrote is gone with a rollback: out of the session too, as the rows a flush inserted are
    (else the next row given the same id, as SQLite does, could not join the session)."""
    if previous_transaction.parent is None:
        for obj in session.info.pop(INSERTED_NOW, ()):
            if obj in session:
                session.expunge(obj)


@event.listens_for(Session, "after_commit")
def _keep_inserted_now(session):
    session.info.pop(INSERTED_NOW, None)


@event.listens_for(Session, "after_begin")
def _began(session, _transaction, connection):
    connection.info.pop(SENT_NON_SELECT, None)
    session.info.setdefault(CONNECTIONS, []).append(connection)


@event.listens_for(Session, "after_transaction_end")
def _forget_connections(session, transaction):
    if transaction.parent is None:
        session.info.pop(CONNECTIONS, None)


@event.listens_for(Engine, "before_cursor_execute")
def _sent(conn, _cursor, statement, _parameters, _context, _executemany):
    if not statement.startswith("SELECT"):
        conn.info[SENT_NON_SELECT] = True


def _read_only_transaction(session) -> bool:
    """Nothing pending, flushed or executed but SELECTs (whatever sent them: ORM, Core or text())."""
    return not (session.new or session.dirty or session.deleted or session.info.get(WROTE)) and \
        not any(connection.info.get(SENT_NON_SELECT) for connection in session.info.get(CONNECTIONS, ()))


def _commit_if_read_only(session) -> bool:
    """End the session's transaction with COMMIT if it only read; False (and nothing done) otherwise. Both end a
    read-only transaction alike, but on ROLLBACK psycopg deallocates every statement the connection prepared."""
    if session.in_transaction() and not session.in_nested_transaction() and _read_only_transaction(session):
        session.commit()
        return True
    return False


def end_read_only_requests(app: Flask) -> None:
    """A request that only read ends its transaction with COMMIT instead of the ROLLBACK the session's
    close would send. Both end a read-only transaction alike, but psycopg forgets every prepared
    statement on ROLLBACK (and counts executions towards preparing afresh), so with ROLLBACK no
    statement of the API is ever prepared and PostgreSQL plans each one on every request (the order
    page's: about 1 ms of its CPU). Registered after Flask-SQLAlchemy, so it runs before its teardown
    closes the session; a request that failed, or wrote anything, still rolls back there."""
    @app.teardown_appcontext
    def commit_read_only(exc):
        if exc is not None or not db.session.registry.has():
            return
        try:
            _commit_if_read_only(db.session())
        except Exception:  # noqa: BLE001 - the session's close rolls back, as before
            logger.warning("read-only transaction did not commit", exc_info=True)


_reader: ContextVar[Connection | None] = ContextVar("shop_reader", default=None)
_AUTOCOMMIT: WeakKeyDictionary[Engine, Engine] = WeakKeyDictionary()  # per engine, its autocommit variant


@contextmanager
def reading() -> Iterator[None]:
    """A block that only reads (the shopper's order list and page), run outside a transaction on a connection
    of its own from the pool, in autocommit: PostgreSQL gets no BEGIN and no COMMIT (two of a list request's
    six round trips), psycopg, with no ROLLBACK ever sent, keeps its prepared statements, and the request
    opens no session at all (a session's transaction costs more CPU than the list's statements). The same
    answers as in a transaction: under READ COMMITTED each statement reads its own snapshot anyway. The
    block's services read on `read_connection()`; a transaction the block opened in the session (the policy's
    read) ends with it. A session already in a transaction (an earlier statement of the request, a test's
    session) is read inside as before. Nothing may be written in the block: each statement would commit on
    its own."""
    if _session_in_transaction():
        yield
        return
    engine = db.engine
    autocommit = _AUTOCOMMIT.get(engine)
    if autocommit is None:
        autocommit = _AUTOCOMMIT[engine] = engine.execution_options(isolation_level="AUTOCOMMIT")
    with autocommit.connect() as connection:
        token = _reader.set(connection)
        try:
            yield
        finally:
            _reader.reset(token)
            # What the block read through the session (the policy, refreshed at most once a second) ends with the
            # block, as the block's own reads do: a transaction left open would outlive a connection the database
            # dropped meanwhile. It ends with COMMIT, as a read-only request does (end_read_only_requests): on
            # ROLLBACK psycopg deallocates every statement the connection prepared, and the order pages that
            # followed on it were parsed and planned afresh (3-6 ms of PostgreSQL's CPU each, seen in `make bench`
            # while a shipped order's page still read its WeChat payment through the session).
            if _session_in_transaction() and not _commit_if_read_only(db.session()):
                db.session().rollback()


def _session_in_transaction() -> bool:
    """Has this request's session a transaction open (without creating a session to ask)?"""
    return db.session.registry.has() and db.session().in_transaction()


def read_connection() -> Connection:
    """The connection of the `reading` block around the caller; elsewhere the session's."""
    connection = _reader.get()
    return connection if connection is not None else db.session.connection()


def has_writes() -> bool:
    """Has the open transaction changed anything (pending, flushed or by UPDATE/INSERT/DELETE)?"""
    session = db.session()
    return bool(session.new or session.dirty or session.deleted or session.info.get(WROTE))


@contextmanager
def before_each_commit(action: Callable[[], None]) -> Iterator[None]:
    """Run `action` inside every transaction opened meanwhile (in this context), just before it commits:
    what it writes commits or rolls back with the business change (the audit row of a staff action)."""
    token = _before_commit.set(_before_commit.get() + (action,))
    try:
        yield
    finally:
        _before_commit.reset(token)


def execute(statement, params=None) -> CursorResult | Written:
    """A Core statement (columns, UPDATE, INSERT: no ORM objects to load) in the session's transaction, sent on
    its connection: what `db.session.execute` does (autoflush first, unless in `no_autoflush`) without the ORM's
    handling of the statement, a third to a half of a small statement's CPU. A write built once as a
    `DriverWrite` (db/driver) goes on the driver's cursor and answers `Written` (its rows and rowcount).
    Its writes mark the transaction as writing, as the ORM's do (`has_writes`)."""
    session = db.session()
    if session.autoflush:
        session.flush()  # nothing pending: returns at once
    if isinstance(statement, DriverWrite):
        session.info[WROTE] = True
        return statement.execute(session.connection(), params)
    if not statement.is_select:
        session.info[WROTE] = True
    return session.connection().execute(statement, params)


def _insert_values(obj) -> dict:
    """Every column of a new object's row: what it was given, else its column's default, else None; the
    defaults are set on the object too, so that it holds its whole row (as a flush leaves it)."""
    mapper, values = obj.__mapper__, {}
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if prop.key in obj.__dict__:
            value = obj.__dict__[prop.key]
        elif column.primary_key:
            continue
        else:
            default = column.default
            if default is None and column.server_default is not None:  # the row would hold NULL, not its default
                raise TypeError(f"{mapper.class_.__name__}.{prop.key}: a server default needs a value or a default")
            value = None if default is None else _client_value(default, f"{mapper.class_.__name__}.{prop.key}")
            setattr(obj, prop.key, value)
        values[column.key] = value
    return values


def _client_value(default, name: str):
    """The value a column's Python-side default (or onupdate) gives now: scalar or callable, nothing else."""
    if default.is_scalar:
        return default.arg
    if default.is_callable:
        return default.arg(None)  # SQLAlchemy wraps a default taking no argument in one taking a context
    raise TypeError(f"{name}: only scalar and callable defaults")


_INSERTS: dict = {}


def insert_now(*objects) -> None:
    """Write new objects (of one or more simple classes: one table, an integer `id` the database assigns) at
    once, one INSERT per class with RETURNING their ids, and put them in the session as persistent and
    loaded: what a flush of them would leave, without the unit of work (about half of a flush's CPU). The
    rows go in the given order; foreign keys must be set as columns (`order_id`), not through relationships;
    a relationship collection (an order's `lines`) must hold objects written here first. An object already
    added to the session, waiting for a flush, is written here instead."""
    session = db.session()
    for obj in objects:
        if inspect(obj).pending:
            session.expunge(obj)
    by_class: dict[type, list] = {}
    for obj in objects:
        by_class.setdefault(type(obj), []).append(obj)
    for cls, group in by_class.items():
        statement = _INSERTS.get(cls)
        if statement is None:
            table = cls.__table__
            statement = _INSERTS[cls] = DriverWrite(insert(table).returning(table.c.id,
                                                                             sort_by_parameter_order=True))
        rows = [_insert_values(obj) for obj in group]
        written = execute(statement, rows if len(rows) > 1 else rows[0]).rows
        for obj, (new_id,) in zip(group, written, strict=True):
            obj.id = new_id
            make_transient_to_detached(obj)
    for obj in objects:
        session.add(obj)
    session.info.setdefault(INSERTED_NOW, []).extend(objects)


_UPDATES: dict = {}


def update_now(obj) -> None:
    """Write the changed columns of a loaded object of a versioned class (an order) at once: one Core UPDATE of
    its row, guarded by its version column as a flush is (another transaction changed the row since it was read:
    StaleDataError, which `transaction` answers with CONFLICT), with its columns' onupdate values; the object is
    then clean and loaded with what was written. What a flush of it alone would do, without the unit of work
    (issue 13: the UPDATE that claims a cancel); other pending changes wait for the next flush. Columns only."""
    state = inspect(obj)
    mapper, table = state.mapper, obj.__table__
    values = {}
    for key in state.committed_state:
        prop = mapper.attrs[key]
        if not isinstance(prop, ColumnProperty):
            raise TypeError(f"{mapper.class_.__name__}.{key}: update_now writes columns only")
        values[key] = state.dict[key]
    for prop in mapper.column_attrs:
        onupdate = prop.columns[0].onupdate
        if onupdate is not None and prop.key not in values:
            values[prop.key] = _client_value(onupdate, f"{mapper.class_.__name__}.{prop.key}")
    version = mapper.get_property_by_column(mapper.version_id_col).key
    params = {"w_id": state.identity[0], "w_version": getattr(obj, version)}
    values[version] = mapper.version_id_generator(params["w_version"])
    statement = _UPDATES.get(table)
    if statement is None:
        statement = _UPDATES[table] = DriverWrite(update(table).where(
            table.c.id == bindparam("w_id"), mapper.version_id_col == bindparam("w_version")))
    session = db.session()
    with session.no_autoflush:  # the object's change is this statement, not a flush before it
        matched = execute(statement, {**params, **{mapper.attrs[k].columns[0].key: v for k, v in values.items()}})
    if matched.rowcount != 1:
        raise StaleDataError(f"UPDATE of {mapper.class_.__name__} {params['w_id']} matched {matched.rowcount} rows")
    state.dict.update(values)
    state._commit_all(state.dict, session.identity_map)  # as a flush leaves it: nothing pending


class Transaction:
    def __init__(self):
        self.session = db.session
        self._after_commit: list[Callable[[], None]] = []

    def after_commit(self, action: Callable[[], None]) -> None:
        self._after_commit.append(action)


@contextmanager
def transaction(*, expire_on_commit: bool = True) -> Iterator[Transaction]:
    """`expire_on_commit=False` keeps what the transaction wrote loaded after commit, for a service that
    answers with it (a new order) instead of reading it back. The next transaction in the same session
    starts by expiring it, so it never acts on what another process has changed since."""
    tx = Transaction()
    session = db.session()
    if session.info.pop(KEPT_LOADED, False):
        session.expire_all()
    try:
        yield tx
        for action in _before_commit.get():
            action()
        session.expire_on_commit = expire_on_commit
        try:
            session.commit()
        finally:
            session.expire_on_commit = True
        if not expire_on_commit:
            session.info[KEPT_LOADED] = True
    except StaleDataError as exc:
        db.session.rollback()
        raise DomainError(ErrorCode.CONFLICT) from exc
    except BaseException:
        db.session.rollback()
        raise
    for action in tx._after_commit:
        try:
            action()
        except Exception:  # a side effect must never undo or hide a committed change
            logger.exception("after-commit action failed")


def is_unique_violation(exc: IntegrityError) -> bool:
    text = str(exc.orig).lower()
    return "unique" in text or "duplicate key" in text
