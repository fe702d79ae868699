"""WeChat's rate rules for refunds (W3), as the numbers and decisions the refund worker obeys.

WeChat Pay takes at most 150 refund calls a second per merchant and 6 a second while they fail,
wants two refunds of one order at least a minute apart, and answers FREQUENCY_LIMITED when pushed
past that. The shop keeps below those limits on its own side, cluster-wide (the bucket lives in
Redis, see adapters/refund_pacer.py), counted over a sliding window a little longer than WeChat's
second so that the varying delay between taking a token and the call arriving cannot crowd one of
WeChat's seconds; a FREQUENCY_LIMITED answer is WeChat saying "later", not a
failure of the refund, so it never uses up one of the refund's attempts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

RATE_LIMITED_CODE = "FREQUENCY_LIMITED"
RATE_LIMITED_PAUSE = timedelta(seconds=1)
MAX_QUERY_GAP = timedelta(hours=1)


@dataclass(frozen=True)
class RefundPace:
    rate_per_s: int = 100           # REFUND_RATE_PER_S: submissions a second, all workers and hosts together
    failing_rate_per_s: int = 5     # while calls fail (WeChat allows 6 failing calls a second)
    failing_window_seconds: int = 10  # how long after a failed call "failing" lasts
    order_gap_seconds: int = 60     # two refunds of one order at least this far apart
    rate_window_ms: int = 1300      # REFUND_RATE_WINDOW_MS: the rate counts sends in this sliding window; the
    #                                 300 ms over a second absorb the delay between token and arrival at WeChat

    @classmethod
    def from_config(cls, config) -> "RefundPace":
        defaults = cls()
        return cls(rate_per_s=int(config.get("REFUND_RATE_PER_S") or defaults.rate_per_s),
                   failing_rate_per_s=int(config.get("REFUND_FAILING_RATE_PER_S") or defaults.failing_rate_per_s),
                   order_gap_seconds=int(config.get("REFUND_ORDER_GAP_SECONDS") or defaults.order_gap_seconds),
                   rate_window_ms=int(config.get("REFUND_RATE_WINDOW_MS") or defaults.rate_window_ms))


def is_rate_limited(error_code: str) -> bool:
    """WeChat asks us to slow down: wait and resubmit, without counting the attempt."""
    return error_code == RATE_LIMITED_CODE


def next_query_at(submitted_at: datetime, now: datetime, first_after: timedelta) -> datetime:
    """When to ask WeChat again about a refund still processing: the first query comes `first_after` after
    submission; after that each pause is as long as the refund has been open (doubling), at most an hour."""
    return now + min(max(first_after, now - submitted_at), MAX_QUERY_GAP)
