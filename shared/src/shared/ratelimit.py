"""Rate limits kept in process memory: a per-principal token bucket, and a per-address budget
of failed authentications.

Each replica limits on its own; behind a load balancer the effective limit is per replica, which
is enough to stop a runaway client without a shared store.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict

from shared.errors import RateLimited


class TokenBucketLimiter:
    """``rate_per_minute`` sustained with bursts up to ``burst`` requests, per key."""

    def __init__(self, *, rate_per_minute: int, burst: int, max_keys: int = 100_000) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst)
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def check(self, key: str, *, now: float | None = None) -> None:
        """Take one token for ``key`` or raise :class:`RateLimited` with ``Retry-After``."""
        t = time.monotonic() if now is None else now
        tokens, last = self._buckets.pop(key, (self.burst, t))
        tokens = min(self.burst, tokens + (t - last) * self.rate)
        if tokens < 1.0:
            self._buckets[key] = (tokens, t)
            retry_after = max(1, math.ceil((1.0 - tokens) / self.rate))
            raise RateLimited(
                "Rate limit exceeded for this principal",
                headers={"Retry-After": str(retry_after)},
            )
        self._buckets[key] = (tokens - 1.0, t)
        if len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)


class FailureLimiter:
    """At most ``limit`` failures per ``window_s`` per key (a client address), as a bucket.

    ``record`` spends one unit per failure; the budget refills at ``limit / window_s`` a second.
    ``check`` raises :class:`RateLimited` with ``Retry-After`` while a key has nothing left, so
    the caller refuses the request before doing the expensive work (a signature check).
    """

    def __init__(self, *, limit: int, window_s: float, max_keys: int = 100_000) -> None:
        self.limit = float(limit)
        self.rate = limit / window_s
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def _level(self, key: str, t: float) -> float:
        tokens, last = self._buckets.get(key, (self.limit, t))
        return min(self.limit, tokens + (t - last) * self.rate)

    def check(self, key: str, *, now: float | None = None) -> None:
        """Raise :class:`RateLimited` if ``key`` has used up its failures."""
        t = time.monotonic() if now is None else now
        if key not in self._buckets:
            return
        tokens = self._level(key, t)
        if tokens < 1.0:
            retry_after = max(1, math.ceil((1.0 - tokens) / self.rate))
            raise RateLimited(
                "Too many failed authentication attempts from this address",
                headers={"Retry-After": str(retry_after)},
            )

    def record(self, key: str, *, now: float | None = None) -> None:
        """Count one failure for ``key``."""
        t = time.monotonic() if now is None else now
        tokens = self._level(key, t)
        self._buckets.pop(key, None)
        self._buckets[key] = (tokens - 1.0, t)
        if len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
