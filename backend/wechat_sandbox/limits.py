"""WeChat Pay's refund rate rules and the per-endpoint call counters (GET /__control__/stats).

WeChat: at most 150 refund calls per second per merchant, and at most 6 failing ones per
second; beyond that the call is refused with FREQUENCY_LIMITED. Both are sliding one-second
windows here (`rate_window` seconds, configurable so that tests can count instead of race).
"""
from __future__ import annotations

import threading
import time
from collections import Counter, deque


REFUND_ENDPOINTS = {"refund", "v3_refund"}
# Not a failing call WeChat would count: its own refusal, or a call that never got an answer.
_NOT_FAILURES = {"FREQUENCY_LIMITED", "timeout", "lost_reply"}


class RefundRateLimiter:
    def __init__(self, config: dict, clock=time.monotonic):
        self.config = config
        self.clock = clock
        self._lock = threading.Lock()
        self._calls: deque[float] = deque()
        self._failures: deque[float] = deque()

    def _trim(self, now: float):
        horizon = now - float(self.config["rate_window"])
        for window in (self._calls, self._failures):
            while window and window[0] <= horizon:
                window.popleft()

    def admit(self) -> bool:
        """Whether one more refund call may be served now; an admitted call counts in the window."""
        with self._lock:
            now = self.clock()
            self._trim(now)
            if (len(self._calls) >= int(self.config["refund_rate_limit"])
                    or len(self._failures) >= int(self.config["refund_failure_rate_limit"])):
                return False
            self._calls.append(now)
            return True

    def record_outcome(self, endpoint: str, error: str | None):
        if error and endpoint in REFUND_ENDPOINTS and error not in _NOT_FAILURES:
            with self._lock:
                self._failures.append(self.clock())

    def reset(self):
        with self._lock:
            self._calls.clear()
            self._failures.clear()


class Stats:
    """Calls per endpoint, how many succeeded, and every refusal by its error code."""

    def __init__(self):
        self._lock = threading.Lock()
        self._calls: Counter = Counter()
        self._errors: dict[str, Counter] = {}

    def record(self, endpoint: str, error: str | None = None):
        with self._lock:
            self._calls[endpoint] += 1
            if error:
                self._errors.setdefault(endpoint, Counter())[error] += 1

    def snapshot(self) -> dict:
        with self._lock:
            result = {}
            for endpoint, calls in sorted(self._calls.items()):
                errors = dict(self._errors.get(endpoint, {}))
                rejected = sum(errors.values())
                result[endpoint] = {"calls": calls, "succeeded": calls - rejected, "rejected": rejected,
                                    "errors": errors}
            return result

    def reset(self):
        with self._lock:
            self._calls.clear()
            self._errors.clear()
