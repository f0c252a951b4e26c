"""intake-api: ``uvicorn --factory intake_api.main:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from intake_api.cases.router import router as cases_router
from intake_api.config import IntakeSettings
from intake_api.event_handlers import handlers
from intake_api.organisations.router import router as organisations_router
from intake_api.people.router import router as people_router
from intake_api.reference.router import router as reference_router
from intake_api.workqueues.router import router as workqueues_router
from intake_api.workqueues.service import WORK_QUEUES
from shared.http_api.app import create_service_app

VERSION = "0.1.0"


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    """Build the intake-api app (no I/O until the lifespan starts)."""
    settings = settings or IntakeSettings()  # read from the environment
    return create_service_app(
        settings=settings,
        title="intake-api",
        version=VERSION,
        description="Intake: people, organisations and intake cases, from first contact to hand-off (guidance §1, §2 ¶2.1–2.76).",
        work_queues=WORK_QUEUES,
        event_handlers=handlers,
        routers=(
            cases_router,
            organisations_router,
            people_router,
            reference_router,
            workqueues_router,
        ),
        openapi_tags=(
            {"name": "cases", "description": "Intake cases: receipt, gates, triage and hand-off."},
            {
                "name": "organisations",
                "description": "The register of bodies: jurisdiction (health or parliamentary), Victims' Code-only and out-of-jurisdiction bodies, principal officer, focal point, contract type, and agreements not to receive not-upheld provisional views.",
            },
            {
                "name": "people",
                "description": "People and organisations acting as parties: the only home of personal data. Contact preferences, consents, reasonable adjustments, identity checks on calls, MP records.",
            },
            {
                "name": "reference",
                "description": "Guidance reference data and rules: joint-working (LGSCO) topics as prompt tags (INT-040) and signposting for a complainant without an MP referral (ASM-028).",
            },
            {
                "name": "work-queues",
                "description": "Due and overdue intake clocks (requirements §C): my open cases, overdue acknowledgements, information deadlines passed, two-week contact, overdue call-backs, contacts missing the INT-011 discussion (¶1.13). Undecided reasonable-adjustment requests: GET /v1/people/reasonable-adjustments?status=requested.",
            },
        ),
    )
