"""Published payload contracts, one module per producing service (DESIGN §2 catalogue)."""

from shared.events.contracts import compliance, intake

__all__ = ["compliance", "intake"]
