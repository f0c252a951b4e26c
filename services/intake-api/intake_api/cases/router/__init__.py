"""The HTTP API of intake cases: HTTP only (parse, call one service function, answer).

One module a part of the lifecycle: ``case`` (the case itself, its parties, organisations and
history), ``contacts`` (previous-contact checks, contact attempts, communications, extra help),
``decisions`` (information, joint working, priority, properly made, triage, hand-off, closure)
and ``reopening`` (restarts, linked cases, tasks). ``router`` mounts them all.
"""

from __future__ import annotations

from fastapi import APIRouter

from intake_api.cases.router import case, contacts, decisions, reopening

router = APIRouter()
for part in (
    case.router,
    contacts.router,
    decisions.router,
    reopening.router,
    contacts.checks_router,
    decisions.questionnaire_router,
):
    router.include_router(part)
