"""Allocation's errors.

AppError
├── NotFound: EntryNotFound (queue-entry-not-found), ApprovalNotFound (approval-not-found),
│             NoCaseForYou (no-case-for-you)
├── Conflict: NotQueued (entry-not-queued), NotAllocated (entry-not-allocated),
│             AllocationRefused (allocation-refused), CallerNotAllocatable (caller-not-allocatable)
├── Forbidden: NotAllocator (not-allocator), NotAllocatedCaseworker (not-allocated-caseworker),
│              NotTheReferralsAd (not-the-referrals-ad)
└── UnprocessableContent: UnknownStaff (unknown-staff), SameCategory (same-category),
                          ComplexReferralRequired (complex-referral-required),
                          WrongPostHolder (wrong-post-holder)
"""

from __future__ import annotations

from shared.errors import Conflict, Forbidden, NotFound, UnprocessableContent


class EntryNotFound(NotFound):
    type = "queue-entry-not-found"
    title = "Allocation queue entry not found"


class ApprovalNotFound(NotFound):
    type = "approval-not-found"
    title = "No such approval request on this entry"


class NoCaseForYou(NotFound):
    type = "no-case-for-you"
    title = "No queued case you may take"


class NotQueued(Conflict):
    type = "entry-not-queued"
    title = "The case is not waiting in the queue"


class NotAllocated(Conflict):
    type = "entry-not-allocated"
    title = "The case is not allocated"


class AllocationRefused(Conflict):
    type = "allocation-refused"
    title = "The case may not be allocated to that member of staff"


class CallerNotAllocatable(Conflict):
    type = "caller-not-allocatable"
    title = "You cannot be allocated cases now"


class NotAllocator(Forbidden):
    type = "not-allocator"
    title = "A manager allocates to others; a caseworker may take a case only for themselves"


class NotAllocatedCaseworker(Forbidden):
    type = "not-allocated-caseworker"
    title = "Only the allocated caseworker may do this"


class NotTheReferralsAd(Forbidden):
    type = "not-the-referrals-ad"
    title = "Only the Assistant Director the referral was sent to decides it"


class UnknownStaff(UnprocessableContent):
    type = "unknown-staff"
    title = "The staff directory holds nobody with that id"


class SameCategory(UnprocessableContent):
    type = "same-category"
    title = "The case already has that category"


class ComplexReferralRequired(UnprocessableContent):
    type = "complex-referral-required"
    title = "'complex & significant' needs a complex referral to the AD for complex teams"


class WrongPostHolder(UnprocessableContent):
    type = "wrong-post-holder"
    title = "That member of staff does not hold the post the guidance names"
