"""Published payload contracts, one module per producing service (DESIGN §2 catalogue)."""

from shared.events.contracts import intake

__all__ = ["intake"]
