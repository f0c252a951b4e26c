"""Every table of assessment-api, imported so Alembic sees one complete metadata."""

from assessment_api.allocations.models import (
    AllocationApproval,
    AllocationDeadline,
    AllocationTask,
    QueueEntry,
)
from assessment_api.cases.models import Case, CaseTask, DeclineDecision, InvestigationProposal
from assessment_api.components.models import ComplaintComponent, ComplaintSummary
from assessment_api.contact.models import FcChecklistAnswer, FcContactAttempt, FcWithdrawal
from assessment_api.decision_approvals.models import DecisionApproval
from assessment_api.decision_form.models import (
    DecisionForm,
    DecisionFormApproval,
    DecisionFormVersion,
)
from assessment_api.dr.models import (
    DrCommunication,
    DrConference,
    DrProcess,
    MediatedComponent,
)
from assessment_api.early.models import (
    EcCommunication,
    EcContactAttempt,
    EcDeadline,
    EcDecision,
    EcInformationRequest,
)
from assessment_api.handlers.models import (
    HandlerRecord,
    OrganisationComponentArea,
    OrganisationDecision,
    OrganisationOnCase,
)
from assessment_api.staff.models import StaffConflict, StaffRecord
from assessment_api.triage.models import PvmAssessment, ThresholdSet, TriageApproval, TriageClosure
from shared.audit import AuditEntry
from shared.db import Base
from shared.idempotency import IdempotencyRecord
from shared.inbox.models import InboxEvent
from shared.outbox.models import OutboxCaseStream, OutboxDelivery, OutboxEvent, OutboxSubscription

metadata = Base.metadata

__all__ = [
    "AllocationApproval",
    "AllocationDeadline",
    "AllocationTask",
    "AuditEntry",
    "Case",
    "CaseTask",
    "ComplaintComponent",
    "ComplaintSummary",
    "DecisionApproval",
    "DecisionForm",
    "DecisionFormApproval",
    "DecisionFormVersion",
    "DeclineDecision",
    "DrCommunication",
    "DrConference",
    "DrProcess",
    "EcCommunication",
    "EcContactAttempt",
    "EcDeadline",
    "EcDecision",
    "EcInformationRequest",
    "FcChecklistAnswer",
    "FcContactAttempt",
    "FcWithdrawal",
    "HandlerRecord",
    "IdempotencyRecord",
    "InboxEvent",
    "InvestigationProposal",
    "MediatedComponent",
    "OrganisationComponentArea",
    "OrganisationDecision",
    "OrganisationOnCase",
    "OutboxCaseStream",
    "OutboxDelivery",
    "OutboxEvent",
    "OutboxSubscription",
    "PvmAssessment",
    "QueueEntry",
    "StaffConflict",
    "StaffRecord",
    "ThresholdSet",
    "TriageApproval",
    "TriageClosure",
    "metadata",
]
