"""The proposal to investigate's pure rules (guidance ¶3.73–3.95; ASM-158…167, C-15, C-17),
with the guidance's values written as literals here, never imported from the module under test.
Working-day counts are checked against a day-by-day count over the England and Wales bank
holidays."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest

from assessment_api.proposals.rules import (
    Basis,
    Issue,
    NamedPersonFacts,
    NamedPersonKind,
    OrganisationFacts,
    Part,
    RecipientWindow,
    addressing,
    basis,
    comment_window,
    issue_gaps,
    issues_section,
    named_person_gaps,
    named_person_reachable,
    organisation_gaps,
    organisation_paragraphs,
    party_paragraphs,
)
from assessment_api.proposals.service import PROPOSAL_COMMENTS
from shared.calendar import WorkingCalendar

A, B, C, D = (uuid.uuid4() for _ in range(4))


def _text(value: str) -> str:
    """A string as JSON and PostgreSQL hand it over: a new object, not an interned literal."""
    out: str = json.loads(json.dumps(value))
    return out


def org(
    oid: uuid.UUID = A,
    *,
    part: Part = Part.organisation,
    investigated: bool = True,
    kind: str = "nhs_trust",
    jurisdiction: str | None = "health",
    **values: object,
) -> OrganisationFacts:
    return OrganisationFacts(
        organisation_id=oid, part=part, investigated=investigated, kind=_text(kind),
        jurisdiction=jurisdiction, **values,  # type: ignore[arg-type]
    )  # fmt: skip


# --- C-15 / ASM-161: ten working days -------------------------------------------------------

# England and Wales bank holidays in the windows below, as gov.uk lists them.
BANK_HOLIDAYS = {
    date(2025, 4, 18),  # Good Friday
    date(2025, 4, 21),  # Easter Monday
    date(2025, 12, 25),
    date(2025, 12, 26),
    date(2026, 1, 1),
}


def _day_by_day(start: date, n: int) -> date:
    """The n-th working day after ``start``, counted one day at a time."""
    d, counted = start, 0
    while counted < n:
        d += timedelta(days=1)
        if d.weekday() < 5 and d not in BANK_HOLIDAYS:
            counted += 1
    return d


def test_letters_sent_thursday_3_april_2025_are_due_thursday_17_april__ASM_161_C_15() -> None:
    # Requirements' Test: Good Friday (18 April) is not inside the window.
    due = PROPOSAL_COMMENTS.due_date(date(2025, 4, 3), WorkingCalendar())
    assert due == date(2025, 4, 17)
    assert due == _day_by_day(date(2025, 4, 3), 10)
    assert PROPOSAL_COMMENTS.text.startswith("C-15")


@pytest.mark.parametrize(
    ("sent", "due"),
    [
        (date(2025, 12, 18), date(2026, 1, 6)),  # 25, 26 Dec and 1 Jan skipped
        (date(2025, 12, 22), date(2026, 1, 8)),
        (date(2025, 12, 24), date(2026, 1, 12)),
        (date(2025, 4, 11), date(2025, 4, 29)),  # across Good Friday and Easter Monday
    ],
)
def test_ten_working_days_across_bank_holidays__ASM_161_C_15(sent: date, due: date) -> None:
    assert PROPOSAL_COMMENTS.due_date(sent, WorkingCalendar()) == due
    assert due == _day_by_day(sent, 10)


# --- ASM-158: the comment window -------------------------------------------------------------


def test_the_window_waits_for_the_latest_date_or_every_reply__ASM_158() -> None:
    org_due, extended = date(2025, 4, 17), date(2025, 4, 24)
    rows = [RecipientWindow(org_due, False), RecipientWindow(extended, False)]
    # The day of the latest deadline: still open; "a day after" closes it.
    on_day = comment_window(rows, date(2025, 4, 24))
    assert (on_day.latest_due, on_day.closed, on_day.all_replied) == (extended, False, False)
    assert comment_window(rows, date(2025, 4, 25)).closed
    # Past the first recipient's date but not the extended one: open.
    assert not comment_window(rows, date(2025, 4, 18)).closed
    # Every recipient replied before any date passed: closed.
    replied = comment_window(
        [RecipientWindow(org_due, True), RecipientWindow(extended, True)], date(2025, 4, 4)
    )
    assert (replied.closed, replied.all_replied) == (True, True)
    # One reply is not all.
    one = comment_window(
        [RecipientWindow(org_due, True), RecipientWindow(extended, False)], date(2025, 4, 4)
    )
    assert (one.closed, one.all_replied) == (False, False)
    # No letters issued: no window to close.
    none = comment_window([], date(2025, 4, 4))
    assert (none.latest_due, none.closed) == (None, False)


# --- ASM-165 / ASM-166: who must be given the chance to comment ------------------------------


def test_only_the_investigated_and_their_contractors_are_legal_others_policy__ASM_165() -> None:
    orgs = [
        org(A, investigated=True),
        org(B, part=Part.second_tier, investigated=False, kind="second_tier_complaint_handler"),
        org(C, part=Part.contractor, investigated=True, kind="independent_provider", acts_for=A),
    ]
    assert basis(orgs) == {A: Basis.legal, B: Basis.policy, C: Basis.legal}


def test_a_second_tier_handling_on_behalf_makes_the_original_legal__ASM_165() -> None:
    # Requirements' Test: investigating only a second tier that acts on behalf of X includes X.
    kind = "second_tier_complaint_handler"
    x = org(A, investigated=False, kind="government_department", jurisdiction="parliamentary")
    on_behalf = org(B, part=Part.second_tier, kind=kind, on_behalf_of=A)
    assert basis([x, on_behalf]) == {A: Basis.legal, B: Basis.legal}
    not_on_behalf = org(B, part=Part.second_tier, kind=kind)
    assert basis([x, not_on_behalf]) == {A: Basis.policy, B: Basis.legal}
    # A second tier not investigated does not carry its organisation with it.
    idle = org(B, part=Part.second_tier, investigated=False, kind=kind, on_behalf_of=A)
    assert basis([x, idle]) == {A: Basis.policy, B: Basis.policy}


def test_a_contractor_of_a_policy_recipient_is_policy__ASM_165() -> None:
    orgs = [
        org(A, investigated=False),
        org(C, part=Part.contractor, investigated=False, kind="independent_provider", acts_for=A),
    ]
    assert basis(orgs) == {A: Basis.policy, C: Basis.policy}


def test_a_health_provider_investigated_must_comment__ASM_166() -> None:
    for kind in ("nhs_trust", "family_health_service_provider", "independent_provider"):
        assert basis([org(A, kind=kind)]) == {A: Basis.legal}
    # A commissioner (ICB) only involved in handling is written to as policy.
    icb = org(B, part=Part.second_tier, investigated=False, kind="icb")
    assert basis([org(A), icb]) == {A: Basis.legal, B: Basis.policy}


# --- ASM-164 / ASM-166: addressing -----------------------------------------------------------


def test_parliamentary_letters_go_to_the_principal_officer_copied_to_liaison__ASM_164() -> None:
    dept = org(
        kind="government_department", jurisdiction="parliamentary",
        principal_officer_title="Permanent Secretary", focal_point_team="Ombudsman Liaison Team",
    )  # fmt: skip
    got = addressing(dept)
    assert got.addressee == "Principal Officer (Permanent Secretary)"
    assert got.copies == ("Ombudsman Liaison Team (liaison / focal point)",)
    assert got.rule.startswith("ASM-164")
    agency = addressing(org(kind="executive_agency", jurisdiction="parliamentary"))
    assert agency.addressee == "Principal Officer (Chief Executive)"
    assert agency.copies == ()
    dept_bare = addressing(org(kind="government_department", jurisdiction="parliamentary"))
    assert dept_bare.addressee == "Principal Officer (Permanent Secretary)"
    other = addressing(org(kind="victims_code_only", jurisdiction="parliamentary"))
    assert other.addressee == "Principal Officer (Principal Officer)"


def test_health_letters_chief_executive_fhs_direct_independent_provider_org__ASM_166() -> None:
    trust = addressing(org(kind="nhs_trust"))
    assert (trust.addressee, trust.rule) == ("Chief Executive", "ASM-166 ¶3.88")
    assert trust.copies == ("the complaints team or complaints manager (complaints)",)
    named_team = addressing(org(kind="icb", focal_point_team="Patient Experience Team"))
    assert named_team.copies == ("Patient Experience Team (complaints)",)
    fhs = addressing(org(kind="family_health_service_provider"))
    assert fhs.addressee == "the provider direct (e.g. the GP practice)"
    assert fhs.copies == ()
    independent = addressing(org(kind="independent_provider"))
    assert "provider organisation, not only the location" in independent.addressee
    assert independent.rule == "ASM-166 ¶3.89"
    # A second tier in health is written to as a health service body.
    second = addressing(org(kind="second_tier_complaint_handler", jurisdiction="health"))
    assert second.addressee == "Chief Executive"


def test_a_parliamentary_body_without_a_principal_officer_is_a_gap__ASM_164() -> None:
    bare = org(kind="government_department", jurisdiction="parliamentary")
    assert [g.requirement for g in organisation_gaps(bare, copy_requested=False)] == ["ASM-164"]
    named = org(
        kind="government_department", jurisdiction="parliamentary",
        principal_officer_title="Permanent Secretary",
    )  # fmt: skip
    assert organisation_gaps(named, copy_requested=False) == []
    assert organisation_gaps(org(kind="nhs_trust"), copy_requested=False) == []


def test_an_fhs_provider_needs_its_contract_type_or_a_copy_asked_for__ASM_162() -> None:
    fhs = org(kind="family_health_service_provider")
    assert [g.requirement for g in organisation_gaps(fhs, copy_requested=False)] == ["ASM-162"]
    assert organisation_gaps(fhs, copy_requested=True) == []
    for contract in ("PMS/PDS", "GMS/GDS"):
        known = org(kind="family_health_service_provider", contract_type=contract)
        assert organisation_gaps(known, copy_requested=False) == []
    # Only a family health service provider has one.
    assert organisation_gaps(org(kind="nhs_trust"), copy_requested=False) == []


# --- ASM-159 / ASM-163 / ASM-160: what the letters say -------------------------------------


def test_the_organisation_letter_carries_scope_and_asks_about_the_allegations__ASM_159() -> None:
    out = organisation_paragraphs(org(), scope="S1", injustice="I1", outcome="O1")
    assert "Scope: S1" in out
    assert "Claimed injustice: I1" in out
    assert "Outcome sought: O1" in out
    assert any("comments on the allegations" in p for p in out)
    assert not any("ASM-163" in p for p in out)


def test_an_organisation_that_opted_out_is_reminded_and_offered_to_opt_in__ASM_163() -> None:
    out = organisation_paragraphs(
        org(pv_opt_out_reference="DOC-EXAMPLE-1"), scope="S", injustice="I", outcome="O"
    )
    [reminder] = [p for p in out if p.startswith("ASM-163")]
    assert "do not propose to uphold" in reminder
    assert "want to see them in this case" in reminder
    assert reminder.endswith("(agreement DOC-EXAMPLE-1)")


def test_parties_are_told_the_investigation_has_not_started__ASM_159() -> None:
    for role in ("complainant", "aggrieved", "representative", "mp"):
        out = party_paragraphs(_text(role), [])
        assert any("has not yet started" in p for p in out)


def test_the_complainant_letter_lists_issues_in_and_out_with_reasons__ASM_160() -> None:
    issues = [
        Issue("The discharge", True, "indications of service failure"),
        Issue("The car park charges", False, "not a matter we can look at"),
    ]
    out = party_paragraphs(_text("complainant"), issues)
    assert out[-3].startswith("ASM-160")
    assert out[-2] == (
        "The discharge: we propose to investigate, because indications of service failure"
    )
    assert out[-1] == (
        "The car park charges: we do not propose to investigate, because not a matter we can "
        "look at"
    )
    # Only the complainant's letter; and no section when every issue is proposed.
    assert not any("ASM-160" in p for p in party_paragraphs(_text("mp"), issues))
    assert issues_section([Issue("The discharge", True, "x")]) == []


def test_each_issue_left_out_needs_a_reason_and_one_must_be_in__ASM_160() -> None:
    assert issue_gaps([Issue("a", True, "r"), Issue("b", False, "why")]) == []
    assert [g.detail for g in issue_gaps([Issue("a", True, "r"), Issue("b", False, "  ")])] == [
        "issue 2 has no reason"
    ]
    assert [g.requirement for g in issue_gaps([Issue("b", False, "why")])] == ["ASM-160"]
    # All proposed: nothing to explain.
    assert issue_gaps([Issue("a", True, "")]) == []
    assert issue_gaps([]) == []


# --- ASM-167 / C-17: named persons -----------------------------------------------------------


def person(**values: object) -> NamedPersonFacts:
    base: dict[str, object] = {
        "id": D, "kind": NamedPersonKind.individual, "clinician": False, "still_employed": True,
        "position": None, "professional_registration": None, "details_not_established": None,
        "traced": False, "proceed_without": False,
    }  # fmt: skip
    return NamedPersonFacts(**(base | values))  # type: ignore[arg-type]


def test_a_named_person_still_employed_or_traced_gets_a_letter__ASM_167() -> None:
    assert named_person_reachable(person())
    assert named_person_reachable(person(still_employed=False, traced=True))
    assert not named_person_reachable(person(still_employed=False))
    assert not named_person_reachable(person(still_employed=None))
    # A company or partnership is its own address.
    assert named_person_reachable(person(kind=NamedPersonKind.company, still_employed=None))
    assert named_person_reachable(person(kind=NamedPersonKind.partnership, still_employed=False))


def test_an_untraced_named_person_needs_a_decision_to_proceed_without__ASM_167_C_17() -> None:
    untraced = person(still_employed=False)
    assert [g.requirement for g in named_person_gaps(untraced)] == ["ASM-167"]
    assert "C-17" in named_person_gaps(untraced)[0].detail
    assert named_person_gaps(person(still_employed=False, proceed_without=True)) == []
    assert named_person_gaps(person()) == []


def test_a_clinicians_position_and_registration_are_recorded_or_explained__ASM_167() -> None:
    assert [g.requirement for g in named_person_gaps(person(clinician=True))] == ["ASM-167"]
    assert len(named_person_gaps(person(clinician=True, position="Staff nurse"))) == 1
    known = person(clinician=True, position="Staff nurse", professional_registration="NMC-X1")
    assert named_person_gaps(known) == []
    explained = person(clinician=True, details_not_established="The trust holds no record")
    assert named_person_gaps(explained) == []
    # Administrative staff: no registration asked for.
    assert named_person_gaps(person(clinician=False)) == []
