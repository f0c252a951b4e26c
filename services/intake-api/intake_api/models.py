"""Every table of intake-api, imported so Alembic sees one complete metadata."""

from intake_api.cases.models import Case
from shared.audit import AuditEntry
from shared.db import Base
from shared.idempotency import IdempotencyRecord
from shared.inbox.models import InboxEvent
from shared.outbox.models import OutboxCaseStream, OutboxDelivery, OutboxEvent, OutboxSubscription

metadata = Base.metadata

__all__ = [
    "AuditEntry",
    "Case",
    "IdempotencyRecord",
    "InboxEvent",
    "OutboxCaseStream",
    "OutboxDelivery",
    "OutboxEvent",
    "OutboxSubscription",
    "metadata",
]
