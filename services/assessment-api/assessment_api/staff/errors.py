"""The staff directory's errors.

AppError
├── NotFound: StaffNotFound (shared.staff, staff-not-found)
├── Conflict: StaffAlreadyExists (staff-already-exists)
├── Forbidden: NotYourRecord (not-your-staff-record)
└── UnprocessableContent: DeclaredInFuture (conflict-declared-in-future)
"""

from __future__ import annotations

from shared.errors import Conflict, Forbidden, UnprocessableContent
from shared.staff import StaffNotFound

__all__ = ["DeclaredInFuture", "NotYourRecord", "StaffAlreadyExists", "StaffNotFound"]


class StaffAlreadyExists(Conflict):
    type = "staff-already-exists"
    title = "The directory already holds that member of staff"


class NotYourRecord(Forbidden):
    type = "not-your-staff-record"
    title = "Only a staff admin may change that on another's record"


class DeclaredInFuture(UnprocessableContent):
    type = "conflict-declared-in-future"
    title = "A conflict of interest cannot be declared on a future date"
