"""The policy in force (configuration + the admin's settings), kept in process between requests.

Reading `shop_settings` on every request costs a statement each time. Instead each process keeps the
last policy it read together with the settings version found in Redis; a change of the settings
(services/settings.update) bumps that version, so every process reads the table again on its next
request. The version is read from Redis at most once per VERSION_CHECK_SECONDS (1 s) per process, not on
every request (issue 13: a Redis round trip per request was a tenth of a shopper read's CPU), so a change
reaches every other process within that second; the process that made it sees it at once. Without Redis
nothing is cached (the table is read every time), and a cached policy is never kept longer than
MAX_AGE_SECONDS in any case.
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
VERSION_CHECK_SECONDS = 1.0  # how long a process trusts the settings version it read (its bound for a change)
REDIS_RETRY_SECONDS = 5  # after a Redis error, do not wait on Redis again for this long


class PolicyCache:
    def __init__(self, check_seconds: float = VERSION_CHECK_SECONDS):
        self._entry: tuple | None = None  # (base policy, settings version, policy, expires at)
        self._redis_down_until = 0.0
        self._version_read = RecentRead(check_seconds)  # the settings version, trusted for check_seconds

    def get(self, base: Policy, redis: Redis, overlay: Callable[[Policy], Policy]) -> Policy:
        version, now = self._version(redis), time.monotonic()
        entry = self._entry
        if entry and version is not None and entry[0] is base and entry[1] == version and now < entry[3]:
            return entry[2]
        policy = overlay(base)
        self._entry = (base, version, policy, now + MAX_AGE_SECONDS)
        return policy

    def forget(self) -> None:
        """Read the settings and their version afresh on the next request."""
        self._entry = None
        self._version_read.forget()

    def settings_changed(self, redis: Redis) -> None:
        try:
            redis.incr(VERSION_KEY)
        except RedisError:
            logger.warning("settings version not bumped: Redis unreachable; other processes catch up "
                           "within %d s", MAX_AGE_SECONDS)
        finally:
            self.forget()  # after the bump: a version read meanwhile is never older than the settings

    def _version(self, redis: Redis) -> str | None:
        return self._version_read.get(lambda: self._read_version(redis))

    def _read_version(self, redis: Redis) -> str | None:
        if time.monotonic() < self._redis_down_until:
            return None
        try:
            value = redis.get(VERSION_KEY)
        except RedisError:
            self._redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS
            return None
        # No key yet (or Redis was emptied): "0", a version like any other; a bump makes it "1".
        return value.decode() if value is not None else "0"


class RecentRead:
    """A value read from Redis, kept in process for `seconds` (the settings version, WeChat's platform
    status: one GET per second per process instead of one per request). None, nothing read, is not kept."""

    def __init__(self, seconds: float = VERSION_CHECK_SECONDS):
        self._seconds = seconds
        self._read: tuple | None = None  # (value, read at)

    def get(self, read: Callable[[], object]) -> object:
        now = time.monotonic()
        kept = self._read
        if kept is not None and now - kept[1] < self._seconds:
            return kept[0]
        value = read()
        self._read = (value, now) if value is not None else None
        return value

    def forget(self) -> None:
        self._read = None
