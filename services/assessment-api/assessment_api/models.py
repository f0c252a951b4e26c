"""Every table of assessment-api, imported so Alembic sees one complete metadata."""

from assessment_api.allocations.models import QueueEntry
from assessment_api.cases.models import Case, CaseTask, DeclineDecision, InvestigationProposal
from assessment_api.early.models import (
    EcCommunication,
    EcContactAttempt,
    EcDeadline,
    EcDecision,
    EcInformationRequest,
)
from shared.audit import AuditEntry
from shared.db import Base
from shared.idempotency import IdempotencyRecord
from shared.inbox.models import InboxEvent
from shared.outbox.models import OutboxCaseStream, OutboxDelivery, OutboxEvent, OutboxSubscription

metadata = Base.metadata

__all__ = [
    "AuditEntry",
    "Case",
    "CaseTask",
    "DeclineDecision",
    "EcCommunication",
    "EcContactAttempt",
    "EcDeadline",
    "EcDecision",
    "EcInformationRequest",
    "IdempotencyRecord",
    "InboxEvent",
    "InvestigationProposal",
    "OutboxCaseStream",
    "OutboxDelivery",
    "OutboxEvent",
    "OutboxSubscription",
    "QueueEntry",
    "metadata",
]
