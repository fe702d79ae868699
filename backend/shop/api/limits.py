"""Rate limits (Flask-Limiter on the app's Redis) and the one 429 answer they give.

Counters live in Redis, so every gunicorn worker shares them. A moving window: with a fixed one,
a burst straddling the minute boundary would get twice the allowed attempts.
"""
from __future__ import annotations

import time
from functools import partial

from flask import Flask, current_app
from flask.globals import request_ctx
from flask_limiter import Limiter

from .auth import bearer_token, client_ip

limiter = Limiter(key_func=client_ip, default_limits=[], swallow_errors=True, in_memory_fallback_enabled=True,
                  key_prefix="shop-limiter", strategy="moving-window")


def limiter_storage_uri(redis_url: str) -> str:
    return "redis+unix://" + redis_url.removeprefix("unix://") if redis_url.startswith("unix://") else redis_url


def init_limiter(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", limiter_storage_uri(app.config["REDIS_URL"]))
    limiter.init_app(app)
    # Every limit of the shop is a decorator on its view (sign-in, order creation), and a decorated view checks
    # its limits itself. Flask-Limiter's check before every request would only look for default, application
    # and blueprint limits, which the shop has none of: without it, each request of the API saves what the
    # check costs (about 0.1 ms of CPU, issue 13). Limits configured for all requests would need it back.
    limits = limiter.limit_manager
    if limits._default_limits or limits._application_limits or limits._blueprint_limits or limiter._meta_limits:
        raise RuntimeError("default, application or blueprint rate limits need Flask-Limiter's check before each request")
    app.before_request_funcs[None].remove(limiter._check_request_limit)
    # Its hooks after each request (conditional deductions, headers; then the request's limiter state cleared)
    # have something to do only where a limited view ran and left that state on the request: elsewhere they
    # would create it to find it empty (about 2 % of the order page's CPU).
    after, teardown = app.after_request_funcs[None], app.teardown_request_funcs[None]
    inject = next(hook for hook in after if isinstance(hook, partial) and hook.args == (limiter,))
    after[after.index(inject)] = lambda response: inject(response) if _limited() else response
    release = next(hook for hook in teardown if getattr(hook, "__self__", None) is limiter)
    teardown[teardown.index(release)] = lambda exc=None: release(exc) if _limited() else None


def _limited() -> bool:
    """Did a rate-limited view run in this request (Flask-Limiter keeps its state on the request context)?"""
    return hasattr(request_ctx, "_limiter_request_context")


def configured(key: str):
    """A limit read from the app's config on each request (tests and `make bench` change it)."""
    return lambda: current_app.config[key]


def retry_after_seconds() -> int:
    """Seconds until the limit this request broke lets the next attempt through."""
    breached = [lim for lim in limiter.current_limits if lim.breached] or \
        [lim for lim in [limiter.current_limit] if lim is not None]
    if not breached:
        return 60
    return max(1, max(min(lim.reset_at - int(time.time()), lim.limit.get_expiry()) for lim in breached))


def _shopper_key() -> str:
    """The shopper the bearer token names (signature checked, no database read: limits run before the
    view), or the address when there is no valid token."""
    from ..domain.errors import DomainError
    from ..services.auth import read_token
    try:
        claims = read_token("shopper", bearer_token(), current_app.config["TOKEN_MAX_AGE_SECONDS"])
    except DomainError:
        return f"order-create-ip:{client_ip()}"
    return f"order-create-shopper:{claims.get('sub')}"


def _ip_key() -> str:
    return f"order-create-ip-all:{client_ip()}"


def order_creation_rate_limit(view):
    """Orders placed per minute: per shopper, and per address whoever the shopper (no hoarding)."""
    view = limiter.limit(configured("ORDER_RATE_LIMIT_PER_SHOPPER"), key_func=_shopper_key)(view)
    return limiter.limit(configured("ORDER_RATE_LIMIT_PER_IP"), key_func=_ip_key)(view)
