"""Published payload contracts, one module per producing service (DESIGN §2 catalogue)."""

from shared.events.contracts import assessment, compliance, intake

__all__ = ["assessment", "compliance", "intake"]
