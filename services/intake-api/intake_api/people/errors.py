"""Errors of the people module.

NotFound
├── PersonNotFound (404, person-not-found)
├── ConsentNotFound (404, consent-not-found)
├── ReasonableAdjustmentNotFound (404, reasonable-adjustment-not-found)
├── AccessibilityRequestNotFound (404, accessibility-request-not-found)
├── ThirdPartyNotFound (404, third-party-not-found)
└── ContactRestrictionNotFound (404, contact-restriction-not-found)
Conflict
├── ConsentAlreadyWithdrawn (409, consent-already-withdrawn)
├── ConsentRequired (409, consent-required)
├── AccessibilityRequestAlreadyClosed (409, accessibility-request-already-closed)
├── CallIdentityNotVerified (409, call-identity-not-verified)
├── WaiverAfterFailedVerification (409, waiver-after-failed-verification)
├── NotAnMp (409, not-an-mp)
├── MpAlreadySucceeded (409, mp-already-succeeded)
├── MpAlreadyInactive (409, mp-already-inactive)
└── ContactRestrictionAlreadyLifted (409, contact-restriction-already-lifted)
InvalidTransition
└── ReasonableAdjustmentTransitionNotAllowed (409, in state.py)
UnprocessableContent
├── PartyDetailsInvalid (422, party-details-invalid)
├── DateInFuture (422, date-in-future)
├── WithdrawalBeforeConsent (422, withdrawal-before-consent)
├── SearchCriterionRequired (422, search-criterion-required)
├── PreviousVerificationInvalid (422, previous-verification-invalid)
├── SuccessorInvalid (422, successor-invalid)
├── ReasonableAdjustmentDecisionIncomplete (422, in state.py)
└── RestrictionLiftInvalid (422, restriction-lift-invalid)

Details never quote submitted values: they may be personal data.
"""

from shared.errors import Conflict, NotFound, UnprocessableContent


class PersonNotFound(NotFound):
    type = "person-not-found"
    title = "Person not found"


class ConsentNotFound(NotFound):
    type = "consent-not-found"
    title = "Consent not found"


class ReasonableAdjustmentNotFound(NotFound):
    type = "reasonable-adjustment-not-found"
    title = "Reasonable-adjustment request not found"


class AccessibilityRequestNotFound(NotFound):
    type = "accessibility-request-not-found"
    title = "Accessibility request not found"


class ThirdPartyNotFound(NotFound):
    type = "third-party-not-found"
    title = "The third party is not a person on record"


class ConsentAlreadyWithdrawn(Conflict):
    type = "consent-already-withdrawn"
    title = "The consent has already been withdrawn"


class ConsentRequired(Conflict):
    type = "consent-required"
    title = "The person has not given the consent this action needs"


class AccessibilityRequestAlreadyClosed(Conflict):
    type = "accessibility-request-already-closed"
    title = "The accessibility request is already closed"


class CallIdentityNotVerified(Conflict):
    type = "call-identity-not-verified"
    title = "The caller's identity has not been verified for this call"


class WaiverAfterFailedVerification(Conflict):
    type = "waiver-after-failed-verification"
    title = "A failed identity check on this call cannot be waived"


class NotAnMp(Conflict):
    type = "not-an-mp"
    title = "The person has no MP record"


class MpAlreadySucceeded(Conflict):
    type = "mp-already-succeeded"
    title = "A successor is already recorded for this MP record"


class MpAlreadyInactive(Conflict):
    type = "mp-already-inactive"
    title = "The MP record is already inactive"


class PartyDetailsInvalid(UnprocessableContent):
    type = "party-details-invalid"
    title = "The party's details are inconsistent"


class DateInFuture(UnprocessableContent):
    type = "date-in-future"
    title = "A date or time is in the future"


class WithdrawalBeforeConsent(UnprocessableContent):
    type = "withdrawal-before-consent"
    title = "A consent cannot be withdrawn before it was given"


class SearchCriterionRequired(UnprocessableContent):
    type = "search-criterion-required"
    title = "Give at least one of name, email, phone or postcode"


class PreviousVerificationInvalid(UnprocessableContent):
    type = "previous-verification-invalid"
    title = "The previous verification is not a passing check of this person"


class SuccessorInvalid(UnprocessableContent):
    type = "successor-invalid"
    title = "The successor must be another, active MP record"


class ContactRestrictionNotFound(NotFound):
    type = "contact-restriction-not-found"
    title = "Contact restriction not found"


class ContactRestrictionAlreadyLifted(Conflict):
    type = "contact-restriction-already-lifted"
    title = "The restriction has already been lifted"


class RestrictionLiftInvalid(UnprocessableContent):
    type = "restriction-lift-invalid"
    title = "The restriction cannot be lifted on that date"
