"""Errors of the complaint summary and components (ASM-105…108, ASM-176). Each rule's refusal
names the requirement in its ``requirement`` extension.

NotFound (404)
├── SummaryNotFound (complaint-summary-not-found)
├── ComponentNotFound (complaint-component-not-found)
└── DiscussionAttemptNotFound (discussion-attempt-not-found; ASM-107)
UnprocessableContent (422)
└── ComponentDecisionInvalid (component-decision-invalid; each problem with its requirement)
Conflict (409)
├── SummaryExists (complaint-summary-exists)
├── SummaryRequired (complaint-summary-required; ASM-105)
├── IssueNotInSummary (issue-not-in-summary; ASM-105)
├── IssuesStillCovered (issues-still-covered; ASM-105)
├── ComponentAreaDuplicate (component-area-duplicate; ASM-108)
├── OrganisationNotInScope (organisation-not-in-scope; ASM-074 / ASM-080)
└── OrganisationDecisionNotReady (organisation-decision-not-ready; ASM-108 / ASM-176)
InvalidTransition (409)
└── ComponentsNotAtFurtherConsideration (components-not-at-further-consideration)
(and handlers' HandlersNotRecorded / CaseOrganisationNotFound for an organisation not on the
case, and the cases module's CaseNotFound)
"""

from shared.errors import Conflict, InvalidTransition, NotFound, UnprocessableContent


class SummaryNotFound(NotFound):
    type = "complaint-summary-not-found"
    title = "The case has no complaint summary yet"


class ComponentNotFound(NotFound):
    type = "complaint-component-not-found"
    title = "No such complaint component on this case"


class DiscussionAttemptNotFound(NotFound):
    type = "discussion-attempt-not-found"
    title = "The conversation's notes are a contact attempt recorded on this case (ASM-107)"


class ComponentDecisionInvalid(UnprocessableContent):
    type = "component-decision-invalid"
    title = "The component's decision breaks a rule of further consideration"


class SummaryExists(Conflict):
    type = "complaint-summary-exists"
    title = "The case already has its complaint summary: save a new version of it"


class SummaryRequired(Conflict):
    type = "complaint-summary-required"
    title = "Components follow the complaint summary agreed with the complainant (ASM-105)"


class IssueNotInSummary(Conflict):
    type = "issue-not-in-summary"
    title = "Further consideration is limited to the summary's issues (ASM-105)"


class IssuesStillCovered(Conflict):
    type = "issues-still-covered"
    title = "An issue taken out of the summary is still covered by a component (ASM-105)"


class ComponentAreaDuplicate(Conflict):
    type = "component-area-duplicate"
    title = "Only one component for each area of complaint, per organisation (ASM-108)"


class OrganisationNotInScope(Conflict):
    type = "organisation-not-in-scope"
    title = "Components are recorded against the organisations complained about"


class OrganisationDecisionNotReady(Conflict):
    type = "organisation-decision-not-ready"
    title = "The organisation decision is recorded once every component has a decision"


class ComponentsNotAtFurtherConsideration(InvalidTransition):
    type = "components-not-at-further-consideration"
    title = "The summary and components change only while the case is at further consideration"
