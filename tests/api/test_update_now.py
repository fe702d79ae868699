"""uow.update_now: an object's changes written at once with Core (issue 13) behave as a flush of it would."""
import pytest
from sqlalchemy import select, update

from shop.db import Order
from shop.domain.errors import DomainError
from shop.extensions import db
from shop.services.uow import transaction, update_now
from support.shop import Shopper


def test_the_changes_the_version_and_updated_at_are_written_and_the_object_is_left_clean(client):
    order_id = Shopper(client).order()["id"]
    db.session.remove()
    with transaction():
        order = db.session.get(Order, order_id)
        version, updated_at = order.version, order.updated_at
        order.status, order.cancel_reason_code = "cancelled", "changed_mind"
        update_now(order)
        assert order not in db.session.dirty and order.version == version + 1 and order.updated_at >= updated_at
        assert order.status == "cancelled"
        written_at = order.updated_at
    db.session.remove()
    written = db.session.execute(select(Order.status, Order.cancel_reason_code, Order.version, Order.updated_at)
                                 .where(Order.id == order_id)).one()
    assert written == ("cancelled", "changed_mind", version + 1, written_at)


def test_a_row_changed_since_it_was_read_is_a_conflict_and_nothing_is_written(client):
    order_id = Shopper(client).order()["id"]
    db.session.remove()
    with pytest.raises(DomainError) as refused, transaction():
        order = db.session.get(Order, order_id)
        db.session.execute(update(Order).where(Order.id == order_id).values(version=Order.version + 1)
                           .execution_options(synchronize_session=False))  # as another transaction would
        order.status = "cancelled"
        update_now(order)
    assert refused.value.code.name == "CONFLICT"
    db.session.remove()
    assert db.session.scalar(select(Order.status).where(Order.id == order_id)) == "pending_payment"


def test_only_columns_are_written(client):
    order_id = Shopper(client).order()["id"]
    db.session.remove()
    with pytest.raises(TypeError), transaction():
        order = db.session.get(Order, order_id)
        order.lines = []
        update_now(order)
