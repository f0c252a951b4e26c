"""Errors of the DR domain.

NotFound
└── DrProcessNotFound (404, dr-process-not-found)
UnprocessableContent
├── DrPartyUnwilling (422, dr-party-unwilling; T26 / ¶2.121, names the parties)
├── DrOrganisationNotOnCase (422, dr-organisation-not-on-case)
└── DrConferenceInvalid (422, dr-conference-invalid; ASM-063/065, lists each problem)
Conflict
├── DrNoComplainant (409, dr-no-complainant; intake holds no complainant to send the form to)
├── DrProcessOpen (409, dr-process-open; one open DR process per case)
└── DrConsentAlreadyReturned (409, dr-consent-already-returned)
InvalidTransition
└── DrConsentOutstanding (409, dr-consent-outstanding; T27 / ASM-062, names the parties)
"""

from shared.errors import Conflict, InvalidTransition, NotFound, UnprocessableContent


class DrProcessNotFound(NotFound):
    type = "dr-process-not-found"
    title = "The case has no open Dispute Resolution process"


class DrPartyUnwilling(UnprocessableContent):
    type = "dr-party-unwilling"
    title = "Both parties must be willing to mediate (¶2.121)"


class DrOrganisationNotOnCase(UnprocessableContent):
    type = "dr-organisation-not-on-case"
    title = "The organisation is not one the case is about"


class DrConferenceInvalid(UnprocessableContent):
    type = "dr-conference-invalid"
    title = "The resolution conference's record breaks a DR rule (ASM-063, ASM-065)"


class DrProcessOpen(Conflict):
    type = "dr-process-open"
    title = "The case already has an open Dispute Resolution process"


class DrConsentAlreadyReturned(Conflict):
    type = "dr-consent-already-returned"
    title = "That party's consent form is already recorded as returned"


class DrConsentOutstanding(InvalidTransition):
    type = "dr-consent-outstanding"
    title = "The case transfers to DR only when both consent forms are returned (ASM-062)"


class DrNoComplainant(Conflict):
    type = "dr-no-complainant"
    title = "intake holds no complainant for the case to send the consent form to"
