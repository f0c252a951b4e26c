"""Second-tier and health complaint handlers over HTTP (ASM-071…084, ¶2.142–2.180): the
organisations of a case with their roles, the scope as the complainant put it, readiness,
decisions per organisation (and none against one not complained about), component areas per
organisation, the organisations a proposal writes to, and the CHC and IFR checks as data. The
case's own decisions (T32, T35) keep to the same rules; compliance-api is a real app in
process (tests/assessment/conftest.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.models import Case
from assessment_api.cases.state import CaseStatus
from assessment_api.handlers.models import HandlerRecord, OrganisationDecision, OrganisationOnCase
from assessment_api.handlers.rules import OrganisationRole, Scope
from shared.audit import AuditEntry
from shared.errors import PROBLEM_TYPE_BASE
from tests.assessment.cases.builders import CW, OTHER_CW, make_case, make_ready_to_decide
from tests.assessment.cases.test_decisions import DECLINE, PROPOSAL, assess, decide
from tests.assessment.handlers.builders import CONTRACTOR, HANDLER, ORIGINAL, make_handlers
from tests.assessment.intake_peer import StandIn

Headers = Callable[..., dict[str, str]]
R = OrganisationRole
PARLIAMENTARY = "parliamentary"
UNHAPPY = "The review repeated the department's answer without reading the file."

pytestmark = pytest.mark.usefixtures("guarded")


def _type(r: httpx.Response) -> str:
    return str(r.json()["type"]).removeprefix(PROBLEM_TYPE_BASE)


async def _call(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    case_id: uuid.UUID,
    path: str = "",
    body: dict[str, Any] | None = None,
    *,
    method: str = "POST",
    sub: str = CW,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await client.request(
        method,
        f"/v1/cases/{case_id}/handlers{path}",
        json=body,
        headers={**auth_headers("caseworker", sub=sub), **(headers or {})},
    )


def _org(body: dict[str, Any], organisation_id: uuid.UUID) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        o for o in body["organisations"] if o["organisation_id"] == str(organisation_id)
    ]
    assert len(found) == 1, body["organisations"]
    return found[0]


def _decision(organisation_id: uuid.UUID) -> dict[str, Any]:
    return {
        "organisation_id": str(organisation_id),
        "decision": "propose to investigate",
        "investigate": True,
        "rationale": "Potential failings with an unremedied injustice.",
    }


# --- ASM-072 / ASM-079: what intake referred, and the default role ------------------------------


async def test_intake_organisations_recorded_against_the_original_organisation__ASM_072(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, jurisdiction=PARLIAMENTARY)
    r = await _call(client, auth_headers, case.id, "", {})
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["health"], body["scope"]) == (False, "original_only")
    assert _org(body, ORIGINAL)["role"] == "original"
    assert body["scope_put_by"] is None  # the complainant has not put it yet (ASM-074)
    assert r.headers["etag"] == '"1"'
    again = await _call(client, auth_headers, case.id, "", {})
    assert (again.status_code, _type(again)) == (409, "handlers-already-recorded")


@pytest.mark.parametrize(
    ("said", "role", "scope"),
    [(False, "provider", "original_only"), (True, "commissioner", "handler_only")],
)
async def test_intake_organisations_recorded_against_the_provider_unless_told__ASM_079(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    said: bool,
    role: str,
    scope: str,
) -> None:
    case = await make_case(session)  # health
    r = await _call(client, auth_headers, case.id, "", {"handler_only_said": said})
    assert r.status_code == 201, r.text
    assert _org(r.json(), ORIGINAL)["role"] == role
    assert (r.json()["scope"], r.json()["handler_only_said_at_intake"]) == (scope, said)


async def test_second_tier_alone_only_when_the_complainant_says_so__ASM_072(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, jurisdiction=PARLIAMENTARY, organisation_ids=[])
    await make_handlers(session, case)
    tier = {"organisation_id": str(HANDLER), "role": "second_tier"}
    r = await _call(client, auth_headers, case.id, "/organisations", tier)
    assert (r.status_code, _type(r)) == (409, "handler-only-not-said"), r.text
    assert r.json()["requirement"] == "ASM-072"
    assert await session.scalar(select(func.count(OrganisationOnCase.id))) == 0

    r = await _call(client, auth_headers, case.id, "/scope", {"scope": "handler_only"})
    assert r.status_code == 200, r.text
    r = await _call(client, auth_headers, case.id, "/organisations", tier)
    assert r.status_code == 201, r.text
    assert _org(r.json(), HANDLER)["role"] == "second_tier"
    # And the scope cannot then move away from "the second tier only" with it alone.
    r = await _call(
        client, auth_headers, case.id, "/scope",
        {"scope": "original_only", "unhappy_with_handler_reason": UNHAPPY},
    )  # fmt: skip
    assert (r.status_code, _type(r)) == (409, "handler-only-not-said")


# --- ASM-074 / ASM-080: the scope as put, and the organisations with their roles ---------------


async def test_scope_recorded_as_put_with_who_and_when__ASM_074_ASM_080(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await make_handlers(session, case, organisations=((ORIGINAL, R.provider, None),))
    bare = await _call(client, auth_headers, case.id, "/scope", {"scope": "original_only"})
    assert bare.status_code == 422, bare.text  # ¶2.162: why unhappy with the commissioner
    body = {
        "scope": "original_only",
        "unhappy_with_handler_reason": UNHAPPY,
        "commissioning_complaint": "No complaint about how the service was funded.",
    }
    r = await _call(client, auth_headers, case.id, "/scope", body)
    assert r.status_code == 200, r.text
    read = r.json()
    assert (read["scope"], read["scope_put_by"]) == ("original_only", CW)
    assert read["scope_put_at"] is not None
    assert read["unhappy_with_handler_reason"] == UNHAPPY
    assert read["complained_about_roles"] == ["contractor", "provider"]
    audit = await session.scalar(
        select(AuditEntry).where(
            AuditEntry.case_id == case.id, AuditEntry.action == "handlers.scope_put"
        )
    )
    assert audit is not None
    assert audit.after is not None
    assert (audit.actor, audit.after["scope"]) == (CW, "original_only")


async def test_contractor_is_its_own_organisation_row__ASM_074(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, jurisdiction=PARLIAMENTARY)
    await make_handlers(session, case, organisations=((ORIGINAL, R.original, None),))
    url = "/organisations"
    no_principal = {"organisation_id": str(CONTRACTOR), "role": "contractor"}
    assert (await _call(client, auth_headers, case.id, url, no_principal)).status_code == 422
    itself = {**no_principal, "organisation_id": str(ORIGINAL)}
    itself["acts_for_organisation_id"] = str(ORIGINAL)
    assert (await _call(client, auth_headers, case.id, url, itself)).status_code == 422
    unknown = {**no_principal, "acts_for_organisation_id": str(uuid.uuid4())}
    r = await _call(client, auth_headers, case.id, url, unknown)
    assert (r.status_code, _type(r)) == (422, "contractor-acts-for-unknown")

    good = {**no_principal, "acts_for_organisation_id": str(ORIGINAL)}
    r = await _call(client, auth_headers, case.id, url, good)
    assert r.status_code == 201, r.text
    contractor = _org(r.json(), CONTRACTOR)
    assert (contractor["role"], contractor["acts_for_organisation_id"]) == (
        "contractor",
        str(ORIGINAL),
    )
    assert _org(r.json(), ORIGINAL)["role"] == "original"
    r = await _call(client, auth_headers, case.id, url, good)
    assert (r.status_code, _type(r)) == (409, "organisation-already-on-case")


async def test_roles_follow_the_setting__ASM_074_ASM_080(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)  # health: provider and commissioner, not a second tier
    await make_handlers(session, case, organisations=((ORIGINAL, R.provider, None),))
    r = await _call(
        client, auth_headers, case.id, "/organisations",
        {"organisation_id": str(HANDLER), "role": "second_tier"},
    )  # fmt: skip
    assert (r.status_code, _type(r)) == (422, "organisation-role-not-in-setting")


# --- ASM-071 / ASM-073 / ASM-078: readiness --------------------------------------------------


async def test_second_tier_not_complete_is_premature_unless_an_exception__ASM_071_ASM_073(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, jurisdiction=PARLIAMENTARY)
    await make_handlers(session, case, organisations=((ORIGINAL, R.original, None),))
    r = await _call(client, auth_headers, case.id, method="GET")
    assert r.json()["premature"] is False  # no second tier in the process
    tier = {"organisation_id": str(HANDLER), "role": "second_tier"}
    tier["complaints_stage_complete"] = False  # type: ignore[assignment]
    r = await _call(client, auth_headers, case.id, "/organisations", tier)
    assert r.status_code == 201, r.text
    assert r.json()["premature"] is True

    blank = {"kind": "terminal_illness", "reasons": "   "}
    assert (await _call(client, auth_headers, case.id, "/exception", blank)).status_code == 422
    exception = {"kind": "terminal_illness", "reasons": "Receiving end-of-life care."}
    r = await _call(client, auth_headers, case.id, "/exception", exception)
    assert r.status_code == 200, r.text
    assert r.json()["premature"] is False
    assert r.json()["exception"]["recorded_by"] == CW


async def test_second_tier_complete_is_not_premature__ASM_071(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, jurisdiction=PARLIAMENTARY)
    await make_handlers(
        session, case, organisations=((ORIGINAL, R.original, None), (HANDLER, R.second_tier, False))
    )
    read = await _call(client, auth_headers, case.id, method="GET")
    assert read.json()["premature"] is True
    url = f"/organisations/{HANDLER}"
    patch = {"complaints_stage_complete": True}
    r = await _call(client, auth_headers, case.id, url, patch, method="PATCH")
    assert (r.status_code, _type(r)) == (428, "if-match-required")
    stale = {"If-Match": '"7"'}
    r = await _call(client, auth_headers, case.id, url, patch, method="PATCH", headers=stale)
    assert r.status_code == 412
    etag = {"If-Match": read.headers["etag"]}
    r = await _call(client, auth_headers, case.id, url, patch, method="PATCH", headers=etag)
    assert r.status_code == 200, r.text
    assert r.json()["complaints_stage_complete"] is True
    assert r.headers["etag"] != read.headers["etag"]
    assert (await _call(client, auth_headers, case.id, method="GET")).json()["premature"] is False


@pytest.mark.parametrize(
    ("provider", "commissioner", "complete"),
    [(True, False, True), (False, True, True), (None, False, False)],
)
async def test_local_resolution_with_either_provider_or_commissioner__ASM_078(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    provider: bool | None,
    commissioner: bool,
    complete: bool,
) -> None:
    case = await make_case(session)
    await make_handlers(
        session, case, scope=Scope.both,
        organisations=((ORIGINAL, R.provider, provider), (HANDLER, R.commissioner, commissioner)),
    )  # fmt: skip
    body = (await _call(client, auth_headers, case.id, method="GET")).json()
    assert (body["local_resolution_complete"], body["premature"]) == (complete, not complete)


async def test_a_proposal_waits_for_local_resolution_with_either__ASM_078(
    client: httpx.AsyncClient,
    compliance: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    intake_stand_in: StandIn,  # the proposal, once allowed, is issued to intake's parties
) -> None:
    case = await make_case(session)
    await make_handlers(session, case, organisations=((ORIGINAL, R.provider, False),))
    await make_ready_to_decide(session, case, proposing=True)  # the other gates
    await assess(compliance, auth_headers, case.id, "propose")
    r = await decide(client, auth_headers, case.id, "proposal", PROPOSAL)
    assert (r.status_code, _type(r)) == (409, "case-premature"), r.text
    assert r.json()["requirement"] == "ASM-078"
    await session.execute(
        update(OrganisationOnCase)
        .where(OrganisationOnCase.case_id == case.id)
        .values(complaints_stage_complete=True)
    )
    r = await decide(client, auth_headers, case.id, "proposal", PROPOSAL)
    assert r.status_code == 200, r.text


# --- ASM-076 / ASM-081: decisions per organisation --------------------------------------------


async def test_no_decision_against_a_second_tier_not_complained_about__ASM_076(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, jurisdiction=PARLIAMENTARY)
    await make_handlers(
        session, case, organisations=((ORIGINAL, R.original, None), (HANDLER, R.second_tier, True))
    )
    r = await _call(client, auth_headers, case.id, "/decisions", _decision(HANDLER))
    assert (r.status_code, _type(r)) == (409, "organisation-not-complained-about"), r.text
    assert r.json()["requirement"] == "ASM-076"
    assert await session.scalar(select(func.count(OrganisationDecision.id))) == 0
    r = await _call(client, auth_headers, case.id, "/decisions", _decision(ORIGINAL))
    assert r.status_code == 201, r.text
    assert _org(r.json(), ORIGINAL)["decision"]["decided_by"] == CW
    assert _org(r.json(), HANDLER)["decision"] is None
    r = await _call(client, auth_headers, case.id, "/decisions", _decision(ORIGINAL))
    assert (r.status_code, _type(r)) == (409, "organisation-decision-exists")


async def test_commissioner_only_means_no_decision_against_the_provider__ASM_081(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await make_handlers(
        session, case, scope=Scope.handler_only,
        organisations=((ORIGINAL, R.provider, True), (HANDLER, R.commissioner, True)),
    )  # fmt: skip
    r = await _call(client, auth_headers, case.id, "/decisions", _decision(ORIGINAL))
    assert (r.status_code, _type(r)) == (409, "organisation-not-complained-about")
    assert r.json()["requirement"] == "ASM-081"
    r = await _call(client, auth_headers, case.id, "/decisions", _decision(HANDLER))
    assert r.status_code == 201, r.text


async def test_both_complained_about_each_needs_its_own_decision__ASM_076_ASM_081(
    client: httpx.AsyncClient,
    compliance: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    intake_stand_in: StandIn,  # the decline, once allowed, is issued to intake's parties
) -> None:
    case = await make_case(session)
    await make_handlers(
        session, case, scope=Scope.both,
        organisations=((ORIGINAL, R.provider, True), (HANDLER, R.commissioner, True)),
    )  # fmt: skip
    r = await _call(client, auth_headers, case.id, "/decisions", _decision(ORIGINAL))
    await make_ready_to_decide(session, case, proposing=False)  # the other gates
    assert r.status_code == 201, r.text
    assert r.json()["separate_decisions_needed"] is True
    assert r.json()["organisations_awaiting_decision"] == [str(HANDLER)]

    await assess(compliance, auth_headers, case.id, "decline")
    r = await decide(client, auth_headers, case.id, "decline", DECLINE)
    assert (r.status_code, _type(r)) == (409, "organisation-decisions-missing"), r.text
    assert r.json()["organisation_ids"] == [str(HANDLER)]
    status = await session.scalar(select(Case.status).where(Case.id == case.id))
    assert status is CaseStatus.further_consideration

    no = {**_decision(HANDLER), "decision": "other reason to decline", "investigate": False}
    r = await _call(client, auth_headers, case.id, "/decisions", no)
    assert r.status_code == 201, r.text
    assert r.json()["organisations_awaiting_decision"] == []
    r = await decide(client, auth_headers, case.id, "decline", DECLINE)
    assert r.status_code == 200, r.text


async def test_scope_cannot_leave_a_decided_organisation_outside__ASM_076(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, jurisdiction=PARLIAMENTARY)
    await make_handlers(
        session, case, scope=Scope.both,
        organisations=((ORIGINAL, R.original, None), (HANDLER, R.second_tier, True)),
    )  # fmt: skip
    r = await _call(client, auth_headers, case.id, "/decisions", _decision(HANDLER))
    assert r.status_code == 201, r.text
    body = {"scope": "original_only", "unhappy_with_handler_reason": UNHAPPY}
    r = await _call(client, auth_headers, case.id, "/scope", body)
    assert (r.status_code, _type(r)) == (409, "records-outside-scope")
    assert r.json()["organisation_ids"] == [str(HANDLER)]


# --- ASM-075 / ASM-077: whom a proposal writes to ---------------------------------------------


async def test_proposal_writes_to_the_second_tier_too__ASM_075_ASM_077(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, jurisdiction=PARLIAMENTARY)
    await make_handlers(
        session, case,
        organisations=(
            (HANDLER, R.second_tier, True), (CONTRACTOR, R.contractor, None),
            (ORIGINAL, R.original, None),
        ),
    )  # fmt: skip
    body = (await _call(client, auth_headers, case.id, method="GET")).json()
    assert body["scope"] == "original_only"  # the second tier is not complained about…
    assert body["proposal_organisation_ids"] == [str(ORIGINAL), str(CONTRACTOR), str(HANDLER)]


# --- ASM-080: component areas per organisation ------------------------------------------------


async def test_component_areas_recorded_for_each_organisation__ASM_080(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await make_handlers(
        session, case, scope=Scope.both,
        organisations=((ORIGINAL, R.provider, True), (HANDLER, R.commissioner, True)),
    )  # fmt: skip
    area = {"organisation_id": str(ORIGINAL), "area": "Discharge planning"}
    r = await _call(client, auth_headers, case.id, "/component-areas", area)
    assert r.status_code == 201, r.text
    assert r.json()["component_areas_missing"] == {"commissioner": ["discharge planning"]}
    same = {"organisation_id": str(HANDLER), "area": "Discharge planning"}
    r = await _call(client, auth_headers, case.id, "/component-areas", same)
    assert r.status_code == 201, r.text
    assert r.json()["component_areas_missing"] == {}
    assert _org(r.json(), HANDLER)["component_areas"] == ["Discharge planning"]
    r = await _call(client, auth_headers, case.id, "/component-areas", same)
    assert (r.status_code, _type(r)) == (409, "component-area-already-recorded")


async def test_no_component_area_against_an_organisation_not_chosen__ASM_080(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await make_handlers(
        session, case,
        organisations=((ORIGINAL, R.provider, True), (HANDLER, R.commissioner, True)),
    )  # fmt: skip
    area = {"organisation_id": str(HANDLER), "area": "Funding decision"}
    r = await _call(client, auth_headers, case.id, "/component-areas", area)
    assert (r.status_code, _type(r)) == (409, "organisation-not-complained-about")
    assert r.json()["requirement"] == "ASM-080"


# --- ASM-082 / ASM-083: Continuing Healthcare --------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "icb", "nhse", "actions", "organisations"),
    [
        ("checklist", False, False, ["check that the ICB (or former CCG) reviewed the decision"],
         ["ICB"]),
        ("full_assessment", True, False, ["signpost NHS England's review process"], ["ICB"]),
        ("full_assessment", True, True,
         ["ask why the complainant is unhappy with NHS England's review",
          "write: we investigate NHS England's review only, not the ICB"],
         ["NHS commissioning region"]),
    ],
)  # fmt: skip
async def test_chc_checks_recorded_with_their_guidance__ASM_082_ASM_083(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    stage: str,
    icb: bool,
    nhse: bool,
    actions: list[str],
    organisations: list[str],
) -> None:
    case = await make_case(session)
    await make_handlers(session, case, organisations=((ORIGINAL, R.provider, True),))
    body = {"stage": stage, "icb_review_done": icb, "nhse_review_done": nhse}
    r = await _call(client, auth_headers, case.id, "/chc", body)
    assert r.status_code == 200, r.text
    chc = r.json()["chc"]
    assert (chc["stage"], chc["recorded_by"]) == (stage, CW)
    assert chc["guidance"] == {"actions": actions, "organisations": organisations}
    assert chc["outstanding"] == []


async def test_investigating_icb_and_nhse_needs_manager_and_written_complaints__ASM_083(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    await make_handlers(session, case, organisations=((ORIGINAL, R.provider, True),))
    both = {
        "stage": "full_assessment", "icb_review_done": True, "nhse_review_done": True,
        "investigate_icb_too": True,
    }  # fmt: skip
    r = await _call(client, auth_headers, case.id, "/chc", both)
    assert r.status_code == 200, r.text
    assert r.json()["chc"]["guidance"]["organisations"] == ["ICB", "NHS commissioning region"]
    assert r.json()["chc"]["outstanding"] == [
        "discuss with a manager",
        "written complaints about both the ICB and NHS England on file",
        "add both the ICB and the NHS commissioning region as organisations complained about",
    ]
    r = await _call(client, auth_headers, case.id, "/decisions", _decision(ORIGINAL))
    assert (r.status_code, _type(r)) == (409, "chc-checks-outstanding"), r.text
    done = {**both, "manager_discussed_with": "om-1", "written_complaints_about_both": True}
    r = await _call(client, auth_headers, case.id, "/chc", done)
    assert r.json()["chc"]["outstanding"] == [
        "add both the ICB and the NHS commissioning region as organisations complained about"
    ]
    same = {**done, "icb_organisation_id": str(ORIGINAL), "region_organisation_id": str(ORIGINAL)}
    assert (await _call(client, auth_headers, case.id, "/chc", same)).status_code == 422
    done |= {"icb_organisation_id": str(ORIGINAL), "region_organisation_id": str(HANDLER)}
    r = await _call(client, auth_headers, case.id, "/chc", done)
    assert r.json()["chc"]["outstanding"] == []
    r = await _call(client, auth_headers, case.id, "/decisions", _decision(ORIGINAL))
    assert r.status_code == 201, r.text


async def test_chc_and_ifr_are_health_complaints__ASM_082_ASM_084(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, jurisdiction=PARLIAMENTARY)
    await make_handlers(session, case, organisations=((ORIGINAL, R.original, None),))
    chc = {"stage": "checklist", "icb_review_done": True, "nhse_review_done": False}
    r = await _call(client, auth_headers, case.id, "/chc", chc)
    assert (r.status_code, _type(r)) == (422, "not-a-health-case")
    r = await _call(client, auth_headers, case.id, "/ifr", {})
    assert (r.status_code, _type(r)) == (422, "not-a-health-case")


# --- ASM-084: Individual Funding Requests ------------------------------------------------------


async def test_ifr_decision_refused_while_checks_outstanding__ASM_084(
    client: httpx.AsyncClient,
    compliance: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
) -> None:
    case = await make_case(session)
    await make_handlers(session, case, organisations=((ORIGINAL, R.commissioner, True),),
                        scope=Scope.handler_only)  # fmt: skip
    partial = {"application_complete": True, "policy_used": "ICB policy on bariatric surgery"}
    r = await _call(client, auth_headers, case.id, "/ifr", partial)
    assert r.status_code == 200, r.text
    assert r.json()["ifr"]["outstanding"] == [
        "the ICB's decision follows its policies and the NHS Directions",
        "the policy itself appears reasonable",
    ]
    r = await _call(client, auth_headers, case.id, "/decisions", _decision(ORIGINAL))
    assert (r.status_code, _type(r)) == (409, "ifr-checks-outstanding"), r.text
    assert r.json()["requirement"] == "ASM-084"
    await assess(compliance, auth_headers, case.id, "decline")
    r = await decide(client, auth_headers, case.id, "decline", DECLINE)
    assert (r.status_code, _type(r)) == (409, "ifr-checks-outstanding")

    full = {**partial, "compliant_with_policy_and_directions": True, "policy_reasonable": False}
    r = await _call(client, auth_headers, case.id, "/ifr", full)
    assert r.json()["ifr"]["outstanding"] == []
    r = await _call(client, auth_headers, case.id, "/decisions", _decision(ORIGINAL))
    assert r.status_code == 201, r.text


# --- the route kit: ownership, idempotency, closed cases, 404 ----------------------------------


async def test_only_the_cases_holder_records_handlers(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)
    r = await _call(client, auth_headers, case.id, "", {}, sub=OTHER_CW)
    assert (r.status_code, _type(r)) == (403, "not-case-owner")
    r = await _call(client, auth_headers, case.id, method="GET")
    assert (r.status_code, _type(r)) == (404, "handlers-not-recorded")
    r = await _call(client, auth_headers, uuid.uuid4(), method="GET")
    assert (r.status_code, _type(r)) == (404, "case-not-found")


async def test_a_replayed_decision_is_answered_from_its_first_response__ASM_076(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, jurisdiction=PARLIAMENTARY)
    await make_handlers(session, case, organisations=((ORIGINAL, R.original, None),))
    key = {"Idempotency-Key": "decide-once-1"}
    first = await _call(client, auth_headers, case.id, "/decisions", _decision(ORIGINAL),
                        headers=key)  # fmt: skip
    again = await _call(client, auth_headers, case.id, "/decisions", _decision(ORIGINAL),
                        headers=key)  # fmt: skip
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert await session.scalar(select(func.count(OrganisationDecision.id))) == 1


async def test_a_closed_cases_handlers_stay_as_they_were(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, status=CaseStatus.closed, jurisdiction=PARLIAMENTARY)
    record = await make_handlers(session, case, organisations=((ORIGINAL, R.original, None),))
    r = await _call(client, auth_headers, case.id, "/decisions", _decision(ORIGINAL))
    assert (r.status_code, _type(r)) == (409, "handlers-case-closed")
    await session.refresh(record)
    assert isinstance(record, HandlerRecord)
    assert record.version == 1


# --- ASM-096: the individual who signed a practice's final response is the organisation -------


async def test_individual_signatory_recorded_as_the_organisation__ASM_096(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, organisation_ids=[])  # health
    await make_handlers(session, case)
    as_commissioner = {
        "organisation_id": str(HANDLER), "role": "commissioner",
        "signed_for_practice_id": str(ORIGINAL),
    }  # fmt: skip
    r = await _call(client, auth_headers, case.id, "/organisations", as_commissioner)
    assert (r.status_code, _type(r)) == (422, "individual-signatory-invalid"), r.text
    assert (r.json()["problems"], r.json()["requirement"]) == (["not_provider"], "ASM-096")
    individual = {**as_commissioner, "role": "provider"}
    r = await _call(client, auth_headers, case.id, "/organisations", individual)
    assert r.status_code == 201, r.text
    assert _org(r.json(), HANDLER)["signed_for_practice_id"] == str(ORIGINAL)
    # The practice itself is then not recorded as the organisation (¶2.208).
    practice = {"organisation_id": str(ORIGINAL), "role": "provider"}
    r = await _call(client, auth_headers, case.id, "/organisations", practice)
    assert (r.status_code, _type(r)) == (422, "individual-signatory-invalid"), r.text
    assert r.json()["problems"] == ["practice_on_case"]
    stored = await session.scalar(
        select(OrganisationOnCase.signed_for_practice_id).where(
            OrganisationOnCase.organisation_id == HANDLER
        )
    )
    assert stored == ORIGINAL


async def test_individual_signatory_only_in_place_of_a_practice_not_on_the_case__ASM_096(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session)  # health; ORIGINAL is the provider on the case
    await make_handlers(session, case, organisations=((ORIGINAL, OrganisationRole.provider, True),))
    individual = {
        "organisation_id": str(HANDLER), "role": "provider",
        "signed_for_practice_id": str(ORIGINAL),
    }  # fmt: skip
    r = await _call(client, auth_headers, case.id, "/organisations", individual)
    assert (r.status_code, _type(r)) == (422, "individual-signatory-invalid"), r.text
    assert r.json()["problems"] == ["practice_on_case"]
    parliamentary = await make_case(session, jurisdiction=PARLIAMENTARY, organisation_ids=[])
    await make_handlers(session, parliamentary)
    individual["role"] = "original"
    r = await _call(client, auth_headers, parliamentary.id, "/organisations", individual)
    assert (r.status_code, _type(r)) == (422, "individual-signatory-invalid"), r.text
    assert r.json()["problems"] == ["not_health", "not_provider"]


async def test_organisation_decision_is_a_decision_code__ASM_176(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession
) -> None:
    case = await make_case(session, jurisdiction=PARLIAMENTARY)
    await make_handlers(session, case, organisations=((ORIGINAL, R.original, True),))
    for decision, investigate in (("General discretion", False), ("resolution", True)):
        body = {**_decision(ORIGINAL), "decision": decision, "investigate": investigate}
        r = await _call(client, auth_headers, case.id, "/decisions", body)
        assert (r.status_code, _type(r)) == (422, "organisation-decision-invalid"), r.text
        assert r.json()["requirement"] == "ASM-176"
    assert await session.scalar(select(func.count(OrganisationDecision.id))) == 0
