"""Every table of investigation-api, imported so Alembic sees one complete metadata."""

from investigation_api.investigations.models import (
    CommentDeadline,
    CommentExtension,
    Investigation,
    InvestigationOrganisation,
    InvestigationParty,
    MilestoneRecord,
)
from shared.audit import AuditEntry
from shared.db import Base
from shared.idempotency import IdempotencyRecord
from shared.inbox.models import InboxEvent
from shared.outbox.models import OutboxCaseStream, OutboxDelivery, OutboxEvent, OutboxSubscription

metadata = Base.metadata

__all__ = [
    "AuditEntry",
    "CommentDeadline",
    "CommentExtension",
    "IdempotencyRecord",
    "InboxEvent",
    "Investigation",
    "InvestigationOrganisation",
    "InvestigationParty",
    "MilestoneRecord",
    "OutboxCaseStream",
    "OutboxDelivery",
    "OutboxEvent",
    "OutboxSubscription",
    "metadata",
]
