"""Errors of resolution at further consideration.

InvalidTransition (409)
├── NotAtFurtherConsideration (fc-resolution-not-at-further-consideration: a request is made at
│   further consideration, T33)
└── NoResolutionRequested (fc-resolution-not-requested: no request awaits the organisation's
    answer, T33/T34)
UnprocessableContent (422)
├── NotRecommendationsUntold (fc-resolution-not-recommendations-untold; ASM-154)
├── OrganisationNotOnCase (fc-resolution-organisation-not-on-case)
├── ResolutionRequestInvalid (fc-resolution-request-invalid; lists each problem)
└── AgreementInvalid (fc-resolution-agreement-invalid; ASM-153, lists each problem)
(and the cases module's CaseNotFound, the ownership check's 403, closing's 409
``decision-recipients-incomplete`` and 503 ``intake-unavailable``, the risk guard's 409 and 503)
"""

from shared.errors import InvalidTransition, UnprocessableContent


class NotAtFurtherConsideration(InvalidTransition):
    type = "fc-resolution-not-at-further-consideration"
    title = "A resolution is requested of the organisation at further consideration (T33)"


class NoResolutionRequested(InvalidTransition):
    type = "fc-resolution-not-requested"
    title = "No resolution request awaits the organisation's answer (T33, T34)"


class NotRecommendationsUntold(UnprocessableContent):
    type = "fc-resolution-not-recommendations-untold"
    title = (
        "Both the complainant and the organisation must be told the actions requested are not "
        "formal recommendations (ASM-154)"
    )


class OrganisationNotOnCase(UnprocessableContent):
    type = "fc-resolution-organisation-not-on-case"
    title = "A resolution is requested only of an organisation the case is about"


class ResolutionRequestInvalid(UnprocessableContent):
    type = "fc-resolution-request-invalid"
    title = "The resolution request cannot be recorded as given"


class AgreementInvalid(UnprocessableContent):
    type = "fc-resolution-agreement-invalid"
    title = "What the organisation agreed does not resolve the complaint (ASM-153)"
