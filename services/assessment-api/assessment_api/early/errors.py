"""Errors of early consideration.

InvalidTransition (409)
├── NotAtEarlyConsideration (not-at-early-consideration)
├── ContactNotYetAttempted (ec-contact-required; ASM-053)
├── WithdrawalTooEarly (ec-withdrawal-too-early; ASM-054)
└── NoInformationRequest (ec-information-request-required; ASM-054)
UnprocessableContent (422)
├── SuitabilityConcernBlocks (ec-suitability-concern; ASM-058)
├── EcDeclineReasonInvalid (decline-reason-invalid; ASM-093)
└── ResolutionInvalid (ec-resolution-invalid; ASM-066, ASM-068, ASM-070; lists each problem)
(and the cases module's CaseNotFound, the risk guard's 409 and 503)
"""

from shared.errors import InvalidTransition, UnprocessableContent


class NotAtEarlyConsideration(InvalidTransition):
    type = "not-at-early-consideration"
    title = "The case is not at early consideration"


class ContactNotYetAttempted(InvalidTransition):
    type = "ec-contact-required"
    title = "Contact must be tried before deciding on the information held (ASM-053)"


class WithdrawalTooEarly(InvalidTransition):
    type = "ec-withdrawal-too-early"
    title = "'withdrawn' only after the information deadline given has passed (ASM-054)"


class NoInformationRequest(InvalidTransition):
    type = "ec-information-request-required"
    title = "'withdrawn' needs the information asked for recorded and told (ASM-054)"


class SuitabilityConcernBlocks(UnprocessableContent):
    type = "ec-suitability-concern"
    title = "The aggrieved's personal information cannot be released until a full suitability "
    "consideration is done (ASM-058)"


class EcDeclineReasonInvalid(UnprocessableContent):
    type = "decline-reason-invalid"
    title = "The decline's reason is not a single valid reason with its discretion (ASM-093)"


class ResolutionInvalid(UnprocessableContent):
    type = "ec-resolution-invalid"
    title = "Not a resolution at early consideration (ASM-066, ASM-068, ASM-070)"
