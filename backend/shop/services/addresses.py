"""The shopper's address book (O2)."""
from __future__ import annotations

from sqlalchemy import select, update

from ..db import Address
from ..domain import clock
from ..domain.addresses import validate_address
from ..domain.errors import DomainError, ErrorCode
from ..extensions import db
from .uow import transaction

FIELDS = ("receiver", "phone", "province", "city", "district", "detail")


def list_addresses(shopper_id: int) -> list[Address]:
    return list(db.session.scalars(select(Address).where(Address.shopper_id == shopper_id)
                                   .order_by(Address.is_default.desc(), Address.id.desc())))


def _get(shopper_id: int, address_id: int) -> Address:
    address = db.session.get(Address, address_id)
    if address is None or address.shopper_id != shopper_id:
        raise DomainError(ErrorCode.ADDRESS_NOT_FOUND)
    return address


def _clean(data: dict) -> dict:
    cleaned = {f: (data.get(f) or "").strip() for f in FIELDS}
    problems = validate_address(cleaned)
    if problems:
        raise DomainError(ErrorCode.VALIDATION_ERROR, next(iter(problems.values())), problems)
    return cleaned


def save_address(shopper_id: int, data: dict, address_id: int | None = None) -> Address:
    cleaned = _clean(data)
    with transaction():
        address = _get(shopper_id, address_id) if address_id else Address(shopper_id=shopper_id, created_at=clock.now())
        for key, value in cleaned.items():
            setattr(address, key, value)
        first = not db.session.scalar(select(Address.id).where(Address.shopper_id == shopper_id).limit(1))
        if data.get("is_default") or first:
            db.session.execute(update(Address).where(Address.shopper_id == shopper_id).values(is_default=False))
            address.is_default = True
        db.session.add(address)
    return address


def delete_address(shopper_id: int, address_id: int) -> None:
    with transaction():
        db.session.delete(_get(shopper_id, address_id))
