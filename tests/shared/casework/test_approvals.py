"""Approvals under the delegation scheme (shared.casework.approvals; XC-ROL-002/003).

An approval is an act by someone other than the requester who holds the level's role, decided
once, and the record says who decided, with which roles, when and why.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import CaseApproval
from shared.auth import Principal, Role
from shared.casework.approvals import (
    ApprovalAlreadyDecided,
    ApprovalDecision,
    ApprovalLevelNotHeld,
    ApproverIsRequester,
    Delegation,
    decide_approval,
    request_approval,
)
from tests.shared.casework.builders import make_case

SPECIAL_HANDLING = Delegation(
    kind="special_handling",
    level="manager",
    roles=frozenset({Role.operations_manager, Role.assistant_director}),
    rule="INT-025 ¶1.39: special handling is agreed with a manager",
)
ASKED_AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
DECIDED_AT = datetime(2026, 11, 3, 14, 30, tzinfo=UTC)

CASEWORKER = Principal(sub="kit-caseworker", roles=frozenset({"intake_caseworker"}))
MANAGER = Principal(sub="kit-manager", roles=frozenset({"operations_manager", "caseworker"}))
SENIOR = Principal(sub="kit-senior", roles=frozenset({"senior_caseworker", "caseworker"}))


def _request(by: Principal = CASEWORKER, **columns: object) -> CaseApproval:
    return request_approval(
        CaseApproval, delegation=SPECIAL_HANDLING, requested_by=by, at=ASKED_AT,
        reason="Complainant is terminally ill", evidence={"letter": "GP letter of 1 Nov"},
        case_id=columns.pop("case_id", uuid.uuid4()), **columns,
    )  # fmt: skip


def test_a_request_records_who_asked_why_and_at_which_level__XC_ROL() -> None:
    approval = _request()

    assert isinstance(approval.id, uuid.UUID)
    assert approval.kind == "special_handling"
    assert approval.level == "manager"
    assert approval.rule == SPECIAL_HANDLING.rule
    assert approval.requested_by == "kit-caseworker"
    assert approval.requested_at == ASKED_AT
    assert approval.request_reason == "Complainant is terminally ill"
    assert approval.evidence == {"letter": "GP letter of 1 Nov"}
    assert approval.decision is None
    assert approval.decided_by is None


def test_a_request_without_evidence_has_an_empty_record_of_it() -> None:
    approval = request_approval(
        CaseApproval, delegation=SPECIAL_HANDLING, requested_by=CASEWORKER, at=ASKED_AT,
        reason=None, case_id=uuid.uuid4(),
    )  # fmt: skip
    assert approval.evidence == {}
    assert approval.request_reason is None


def test_a_decision_records_who_with_which_roles_when_and_why__XC_ROL() -> None:
    approval = _request()

    decide_approval(
        approval, delegation=SPECIAL_HANDLING, actor=MANAGER, approve=True, at=DECIDED_AT,
        reason="Agreed: prognosis of weeks",
    )  # fmt: skip

    assert approval.decision == ApprovalDecision.approved
    assert approval.decided_by == "kit-manager"
    assert approval.decided_by_roles == ["caseworker", "operations_manager"]
    assert approval.decided_at == DECIDED_AT
    assert approval.decision_reason == "Agreed: prognosis of weeks"


def test_a_refusal_is_a_decision_too__XC_ROL() -> None:
    approval = _request()
    director = Principal(sub="kit-ad", roles=frozenset({"assistant_director"}))

    decide_approval(
        approval, delegation=SPECIAL_HANDLING, actor=director, approve=False, at=DECIDED_AT,
        reason="Not urgent",
    )  # fmt: skip

    assert approval.decision == ApprovalDecision.refused
    assert approval.decided_by == "kit-ad"
    assert approval.decided_by_roles == ["assistant_director"]


def test_the_requester_cannot_approve_their_own_request__XC_ROL() -> None:
    manager_asks = _request(by=MANAGER)

    with pytest.raises(ApproverIsRequester) as caught:
        decide_approval(
            manager_asks, delegation=SPECIAL_HANDLING, actor=MANAGER, approve=True,
            at=DECIDED_AT, reason="self",
        )  # fmt: skip

    assert caught.value.status == 403
    assert caught.value.type == "approver-is-requester"
    assert manager_asks.decision is None
    assert manager_asks.decided_by is None


def test_the_requester_is_recognised_by_subject_not_by_roles__XC_ROL() -> None:
    # The subject as another token's JSON gives it: an equal string, not the same object.
    sub = json.loads(json.dumps(CASEWORKER.sub))
    assert sub == CASEWORKER.sub
    assert sub is not CASEWORKER.sub
    same_person_other_token = Principal(sub=sub, roles=frozenset({"director"}))
    approval = _request(by=CASEWORKER)

    with pytest.raises(ApproverIsRequester):
        decide_approval(
            approval, delegation=SPECIAL_HANDLING, actor=same_person_other_token, approve=True,
            at=DECIDED_AT, reason=None,
        )  # fmt: skip


def test_an_approver_without_the_levels_role_is_403_with_the_roles_needed__XC_ROL() -> None:
    approval = _request()

    with pytest.raises(ApprovalLevelNotHeld) as caught:
        decide_approval(
            approval, delegation=SPECIAL_HANDLING, actor=SENIOR, approve=True, at=DECIDED_AT,
            reason="I think so",
        )  # fmt: skip

    assert caught.value.status == 403
    assert caught.value.type == "approval-level-not-held"
    assert caught.value.extensions["required_roles"] == ["assistant_director", "operations_manager"]
    assert "manager" in caught.value.detail
    assert approval.decision is None
    assert approval.decided_by is None
    assert approval.decided_at is None


def test_an_approver_with_no_roles_at_all_is_403__XC_ROL() -> None:
    approval = _request()
    with pytest.raises(ApprovalLevelNotHeld):
        decide_approval(
            approval, delegation=SPECIAL_HANDLING,
            actor=Principal(sub="kit-nobody", roles=frozenset()), approve=True, at=DECIDED_AT,
            reason=None,
        )  # fmt: skip


def test_an_approval_is_decided_once__XC_ROL() -> None:
    approval = _request()
    decide_approval(
        approval, delegation=SPECIAL_HANDLING, actor=MANAGER, approve=True, at=DECIDED_AT,
        reason="first",
    )  # fmt: skip
    director = Principal(sub="kit-ad", roles=frozenset({"assistant_director"}))

    with pytest.raises(ApprovalAlreadyDecided) as caught:
        decide_approval(
            approval, delegation=SPECIAL_HANDLING, actor=director, approve=False,
            at=datetime(2026, 11, 4, tzinfo=UTC), reason="second",
        )  # fmt: skip

    assert caught.value.status == 409
    assert caught.value.type == "approval-already-decided"
    assert "kit-manager" in caught.value.detail
    assert approval.decision == ApprovalDecision.approved
    assert approval.decided_by == "kit-manager"
    assert approval.decided_at == DECIDED_AT
    assert approval.decision_reason == "first"


async def test_an_approval_and_its_decision_round_trip_through_the_table__XC_ROL(
    session: AsyncSession,
) -> None:
    case = await make_case(session)
    subject = uuid.uuid4()
    approval = _request(case_id=case.id, subject_id=subject)
    session.add(approval)
    await session.flush()
    decide_approval(
        approval, delegation=SPECIAL_HANDLING, actor=MANAGER, approve=True, at=DECIDED_AT,
        reason="Agreed",
    )  # fmt: skip
    await session.flush()

    session.expunge_all()
    stored = await session.scalar(select(CaseApproval).where(CaseApproval.id == approval.id))
    assert stored is not None
    assert stored.case_id == case.id
    assert stored.subject_id == subject
    assert stored.kind == "special_handling"
    assert stored.level == "manager"
    assert stored.rule == SPECIAL_HANDLING.rule
    assert stored.requested_by == "kit-caseworker"
    assert stored.requested_at == ASKED_AT
    assert stored.request_reason == "Complainant is terminally ill"
    assert stored.evidence == {"letter": "GP letter of 1 Nov"}
    assert stored.decision == "approved"
    assert stored.decided_by == "kit-manager"
    assert stored.decided_by_roles == ["caseworker", "operations_manager"]
    assert stored.decided_at == DECIDED_AT
    assert stored.decision_reason == "Agreed"


async def test_an_undecided_approval_is_stored_without_a_decision(session: AsyncSession) -> None:
    case = await make_case(session)
    approval = request_approval(
        CaseApproval, delegation=SPECIAL_HANDLING, requested_by=CASEWORKER, at=ASKED_AT,
        reason=None, case_id=case.id,
    )  # fmt: skip
    session.add(approval)
    await session.flush()

    session.expunge_all()
    stored = await session.get(CaseApproval, approval.id)
    assert stored is not None
    assert stored.evidence == {}
    assert stored.subject_id is None
    assert stored.decision is None
    assert stored.decided_by_roles is None
    assert stored.decided_at is None
