"""WeChat's refund rate rules (W3) kept in Redis, so that every worker on every host shares them.

One Lua script decides atomically, on Redis's own clock: is the order's gap since its previous
refund over (a key per order holding the refund that last went out, with that TTL), and are there
fewer than REFUND_RATE_PER_S refunds sent in the last window (only the failing rate while calls are
failing). The window is a sliding one a little longer than a second (RefundPace.rate_window_ms):
WeChat counts the calls that *arrive* in each of its seconds, and a call leaves some milliseconds
after its token is taken — by a different delay each time on a busy host — so a window of exactly
one second could put six calls allowed five into one of WeChat's seconds. Either every check passes
and the token is taken, or nothing is taken and the caller learns the second to come back in.
Callers turned away are spread over the following seconds, a bucketful each, so a crowd of waiting
jobs does not come back all at once.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone

from redis import Redis
from redis.exceptions import RedisError

from ..domain.refund_pacing import RefundPace

logger = logging.getLogger("shop.refunds")

PREFIX = "shop:refund-pace"

# KEYS: the key prefix, the order's gap key. ARGV: rate, failing rate, order gap in ms, out_refund_no,
# window in ms. Returns 0 when the call may go out now, else the epoch second to come back in.
_ACQUIRE = """
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local base, order_key = KEYS[1], KEYS[2]
local rate, failing_rate, gap_ms = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local window = tonumber(ARGV[5])
local holder = redis.call('GET', order_key)
if holder and holder ~= ARGV[4] then
  return math.floor((now_ms + redis.call('PTTL', order_key)) / 1000) + 1
end
local limit = rate
if redis.call('EXISTS', base .. ':failing') == 1 then
  limit = math.min(rate, failing_rate)
end
local sent = base .. ':sent'
redis.call('ZREMRANGEBYSCORE', sent, '-inf', now_ms - window)
local count = redis.call('ZCARD', sent)
if count >= limit then
  -- the send whose leaving the window brings the count under the limit
  local frees = tonumber(redis.call('ZRANGE', sent, count - limit, count - limit, 'WITHSCORES')[2])
  local second = math.floor((frees + window) / 1000) + 1
  local line_key = base .. ':line:' .. second
  local place = redis.call('INCR', line_key)
  redis.call('EXPIRE', line_key, 60)
  return second + math.floor((place - 1) / limit)
end
redis.call('ZADD', sent, now_ms, ARGV[4] .. ':' .. redis.call('INCR', base .. ':seq'))
redis.call('PEXPIRE', sent, window * 2)
if gap_ms > 0 then
  redis.call('SET', order_key, ARGV[4], 'PX', gap_ms)
end
return 0
"""


class RefundPacer:
    def __init__(self, connection: Callable[[], Redis], pace: RefundPace):
        self._connection = connection
        self.pace = pace
        self._script = None

    def acquire(self, order_id: int, out_refund_no: str) -> datetime | None:
        """None when this refund may be sent to WeChat now (its token is taken); else when to come back."""
        if self._script is None:
            self._script = self._connection().register_script(_ACQUIRE)
        pace = self.pace
        come_back = int(self._script(keys=[PREFIX, f"{PREFIX}:order:{order_id}"],
                                     args=[pace.rate_per_s, pace.failing_rate_per_s, pace.order_gap_seconds * 1000,
                                           out_refund_no, pace.rate_window_ms]))
        return datetime.fromtimestamp(come_back, timezone.utc) if come_back else None

    def record_failure(self) -> None:
        """A refund call failed: for the next while, calls go out at the failing rate only."""
        try:
            self._connection().set(f"{PREFIX}:failing", "1", ex=self.pace.failing_window_seconds)
        except RedisError as exc:  # the failure itself is recorded in the database; only the slowdown is lost
            logger.warning("could not mark refunds as failing", extra={"fields": {"error": str(exc)}})
