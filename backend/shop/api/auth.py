"""Who is calling: bearer token -> shopper (mini-program)."""
from __future__ import annotations

import functools

from flask import g, request

from ..domain.actors import Actor
from ..domain.errors import DomainError, ErrorCode


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise DomainError(ErrorCode.UNAUTHORIZED)
    return header[7:].strip()


def client_ip() -> str:
    """The peer's address; behind PROXY_COUNT trusted proxies, ProxyFix has already put the client's here."""
    return request.remote_addr or ""


def shopper_required(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        from ..services.auth import shopper_from_token
        reading_as(shopper_from_token(bearer_token()))
        return view(*args, **kwargs)
    return wrapper


def shopper_writing(view):
    """shopper_required for a view whose service reads the shopper with its first statement and checks them
    before it writes anything (issue 13: placing an order, a shopper's cancel): the token's signature and age
    are checked here, with no database read, and the view gets its claims as `claims`, for the
    services/auth.ShopperCaller it gives the service; the service checks the rest (ban, token version) and the
    view hands the shopper it returns to `reading_as`."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        from ..services.auth import shopper_claims
        return view(*args, claims=shopper_claims(bearer_token()), **kwargs)
    return wrapper


def shopper_reading(view):
    """shopper_required for a view that only reads (issue 13: the order list and page): the token's
    signature and age are checked here, with no database read, and the view gets its claims as
    `claims`; the view's service reads the shopper with its first statement and checks the rest (ban,
    token version: services/auth.checked_identity), and the view hands the identity to `reading_as`.
    The whole view runs outside a transaction (services/uow.reading: no BEGIN/COMMIT round trips)."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        from ..services.auth import shopper_claims
        from ..services.uow import reading
        claims = shopper_claims(bearer_token())
        with reading():
            return view(*args, claims=claims, **kwargs)
    return wrapper


def reading_as(shopper) -> None:
    """The shopper a view serves, checked: g.shopper and g.actor (a shopper_reading view's service found it;
    there g.shopper is a light identity: id, nickname, openid)."""
    g.shopper = shopper
    g.actor = Actor.shopper(shopper.id, shopper.nickname, client_ip())
