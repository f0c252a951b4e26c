"""Every table of compliance-api, imported so Alembic sees one complete metadata."""

from shared.audit import AuditEntry
from shared.db import Base
from shared.idempotency import IdempotencyRecord

metadata = Base.metadata

__all__ = ["AuditEntry", "IdempotencyRecord", "metadata"]
