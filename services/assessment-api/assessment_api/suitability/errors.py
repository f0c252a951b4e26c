"""Errors of the suitability assessment.

NotFound (404)
└── SuitabilityNotRecorded (suitability-not-recorded)
InvalidTransition (409)
├── SuitabilityNotAtFurtherConsideration (not-at-further-consideration)
└── SuitabilityExists (suitability-exists)
UnprocessableContent (422)
└── SuitabilityInvalid (suitability-invalid; lists each problem with its requirement)
(and the cases module's CaseNotFound; closing's 503 intake-unavailable for the readiness read)
"""

from shared.errors import InvalidTransition, NotFound, UnprocessableContent


class SuitabilityNotRecorded(NotFound):
    type = "suitability-not-recorded"
    title = "The case has no suitability assessment yet"


class SuitabilityNotAtFurtherConsideration(InvalidTransition):
    type = "not-at-further-consideration"
    title = "The suitability assessment is kept while the case is at further consideration"


class SuitabilityExists(InvalidTransition):
    type = "suitability-exists"
    title = "The case already has a suitability assessment: save a new version of it"


class SuitabilityInvalid(UnprocessableContent):
    type = "suitability-invalid"
    title = "The suitability assessment contradicts itself"
