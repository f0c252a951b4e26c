"""Every table of assessment-api, imported so Alembic sees one complete metadata."""

from assessment_api.advice.models import (
    AdviceRequest,
    AdviserNameRequest,
    ClinicalAdviceDecision,
    ClinicalStandard,
)
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
from assessment_api.proposals.models import (
    ProposalCommentDeadline,
    ProposalCommentExtension,
    ProposalCommunication,
    ProposalPlan,
)
from assessment_api.resolution.models import FcResolutionCommunication, FcResolutionRequest
from assessment_api.special_handling.models import InvestigationPriority, LeadLink
from assessment_api.staff.models import StaffConflict, StaffRecord
from assessment_api.suitability.models import SuitabilityAssessment
from assessment_api.triage.models import PvmAssessment, ThresholdSet, TriageApproval, TriageClosure
from shared.audit import AuditEntry
from shared.db import Base
from shared.idempotency import IdempotencyRecord
from shared.inbox.models import InboxEvent
from shared.outbox.models import OutboxCaseStream, OutboxDelivery, OutboxEvent, OutboxSubscription

metadata = Base.metadata

__all__ = [
    "AdviceRequest",
    "AdviserNameRequest",
    "AllocationApproval",
    "AllocationDeadline",
    "AllocationTask",
    "AuditEntry",
    "Case",
    "CaseTask",
    "ClinicalAdviceDecision",
    "ClinicalStandard",
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
    "FcResolutionCommunication",
    "FcResolutionRequest",
    "FcWithdrawal",
    "HandlerRecord",
    "IdempotencyRecord",
    "InboxEvent",
    "InvestigationPriority",
    "InvestigationProposal",
    "LeadLink",
    "MediatedComponent",
    "OrganisationComponentArea",
    "OrganisationDecision",
    "OrganisationOnCase",
    "OutboxCaseStream",
    "OutboxDelivery",
    "OutboxEvent",
    "OutboxSubscription",
    "ProposalCommentDeadline",
    "ProposalCommentExtension",
    "ProposalCommunication",
    "ProposalPlan",
    "PvmAssessment",
    "QueueEntry",
    "StaffConflict",
    "StaffRecord",
    "SuitabilityAssessment",
    "ThresholdSet",
    "TriageApproval",
    "TriageClosure",
    "metadata",
]
