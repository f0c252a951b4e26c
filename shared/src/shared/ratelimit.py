"""A per-principal token bucket, kept in process memory.

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
