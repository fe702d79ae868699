"""The policy in force (configuration + the admin's settings), kept in process between requests.

Reading `shop_settings` on every request costs a statement each time. Instead each process keeps the
last policy it read together with the settings version found in Redis; a change of the settings
(services/settings.update) bumps that version, so every process reads the table again on its next
request. The check is one Redis GET per request. Without Redis nothing is cached (the table is read
every time), and a cached policy is never kept longer than MAX_AGE_SECONDS in any case.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

from redis import Redis
from redis.exceptions import RedisError

from ..domain.policy import Policy

logger = logging.getLogger("shop.settings")

VERSION_KEY = "shop:settings-version"
MAX_AGE_SECONDS = 60
REDIS_RETRY_SECONDS = 5  # after a Redis error, do not wait on Redis again for this long


class PolicyCache:
    def __init__(self):
        self._entry: tuple | None = None  # (base policy, settings version, policy, expires at)
        self._redis_down_until = 0.0

    def get(self, base: Policy, redis: Redis, overlay: Callable[[Policy], Policy]) -> Policy:
        version, now = self._version(redis), time.monotonic()
        entry = self._entry
        if entry and version is not None and entry[0] is base and entry[1] == version and now < entry[3]:
            return entry[2]
        policy = overlay(base)
        self._entry = (base, version, policy, now + MAX_AGE_SECONDS)
        return policy

    def settings_changed(self, redis: Redis) -> None:
        self._entry = None
        try:
            redis.incr(VERSION_KEY)
        except RedisError:
            logger.warning("settings version not bumped: Redis unreachable; other processes catch up "
                           "within %d s", MAX_AGE_SECONDS)

    def _version(self, redis: Redis) -> str | None:
        if time.monotonic() < self._redis_down_until:
            return None
        try:
            value = redis.get(VERSION_KEY)
        except RedisError:
            self._redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS
            return None
        # No key yet (or Redis was emptied): "0", a version like any other; a bump makes it "1".
        return value.decode() if value is not None else "0"
