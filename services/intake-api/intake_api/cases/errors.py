"""Errors of the cases module.

NotFound
├── CaseNotFound (404, case-not-found)
├── PreviousContactCheckNotFound (404, previous-contact-check-not-found)
├── CaseOrganisationUnknown (404, organisation-not-found)
├── CasePersonUnknown (404, person-not-found)
├── TaskNotFound (404, task-not-found)
├── SupportNotFound (404, support-not-found)
└── CommunicationNotFound (404, communication-not-found)
UnprocessableContent
├── ReceivedDateInFuture (422, received-date-in-future)
├── InvalidDateRange (422, invalid-date-range)
├── JurisdictionRequired (422, jurisdiction-required)
├── ReferralBlocked (422, referral-blocked; lists every unmet requirement)
├── ClosureBlocked (422, closure-blocked; lists every unmet requirement)
├── NotProperlyMade (422, not-properly-made; lists the failing rules)
├── InformationDeadlineInvalid (422, information-deadline-invalid)
├── RestartNotAllowed (422, restart-not-allowed)
├── TypeReasonRequired (422, type-reason-required)
├── ChannelOverrideRequired (422, channel-override-required)
├── JointWorkingReferralBlocked (422, joint-working-referral-blocked)
├── RestartNeedsProgress (422, restart-needs-progress)
├── DisclosureNotAuthorised (422, disclosure-not-authorised; lists each recipient)
├── SupportEvidenceInvalid (422, support-evidence-invalid)
├── MpReferralReuseInvalid (422, mp-referral-reuse-invalid)
├── TaskNeedsCommunication (422, task-needs-communication)
├── NotAnMpRecord (422, not-an-mp-record)
└── TriageIncomplete (422, triage-incomplete; lists each answer missing or invalid)
Conflict
├── PartyAlreadyOnCase (409, party-already-on-case)
├── OrganisationAlreadyOnCase (409, organisation-already-on-case)
├── TaskAlreadyDone (409, task-already-done; shared.casework.tasks)
├── SignedFormAlreadyReturned (409, signed-form-already-returned)
├── CaseNotAtIntake (409, case-not-at-intake)
├── CaseFactsFrozen (409, case-facts-frozen)
└── PriorityNotRequested (409, priority-not-requested)
Forbidden
└── ApproverIsRequester (403, approver-is-requester)
InvalidTransition
└── CaseTransitionNotAllowed (409, case-transition-not-allowed; in state.py)
"""

from shared.errors import Conflict, Forbidden, NotFound, UnprocessableContent


class CaseNotFound(NotFound):
    type = "case-not-found"
    title = "Case not found"


class InvalidDateRange(UnprocessableContent):
    type = "invalid-date-range"
    title = "The date range ends before it starts"


class PreviousContactCheckNotFound(NotFound):
    type = "previous-contact-check-not-found"
    title = "Previous-contact check not found"


class CaseOrganisationUnknown(NotFound):
    type = "organisation-not-found"
    title = "No such organisation in the register"


class CasePersonUnknown(NotFound):
    type = "person-not-found"
    title = "No such person"


class ReceivedDateInFuture(UnprocessableContent):
    type = "received-date-in-future"
    title = "The received date is in the future"


class JurisdictionRequired(UnprocessableContent):
    type = "jurisdiction-required"
    title = "The case needs a jurisdiction before it can be referred"


class ReferralBlocked(UnprocessableContent):
    type = "referral-blocked"
    title = "The case cannot be passed on yet"


class ClosureBlocked(UnprocessableContent):
    type = "closure-blocked"
    title = "The case cannot be closed that way yet"


class NotProperlyMade(UnprocessableContent):
    type = "not-properly-made"
    title = "The rules say the complaint is not properly made"


class InformationDeadlineInvalid(UnprocessableContent):
    type = "information-deadline-invalid"
    title = "The information deadline is not valid"


class RestartNotAllowed(UnprocessableContent):
    type = "restart-not-allowed"
    title = "This closure cannot be restarted that way"


class RestartNeedsProgress(UnprocessableContent):
    type = "restart-needs-progress"
    title = "Nothing has changed since the earlier decision"


class PartyAlreadyOnCase(Conflict):
    type = "party-already-on-case"
    title = "That person already has that role on the case"


class OrganisationAlreadyOnCase(Conflict):
    type = "organisation-already-on-case"
    title = "That organisation already has that role on the case"


class PriorityNotRequested(Conflict):
    type = "priority-not-requested"
    title = "No special handling has been requested"


class ApproverIsRequester(Forbidden):
    type = "approver-is-requester"
    title = "Special handling is approved by a manager, not the person who asked"


class TypeReasonRequired(UnprocessableContent):
    type = "type-reason-required"
    title = "Recording this request as a complaint needs a reason"


class ChannelOverrideRequired(UnprocessableContent):
    type = "channel-override-required"
    title = "Contact by another method than the preferred one needs a reason"


class JointWorkingReferralBlocked(UnprocessableContent):
    type = "joint-working-referral-blocked"
    title = "The case cannot go to the joint working team yet"


class TaskNotFound(NotFound):
    type = "task-not-found"
    title = "Task not found on this case"


class DisclosureNotAuthorised(UnprocessableContent):
    type = "disclosure-not-authorised"
    title = "The complainant has not authorised sharing these documents with every recipient"


class SupportNotFound(NotFound):
    type = "support-not-found"
    title = "No such support record on this case"


class CommunicationNotFound(NotFound):
    type = "communication-not-found"
    title = "No such communication on this case"


class SupportEvidenceInvalid(UnprocessableContent):
    type = "support-evidence-invalid"
    title = "The communication does not show this help was given as the guidance requires"


class SignedFormAlreadyReturned(Conflict):
    type = "signed-form-already-returned"
    title = "The signed form is already recorded as returned"


class MpReferralReuseInvalid(UnprocessableContent):
    type = "mp-referral-reuse-invalid"
    title = "The earlier MP referral cannot be relied on here"


class TaskNeedsCommunication(UnprocessableContent):
    type = "task-needs-communication"
    title = "This task is done only by recording the communication it asks for"


class CaseNotAtIntake(Conflict):
    type = "case-not-at-intake"
    title = "Only a case at intake can have this decided"


class CaseFactsFrozen(Conflict):
    type = "case-facts-frozen"
    title = "The case has been passed on or closed: intake can no longer change its facts"


class NotAnMpRecord(UnprocessableContent):
    type = "not-an-mp-record"
    title = "The referring MP must be a person with an MP record"


class TriageIncomplete(UnprocessableContent):
    type = "triage-incomplete"
    title = "The triage answers do not give a category"
