"""uow.insert_now: rows written at once with Core (issue 13) behave as rows a flush wrote."""
import pytest
from sqlalchemy import func, select

from shop.db import Message
from shop.extensions import db
from shop.services.uow import insert_now, transaction
from support.shop import Shopper


def _message(shopper_id: int) -> Message:
    return Message(shopper_id=shopper_id, kind="test", title="标题", body="内容")


def test_written_rows_are_loaded_objects_of_the_session(client):
    shopper_id = Shopper(client).user["id"]
    message = _message(shopper_id)
    with transaction():
        insert_now(message)
        assert message in db.session and message.id and message.created_at and message.read_at is None
        message_id = message.id
    db.session.expunge_all()
    assert db.session.get(Message, message_id).title == "标题"


def test_a_rollback_takes_them_out_of_the_session(client):
    """Kept by the caller or not: else the next row given the same id (SQLite reuses it) could not join."""
    shopper_id = Shopper(client).user["id"]
    message = _message(shopper_id)
    with pytest.raises(RuntimeError), transaction():
        insert_now(message)
        raise RuntimeError("refused")
    assert message not in db.session
    assert db.session.scalar(select(func.count()).select_from(Message).where(Message.kind == "test")) == 0
    again = _message(shopper_id)
    with transaction():
        insert_now(again)
    assert again in db.session and db.session.get(Message, again.id) is again


def test_an_object_waiting_for_a_flush_is_written_once_by_it(client):
    """Added to the session first (an unpaid cancel's event, waiting for its notice): written at once with the
    others, in the order given, and nothing is left for the flush."""
    from support.statements import counting_statements

    shopper_id = Shopper(client).user["id"]
    waiting, later = _message(shopper_id), _message(shopper_id)
    waiting.title = "先"
    with transaction():
        db.session.add(waiting)
        with counting_statements() as log:
            insert_now(waiting, later)
            assert not db.session.new
            db.session.flush()
        assert waiting in db.session and waiting.id < later.id
    assert len(log) == (1 if db.engine.dialect.name == "postgresql" else 2)  # SQLite: an INSERT per row
    titles = db.session.scalars(select(Message.title).where(Message.kind == "test").order_by(Message.id)).all()
    assert titles == ["先", "标题"]
