"""assessment-api: ``uvicorn --factory assessment_api.main:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from assessment_api.advice.router import router as advice_router
from assessment_api.allocations.router import router as allocations_router
from assessment_api.cases.router import router as cases_router
from assessment_api.closing.router import router as closing_router
from assessment_api.components.router import router as components_router
from assessment_api.config import AssessmentSettings
from assessment_api.contact.router import router as contact_router
from assessment_api.decision_approvals.router import router as decision_approvals_router
from assessment_api.decision_form.router import router as decision_form_router
from assessment_api.dependencies import intake_lifespan
from assessment_api.dr.router import router as dr_router
from assessment_api.early.router import router as early_router
from assessment_api.event_handlers import handlers
from assessment_api.handlers.router import router as handlers_router
from assessment_api.proposals.router import router as proposals_router
from assessment_api.resolution.router import router as resolution_router
from assessment_api.special_handling.router import router as special_handling_router
from assessment_api.staff.router import internal_router as staff_internal_router
from assessment_api.staff.router import router as staff_router
from assessment_api.suitability.router import router as suitability_router
from assessment_api.triage.router import router as triage_router
from shared.http_api.app import create_service_app
from shared.http_api.risk_guard import risk_guard_lifespan

VERSION = "0.1.0"


def create_app(settings: AssessmentSettings | None = None) -> FastAPI:
    """Build the assessment-api app (no I/O until the lifespan starts)."""
    settings = settings or AssessmentSettings()  # read from the environment
    return create_service_app(
        settings=settings,
        title="assessment-api",
        version=VERSION,
        description="Assessment: allocation, early consideration, further consideration and proposals to investigate (guidance §2 ¶2.77–2.329, §3).",
        routers=(
            advice_router,
            allocations_router,
            cases_router,
            closing_router,
            components_router,
            decision_form_router,
            decision_approvals_router,
            contact_router,
            dr_router,
            early_router,
            handlers_router,
            proposals_router,
            resolution_router,
            special_handling_router,
            staff_router,
            suitability_router,
            triage_router,
        ),
        internal_routers=(staff_internal_router,),
        openapi_tags=(
            {"name": "allocation", "description": "The central allocation queue and assignment."},
            {
                "name": "cases",
                "description": "Assessment's case record, opened from intake's referral, and the "
                "decisions that end assessment, each behind the risk guard (XC-RSK-001).",
            },
            {
                "name": "staff",
                "description": "The staff directory: grade, roles, team, specialisms, posts, "
                "declared conflicts of interest and availability (read by allocation and, over "
                "HTTP, by the other services).",
            },
            {
                "name": "dispute resolution",
                "description": "Mediation (¶2.115–2.131): consent from both parties, the "
                "resolution conference, and its agreement (no compliance, no review).",
            },
            {
                "name": "triage",
                "description": "ECT triage with the Public Value Model (ASM-044…051): the "
                "Executive Team's threshold sets, a case's PVM assessment, and T17–T19.",
            },
            {
                "name": "decision form",
                "description": "The Decision Form at further consideration (¶2.196–2.329, §3): "
                "remit and suitability first, the gate tests, time limits and alternative legal "
                "remedy, the single decline reason, material evidence; versioned, with what is "
                "missing before a decline or a proposal.",
            },
            {
                "name": "decision approvals",
                "description": "A decline or a proposal approved under the Delegation Scheme "
                "before it is made (ASM-172, XC-ROL-002; ¶3.108): each approval covers the one "
                "decision asked for, at the level the configurable table names.",
            },
            {
                "name": "suitability",
                "description": "Suitability, capacity and representatives at further "
                "consideration (¶2.247–2.264, ASM-109…113): why the aggrieved cannot complain "
                "personally, capacity, a child's maturity, the representative's suitability, the "
                "aggrieved's consent, and the roles intake should hold.",
            },
            {
                "name": "complaint handlers",
                "description": "Second-tier and health complaint handlers (ASM-071…084): the "
                "organisations of a case with their roles, the complainant's scope, decisions "
                "per organisation, and the CHC and IFR checks.",
            },
            {
                "name": "proposals",
                "description": "The proposal to investigate (¶3.73–3.108): the plan before it is "
                "issued (organisations with their basis and addressee, named persons, issues in "
                "and out), its letters, each recipient's C-15 comment deadline and the comment "
                "window (ASM-158…167).",
            },
            {
                "name": "early consideration",
                "description": "Early consideration: contact before deciding, 'withdrawn', "
                "decisions, resolution and passing on (¶2.97–2.141, T20–T23).",
            },
            {
                "name": "contact",
                "description": "Contact after allocation at further consideration "
                "(¶2.212–2.226, ASM-099…104): first contact within 10 working days, the "
                "method, each attempt, the conversation checklist, the referring MP, and "
                "'withdrawn' when more information is needed.",
            },
            {
                "name": "resolution",
                "description": "Resolution at further consideration (¶3.59–3.67, T33, T34): "
                "actions requested of the organisation (not recommendations), its refusal, or "
                "its agreement closing the case as a resolution behind the risk guard.",
            },
            {
                "name": "special handling",
                "description": "Linked to lead (¶3.97–3.99, ASM-168) and exceptional "
                "prioritisation for investigation after a line-manager discussion (¶3.100, "
                "ASM-169).",
            },
        ),
        event_handlers=handlers,
        lifespan_hooks=(risk_guard_lifespan, intake_lifespan),
    )
