"""Errors of the compliance items module.

NotFound
└── ComplianceItemNotFound (404, compliance-item-not-found)
Conflict
└── ItemTransitionNotAllowed (409, compliance-item-transition-not-allowed)
"""

from shared.errors import Conflict, NotFound


class ComplianceItemNotFound(NotFound):
    type = "compliance-item-not-found"
    title = "Compliance item not found"


class ItemTransitionNotAllowed(Conflict):
    type = "compliance-item-transition-not-allowed"
    title = "The compliance item cannot make that change"
