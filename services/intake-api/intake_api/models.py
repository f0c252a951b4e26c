"""Every table of intake-api, imported so Alembic sees one complete metadata."""

from intake_api.cases.models import (
    Case,
    CaseLink,
    CaseOrganisation,
    CaseParty,
    CaseStage,
    Communication,
    ContactAttempt,
    Deadline,
    DeadlineExtension,
    PreviousContactCheck,
)
from intake_api.organisations.models import Organisation, PvOptOut
from intake_api.people.models import (
    AccessibilityRequest,
    Consent,
    IdentityVerification,
    MpDeactivationRequest,
    MpSuccession,
    Person,
    ReasonableAdjustmentRequest,
)
from shared.audit import AuditEntry
from shared.db import Base
from shared.idempotency import IdempotencyRecord
from shared.inbox.models import InboxEvent
from shared.outbox.models import OutboxCaseStream, OutboxDelivery, OutboxEvent, OutboxSubscription

metadata = Base.metadata

__all__ = [
    "AccessibilityRequest",
    "AuditEntry",
    "Case",
    "CaseLink",
    "CaseOrganisation",
    "CaseParty",
    "CaseStage",
    "Communication",
    "Consent",
    "ContactAttempt",
    "Deadline",
    "DeadlineExtension",
    "IdempotencyRecord",
    "IdentityVerification",
    "InboxEvent",
    "MpDeactivationRequest",
    "MpSuccession",
    "Organisation",
    "OutboxCaseStream",
    "OutboxDelivery",
    "OutboxEvent",
    "OutboxSubscription",
    "Person",
    "PreviousContactCheck",
    "PvOptOut",
    "ReasonableAdjustmentRequest",
    "metadata",
]
