"""Issue #13: three cases from intake to a decision at further consideration, all four services
as real processes wired as ``make run`` wires them (each service's default subscribers and
peers, on free ports of a private PostgreSQL), through public HTTP only; one stack for the
three.

- Case 1 (the walk-through's case C): a health complaint is passed to the allocation queue,
  allocated, made ready (contact after allocation, the suitability assessment, the Decision
  Form with its should-we sections, the complaint summary and its component proposed, the
  organisation decision, the clinical-advice record, the proposal plan, the proposal approved
  under the Delegation Scheme; the decision readiness then lists nothing) and proposed for
  investigation on a `propose` risk assessment (T35); investigation-api opens its record at
  Milestone 1.
- Case 2 (case B): an MP-referred parliamentary complaint, made ready the same way (its
  component declined on the decline's reason, the decline approved), is declined
  (T32): refused until compliance-api holds a `decline` risk assessment, then made on it, the
  letter to the complainant and a copy to the referring MP recorded; intake's register shows it
  closed with the closure code.
- Case 3: a case resolved with the organisation at further consideration (T33): made ready as
  for any decision not to investigate (the form recording the resolution, the component
  resolved, the approval), the resolution requested, the case at `resolution_requested`, the
  organisation's agreement closing it on a `decline` risk assessment under the approval; its
  resolution item stored at compliance-api.

The steps are ``casework_dev.assessment_steps`` (the README walk-through runs the same ones);
each checks its answer and every wait is bounded, failing with what it last saw.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from casework_dev import assessment_steps as steps
from casework_dev.intake_steps import Api
from casework_dev.procs import (
    SERVICES,
)
from casework_dev.walkthrough import health_case_referred, parliamentary_case_referred
from tests.e2e.stack import Stack, four_services

pytestmark = pytest.mark.slow

LONDON = ZoneInfo("Europe/London")
PROPOSING_CW = "e2e-decide-cw-1"
DECLINING_CW = "e2e-decide-cw-2"
RESOLVING_CW = "e2e-decide-cw-3"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with four_services(tmp_path_factory.mktemp("decisions-path"), "decide") as started:
        yield started


def services(stack: Stack, http: httpx.AsyncClient) -> steps.Services:
    return steps.Services(
        http=http, urls={s: stack.url(s) for s in SERVICES}, headers=stack.headers
    )


def intake(stack: Stack, http: httpx.AsyncClient) -> Api:
    return Api(http, stack.headers("intake_caseworker", sub="e2e-decide-ic"))


def today() -> str:
    return datetime.now(LONDON).date().isoformat()


async def test_health_case_proposed_opens_m1__ASM_090_ASM_092_ASM_099_ASM_102_ASM_177(
    stack: Stack,
) -> None:
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=15) as http:
        case, person = await health_case_referred(
            intake(stack, http), received_date=today(), given="Casey", route="awaiting_allocation"
        )
    async with httpx.AsyncClient(timeout=15) as http:
        try:
            got = await steps.case_c(
                services(stack, http), case["id"], caseworker=PROPOSING_CW,
                complainant_person_id=person["id"],
            )  # fmt: skip
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{stack.logs()}") from None
    # ASM-099…102: the first conversation met the contact clock and covered the checklist.
    assert got["contact"]["decision_ready"] is True
    assert got["contact"]["checklist_missing"] == []
    assert got["contact"]["first_contact"]["made_at"] is not None
    # ASM-090…092: the form saved with the decision, every gate passed, nothing missing.
    assert got["form"]["version"] == 2
    assert got["form"]["content"]["decision"]["outcome"] == "propose to investigate"
    assert set(got["form"]["gates"].values()) == {"passed"}
    assert got["readiness"]["before_proposal"] == []
    # The other gates of a health proposal: suitability, the advice record, the plan.
    assert got["suitability"]["conclusion"] == "suitable"
    assert got["advice"]["om_outcome"] == "agreed_not_required"
    assert (got["plan"]["ready"], got["plan"]["gaps"]) == (True, [])
    planned = [o["organisation_id"] for o in got["plan"]["organisations"]]
    assert planned == got["case"]["organisation_ids"]
    assert got["decision_readiness"]["before_proposal"] == []
    # ASM-177: the proposal names its risk assessment; investigation holds it at Milestone 1.
    proposal = got["proposed"]["proposal"]
    assert proposal["risk_assessment_id"] == got["assessed"]["id"]
    investigation = got["investigation"]
    assert (investigation["id"], investigation["status"]) == (case["id"], "proposed_to_investigate")
    assert investigation["proposal_id"] == proposal["id"]
    assert investigation["risk_assessment_id"] == got["assessed"]["id"]
    assert [m["number"] for m in investigation["milestones"]] == [1]
    assert investigation["owner"] == PROPOSING_CW
    assert got["register"]["status"] == "proposed_to_investigate"


async def test_parliamentary_case_declined_mp_copied__ASM_093_ASM_104_ASM_173_ASM_177(
    stack: Stack,
) -> None:
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=15) as http:
        case, person, mp = await parliamentary_case_referred(
            intake(stack, http), received_date=today(), given="Sam", route="awaiting_allocation"
        )
    async with httpx.AsyncClient(timeout=15) as http:
        try:
            got = await steps.case_b(
                services(stack, http), case["id"], caseworker=DECLINING_CW,
                complainant_person_id=person["id"], mp_person_id=mp["id"],
            )  # fmt: skip
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{stack.logs()}") from None
    # ASM-104: allocation's MP task is done by telling the referring MP.
    assert [t["done_at"] is not None for t in got["contact"]["mp_tasks"]] == [True]
    assert got["readiness"]["before_decline"] == []
    # A parliamentary decline needs neither clinical advice nor a proposal plan.
    assert (got["advice"], got["plan"]) == (None, None)
    assert got["decision_readiness"]["before_decline"] == []
    # XC-RSK-001 / ASM-177: refused without the risk assessment, then made on it.
    assert got["refused"]["status"] == 409
    assert got["refused"]["type"].endswith("/risk-assessment-required")
    assert (got["refused"]["case_id"], got["refused"]["trigger"]) == (case["id"], "decline")
    decline = got["declined"]["decline"]
    assert decline["risk_assessment_id"] == got["assessed"]["id"]
    assert (decline["closure_code"], decline["discretion"], decline["other_reason"]) == (
        "other reason to decline", "general", "outcome not achievable",
    )  # fmt: skip
    # ASM-173 (¶3.109): addressed to the complainant, a copy to the referring MP, both letters.
    letters = sorted(
        (c["medium"], r["person_id"], r["is_copy"])
        for c in got["declined"]["decline_communications"]
        for r in c["recipients"]
    )
    assert letters == sorted([("letter", person["id"], False), ("letter", mp["id"], True)])
    # Intake's register: closed at assessment with the decline's code.
    assert (got["register"]["status"], got["register"]["closure_code"]) == (
        "closed", "other reason to decline",
    )  # fmt: skip


async def test_case_resolved_with_the_organisation_stores_its_resolution_item__ASM_154_ASM_155(
    stack: Stack,
) -> None:
    async with httpx.AsyncClient(base_url=stack.url("intake"), timeout=15) as http:
        case, person = await health_case_referred(
            intake(stack, http), received_date=today(), given="Robin", route="awaiting_allocation"
        )
    async with httpx.AsyncClient(timeout=15) as http:
        s = services(stack, http)
        try:
            got = await steps.case_d(
                s, case["id"], caseworker=RESOLVING_CW, complainant_person_id=person["id"]
            )
            [organisation_id] = got["case"]["organisation_ids"]
            item, register = got["item"], got["register"]
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{stack.logs()}") from None
    # ASM-154: requested with both sides told; T33 closed the case on the risk assessment.
    [requested] = got["requested"]["requests"]
    assert requested["actions"] == steps.RESOLUTION_ACTIONS
    assert requested["complainant_told_not_recommendations"] is True
    [agreed] = got["agreed"]["requests"]
    assert (got["agreed"]["case_status"], agreed["status"]) == ("closed", "agreed")
    assert agreed["risk_assessment_id"] == got["assessed"]["id"]
    # ASM-156 (¶3.67): a decision not to investigate under the normal requirements: every gate
    # of a decision met first (the form records the resolution, the component is resolved) and
    # the closure made under its approval (ASM-172).
    assert got["prepared"]["decision_readiness"]["before_resolution"] == []
    assert got["prepared"]["form"]["content"]["decision"]["outcome"] == "resolve"
    assert (agreed["approval_id"], agreed["approved_by"]) == (
        got["prepared"]["approval"]["id"], got["prepared"]["approval"]["decided_by"],
    )  # fmt: skip
    # ASM-155 (¶3.66): a resolution item, open until done, never escalated.
    assert (item["kind"], item["status"], item["escalation_stage"]) == ("resolution", "open", None)
    assert item["organisation_ids"] == [organisation_id]
    assert item["actions"] == steps.RESOLUTION_ACTIONS
    assert item["risk_assessment_id"] == got["assessed"]["id"]
    assert register["owner"] == RESOLVING_CW
