"""Errors of contact at further consideration.

InvalidTransition (409)
├── NotAtFurtherConsideration (not-at-further-consideration)
├── NotMpReferred (not-mp-referred; ASM-104)
├── ContactNotYetTried (fc-contact-required; ASM-101, C-08)
└── ChecklistIncomplete (fc-checklist-incomplete; ASM-102)
UnprocessableContent (422)
├── NotTheCasesParty (fc-not-the-party: the person is not the case's complainant / referring MP)
├── MethodNotFollowed (fc-method-not-followed; ASM-100, lists each problem)
├── TimingNotFollowed (fc-timing-not-followed; ASM-100 ¶2.215–2.216, lists each problem)
├── ChecklistAnswerInvalid (fc-checklist-answer-invalid; ASM-102, lists each problem)
└── AttemptInFuture (fc-attempt-in-future)
UpstreamUnavailable (503)
└── IntakeUnavailable (intake-unavailable, Retry-After: intake could not say)
(and the cases module's CaseNotFound, the ownership check's 403)
"""

from shared.errors import InvalidTransition, UnprocessableContent, UpstreamUnavailable

RETRY_AFTER_SECONDS = 5


class NotAtFurtherConsideration(InvalidTransition):
    type = "not-at-further-consideration"
    title = "The case is not at further consideration"


class NotMpReferred(InvalidTransition):
    type = "not-mp-referred"
    title = "The case was not referred by an MP: there is no MP contact to record (ASM-104)"


class ContactNotYetTried(InvalidTransition):
    type = "fc-contact-required"
    title = "Contact must be made, or three calls over two days tried, before deciding (ASM-101)"


class ChecklistIncomplete(InvalidTransition):
    type = "fc-checklist-incomplete"
    title = "The conversation has not covered what a decision needs (ASM-102)"


class NotTheCasesParty(UnprocessableContent):
    type = "fc-not-the-party"
    title = "The person is not that party of the case at intake"


class MethodNotFollowed(UnprocessableContent):
    type = "fc-method-not-followed"
    title = "The attempt does not use the complainant's method of contact (ASM-100)"


class TimingNotFollowed(UnprocessableContent):
    type = "fc-timing-not-followed"
    title = "The complainant asked not to be contacted then; give a reason to depart (ASM-100)"


class ChecklistAnswerInvalid(UnprocessableContent):
    type = "fc-checklist-answer-invalid"
    title = "A checklist answer the item cannot take (ASM-102)"


class IntakeUnavailable(UpstreamUnavailable):
    type = "intake-unavailable"
    title = "intake-api could not say who the complainant is or how to contact them; try again"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


class AttemptInFuture(UnprocessableContent):
    type = "fc-attempt-in-future"
    title = "A contact attempt is recorded once it has been made"
