"""The intake gate and closure rules (``rules.py``) and the lifecycle table (``state.py``),
without a database: plain ``Case`` and ``Facts`` objects with every attribute the rules read.

Each test names the requirement it proves (requirements.md A.1, A.2, B.3, D.1, D.3).
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from intake_api.cases.models import (
    Case,
    CaseOrganisation,
    CaseParty,
    CaseType,
    Channel,
    Communication,
    ComplaintProcessStage,
    ContactAttempt,
    DecisionChannel,
    ExceptionReason,
    Jurisdiction,
    OrganisationRole,
    OrgResponseFormat,
    OtherOmbudsman,
    PartyRole,
    Priority,
    PrisonCaseType,
    Route,
    SignpostingType,
    TriageCategory,
)
from intake_api.cases.rules import (
    DECLINE_CODES,
    INTAKE_CLOSURE_CODES,
    NEW_CASE_CODES,
    REMIT_CATEGORIES,
    RESTARTABLE_CODES,
    Facts,
    Problems,
    checklist_gaps,
    closure_problems,
    properly_made_problems,
    referral_problems,
    vpa_criteria_met,
    vpa_problems,
)
from intake_api.cases.state import ALLOWED, CaseStatus, CaseTransitionNotAllowed, transition
from shared.casework.communications import ContactOutcome
from shared.events.contracts.intake import CaseClosedV1, CaseReferredV1, CaseRestartedV1
from tests.helpers import TODAY

AT = datetime(2026, 11, 2, 10, 30, tzinfo=UTC)
COMPLAINANT = uuid.UUID(int=1)
REPRESENTATIVE = uuid.UUID(int=2)
MP = uuid.UUID(int=3)
ORG = uuid.UUID(int=10)

# The guidance's closed lists, quoted from requirements.md §D and never taken from the code under
# test: a test parametrised over the code's own list loses a case whenever the code loses a code.

# D.1, items 1–8: the closure codes used at intake, as written there.
WITHDRAWN = "withdrawn"
FURTHER_INFORMATION_REQUIRED = "further information required"
OUT_OF_JURISDICTION = "organisation out of jurisdiction"
NOT_PROPERLY_MADE = "not properly made"
NOT_IN_WRITING = "Not properly made - not in writing"
NO_MP_REFERRAL = "No MP referral"
PREMATURE_ONGOING = "Premature: local resolution ongoing"
PREMATURE = "premature"

# D.3 as printed (13 out-of-remit categories): category → the jurisdictions it applies to.
P, H = Jurisdiction.parliamentary, Jurisdiction.health
D3: dict[str, set[Jurisdiction]] = {
    "Actions abroad other than consular functions": {P},
    "Administrative action taken on judicial authority": {P},
    "Alternative legal remedy achieved": {P, H},
    "Commencement/conduct of civil/criminal proceedings": {P},
    "Commercial/contractual matters": {P, H},
    "Criminal investigation or national security": {P},
    "Exercise of judicial/legislative functions": {P},
    "Ineligible complainant": {P, H},
    "Out of remit - other": {P, H},
    "Pre-1996 clinical matters": {H},
    "Private healthcare (not NHS funded)": {H},
    "Public service personnel matters": {P, H},
    "Three-year rule": {H},
}


# The codes that decline the case: every D.1 intake code but 'withdrawn' and 'further information
# required' (INT-005: contact first), and every D.3 category (ASM-002).
D1_DECLINES = (
    OUT_OF_JURISDICTION,
    NOT_PROPERLY_MADE,
    NOT_IN_WRITING,
    NO_MP_REFERRAL,
    PREMATURE_ONGOING,
    PREMATURE,
)
DECLINES = (*D1_DECLINES, *D3)
NOT_DECLINES = (WITHDRAWN, FURTHER_INFORMATION_REQUIRED)
# INT-028: a decline for want of remit or jurisdiction names where the complainant can go.
SIGNPOSTED = (OUT_OF_JURISDICTION, *D3)
NOT_SIGNPOSTED = (NOT_PROPERLY_MADE, NOT_IN_WRITING, NO_MP_REFERRAL, PREMATURE_ONGOING, PREMATURE)
# Returning complainants (§B.3 T53–T55, G-10 as the README decides it): the case restarts after
# 'further information required' (INT-019 ¶1.26), 'not properly made' or 'premature' (ASM-034/035
# ¶2.61–2.64); a new linked case follows 'withdrawn' (T54 ¶2.225); after 'not in writing' and
# 'No MP referral' either may (T55 ¶2.15, ¶2.58).
RESTARTS = (
    FURTHER_INFORMATION_REQUIRED,
    NOT_PROPERLY_MADE,
    NOT_IN_WRITING,
    NO_MP_REFERRAL,
    PREMATURE_ONGOING,
    PREMATURE,
)
NEW_LINKED_CASES = (WITHDRAWN, NOT_IN_WRITING, NO_MP_REFERRAL)


FULL_CHECKLIST = {
    "complaint_form_or_answers": True,
    "organisation_responses": True,
    "meeting_recordings": True,
    "transcripts": True,
    "phone_numbers": True,
}
MP_REFERRAL = {
    "mp_person_id": MP,
    "complaint_to_mp_in_writing": True,
    "aggrieved_consent": True,
    "mp_requests_investigation": True,
}
VPA_ROUTE = {
    "vpa_no_mp_referral": True,
    "vpa_answers": {"treated_poorly": True, "linked": True},
    "vpa_pass_through_note": "Passed through on the set criteria (¶2.35)",
}


# ---------------------------------------------------------------------------------------------
# Builders: a health complaint that may be passed on, and the facts around it
# ---------------------------------------------------------------------------------------------


def make_case(**overrides: Any) -> Case:
    """A written health complaint, local resolution complete, ready to pass on; override freely."""
    values: dict[str, Any] = {
        "id": uuid.UUID(int=100),
        "reference": "CAS-0000042",
        "status": CaseStatus.intake,
        "case_type": CaseType.complaint,
        "channel": Channel.online_form,
        "jurisdiction": Jurisdiction.health,
        "received_date": TODAY - timedelta(days=3),
        "owner": "ic-alice",
        "copied_in_only": False,
        "type_reason": None,
        "complaint_summary": "The trust did not reply to letters (example only).",
        "injustice_claimed": "Distress and time spent chasing (example only).",
        "outcome_sought": "An apology (example only).",
        "complaint_process_stage": ComplaintProcessStage.complete,
        "victims_code_checked": False,
        "victims_code": False,
        "vpa_answers": None,
        "vpa_no_mp_referral": False,
        "vpa_legal_advice_requested_at": None,
        "vpa_pass_through_note": None,
        "mp_person_id": None,
        "complaint_to_mp_in_writing": False,
        "aggrieved_consent": False,
        "mp_requests_investigation": False,
        "written_complaint_received": False,
        "complaint_form_awaiting_confirmation": False,
        "properly_made": True,
        "org_response_format": OrgResponseFormat.written,
        "not_reasonable_to_expect_local_resolution": False,
        "readiness_rationale": None,
        "exception_reason": None,
        "exception_rationale": None,
        "self_referred_by_organisation": False,
        "joint_working": False,
        "joint_working_shared_at": None,
        "other_ombudsman": None,
        "joint_working_decided_at": None,
        "joint_working_accepted": None,
        "prison_case_type": None,
        "route": Route.awaiting_allocation,
        "routing_rationale": "General casework; no specialism needed",
        "triage_category": TriageCategory.general,
        "priority": Priority.standard,
        "priority_requested_by": None,
        "priority_approved_by": None,
        "checklist": dict(FULL_CHECKLIST),
        "checklist_override_reason": None,
        "organisation_ids": [ORG],
        "closure_code": None,
        "created_by": "ic-alice",
        "version": 1,
    }
    values.update(overrides)
    return Case(**values)


def as_received(value: str) -> str:
    """``value`` as JSON and PostgreSQL hand it over: an equal string, never the same object.

    Literals in a test are interned, so a rule that compared strings with ``is`` would pass on
    them; the rules are fed these instead.
    """
    received = "".join(list(value))
    assert received == value
    assert received is not value or len(value) < 2
    return received


def party(person_id: uuid.UUID, role: PartyRole) -> CaseParty:
    return CaseParty(id=uuid.uuid4(), case_id=uuid.UUID(int=100), person_id=person_id, role=role)


def organisation(
    *, in_jurisdiction: bool = True, victims_code_only: bool = False
) -> CaseOrganisation:
    return CaseOrganisation(
        id=uuid.uuid4(),
        case_id=uuid.UUID(int=100),
        organisation_id=uuid.uuid4(),
        role=OrganisationRole.original,
        in_jurisdiction=in_jurisdiction,
        remit_only_for_victims_code=victims_code_only,
    )


def attempt(
    outcome: ContactOutcome = ContactOutcome.reached,
    *,
    channel: str = "telephone",
    person_id: uuid.UUID = COMPLAINANT,
    direction: str = "outbound",
) -> ContactAttempt:
    return ContactAttempt(
        id=uuid.uuid4(),
        case_id=uuid.UUID(int=100),
        person_id=person_id,
        channel=as_received(channel),
        direction=as_received(direction),
        attempted_at=AT,
        outcome=outcome,
        recorded_by="ic-alice",
    )


def written(
    purpose: str, *to: uuid.UUID, medium: str = "letter", direction: str = "outbound"
) -> Communication:
    return Communication(
        id=uuid.uuid4(),
        case_id=uuid.UUID(int=100),
        medium=as_received(medium),
        direction=as_received(direction),
        purpose=as_received(purpose),
        occurred_at=AT,
        recipients=[{"person_id": str(p), "organisation_id": None, "is_copy": False} for p in to],
        headers=[],
        recorded_by="ic-alice",
    )


def make_facts(
    *,
    parties: list[CaseParty] | None = None,
    organisations: list[CaseOrganisation] | None = None,
    attempts: list[ContactAttempt] | None = None,
    communications: list[Communication] | None = None,
    today: date = TODAY,
    intake_clock_start: date | None = None,
) -> Facts:
    """By default: the complainant was reached and sent the acknowledgement letter."""
    return Facts(
        parties=parties if parties is not None else [party(COMPLAINANT, PartyRole.complainant)],
        organisations=organisations if organisations is not None else [organisation()],
        attempts=attempts if attempts is not None else [attempt()],
        communications=(
            communications
            if communications is not None
            else [written("acknowledgement", COMPLAINANT)]
        ),
        today=today,
        intake_clock_start=intake_clock_start,
    )


def pairs(problems: Problems) -> set[tuple[str, str]]:
    return {(p["requirement"], p["item"]) for p in problems.items}


def ids(problems: Problems) -> set[str]:
    return {p["requirement"] for p in problems.items}


def close(
    case: Case,
    facts: Facts,
    code: str,
    *,
    decision_channel: DecisionChannel | None = DecisionChannel.telephone,
    written_decision_requested: bool = False,
    enough_information_to_decide: bool = False,
    signposting: SignpostingType | None = None,
    signposting_detail: str | None = None,
    time_limit_explained: bool = False,
    information_deadline_passed: bool | None = None,
) -> Problems:
    return closure_problems(
        case,
        facts,
        code=as_received(code),
        decision_channel=decision_channel,
        written_decision_requested=written_decision_requested,
        enough_information_to_decide=enough_information_to_decide,
        signposting=signposting,
        signposting_detail=signposting_detail,
        time_limit_explained=time_limit_explained,
        information_deadline_passed=information_deadline_passed,
    )


def test_the_builders_give_a_case_that_is_properly_made_and_may_be_passed_on() -> None:
    # Every "blocked" test below changes one thing from this; if this fails, they prove nothing.
    case, facts = make_case(), make_facts()

    assert properly_made_problems(case, facts).items == []
    assert referral_problems(case, facts).items == []
    assert close(case, facts, PREMATURE, time_limit_explained=True).items == []


# ---------------------------------------------------------------------------------------------
# Properly made (ASM-010, ASM-014, ASM-015, ASM-020, INT-047, VPA: ASM-005/006/009/011)
# ---------------------------------------------------------------------------------------------


def test_health_complaint_by_telephone_is_not_properly_made__ASM_015() -> None:
    case = make_case(channel=Channel.telephone)

    problems = properly_made_problems(case, make_facts())

    assert pairs(problems) == {("ASM-015", "in_writing")}


def test_health_telephone_complaint_is_properly_made_once_a_written_one_arrives__ASM_015() -> None:
    case = make_case(channel=Channel.telephone, written_complaint_received=True)

    assert properly_made_problems(case, make_facts()).items == []


@pytest.mark.parametrize("channel", [Channel.online_form, Channel.email, Channel.letter])
def test_online_form_email_and_letter_are_writing__ASM_015(channel: Channel) -> None:
    case = make_case(channel=channel)

    assert properly_made_problems(case, make_facts()).items == []


def test_complaint_form_awaiting_confirmation_is_not_properly_made__ASM_010() -> None:
    case = make_case(complaint_form_awaiting_confirmation=True)

    problems = properly_made_problems(case, make_facts())

    assert pairs(problems) == {("ASM-010", "complaint_form")}


def test_properly_made_needs_a_jurisdiction__ASM_014() -> None:
    case = make_case(jurisdiction=None, channel=Channel.telephone)

    problems = properly_made_problems(case, make_facts())

    assert pairs(problems) == {("ASM-014", "jurisdiction")}


def test_parliamentary_with_all_four_mp_referral_facts_is_properly_made__ASM_020() -> None:
    case = make_case(
        jurisdiction=Jurisdiction.parliamentary, channel=Channel.mp_referral, **MP_REFERRAL
    )

    assert properly_made_problems(case, make_facts()).items == []


@pytest.mark.parametrize(
    ("field", "missing", "label"),
    [
        ("mp_person_id", None, "referring MP"),
        ("complaint_to_mp_in_writing", False, "complaint made to the MP in writing"),
        ("aggrieved_consent", False, "aggrieved person's consent"),
        ("mp_requests_investigation", False, "MP's request that we investigate"),
    ],
)
def test_parliamentary_needs_each_mp_referral_fact_and_names_the_missing_one__ASM_020(
    field: str, missing: object, label: str
) -> None:
    case = make_case(
        jurisdiction=Jurisdiction.parliamentary,
        channel=Channel.mp_referral,
        **{**MP_REFERRAL, field: missing},
    )

    problems = properly_made_problems(case, make_facts())

    assert pairs(problems) == {("ASM-020", "mp_referral")}
    assert problems.items[0]["detail"] == f"MP referral incomplete (Legal): {label}"


def test_parliamentary_without_any_referral_lists_all_four_missing_facts__ASM_020() -> None:
    case = make_case(jurisdiction=Jurisdiction.parliamentary, channel=Channel.letter)

    problems = properly_made_problems(case, make_facts())

    assert problems.items == [
        {
            "requirement": "ASM-020",
            "item": "mp_referral",
            "detail": "MP referral incomplete (Legal): referring MP, complaint made to the MP in "
            "writing, aggrieved person's consent, MP's request that we investigate",
        }
    ]


def test_referring_mp_may_be_a_party_in_the_referring_role__ASM_020() -> None:
    case = make_case(
        jurisdiction=Jurisdiction.parliamentary,
        channel=Channel.mp_referral,
        **{**MP_REFERRAL, "mp_person_id": None},
    )
    referring = make_facts(
        parties=[party(COMPLAINANT, PartyRole.complainant), party(MP, PartyRole.mp_referring)]
    )
    assisting = make_facts(
        parties=[party(COMPLAINANT, PartyRole.complainant), party(MP, PartyRole.mp_assisting)]
    )

    assert properly_made_problems(case, referring).items == []
    assert ids(properly_made_problems(case, assisting)) == {"ASM-020"}


def test_parliamentary_written_channel_does_not_replace_the_mp_referral__ASM_020() -> None:
    # ASM-015's "in writing" is the health test; a parliamentary letter still needs an MP.
    case = make_case(jurisdiction=Jurisdiction.parliamentary, channel=Channel.online_form)

    assert ids(properly_made_problems(case, make_facts())) == {"ASM-020"}


def test_prison_action_case_needs_an_mp_referral__INT_047() -> None:
    case = make_case(
        jurisdiction=Jurisdiction.parliamentary,
        prison_case_type=PrisonCaseType.prison_action,
        channel=Channel.letter,
    )

    problems = properly_made_problems(case, make_facts())

    assert pairs(problems) == {("INT-047", "mp_referral")}


@pytest.mark.parametrize("route", [MP_REFERRAL, VPA_ROUTE], ids=["mp_referral", "vpa"])
def test_prison_action_case_is_properly_made_with_mp_referral_or_vpa__INT_047(
    route: dict[str, Any],
) -> None:
    case = make_case(
        jurisdiction=Jurisdiction.parliamentary,
        prison_case_type=PrisonCaseType.prison_action,
        channel=Channel.letter,
        received_date=date(2026, 10, 1),
        **route,
    )

    assert properly_made_problems(case, make_facts()).items == []


def test_vpa_route_refused_for_a_complaint_received_26_january_2025__ASM_005() -> None:
    case = make_case(
        jurisdiction=Jurisdiction.parliamentary, received_date=date(2025, 1, 26), **VPA_ROUTE
    )

    assert pairs(properly_made_problems(case, make_facts())) == {("ASM-005", "vpa_commencement")}
    assert pairs(vpa_problems(case)) == {("ASM-005", "vpa_commencement")}


def test_vpa_route_allowed_for_a_complaint_received_27_january_2025__ASM_005() -> None:
    case = make_case(
        jurisdiction=Jurisdiction.parliamentary, received_date=date(2025, 1, 27), **VPA_ROUTE
    )

    assert properly_made_problems(case, make_facts()).items == []


SCENARIOS = ("under_victims_code", "treated_poorly", "witness_of_crime", "crime_by_organisation")


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("linked", [True, False])
def test_vpa_criteria_any_scenario_and_linked__ASM_009(scenario: str, linked: bool) -> None:
    assert vpa_criteria_met({scenario: True, "linked": linked}) is linked


def test_vpa_criteria_q2_and_not_linked_is_not_met__ASM_009() -> None:
    assert vpa_criteria_met({"treated_poorly": True, "linked": False}) is False


def test_vpa_criteria_q4_and_linked_is_met__ASM_009() -> None:
    assert vpa_criteria_met({"crime_by_organisation": True, "linked": True}) is True


@pytest.mark.parametrize(
    "answers",
    [None, {}, {"linked": True}, dict.fromkeys(SCENARIOS, False) | {"linked": True}],
    ids=["none", "empty", "linked_only", "all_false"],
)
def test_vpa_criteria_not_met_without_a_scenario__ASM_009(
    answers: dict[str, object] | None,
) -> None:
    assert vpa_criteria_met(answers) is False


def test_vpa_route_with_unmet_criteria_is_not_properly_made__ASM_009() -> None:
    case = make_case(
        jurisdiction=Jurisdiction.parliamentary,
        **{**VPA_ROUTE, "vpa_answers": {"treated_poorly": True, "linked": False}},
    )

    assert pairs(properly_made_problems(case, make_facts())) == {("ASM-009", "vpa_criteria")}


def test_vpa_crime_by_the_organisation_needs_legal_advice_requested__ASM_006() -> None:
    answers = {"crime_by_organisation": True, "linked": True}
    without = make_case(
        jurisdiction=Jurisdiction.parliamentary, **{**VPA_ROUTE, "vpa_answers": answers}
    )
    with_advice = make_case(
        jurisdiction=Jurisdiction.parliamentary,
        vpa_legal_advice_requested_at=AT,
        **{**VPA_ROUTE, "vpa_answers": answers},
    )

    assert pairs(vpa_problems(without)) == {("ASM-006", "vpa_legal_advice")}
    assert vpa_problems(with_advice).items == []


def test_vpa_route_needs_the_pass_through_note__ASM_011() -> None:
    case = make_case(
        jurisdiction=Jurisdiction.parliamentary, **{**VPA_ROUTE, "vpa_pass_through_note": None}
    )

    assert pairs(properly_made_problems(case, make_facts())) == {("ASM-011", "vpa_note")}


# ---------------------------------------------------------------------------------------------
# Referral to assessment (T13–T16)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["complaint_summary", "injustice_claimed", "outcome_sought"])
@pytest.mark.parametrize("empty", [None, "", "   "], ids=["none", "empty", "blank"])
def test_referral_needs_each_of_the_three_separate_fields__INT_009(
    field: str, empty: str | None
) -> None:
    case = make_case(**{field: empty})

    assert pairs(referral_problems(case, make_facts())) == {("INT-009", field)}


def test_referral_needs_the_complainant_and_the_organisations__INT_010() -> None:
    facts = make_facts(parties=[], organisations=[], communications=[])

    problems = referral_problems(make_case(), facts)

    assert {("INT-010", "complainant"), ("INT-010", "organisations")} <= pairs(problems)


@pytest.mark.parametrize(
    "overrides",
    [{"route": None}, {"routing_rationale": None}, {"routing_rationale": "  "}],
    ids=["no_route", "no_rationale", "blank_rationale"],
)
def test_referral_needs_routing_and_its_rationale__INT_020(overrides: dict[str, Any]) -> None:
    case = make_case(**overrides)

    assert pairs(referral_problems(case, make_facts())) == {("INT-020", "routing")}


@pytest.mark.parametrize("item", sorted(FULL_CHECKLIST))
def test_referral_blocked_by_each_missing_checklist_item__INT_021(item: str) -> None:
    case = make_case(checklist={**FULL_CHECKLIST, item: False})

    problems = referral_problems(case, make_facts())

    assert pairs(problems) == {("INT-021", "checklist")}
    assert item in problems.items[0]["detail"]
    assert checklist_gaps(case, make_facts()) == [item]


def test_checklist_override_reason_lets_an_incomplete_checklist_through__INT_021() -> None:
    case = make_case(
        checklist={},
        checklist_override_reason="The trust has no recordings and no second-tier response",
    )

    assert referral_problems(case, make_facts()).items == []


def test_representation_consent_only_needed_when_someone_is_represented__INT_021() -> None:
    unrepresented = make_facts()
    represented = make_facts(
        parties=[
            party(COMPLAINANT, PartyRole.complainant),
            party(REPRESENTATIVE, PartyRole.representative_person),
        ]
    )
    consented = make_case(checklist={**FULL_CHECKLIST, "representation_consent": True})

    assert referral_problems(make_case(), unrepresented).items == []
    assert checklist_gaps(make_case(), represented) == ["representation_consent"]
    assert pairs(referral_problems(make_case(), represented)) == {("INT-021", "checklist")}
    assert referral_problems(consented, represented).items == []


def test_representative_organisation_also_needs_representation_consent__INT_021() -> None:
    facts = make_facts(
        parties=[
            party(COMPLAINANT, PartyRole.complainant),
            party(REPRESENTATIVE, PartyRole.representative_organisation),
        ]
    )

    assert checklist_gaps(make_case(), facts) == ["representation_consent"]


def test_referral_needs_a_triage_category__INT_023() -> None:
    case = make_case(triage_category=None)

    assert pairs(referral_problems(case, make_facts())) == {("INT-023", "triage_category")}


def test_high_priority_needs_the_managers_approval__INT_025() -> None:
    unapproved = make_case(priority=Priority.high, priority_requested_by="ic-alice")
    approved = make_case(
        priority=Priority.high, priority_requested_by="ic-alice", priority_approved_by="om-bob"
    )

    assert pairs(referral_problems(unapproved, make_facts())) == {("INT-025", "priority")}
    assert referral_problems(approved, make_facts()).items == []


def test_high_priority_without_a_recorded_approval_blocks_referral__INT_025() -> None:
    # However the case came to be high priority, only the manager's approval lets it go.
    assert pairs(referral_problems(make_case(priority=Priority.high), make_facts())) == {
        ("INT-025", "priority")
    }


def test_pending_special_handling_request_blocks_referral_until_decided__INT_025() -> None:
    # The service only sets priority=high together with the approval, so a request waiting for
    # the manager is the state the rule must catch.
    pending = make_case(priority=Priority.standard, priority_requested_by="ic-alice")

    assert pairs(referral_problems(pending, make_facts())) == {("INT-025", "priority")}


def test_within_two_weeks_only_the_acknowledgement_letter_is_needed__INT_008() -> None:
    case = make_case(received_date=TODAY - timedelta(days=13))

    assert referral_problems(case, make_facts(attempts=[])).items == []


# Every outcome of an attempt but 'reached' (XC-COM), as literals.
FAILED_OUTCOMES = ("no_answer", "voicemail", "wrong_number", "written_no_reply")


@pytest.mark.parametrize("outcome", FAILED_OUTCOMES)
def test_only_reaching_the_complainant_counts_as_contact__INT_008_INT_014(outcome: str) -> None:
    case = make_case(received_date=TODAY - timedelta(days=20))
    facts = make_facts(attempts=[attempt(ContactOutcome(outcome))])
    restarted = make_facts(
        attempts=[attempt(ContactOutcome(outcome))], intake_clock_start=TODAY - timedelta(days=15)
    )

    assert pairs(referral_problems(case, facts)) == {("INT-008", "contact")}
    assert pairs(referral_problems(case, restarted)) == {("INT-008", "contact")}
    assert pairs(close(case, facts, PREMATURE, time_limit_explained=True)) == {
        ("INT-014", "enough_information")
    }


@pytest.mark.parametrize("days", [14, 15, 60])
def test_from_two_weeks_after_receipt_the_complainant_must_have_been_reached__INT_008(
    days: int,
) -> None:
    case = make_case(received_date=TODAY - timedelta(days=days))
    failed_call = [attempt(ContactOutcome.no_answer)]

    assert pairs(referral_problems(case, make_facts(attempts=[]))) == {("INT-008", "contact")}
    assert pairs(referral_problems(case, make_facts(attempts=failed_call))) == {
        ("INT-008", "contact")
    }
    assert referral_problems(case, make_facts()).items == []


def test_after_a_restart_the_two_weeks_count_from_the_restart__INT_008() -> None:
    case = make_case(received_date=TODAY - timedelta(days=90))
    restarted_13_days_ago = make_facts(attempts=[], intake_clock_start=TODAY - timedelta(days=13))

    assert referral_problems(case, restarted_13_days_ago).items == []


def test_after_a_restart_only_contact_since_the_restart_counts__INT_008() -> None:
    case = make_case(received_date=TODAY - timedelta(days=90))
    reached_before = attempt()
    reached_before.attempted_at = AT - timedelta(days=60)
    start = TODAY - timedelta(days=20)

    stale = make_facts(attempts=[reached_before], intake_clock_start=start)
    fresh = make_facts(attempts=[reached_before, attempt()], intake_clock_start=start)

    assert pairs(referral_problems(case, stale)) == {("INT-008", "contact")}
    assert referral_problems(case, fresh).items == []


def test_reaching_the_complainant_on_the_restart_day_itself_counts__INT_008() -> None:
    case = make_case(received_date=TODAY - timedelta(days=90))
    start = TODAY - timedelta(days=20)
    on_the_day, the_day_before = attempt(), attempt()
    on_the_day.attempted_at = datetime(start.year, start.month, start.day, 9, 0, tzinfo=UTC)
    the_day_before.attempted_at = on_the_day.attempted_at - timedelta(days=1)

    reached_that_day = make_facts(attempts=[on_the_day], intake_clock_start=start)
    reached_before = make_facts(attempts=[the_day_before], intake_clock_start=start)

    assert referral_problems(case, reached_that_day).items == []
    assert pairs(referral_problems(case, reached_before)) == {("INT-008", "contact")}


def test_the_restart_day_is_a_london_date__INT_008() -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): on the restart day.
    restart = date(2026, 7, 1)
    case = make_case(received_date=date(2026, 3, 2))
    late_call = attempt()
    late_call.attempted_at = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    earlier_call = attempt()
    earlier_call.attempted_at = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)

    late = make_facts(attempts=[late_call], today=date(2026, 7, 20), intake_clock_start=restart)
    earlier = make_facts(
        attempts=[earlier_call], today=date(2026, 7, 20), intake_clock_start=restart
    )

    assert referral_problems(case, late).items == []
    assert pairs(referral_problems(case, earlier)) == {("INT-008", "contact")}


def test_acknowledgement_letter_is_always_needed__INT_008() -> None:
    case = make_case(received_date=TODAY)
    to_someone_else = [written("acknowledgement", REPRESENTATIVE)]
    by_email = [written("acknowledgement", COMPLAINANT, medium="email")]
    by_phone = [written("acknowledgement", COMPLAINANT, medium="telephone")]

    assert pairs(referral_problems(case, make_facts(communications=[]))) == {
        ("INT-008", "acknowledgement")
    }
    assert ids(referral_problems(case, make_facts(communications=to_someone_else))) == {"INT-008"}
    assert ids(referral_problems(case, make_facts(communications=by_phone))) == {"INT-008"}
    assert referral_problems(case, make_facts(communications=by_email)).items == []


def test_joint_working_case_must_be_shared_before_referral__INT_038() -> None:
    unshared = make_case(joint_working=True)
    shared = make_case(joint_working=True, joint_working_shared_at=AT)

    assert pairs(referral_problems(unshared, make_facts())) == {("INT-038", "joint_working")}
    assert referral_problems(shared, make_facts()).items == []


@pytest.mark.parametrize(
    ("jurisdiction", "requirement"),
    [(Jurisdiction.health, "INT-039"), (Jurisdiction.parliamentary, "INT-045")],
)
def test_lgsco_joint_working_goes_to_the_jw_team_before_referral__INT_039_INT_045(
    jurisdiction: Jurisdiction, requirement: str
) -> None:
    shared = {"joint_working": True, "joint_working_shared_at": AT, "jurisdiction": jurisdiction}
    undiscussed = make_case(**shared, other_ombudsman=OtherOmbudsman.lgsco)
    declined = make_case(**shared, other_ombudsman=OtherOmbudsman.lgsco,
                         joint_working_decided_at=AT, joint_working_accepted=False)  # fmt: skip
    not_lgsco = make_case(**shared, other_ombudsman=OtherOmbudsman.other)
    facts = make_facts()
    if jurisdiction is Jurisdiction.parliamentary:  # a properly made parliamentary case
        mp = uuid.uuid4()
        facts = make_facts(parties=[*facts.parties, party(mp, PartyRole.mp_referring)])
        for case in (undiscussed, declined, not_lgsco):
            case.complaint_to_mp_in_writing = case.aggrieved_consent = True
            case.mp_requests_investigation = True

    assert pairs(referral_problems(undiscussed, facts)) == {(requirement, "joint_working_team")}
    assert referral_problems(declined, facts).items == []
    assert referral_problems(not_lgsco, facts).items == []


def test_audio_only_nhs_response_blocks_referral__ASM_039() -> None:
    case = make_case(org_response_format=OrgResponseFormat.audio_only)

    assert pairs(referral_problems(case, make_facts())) == {("ASM-039", "org_response")}


@pytest.mark.parametrize(
    "stage", [ComplaintProcessStage.not_started, ComplaintProcessStage.ongoing, None]
)
def test_health_case_not_through_local_resolution_is_blocked__ASM_037(
    stage: ComplaintProcessStage | None,
) -> None:
    case = make_case(complaint_process_stage=stage)

    assert pairs(referral_problems(case, make_facts())) == {("ASM-037", "readiness")}


def test_parliamentary_case_not_through_local_resolution_is_premature__ASM_038() -> None:
    case = make_case(
        jurisdiction=Jurisdiction.parliamentary,
        channel=Channel.mp_referral,
        complaint_process_stage=ComplaintProcessStage.ongoing,
        **MP_REFERRAL,
    )

    assert pairs(referral_problems(case, make_facts())) == {("ASM-038", "readiness")}


def test_not_reasonable_to_expect_local_resolution_exempts_health_cases_only__ASM_038() -> None:
    case = make_case(
        jurisdiction=Jurisdiction.parliamentary,
        complaint_process_stage=ComplaintProcessStage.ongoing,
        not_reasonable_to_expect_local_resolution=True,
        readiness_rationale="The department has no complaints process left to run",
        **MP_REFERRAL,
    )

    assert pairs(referral_problems(case, make_facts())) == {("ASM-038", "readiness")}


def test_health_not_reasonable_to_expect_local_resolution_with_rationale__ASM_037() -> None:
    with_rationale = make_case(
        complaint_process_stage=ComplaintProcessStage.not_started,
        not_reasonable_to_expect_local_resolution=True,
        readiness_rationale="The practice has closed; there is nobody to respond",
    )
    without = make_case(
        complaint_process_stage=ComplaintProcessStage.not_started,
        not_reasonable_to_expect_local_resolution=True,
    )

    assert referral_problems(with_rationale, make_facts()).items == []
    assert pairs(referral_problems(without, make_facts())) == {("ASM-037", "readiness")}


@pytest.mark.parametrize("jurisdiction", list(Jurisdiction))
def test_premature_case_may_go_with_exception_reason_and_rationale__ASM_043(
    jurisdiction: Jurisdiction,
) -> None:
    base: dict[str, Any] = {
        "jurisdiction": jurisdiction,
        "complaint_process_stage": ComplaintProcessStage.ongoing,
        "exception_reason": ExceptionReason.terminal_illness,
        **(MP_REFERRAL if jurisdiction is Jurisdiction.parliamentary else {}),
    }
    with_rationale = make_case(**base, exception_rationale="Terminal illness; cannot wait")
    without = make_case(**base)

    assert referral_problems(with_rationale, make_facts()).items == []
    assert ids(referral_problems(without, make_facts())) == {
        "ASM-037" if jurisdiction is Jurisdiction.health else "ASM-038"
    }


def test_health_self_referral_routes_to_the_assistant_director__ASM_036() -> None:
    wrong = make_case(self_referred_by_organisation=True)
    right = make_case(self_referred_by_organisation=True, route=Route.ad_senior_caseworker_teams)

    assert pairs(referral_problems(wrong, make_facts())) == {("ASM-036", "routing")}
    assert referral_problems(right, make_facts()).items == []


def test_referral_blocked_when_every_organisation_is_out_of_jurisdiction__ASM_001() -> None:
    all_out = make_facts(organisations=[organisation(in_jurisdiction=False)] * 2)
    one_in = make_facts(
        organisations=[organisation(in_jurisdiction=False), organisation(in_jurisdiction=True)]
    )

    assert pairs(referral_problems(make_case(), all_out)) == {("ASM-001", "jurisdiction")}
    assert referral_problems(make_case(), one_in).items == []


def test_referral_needs_the_properly_made_decision__ASM_014() -> None:
    undecided = make_case(properly_made=None)
    refused = make_case(properly_made=False)

    assert pairs(referral_problems(undecided, make_facts())) == {("ASM-014", "properly_made")}
    assert pairs(referral_problems(refused, make_facts())) == {("ASM-014", "properly_made")}


def test_referral_rechecks_properly_made_against_the_facts__ASM_015() -> None:
    # A stale "properly made" decision does not outlive the facts that contradict it.
    case = make_case(properly_made=True, channel=Channel.telephone)

    assert pairs(referral_problems(case, make_facts())) == {("ASM-015", "in_writing")}


def test_referral_lists_every_unmet_requirement_at_once__INT_009_INT_020_INT_023() -> None:
    case = make_case(complaint_summary=None, route=None, triage_category=None, properly_made=None)

    assert pairs(referral_problems(case, make_facts(communications=[]))) == {
        ("INT-009", "complaint_summary"),
        ("INT-020", "routing"),
        ("INT-023", "triage_category"),
        ("ASM-014", "properly_made"),
        ("INT-008", "acknowledgement"),
    }


# ---------------------------------------------------------------------------------------------
# Closure at intake (T3, T6–T8, T10)
# ---------------------------------------------------------------------------------------------


def test_intake_closure_codes_are_the_d1_and_d3_codes_as_written__D1() -> None:
    assert {
        WITHDRAWN,
        FURTHER_INFORMATION_REQUIRED,
        OUT_OF_JURISDICTION,
        "not properly made",
        NOT_IN_WRITING,
        NO_MP_REFERRAL,
        PREMATURE_ONGOING,
        PREMATURE,
        *D3,
    } == INTAKE_CLOSURE_CODES


@pytest.mark.parametrize(
    "code",
    ["closed", "Withdrawn", "further information required.", "premature - resolution", "upheld"],
)
def test_unknown_closure_code_is_refused_and_nothing_else_is_checked__D1(code: str) -> None:
    facts = make_facts(attempts=[], communications=[])

    problems = close(make_case(joint_working=True), facts, code)

    assert pairs(problems) == {("D.1", "closure_code")}


def test_decline_codes_are_the_d1_declines_and_the_d3_categories__INT_005_ASM_002() -> None:
    assert set(DECLINES) == DECLINE_CODES
    assert set(DECLINES) | set(NOT_DECLINES) == INTAKE_CLOSURE_CODES


def test_returns_restart_or_become_a_new_linked_case_by_closure_code__INT_019_ASM_035_G10() -> None:
    assert set(RESTARTS) == RESTARTABLE_CODES
    assert set(NEW_LINKED_CASES) == NEW_CASE_CODES


@pytest.mark.parametrize("code", DECLINES)
def test_declining_needs_a_contact_attempt_first__INT_005(code: str) -> None:
    problems = close(make_case(), make_facts(attempts=[]), code)

    assert ("INT-005", "contact") in pairs(problems)


@pytest.mark.parametrize("code", NOT_DECLINES)
def test_non_decline_closures_do_not_need_a_contact_attempt__INT_005(code: str) -> None:
    problems = close(make_case(), make_facts(attempts=[]), code)

    assert "INT-005" not in ids(problems)


@pytest.mark.parametrize("code", DECLINES)
@pytest.mark.parametrize("failed", [1, 2, 3])
def test_after_failed_attempts_declining_needs_the_enough_information_decision__INT_005_INT_014(
    code: str, failed: int
) -> None:
    # INT-005 asks for an attempt; one or more that failed hand over to INT-014.
    attempts = [attempt(ContactOutcome.no_answer) for _ in range(failed)]

    problems = close(make_case(), make_facts(attempts=attempts), code)

    assert ("INT-014", "enough_information") in pairs(problems)
    assert "INT-005" not in ids(problems)


@pytest.mark.parametrize("failed", [2, 3])
def test_two_or_more_failed_attempts_and_enough_information_may_decline__INT_014(
    failed: int,
) -> None:
    attempts = [attempt(o) for o in (ContactOutcome.no_answer, ContactOutcome.voicemail)]
    attempts += [attempt(ContactOutcome.wrong_number)] * (failed - 2)
    facts = make_facts(
        attempts=attempts,
        communications=[written("acknowledgement", COMPLAINANT), written("decision", COMPLAINANT)],
    )

    problems = close(
        make_case(), facts, PREMATURE, enough_information_to_decide=True, time_limit_explained=True
    )

    assert problems.items == []


@pytest.mark.parametrize("code", DECLINES)
def test_every_decline_says_how_the_decision_was_given__INT_026(code: str) -> None:
    problems = close(make_case(), make_facts(), code, decision_channel=None)

    assert ("INT-026", "decision_channel") in pairs(problems)


@pytest.mark.parametrize("code", NOT_DECLINES)
def test_a_closure_that_does_not_decline_needs_no_decision_channel__INT_026(code: str) -> None:
    problems = close(make_case(), make_facts(), code, decision_channel=None)

    assert "INT-026" not in ids(problems)


@pytest.mark.parametrize("code", DECLINES)
def test_every_decline_checks_the_victims_code_first__ASM_004(code: str) -> None:
    facts = make_facts(organisations=[organisation(victims_code_only=True)])

    problems = close(make_case(), facts, code)

    assert ("ASM-004", "victims_code") in pairs(problems)


@pytest.mark.parametrize("code", SIGNPOSTED)
def test_out_of_remit_and_out_of_jurisdiction_declines_need_signposting__INT_028(
    code: str,
) -> None:
    assert ("INT-028", "signposting") in pairs(close(make_case(), make_facts(), code))


@pytest.mark.parametrize("code", NOT_SIGNPOSTED)
def test_the_other_declines_do_not_demand_signposting__INT_028(code: str) -> None:
    assert "INT-028" not in ids(close(make_case(), make_facts(), code))


def test_one_failed_call_needs_the_enough_information_decision__INT_014() -> None:
    facts = make_facts(attempts=[attempt(ContactOutcome.no_answer)])

    problems = close(make_case(), facts, PREMATURE, time_limit_explained=True)

    assert pairs(problems) == {("INT-014", "enough_information")}


def test_unanswered_email_to_a_complainant_who_prefers_email_counts__INT_005_INT_014() -> None:
    facts = make_facts(attempts=[attempt(ContactOutcome.written_no_reply, channel="email")])

    problems = close(make_case(), facts, PREMATURE, time_limit_explained=True)

    assert pairs(problems) == {("INT-014", "enough_information")}


def test_an_inbound_contact_is_not_our_attempt__INT_005() -> None:
    facts = make_facts(attempts=[attempt(ContactOutcome.no_answer, direction="inbound")])

    problems = close(make_case(), facts, PREMATURE, time_limit_explained=True)

    assert pairs(problems) == {("INT-005", "contact")}


def test_failed_call_to_someone_else_does_not_count__INT_005() -> None:
    facts = make_facts(attempts=[attempt(ContactOutcome.no_answer, person_id=REPRESENTATIVE)])

    problems = close(make_case(), facts, PREMATURE, time_limit_explained=True)

    assert pairs(problems) == {("INT-005", "contact")}


def test_after_a_failed_call_decision_in_writing_to_complainant_and_reps__INT_015() -> None:
    parties = [
        party(COMPLAINANT, PartyRole.complainant),
        party(REPRESENTATIVE, PartyRole.representative_person),
    ]
    failed = [attempt(ContactOutcome.voicemail)]
    kwargs: dict[str, Any] = {"enough_information_to_decide": True, "time_limit_explained": True}

    none_sent = close(
        make_case(),
        make_facts(parties=parties, attempts=failed, communications=[]),
        PREMATURE,
        **kwargs,
    )
    complainant_only = close(
        make_case(),
        make_facts(
            parties=parties, attempts=failed, communications=[written("decision", COMPLAINANT)]
        ),
        PREMATURE,
        **kwargs,
    )
    both = close(
        make_case(),
        make_facts(
            parties=parties,
            attempts=failed,
            communications=[
                written("decision", COMPLAINANT),
                written("decision", REPRESENTATIVE, medium="email"),
            ],
        ),
        PREMATURE,
        **kwargs,
    )

    assert ("INT-015", "decision_letters") in pairs(none_sent)
    assert (
        "2 party(ies)"
        in next(p for p in none_sent.items if p["requirement"] == "INT-015")["detail"]
    )
    assert ("INT-015", "decision_letters") in pairs(complainant_only)
    assert both.items == []


def test_a_decision_letter_to_someone_else_as_well_changes_nothing__INT_015() -> None:
    parties = [
        party(COMPLAINANT, PartyRole.complainant),
        party(REPRESENTATIVE, PartyRole.representative_person),
        party(MP, PartyRole.mp_assisting),
    ]
    facts = make_facts(
        parties=parties,
        attempts=[attempt(ContactOutcome.voicemail)],
        communications=[written("decision", COMPLAINANT, REPRESENTATIVE, MP)],
    )

    problems = close(
        make_case(), facts, PREMATURE, enough_information_to_decide=True, time_limit_explained=True
    )

    assert problems.items == []


def test_a_complainant_who_also_represents_is_owed_the_written_decision__INT_015() -> None:
    # A daughter complaining for her mother: the complainant and the representative.
    parties = [
        party(COMPLAINANT, PartyRole.complainant),
        party(COMPLAINANT, PartyRole.representative_person),
    ]
    facts = make_facts(
        parties=parties, attempts=[attempt(ContactOutcome.voicemail)], communications=[]
    )

    problems = close(
        make_case(), facts, PREMATURE, enough_information_to_decide=True, time_limit_explained=True
    )

    assert ("INT-015", "decision_letters") in pairs(problems)


def test_an_mp_who_also_represents_is_owed_the_written_decision__INT_026() -> None:
    parties = [
        party(COMPLAINANT, PartyRole.complainant),
        party(MP, PartyRole.mp_assisting),
        party(MP, PartyRole.representative_person),
    ]

    problems = close(make_case(), make_facts(parties=parties), PREMATURE, time_limit_explained=True)

    assert pairs(problems) == {("INT-026", "decision_letters")}


def test_vacant_mp_seats_are_the_mp_parties_nobody_holds_now__ASM_024() -> None:
    moved_on, successor = uuid.UUID(int=4), uuid.UUID(int=5)
    facts = dataclasses.replace(
        make_facts(), mp_holders={str(MP): None, str(moved_on): str(successor)}
    )

    assert facts.vacant_mp_seats == [MP]


def test_each_unsuccessful_attempt_to_the_complainant_counts_once__INT_005_INT_014() -> None:
    facts = make_facts(
        attempts=[
            attempt(ContactOutcome.no_answer),
            attempt(ContactOutcome.voicemail),
            attempt(ContactOutcome.reached),
            attempt(ContactOutcome.no_answer, direction="inbound"),
            attempt(ContactOutcome.no_answer, person_id=REPRESENTATIVE),
        ]
    )

    assert facts.unsuccessful_attempts_to_complainant == 2


def test_telephone_decision_still_needs_written_copies_to_mps_and_reps__INT_026() -> None:
    parties = [
        party(COMPLAINANT, PartyRole.complainant),
        party(REPRESENTATIVE, PartyRole.representative_organisation),
        party(MP, PartyRole.mp_assisting),
    ]
    mp_only = [written("decision", MP)]
    both = [written("decision", MP), written("decision", REPRESENTATIVE, medium="email")]

    nothing_sent = close(
        make_case(), make_facts(parties=parties), PREMATURE, time_limit_explained=True
    )
    one_sent = close(
        make_case(),
        make_facts(parties=parties, communications=mp_only),
        PREMATURE,
        time_limit_explained=True,
    )
    all_sent = close(
        make_case(),
        make_facts(parties=parties, communications=both),
        PREMATURE,
        time_limit_explained=True,
    )

    assert pairs(nothing_sent) == {("INT-026", "decision_letters")}
    assert nothing_sent.items[0]["detail"].startswith("2 MP(s)/representative(s)")
    assert pairs(one_sent) == {("INT-026", "decision_letters")}
    assert all_sent.items == []  # the complainant, told by phone, needs no letter


def test_decline_must_say_how_the_decision_was_given__INT_026() -> None:
    problems = close(
        make_case(), make_facts(), PREMATURE, decision_channel=None, time_limit_explained=True
    )

    assert pairs(problems) == {("INT-026", "decision_channel")}


@pytest.mark.parametrize(
    ("channel", "requested"),
    [(DecisionChannel.telephone, True), (DecisionChannel.writing, False)],
    ids=["asked_for_writing", "given_in_writing"],
)
def test_written_decision_goes_to_the_complainant__INT_027(
    channel: DecisionChannel, requested: bool
) -> None:
    kwargs: dict[str, Any] = {
        "decision_channel": channel,
        "written_decision_requested": requested,
        "time_limit_explained": True,
    }

    without = close(make_case(), make_facts(), PREMATURE, **kwargs)
    with_letter = close(
        make_case(),
        make_facts(communications=[written("decision", COMPLAINANT)]),
        PREMATURE,
        **kwargs,
    )

    assert pairs(without) == {("INT-027", "decision_letters")}
    assert with_letter.items == []


@pytest.mark.parametrize("code", [OUT_OF_JURISDICTION, "Out of remit - other"])
def test_out_of_remit_or_jurisdiction_needs_signposting__INT_028(code: str) -> None:
    facts = make_facts(organisations=[organisation(in_jurisdiction=False)])

    none_given = close(make_case(), facts, code)
    type_only = close(make_case(), facts, code, signposting=SignpostingType.advocacy)
    none_identified = close(
        make_case(),
        facts,
        code,
        signposting=SignpostingType.none_identified,
        signposting_detail="No other body deals with this",
    )
    named = close(
        make_case(),
        facts,
        code,
        signposting=SignpostingType.other_body,
        signposting_detail="The Information Commissioner's Office",
    )

    assert pairs(none_given) == {("INT-028", "signposting")}
    assert pairs(type_only) == {("INT-028", "signposting")}
    assert none_identified.items == []
    assert named.items == []


def test_premature_closure_does_not_demand_signposting__INT_028() -> None:
    problems = close(make_case(), make_facts(), PREMATURE, time_limit_explained=True)

    assert "INT-028" not in ids(problems)


def test_out_of_jurisdiction_only_when_every_organisation_is_out__ASM_001() -> None:
    signposted: dict[str, Any] = {
        "signposting": SignpostingType.other_body,
        "signposting_detail": "The Local Government and Social Care Ombudsman",
    }
    all_out = make_facts(organisations=[organisation(in_jurisdiction=False)] * 2)
    one_in = make_facts(
        organisations=[organisation(in_jurisdiction=False), organisation(in_jurisdiction=True)]
    )
    none = make_facts(organisations=[])

    assert close(make_case(), all_out, OUT_OF_JURISDICTION, **signposted).items == []
    assert pairs(close(make_case(), one_in, OUT_OF_JURISDICTION, **signposted)) == {
        ("ASM-001", "organisations")
    }
    assert pairs(close(make_case(), none, OUT_OF_JURISDICTION, **signposted)) == {
        ("ASM-001", "organisations")
    }


def test_remit_categories_are_the_thirteen_of_d3_with_their_jurisdictions__ASM_002() -> None:
    assert {k: set(v) for k, v in REMIT_CATEGORIES.items()} == D3


@pytest.mark.parametrize(
    ("code", "jurisdiction"),
    [(code, j) for code, js in sorted(D3.items()) for j in Jurisdiction],
    ids=str,
)
def test_remit_category_only_on_the_jurisdictions_it_applies_to__ASM_002(
    code: str, jurisdiction: Jurisdiction
) -> None:
    case = make_case(
        jurisdiction=jurisdiction,
        **(MP_REFERRAL if jurisdiction is Jurisdiction.parliamentary else {}),
    )

    problems = close(
        case,
        make_facts(),
        code,
        signposting=SignpostingType.organisation,
        signposting_detail="Back to the body's complaints team",
    )

    if jurisdiction in D3[code]:
        assert problems.items == []
    else:
        assert pairs(problems) == {("ASM-002", "remit_category")}


NONE_IDENTIFIED: dict[str, Any] = {
    "signposting": SignpostingType.none_identified,
    "signposting_detail": "No other body deals with this",
}


def test_pre_1996_clinical_matters_not_on_a_parliamentary_case__ASM_002() -> None:
    case = make_case(jurisdiction=Jurisdiction.parliamentary)

    problems = close(case, make_facts(), "Pre-1996 clinical matters", **NONE_IDENTIFIED)

    assert pairs(problems) == {("ASM-002", "remit_category")}


def test_actions_abroad_not_on_a_health_case__ASM_002() -> None:
    problems = close(
        make_case(), make_facts(), "Actions abroad other than consular functions", **NONE_IDENTIFIED
    )

    assert pairs(problems) == {("ASM-002", "remit_category")}


def test_remit_category_needs_a_jurisdiction__ASM_002() -> None:
    problems = close(
        make_case(jurisdiction=None), make_facts(), "Out of remit - other", **NONE_IDENTIFIED
    )

    assert pairs(problems) == {("ASM-002", "remit_category")}


def test_victims_code_only_body_needs_the_check_before_declining__ASM_004() -> None:
    facts = make_facts(organisations=[organisation(victims_code_only=True)])
    signposted: dict[str, Any] = {
        "signposting": SignpostingType.organisation,
        "signposting_detail": "Back to the body",
    }
    unchecked = make_case(jurisdiction=Jurisdiction.parliamentary)
    checked = make_case(jurisdiction=Jurisdiction.parliamentary, victims_code_checked=True)

    assert pairs(close(unchecked, facts, "Out of remit - other", **signposted)) == {
        ("ASM-004", "victims_code")
    }
    assert close(checked, facts, "Out of remit - other", **signposted).items == []


def test_victims_code_check_is_not_needed_for_a_withdrawal__ASM_004() -> None:
    facts = make_facts(
        organisations=[organisation(victims_code_only=True)],
        communications=[written("information_request", COMPLAINANT)],
    )

    assert close(make_case(), facts, WITHDRAWN).items == []


@pytest.mark.parametrize(
    ("channel", "written_later"),
    [(Channel.letter, False), (Channel.online_form, False), (Channel.telephone, True)],
    ids=["letter", "online_form", "telephone_then_in_writing"],
)
def test_not_in_writing_is_refused_for_a_complaint_made_in_writing__ASM_015(
    channel: Channel, written_later: bool
) -> None:
    case = make_case(channel=channel, written_complaint_received=written_later)

    assert pairs(close(case, make_facts(), NOT_IN_WRITING)) == {("ASM-015", "closure_code")}


def test_not_in_writing_is_a_health_code__ASM_018() -> None:
    health = make_case(channel=Channel.telephone)
    parliamentary = make_case(jurisdiction=Jurisdiction.parliamentary, channel=Channel.telephone)

    assert close(health, make_facts(), NOT_IN_WRITING).items == []
    assert pairs(close(parliamentary, make_facts(), NOT_IN_WRITING)) == {
        ("ASM-018", "closure_code")
    }


def test_no_mp_referral_is_a_parliamentary_code__ASM_029() -> None:
    parliamentary = make_case(jurisdiction=Jurisdiction.parliamentary)
    health = make_case()

    assert close(parliamentary, make_facts(), NO_MP_REFERRAL).items == []
    assert pairs(close(health, make_facts(), NO_MP_REFERRAL)) == {("ASM-029", "closure_code")}


def test_no_mp_referral_is_refused_once_the_referral_is_complete__ASM_020() -> None:
    complete = make_case(jurisdiction=Jurisdiction.parliamentary, **MP_REFERRAL)
    # Complete even while something else keeps the case from being properly made (ASM-010).
    form_pending = make_case(
        jurisdiction=Jurisdiction.parliamentary,
        complaint_form_awaiting_confirmation=True,
        **MP_REFERRAL,
    )

    assert pairs(close(complete, make_facts(), NO_MP_REFERRAL)) == {("ASM-020", "closure_code")}
    assert pairs(close(form_pending, make_facts(), NO_MP_REFERRAL)) == {("ASM-020", "closure_code")}


def test_no_mp_referral_is_not_for_the_victims_and_prisoners_act_route__ASM_005() -> None:
    vpa = make_case(jurisdiction=Jurisdiction.parliamentary, **VPA_ROUTE)

    assert pairs(close(vpa, make_facts(), NO_MP_REFERRAL)) == {("ASM-005", "closure_code")}


@pytest.mark.parametrize("decided", [False, None], ids=["not_properly_made", "undecided"])
def test_generic_not_properly_made_unless_decided_properly_made__ASM_014(
    decided: bool | None,
) -> None:
    assert close(make_case(properly_made=decided), make_facts(), NOT_PROPERLY_MADE).items == []
    assert pairs(close(make_case(properly_made=True), make_facts(), NOT_PROPERLY_MADE)) == {
        ("ASM-014", "closure_code")
    }


@pytest.mark.parametrize("code", [PREMATURE_ONGOING, PREMATURE])
def test_premature_closure_needs_the_time_limit_explanation__ASM_042(code: str) -> None:
    case = make_case(complaint_process_stage=ComplaintProcessStage.ongoing)

    assert pairs(close(case, make_facts(), code)) == {("ASM-042", "time_limit")}
    assert close(case, make_facts(), code, time_limit_explained=True).items == []


def test_local_resolution_ongoing_is_refused_once_the_process_is_complete__ASM_041() -> None:
    complete = make_case(complaint_process_stage=ComplaintProcessStage.complete)
    audio_only = make_case(
        complaint_process_stage=ComplaintProcessStage.complete,
        org_response_format=OrgResponseFormat.audio_only,
    )

    assert pairs(close(complete, make_facts(), PREMATURE_ONGOING, time_limit_explained=True)) == {
        ("ASM-041", "closure_code")
    }
    assert close(complete, make_facts(), PREMATURE, time_limit_explained=True).items == []
    assert close(audio_only, make_facts(), PREMATURE_ONGOING, time_limit_explained=True).items == []


@pytest.mark.parametrize("passed", [False, None])
def test_withdrawn_from_awaiting_information_only_after_the_deadline__INT_016(
    passed: bool | None,
) -> None:
    case = make_case(status=CaseStatus.awaiting_information)

    assert pairs(close(case, make_facts(), WITHDRAWN, information_deadline_passed=passed)) == {
        ("INT-016", "deadline")
    }


def test_withdrawn_from_awaiting_information_allowed_once_the_deadline_passed__INT_016() -> None:
    case = make_case(status=CaseStatus.awaiting_information)
    # The emailed request was checked when the case started waiting (T4); no letter is needed.
    facts = make_facts(communications=[])

    assert close(case, facts, WITHDRAWN, information_deadline_passed=True).items == []


def test_withdrawn_from_intake_needs_a_written_information_request__INT_017() -> None:
    case = make_case(status=CaseStatus.intake)
    not_written = [
        written("information_request", COMPLAINANT, medium="telephone"),
        written("information_request", COMPLAINANT, direction="inbound"),
        written("further_information_request", COMPLAINANT),
        written("information_request", REPRESENTATIVE),
    ]

    assert pairs(close(case, make_facts(communications=not_written), WITHDRAWN)) == {
        ("INT-017", "information_request")
    }
    for medium in ("letter", "email"):
        facts = make_facts(
            communications=[written("information_request", COMPLAINANT, medium=medium)]
        )
        assert close(case, facts, WITHDRAWN).items == []


def test_further_information_required_needs_a_written_request__INT_018() -> None:
    case = make_case()
    wrong_purpose = make_facts(communications=[written("information_request", COMPLAINANT)])
    right = make_facts(communications=[written("further_information_request", COMPLAINANT)])

    assert pairs(close(case, make_facts(), FURTHER_INFORMATION_REQUIRED)) == {
        ("INT-018", "information_request")
    }
    assert pairs(close(case, wrong_purpose, FURTHER_INFORMATION_REQUIRED)) == {
        ("INT-018", "information_request")
    }
    assert close(case, right, FURTHER_INFORMATION_REQUIRED).items == []


def test_unshared_joint_working_case_cannot_close__INT_038() -> None:
    case = make_case(joint_working=True)
    facts = make_facts(communications=[written("further_information_request", COMPLAINANT)])

    assert pairs(close(case, facts, FURTHER_INFORMATION_REQUIRED)) == {("INT-038", "joint_working")}


# ---------------------------------------------------------------------------------------------
# The lifecycle table and transition() (B.3, intake part)
# ---------------------------------------------------------------------------------------------

S = CaseStatus
EXPECTED_TABLE: dict[CaseStatus, set[CaseStatus]] = {
    S.received: {S.intake},  # T2
    S.intake: {
        S.awaiting_information,  # T4
        S.joint_working_review,  # T11
        S.referred,  # T13/T14 (and T15/T16)
        S.closed,  # T3, T7, T8, T10
    },
    S.awaiting_information: {S.intake, S.closed},  # T5, T6
    S.joint_working_review: {S.intake, S.closed},  # T12
    S.referred: set(),  # assessment owns the case from here
    S.closed: {S.restart_review},  # T9, T51
    S.restart_review: {S.intake, S.closed},  # T53, T52
}
ALL_MOVES = [(a, b) for a in CaseStatus for b in CaseStatus]


def test_the_table_is_the_intake_lifecycle__T2_T4_T5_T6_T11_T12_T13_T14_T51_T52_T53() -> None:
    assert {k: set(v) for k, v in ALLOWED.items()} == EXPECTED_TABLE


def test_received_goes_only_to_intake__T2() -> None:
    case = make_case(status=S.received)

    assert transition(case, S.intake, at=AT) is None
    assert case.status is S.intake
    assert case.status_changed_at == AT


def test_intake_waits_for_information_and_comes_back__T4_T5() -> None:
    case = make_case(status=S.intake)

    assert transition(case, S.awaiting_information, at=AT) is None
    assert transition(case, S.intake, at=AT) is None
    assert case.status is S.intake


def test_awaiting_information_closes_as_withdrawn__T6() -> None:
    case = make_case(status=S.awaiting_information, closure_code=WITHDRAWN)

    event = transition(case, S.closed, at=AT)

    assert event == CaseClosedV1(reference="CAS-0000042", closure_code=WITHDRAWN)
    assert case.closed_at == AT


def test_joint_working_review_returns_to_intake__T11_T12() -> None:
    case = make_case(status=S.intake)

    assert transition(case, S.joint_working_review, at=AT) is None
    assert transition(case, S.intake, at=AT) is None


@pytest.mark.parametrize("start", [S.received, S.awaiting_information, S.closed, S.referred])
def test_only_an_intake_case_is_referred__T13_T14(start: CaseStatus) -> None:
    case = make_case(status=start)

    with pytest.raises(CaseTransitionNotAllowed):
        transition(case, S.referred, at=AT)


def test_closed_case_restarts_through_review__T51_T53() -> None:
    case = make_case(status=S.closed, closure_code=FURTHER_INFORMATION_REQUIRED)

    assert transition(case, S.restart_review, at=AT) is None
    event = transition(case, S.intake, at=AT, previous_closure_code=FURTHER_INFORMATION_REQUIRED)

    assert event == CaseRestartedV1(
        reference="CAS-0000042", previous_closure_code=FURTHER_INFORMATION_REQUIRED
    )
    assert case.status is S.intake


def test_restart_review_may_return_to_closed__T52() -> None:
    case = make_case(status=S.restart_review, closure_code=PREMATURE)

    transition(case, S.closed, at=AT)

    assert case.status is S.closed


def test_closed_case_cannot_go_straight_back_to_intake__T51() -> None:
    with pytest.raises(CaseTransitionNotAllowed):
        transition(make_case(status=S.closed, closure_code=PREMATURE), S.intake, at=AT)


@pytest.mark.parametrize(
    ("start", "to"), [m for m in ALL_MOVES if m[1] not in EXPECTED_TABLE[m[0]]], ids=str
)
def test_refused_move_is_a_409_and_changes_nothing(start: CaseStatus, to: CaseStatus) -> None:
    case = make_case(status=start, closure_code=PREMATURE)

    with pytest.raises(CaseTransitionNotAllowed) as exc:
        transition(case, to, at=AT)

    assert exc.value.status == 409
    assert exc.value.type == "case-transition-not-allowed"
    assert exc.value.extensions == {"current_status": start.value, "requested_status": to.value}
    assert case.status is start
    assert case.status_changed_at is None
    assert case.closed_at is None
    assert case.referred_at is None


def test_referral_returns_the_referred_event_with_the_case_facts() -> None:
    case = make_case(priority=Priority.high, triage_category=TriageCategory.senior_caseworker)

    event = transition(case, S.referred, at=AT)

    assert isinstance(event, CaseReferredV1)
    assert event.model_dump(mode="json") == {
        "reference": "CAS-0000042",
        "case_type": "complaint",
        "jurisdiction": "health",
        "route": "awaiting_allocation",
        "triage_category": "senior caseworker",
        "priority": "high",
        "organisation_ids": [str(ORG)],
        "received_date": "2026-10-30",
        "risk_assessment_required": False,
        "mp_referred": False,
    }
    assert case.referred_at == AT
    assert case.status_changed_at == AT


def test_closure_returns_the_closed_event_with_the_code_as_written() -> None:
    case = make_case(closure_code=PREMATURE_ONGOING)

    event = transition(case, S.closed, at=AT)

    assert event == CaseClosedV1(reference="CAS-0000042", closure_code=PREMATURE_ONGOING)
    assert case.closed_at == AT
    assert case.referred_at is None


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (S.received, S.intake),
        (S.intake, S.awaiting_information),
        (S.awaiting_information, S.intake),
        (S.intake, S.joint_working_review),
        (S.joint_working_review, S.intake),
        (S.closed, S.restart_review),
    ],
    ids=str,
)
def test_moves_within_intake_emit_no_event(start: CaseStatus, to: CaseStatus) -> None:
    case = make_case(status=start)

    assert transition(case, to, at=AT) is None
    assert case.status is to
