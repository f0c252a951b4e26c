"""Errors of the complaint handlers domain (ASM-071…084). Each rule's refusal names the
requirement in its ``requirement`` extension.

NotFound
├── HandlersNotRecorded (404, handlers-not-recorded)
└── CaseOrganisationNotFound (404, case-organisation-not-found)
UnprocessableContent
├── OrganisationRoleNotInSetting (422, organisation-role-not-in-setting)
├── ContractorActsForUnknown (422, contractor-acts-for-unknown; ASM-074)
├── NotAHealthCase (422, not-a-health-case; ASM-082…084)
├── IndividualSignatoryInvalid (422, individual-signatory-invalid; ASM-096)
└── OrganisationDecisionInvalid (422, organisation-decision-invalid; ASM-176)
Conflict
├── HandlersAlreadyRecorded (409, handlers-already-recorded)
├── OrganisationAlreadyOnCase (409, organisation-already-on-case)
├── ComponentAreaAlreadyRecorded (409, component-area-already-recorded)
├── OrganisationDecisionExists (409, organisation-decision-exists)
├── HandlerOnlyNotSaid (409, handler-only-not-said; ASM-072 / ASM-079)
├── OrganisationNotComplainedAbout (409, organisation-not-complained-about; ASM-074/076/080/081)
├── RecordsOutsideScope (409, records-outside-scope; ASM-076 / ASM-081)
├── IfrChecksOutstanding (409, ifr-checks-outstanding; ASM-084)
├── ChcChecksOutstanding (409, chc-checks-outstanding; ASM-083)
├── OrganisationDecisionsMissing (409, organisation-decisions-missing; ASM-076 / ASM-081)
└── CasePremature (409, case-premature; ASM-071 / ASM-073 / ASM-078)
InvalidTransition
└── HandlersCaseClosed (409, handlers-case-closed)
"""

from shared.errors import Conflict, InvalidTransition, NotFound, UnprocessableContent


class HandlersNotRecorded(NotFound):
    type = "handlers-not-recorded"
    title = "The case's complaint handlers are not recorded yet"


class CaseOrganisationNotFound(NotFound):
    type = "case-organisation-not-found"
    title = "The organisation is not on the case"


class OrganisationRoleNotInSetting(UnprocessableContent):
    type = "organisation-role-not-in-setting"
    title = "The role is not one of this case's setting (health: provider and commissioner)"


class ContractorActsForUnknown(UnprocessableContent):
    type = "contractor-acts-for-unknown"
    title = "A contractor acts for an organisation complained about that is on the case"


class HandlersAlreadyRecorded(Conflict):
    type = "handlers-already-recorded"
    title = "The case's complaint handlers are already recorded"


class OrganisationAlreadyOnCase(Conflict):
    type = "organisation-already-on-case"
    title = "The organisation is already on the case"


class ComponentAreaAlreadyRecorded(Conflict):
    type = "component-area-already-recorded"
    title = "That area is already recorded for the organisation"


class OrganisationDecisionExists(Conflict):
    type = "organisation-decision-exists"
    title = "The organisation already has a decision"


class HandlerOnlyNotSaid(Conflict):
    type = "handler-only-not-said"
    title = "The second tier (commissioner) is the only organisation only when the complainant "
    "said so (ASM-072, ASM-079)"


class OrganisationNotComplainedAbout(Conflict):
    type = "organisation-not-complained-about"
    title = "Records and decisions are limited to the organisations complained about"


class RecordsOutsideScope(Conflict):
    type = "records-outside-scope"
    title = "Decisions or component areas are recorded against an organisation the new scope "
    "leaves out"


class IfrChecksOutstanding(Conflict):
    type = "ifr-checks-outstanding"
    title = "An Individual Funding Request complaint is decided only once every check is "
    "answered (ASM-084)"


class ChcChecksOutstanding(Conflict):
    type = "chc-checks-outstanding"
    title = "Investigating both the ICB and NHS England needs a manager's discussion and written "
    "complaints about both on file (ASM-083)"


class OrganisationDecisionsMissing(Conflict):
    type = "organisation-decisions-missing"
    title = "Each organisation complained about needs its own decision (ASM-076, ASM-081)"


class CasePremature(Conflict):
    type = "case-premature"
    title = "The complaints process is not complete and no exception is recorded"


class HandlersCaseClosed(InvalidTransition):
    type = "handlers-case-closed"
    title = "The case is closed: its organisations and decisions stay as they were"


class NotAHealthCase(UnprocessableContent):
    type = "not-a-health-case"
    title = "Continuing Healthcare and Individual Funding Requests are health complaints"


class IndividualSignatoryInvalid(UnprocessableContent):
    type = "individual-signatory-invalid"
    title = "An individual who signed a practice's final response is a health provider recorded "
    "in the practice's place (ASM-096)"


class OrganisationDecisionInvalid(UnprocessableContent):
    type = "organisation-decision-invalid"
    title = "An organisation decision is 'propose to investigate' (to be investigated), "
    "'resolution' or a decline's closure code (ASM-176)"
