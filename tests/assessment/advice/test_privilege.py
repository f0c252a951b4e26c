"""What leaves the system (ASM-145, ASM-151, XC-DP-004/005): the casework kit refuses legal
advice on any outbound communication, and a flow with clinical and legal advice that ends in a
decision not to investigate leaves no adviser identity and no legal advice in any event or
letter."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment_api.cases.models import DecisionCommunication, DeclineDecision
from shared.casework.communications import (
    LEGAL_ADVICE_PARAGRAPH,
    DocumentRef,
    PrivilegedDocumentRefused,
    refuse_privileged,
)
from shared.clock import FixedClock
from shared.outbox.models import OutboxEvent
from tests.assessment.builders import make_staff
from tests.assessment.cases.builders import CW, make_case, make_ready_to_decide
from tests.assessment.cases.test_decisions import DECLINE, assess, decide

Headers = Callable[..., dict[str, str]]
ADVISER = "clin-adv-zx41"
ADVISER_NAME = "Dr Quillon Fakename-Advisor"
LEGAL_TEXT = "Counsel's view: section 7 does not bar the complaint."
LEGAL_TITLE = "Legal Team advice note LT-0042"
LEGAL_QUESTION = "Does the statutory bar in section 7 apply to this complaint?"


def test_the_kit_refuses_legal_advice_on_an_outbound_communication__ASM_151_XC_DP_005() -> None:
    advice = DocumentRef(title="Advice note", privileged=True)
    with pytest.raises(PrivilegedDocumentRefused) as refused:
        refuse_privileged("outbound", [advice])
    assert (refused.value.status, refused.value.type) == (422, "privileged-document-refused")
    # As stored (JSON), too; a letter with no privileged document goes.
    with pytest.raises(PrivilegedDocumentRefused):
        refuse_privileged("outbound", [json.loads(advice.model_dump_json())])
    refuse_privileged("outbound", [DocumentRef(title="Final response")])
    refuse_privileged("outbound", None)
    # What others send us is not our privileged advice.
    refuse_privileged("inbound", [advice])
    # ¶3.57: the confirmation that advice may be sought is what can be sent.
    assert "we will not be sharing with you" in LEGAL_ADVICE_PARAGRAPH


def _letter(case_id: uuid.UUID, decision_id: uuid.UUID, clock: FixedClock, **kw: Any) -> Any:
    values: dict[str, Any] = {
        "id": uuid.uuid4(), "case_id": case_id, "decline_decision_id": decision_id,
        "medium": "letter", "direction": "outbound", "purpose": "decision letter",
        "occurred_at": clock.now(), "recipients": [], "summary": None, "headers": [],
        "documents": [DocumentRef(title=LEGAL_TITLE, privileged=True).model_dump(mode="json")],
        "paragraphs": [], "recorded_by": CW,
    }  # fmt: skip
    return DecisionCommunication(**(values | kw))


async def _decision(session: AsyncSession, clock: FixedClock) -> DeclineDecision:
    case = await make_case(session)
    decision = DeclineDecision(
        id=uuid.uuid4(), case_id=case.id, closure_code="other reason to decline",
        rationale="x", risk_assessment_id=uuid.uuid4(), decided_by=CW, decided_at=clock.now(),
    )  # fmt: skip
    session.add(decision)
    await session.flush()
    return decision


async def test_no_outbound_row_encloses_legal_advice_on_insert__ASM_151_XC_DP_005(
    session: AsyncSession, clock: FixedClock
) -> None:
    """The kit's hook on every communication table refuses the row at flush."""
    decision = await _decision(session, clock)
    session.add(_letter(decision.case_id, decision.id, clock))
    with pytest.raises(PrivilegedDocumentRefused):
        await session.flush()


async def test_no_outbound_row_encloses_legal_advice_on_update__ASM_151_XC_DP_005(
    session: AsyncSession, clock: FixedClock
) -> None:
    decision = await _decision(session, clock)
    plain = _letter(decision.case_id, decision.id, clock, documents=[{"title": "Final response"}])
    session.add(plain)
    await session.flush()
    plain.documents = [*plain.documents, {"title": LEGAL_TITLE, "privileged": True}]
    with pytest.raises(PrivilegedDocumentRefused):
        await session.flush()


pytestmark = pytest.mark.usefixtures("guarded", "intake_stand_in")


async def test_a_flow_with_advice_leaks_no_adviser_or_legal_advice__ASM_145_XC_DP_005(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    compliance: httpx.AsyncClient,
) -> None:
    case = await make_case(session)
    await make_ready_to_decide(session, case, proposing=False)  # every decision gate
    adviser = await make_staff(session, ADVISER, grade="caseworker", roles=["clinical_adviser"])
    adviser.display_name = ADVISER_NAME
    await session.flush()
    headers = auth_headers("caseworker", sub=CW)
    base = f"/v1/cases/{case.id}/advice"

    async def post(url: str, body: dict[str, Any], etag: str | None = None) -> dict[str, Any]:
        r = await client.post(
            url, json=body, headers=headers | ({"If-Match": etag} if etag else {})
        )
        assert r.status_code in {200, 201}, r.text
        out: dict[str, Any] = r.json()
        return out

    clinical = await post(
        f"{base}/requests",
        {"advice_type": "clinical", "format": "written", "discipline": "orthopaedics",
         "questions": "Was the referral pathway followed?", "adviser_id": ADVISER},
    )  # fmt: skip
    await post(
        f"{base}/requests/{clinical['id']}/received",
        {"received_on": "2026-11-02", "advice": f"{ADVISER_NAME} advises the pathway was missed.",
         "how_used": "It supports the indication of service failure."},
        etag='"1"',
    )  # fmt: skip
    legal = await post(f"{base}/requests", {"advice_type": "legal", "questions": LEGAL_QUESTION})
    await post(
        f"{base}/requests/{legal['id']}/received",
        {"received_on": "2026-11-02", "advice": LEGAL_TEXT, "documents": [{"title": LEGAL_TITLE}]},
        etag='"1"',
    )
    await post(
        f"{base}/clinical-standards",
        {"outcome": "standard_applied", "source": "adviser_selected", "name": "NICE NG226",
         "in_force_at_event_date": True, "rationale": "In force at the time.",
         "advice_request_id": clinical["id"]},
    )  # fmt: skip
    await post(
        f"{base}/adviser-name-requests",
        {"advice_request_id": clinical["id"], "received_on": "2026-11-02", "for_regulator": True,
         "referred_to_iaa_on": "2026-11-02", "lead_clinician_told_on": "2026-11-02"},
    )  # fmt: skip

    await assess(compliance, auth_headers, case.id, "decline")
    r = await decide(client, auth_headers, case.id, "decline", DECLINE)
    assert r.status_code == 200, r.text

    events = list(await session.scalars(select(OutboxEvent).where(OutboxEvent.case_id == case.id)))
    assert {e.type for e in events} >= {"assessment.case.closed"}
    letters = list(
        await session.scalars(
            select(DecisionCommunication).where(DecisionCommunication.case_id == case.id)
        )
    )
    assert letters
    produced = [json.dumps(e.payload) + (e.actor or "") for e in events] + [
        json.dumps(
            {"summary": c.summary, "purpose": c.purpose, "documents": c.documents,
             "paragraphs": c.paragraphs, "headers": c.headers, "recipients": c.recipients}
        )
        for c in letters
    ]  # fmt: skip
    for text in produced:
        for secret in (ADVISER, ADVISER_NAME, LEGAL_TEXT, LEGAL_TITLE, LEGAL_QUESTION):
            assert secret not in text
