"""Every table of compliance-api, imported so Alembic sees one complete metadata."""

from compliance_api.legal.models import LegalReferral, RiskPrompt
from compliance_api.resolutions.models import ComplianceItem
from compliance_api.risk.models import (
    BreachReport,
    OversightRecord,
    OversightUpdate,
    RiskApproval,
    RiskAssessment,
    RiskEntry,
    RiskEscalation,
    RiskTask,
    RiskUplift,
    UpdateDeadline,
)
from shared.audit import AuditEntry
from shared.db import Base
from shared.idempotency import IdempotencyRecord
from shared.inbox.models import InboxEvent
from shared.outbox.models import OutboxCaseStream, OutboxDelivery, OutboxEvent, OutboxSubscription

metadata = Base.metadata

__all__ = [
    "AuditEntry",
    "BreachReport",
    "ComplianceItem",
    "IdempotencyRecord",
    "InboxEvent",
    "LegalReferral",
    "OutboxCaseStream",
    "OutboxDelivery",
    "OutboxEvent",
    "OutboxSubscription",
    "OversightRecord",
    "OversightUpdate",
    "RiskApproval",
    "RiskAssessment",
    "RiskEntry",
    "RiskEscalation",
    "RiskPrompt",
    "RiskTask",
    "RiskUplift",
    "UpdateDeadline",
    "metadata",
]
