"""Errors of the closing module.

UnprocessableContent
└── OrganisationNotOnCase (422, organisation-not-on-case)
UpstreamUnavailable
└── IntakeUnavailable (503, intake-unavailable, Retry-After: intake could not say who the parties
    are)
"""

from shared.errors import UnprocessableContent, UpstreamUnavailable


class OrganisationNotOnCase(UnprocessableContent):
    type = "organisation-not-on-case"
    title = "The organisation is not one the case is about"


RETRY_AFTER_SECONDS = 5


class IntakeUnavailable(UpstreamUnavailable):
    type = "intake-unavailable"
    title = "intake-api could not say who the case's parties are; try again shortly"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
