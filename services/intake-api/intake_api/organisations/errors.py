"""Errors of the organisations module.

NotFound
└── OrganisationNotFound (404, organisation-not-found)
UnprocessableContent
├── KindJurisdictionMismatch (422, organisation-kind-jurisdiction-mismatch)
├── ContractTypeNotAllowed (422, contract-type-not-allowed)
└── PvOptOutDateInFuture (422, pv-opt-out-date-in-future)
Conflict
├── PvOptOutAlreadyInForce (409, pv-opt-out-already-in-force)
└── PvOptOutNotInForce (409, pv-opt-out-not-in-force)
InvalidTransition
└── PvOptOutTransitionNotAllowed (409, pv-opt-out-transition-not-allowed; raised by state.py)
"""

from shared.errors import Conflict, InvalidTransition, NotFound, UnprocessableContent


class OrganisationNotFound(NotFound):
    type = "organisation-not-found"
    title = "Organisation not found"


class KindJurisdictionMismatch(UnprocessableContent):
    type = "organisation-kind-jurisdiction-mismatch"
    title = "The jurisdiction does not fit the kind of organisation"


class ContractTypeNotAllowed(UnprocessableContent):
    type = "contract-type-not-allowed"
    title = "Only a family health service provider has a contract type"


class PvOptOutDateInFuture(UnprocessableContent):
    type = "pv-opt-out-date-in-future"
    title = "The agreement date is in the future"


class PvOptOutAlreadyInForce(Conflict):
    type = "pv-opt-out-already-in-force"
    title = "The organisation already has an agreement in force"


class PvOptOutNotInForce(Conflict):
    type = "pv-opt-out-not-in-force"
    title = "The organisation has no agreement in force to withdraw"


class PvOptOutTransitionNotAllowed(InvalidTransition):
    type = "pv-opt-out-transition-not-allowed"
    title = "The agreement cannot make that transition from its current status"
