"""What the DR routes depend on: the case's holder (``CaseActor``), readers, and the problem
responses they document."""

from __future__ import annotations

from assessment_api.cases.dependencies import CaseActor, CaseIdPath, CaseReader, RiskClient
from shared.http_api.problems import problem_responses

__all__ = ["ACT", "CONFER", "READ", "CaseActor", "CaseIdPath", "CaseReader", "RiskClient"]

READ = problem_responses(401, 403, 404, 422, 429)
ACT = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429)
# T26 reads the complainant from intake: 503 intake-unavailable when it cannot say.
PROPOSE = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429, 503)
# T29 closes behind the risk guard: 409 risk-assessment-required, 503 when compliance cannot say.
CONFER = problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 429, 503)
