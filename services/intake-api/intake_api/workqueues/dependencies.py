"""What the work-queue routes depend on. The queues report on intake's cases, so who may read
them, the owner filter and the working calendar are the cases module's own."""

from __future__ import annotations

from intake_api.cases.dependencies import Calendar, CaseReader, OwnerQuery
from shared.http_api.problems import problem_responses

LIST = problem_responses(400, 401, 403, 422, 429)

__all__ = ["LIST", "Calendar", "CaseReader", "OwnerQuery"]
