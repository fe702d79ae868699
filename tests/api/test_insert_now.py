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
