"""The intake gates and closure rules, as pure functions over a case and its facts.

Each rule names its requirement. Legal requirements can never be overridden; the one Policy
rule that the guidance itself says may be departed from with a recorded reason (the ¶1.23
checklist, INT-021) takes an override reason.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from intake_api.cases.models import (
    MP_ROLES,
    REPRESENTATIVE_ROLES,
    WRITTEN_CHANNELS,
    Case,
    CaseOrganisation,
    CaseParty,
    Communication,
    ComplaintProcessStage,
    ContactAttempt,
    DecisionChannel,
    Jurisdiction,
    OrgResponseFormat,
    OtherOmbudsman,
    PartyRole,
    PrisonCaseType,
    Route,
    SignpostingType,
)
from shared.casework.communications import ContactOutcome
from shared.clock import BUSINESS_TIMEZONE

# --- Closure codes (requirements.md D.1 and D.3), stored exactly as the guidance writes them.

WITHDRAWN = "withdrawn"
FURTHER_INFORMATION_REQUIRED = "further information required"
ORGANISATION_OUT_OF_JURISDICTION = "organisation out of jurisdiction"
NOT_PROPERLY_MADE = "not properly made"
NOT_IN_WRITING = "Not properly made - not in writing"
NO_MP_REFERRAL = "No MP referral"
PREMATURE_LOCAL_RESOLUTION_ONGOING = "Premature: local resolution ongoing"
PREMATURE = "premature"

# D.3: out-of-remit category → the jurisdictions it can be used for (ASM-002).
BOTH = frozenset({Jurisdiction.health, Jurisdiction.parliamentary})
PARLIAMENTARY = frozenset({Jurisdiction.parliamentary})
HEALTH = frozenset({Jurisdiction.health})
REMIT_CATEGORIES: dict[str, frozenset[Jurisdiction]] = {
    "Actions abroad other than consular functions": PARLIAMENTARY,
    "Administrative action taken on judicial authority": PARLIAMENTARY,
    "Alternative legal remedy achieved": BOTH,
    "Commencement/conduct of civil/criminal proceedings": PARLIAMENTARY,
    "Commercial/contractual matters": BOTH,
    "Criminal investigation or national security": PARLIAMENTARY,
    "Exercise of judicial/legislative functions": PARLIAMENTARY,
    "Ineligible complainant": BOTH,
    "Out of remit - other": BOTH,
    "Pre-1996 clinical matters": HEALTH,
    "Private healthcare (not NHS funded)": HEALTH,
    "Public service personnel matters": BOTH,
    "Three-year rule": HEALTH,
}

PREMATURE_CODES = frozenset({PREMATURE_LOCAL_RESOLUTION_ONGOING, PREMATURE})
NOT_PROPERLY_MADE_CODES = frozenset({NOT_PROPERLY_MADE, NOT_IN_WRITING, NO_MP_REFERRAL})
# Codes that decline the case (INT-005 contact first; INT-028 signposting; ASM-004).
DECLINE_CODES = frozenset(
    {
        ORGANISATION_OUT_OF_JURISDICTION,
        *NOT_PROPERLY_MADE_CODES,
        *PREMATURE_CODES,
        *REMIT_CATEGORIES,
    }
)
INTAKE_CLOSURE_CODES = frozenset({WITHDRAWN, FURTHER_INFORMATION_REQUIRED, *DECLINE_CODES})
# Closures a returning complainant may restart from, keeping the reference (INT-019, ASM-034/035,
# T53).
RESTARTABLE_CODES = frozenset(
    {FURTHER_INFORMATION_REQUIRED, *NOT_PROPERLY_MADE_CODES, *PREMATURE_CODES}
)
# Closures after which a return is a new case linked to the closed one (T54 ¶2.225; T55 ¶2.15,
# ¶2.58). After 'not in writing' and 'No MP referral' either may happen (G-10).
NEW_CASE_CODES = frozenset({WITHDRAWN, NOT_IN_WRITING, NO_MP_REFERRAL})

VPA_COMMENCEMENT = date(2025, 1, 27)  # C-13, ASM-005
TWO_WEEKS = timedelta(weeks=2)  # C-01, INT-008

CHECKLIST_ITEMS = (
    "complaint_form_or_answers",
    "organisation_responses",
    "meeting_recordings",
    "transcripts",
    "representation_consent",
    "phone_numbers",
)


@dataclass
class Problems:
    """Unmet requirements, each ``{"requirement": ID, "item": name, "detail": text}``."""

    items: list[dict[str, str]] = field(default_factory=list)

    def add(self, requirement: str, item: str, detail: str) -> None:
        self.items.append({"requirement": requirement, "item": item, "detail": detail})

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass(frozen=True)
class Facts:
    """What the rules need besides the case row."""

    parties: list[CaseParty]
    organisations: list[CaseOrganisation]
    attempts: list[ContactAttempt]
    communications: list[Communication]
    today: date
    complainant_has_email: bool = False
    # INT-008 counts from receipt, or from the restart that brought the case back to intake.
    intake_clock_start: date | None = None
    # ASM-023/024: each MP party's person id → who holds that seat now (None: vacant).
    mp_holders: dict[str, str | None] = field(default_factory=dict)
    # INT-042: the complainants with an active consent to joint working with the LGSCO.
    joint_working_consented: set[str] = field(default_factory=set)

    def people_with(self, roles: frozenset[PartyRole]) -> set[str]:
        return {str(p.person_id) for p in self.parties if p.role in roles}

    @property
    def vacant_mp_seats(self) -> list[uuid.UUID]:
        """ASM-024: the MP parties whose seat nobody holds now."""
        return [uuid.UUID(mp) for mp, holder in self.mp_holders.items() if holder is None]

    @property
    def mps_owed_the_decision(self) -> set[str]:
        """The MP holding each MP party's seat now (ASM-023); none while vacant (ASM-024)."""
        owed: set[str] = set()
        for person_id in self.people_with(MP_ROLES):
            holder = self.mp_holders.get(person_id, person_id)
            if holder is not None:
                owed.add(holder)
        return owed

    @property
    def complainant_ids(self) -> set[str]:
        return self.people_with(frozenset({PartyRole.complainant}))

    def written_to(self, purpose: str) -> set[str]:
        """People sent a written (letter or email) outbound communication for ``purpose``."""
        out: set[str] = set()
        for c in self.communications:
            if (
                c.direction == "outbound"
                and c.purpose == purpose
                and c.medium in ("letter", "email")
            ):
                out.update(str(r["person_id"]) for r in c.recipients if r.get("person_id"))
        return out

    @property
    def complainant_reached(self) -> bool:
        ids = self.complainant_ids
        return any(
            str(a.person_id) in ids and a.outcome is ContactOutcome.reached for a in self.attempts
        )

    def complainant_reached_since(self, start: date) -> bool:
        """Reached on or after ``start`` (a London business date)."""
        ids = self.complainant_ids
        return any(
            str(a.person_id) in ids
            and a.outcome is ContactOutcome.reached
            and a.attempted_at.astimezone(BUSINESS_TIMEZONE).date() >= start
            for a in self.attempts
        )

    @property
    def unsuccessful_attempts_to_complainant(self) -> int:
        """INT-005/014: our attempts to reach the complainant that did not reach them.

        ¶1.18 says "call" because telephone is the default (INT-006); a complainant who asked
        for email is tried by email, and that unanswered attempt counts the same way.
        """
        ids = self.complainant_ids
        return sum(
            1
            for a in self.attempts
            if str(a.person_id) in ids
            and a.direction == "outbound"
            and a.outcome is not ContactOutcome.reached
        )


# --- Properly made (ASM-010, ASM-014…022, ASM-005/006/009/011, INT-047).


def vpa_criteria_met(answers: dict[str, object] | None) -> bool:
    """ASM-009: (any of the four scenarios) AND reasonably linked to the failings and injustice."""
    if not answers:
        return False
    scenarios = (
        "under_victims_code",
        "treated_poorly",
        "witness_of_crime",
        "crime_by_organisation",
    )
    return any(bool(answers.get(q)) for q in scenarios) and bool(answers.get("linked"))


def properly_made_problems(case: Case, facts: Facts) -> Problems:
    """Why the case is not properly made; empty when it is."""
    p = Problems()
    if case.complaint_form_awaiting_confirmation:
        p.add(
            "ASM-010", "complaint_form", "The completed complaint form has not come back confirmed"
        )
    if case.jurisdiction is None:
        p.add("ASM-014", "jurisdiction", "Set the jurisdiction first")
        return p
    needs_mp_route = (
        case.jurisdiction is Jurisdiction.parliamentary
        or case.prison_case_type is PrisonCaseType.prison_action
    )
    if (
        case.jurisdiction is Jurisdiction.health
        and case.prison_case_type is not PrisonCaseType.prison_action
    ):
        in_writing = case.channel in WRITTEN_CHANNELS or case.written_complaint_received
        if not in_writing:
            p.add("ASM-015", "in_writing", "A health complaint must be made in writing (Legal)")
    if needs_mp_route:
        if case.vpa_no_mp_referral:
            p.items.extend(vpa_problems(case).items)
        else:
            referring = bool(facts.people_with(frozenset({PartyRole.mp_referring})))
            if missing := mp_referral_gaps(case, referring_mp_party=referring):
                rid = (
                    "INT-047"
                    if case.prison_case_type is PrisonCaseType.prison_action
                    else "ASM-020"
                )
                p.add(rid, "mp_referral", "MP referral incomplete (Legal): " + ", ".join(missing))
    return p


def mp_referral_gaps(case: Case, *, referring_mp_party: bool) -> list[str]:
    """ASM-020: what the MP referral still lacks (empty: complete)."""
    return [
        name
        for name, ok in (
            ("referring MP", case.mp_person_id is not None or referring_mp_party),
            ("complaint made to the MP in writing", case.complaint_to_mp_in_writing),
            ("aggrieved person's consent", case.aggrieved_consent),
            ("MP's request that we investigate", case.mp_requests_investigation),
        )
        if not ok
    ]


def vpa_problems(case: Case) -> Problems:
    """The Victims and Prisoners Act route without an MP referral (ASM-005/006/009/011)."""
    p = Problems()
    if case.received_date < VPA_COMMENCEMENT:
        p.add("ASM-005", "vpa_commencement", "The VPA route applies from 27 January 2025")
    if not vpa_criteria_met(case.vpa_answers):
        p.add("ASM-009", "vpa_criteria", "The ¶2.32 criteria are not met")
    if (case.vpa_answers or {}).get(
        "crime_by_organisation"
    ) and case.vpa_legal_advice_requested_at is None:
        p.add("ASM-006", "vpa_legal_advice", "Request Legal Team advice: crime by the organisation")
    if not case.vpa_pass_through_note:
        p.add(
            "ASM-011", "vpa_note", "Add the note that the case passed through on the set criteria"
        )
    return p


# --- Hand-off to assessment.


def referral_problems(case: Case, facts: Facts) -> Problems:
    """Everything that stops the case being passed on; empty when it may go."""
    p = Problems()
    if case.jurisdiction is None:
        p.add("ASM-014", "jurisdiction", "Set the jurisdiction")
    for name, value in (
        ("complaint_summary", case.complaint_summary),
        ("injustice_claimed", case.injustice_claimed),
        ("outcome_sought", case.outcome_sought),
    ):
        if not (value and value.strip()):
            p.add("INT-009", name, f"{name.replace('_', ' ').capitalize()} is empty")
    if not facts.complainant_ids:
        p.add("INT-010", "complainant", "Add the complainant as a party")
    if not facts.organisations:
        p.add("INT-010", "organisations", "Add the organisation(s) complained about")
    if facts.organisations and all(not o.in_jurisdiction for o in facts.organisations):
        p.add("ASM-001", "jurisdiction", "No organisation on the case is in jurisdiction")
    if case.route is None or not (case.routing_rationale and case.routing_rationale.strip()):
        p.add("INT-020", "routing", "Record the routing decision and its rationale")
    if case.self_referred_by_organisation and case.route is not Route.ad_senior_caseworker_teams:
        p.add(
            "ASM-036", "routing", "A health organisation's self-referral goes to the AD – Casework"
        )
    if case.triage_category is None:
        p.add("INT-023", "triage_category", "Complete the triage")
    # A request still waiting for the manager blocks too: only the approval sets priority=high.
    pending = case.priority_requested_by is not None
    if (case.priority.value == "high" or pending) and case.priority_approved_by is None:
        p.add("INT-025", "priority", "Special handling needs the manager's recorded approval")
    missing_items = checklist_gaps(case, facts)
    if missing_items and not case.checklist_override_reason:
        p.add(
            "INT-021",
            "checklist",
            "¶1.23 checklist incomplete: " + ", ".join(missing_items) + " (or record an override)",
        )
    if case.joint_working and case.joint_working_shared_at is None:
        p.add("INT-038", "joint_working", "Share the case with the other Ombudsman first (Legal)")
    if (
        case.joint_working
        and case.other_ombudsman is OtherOmbudsman.lgsco
        and case.joint_working_decided_at is None
    ):
        # ¶1.50: only joint working that is NOT with the LGSCO skips the JW team; ¶1.56: a
        # properly made parliamentary case that may need it is discussed with the team.
        rid = "INT-045" if case.jurisdiction is Jurisdiction.parliamentary else "INT-039"
        p.add(rid, "joint_working_team", "Refer the case to the joint working team first")
    if (
        case.joint_working
        and case.other_ombudsman is OtherOmbudsman.lgsco
        and case.joint_working_accepted is True
        and (not facts.complainant_ids or facts.complainant_ids - facts.joint_working_consented)
    ):
        # ¶1.53: accepted by the JW team, the case goes on only with the complainant's consent.
        p.add("INT-042", "consent", "Record the complainant's consent to joint working with the "
              "LGSCO")  # fmt: skip
    if case.org_response_format is OrgResponseFormat.audio_only:
        p.add(
            "ASM-039", "org_response", "Audio-only NHS response: ask for a written one and decline"
        )
    p.items.extend(readiness_problems(case).items)
    if case.properly_made is not True:
        p.add("ASM-014", "properly_made", "Decide that the complaint is properly made")
    elif properly_made_problems(case, facts):
        p.items.extend(properly_made_problems(case, facts).items)
    # D+13 may go on the acknowledgement alone; from D+14 contact is mandatory (INT-008 test).
    start = facts.intake_clock_start or case.received_date
    if facts.today >= start + TWO_WEEKS and not facts.complainant_reached_since(start):
        p.add("INT-008", "contact", "Over two weeks at intake: contact the complainant first")
    if not (facts.complainant_ids & facts.written_to("acknowledgement")):
        p.add("INT-008", "acknowledgement", "Send the complainant the acknowledgement letter")
    return p


def checklist_gaps(case: Case, facts: Facts) -> list[str]:
    """INT-021: missing ¶1.23 items; consent is only needed where someone is represented."""
    represented = bool(facts.people_with(REPRESENTATIVE_ROLES))
    return missing_checklist_items(case.checklist, represented=represented)


def checklist_item_required(item: str, *, represented: bool) -> bool:
    return item != "representation_consent" or represented


def missing_checklist_items(checklist: dict[str, object], *, represented: bool) -> list[str]:
    return [
        item
        for item in CHECKLIST_ITEMS
        if not checklist.get(item) and checklist_item_required(item, represented=represented)
    ]


def readiness_problems(case: Case) -> Problems:
    """ASM-037 (health, Legal), ASM-038 (policy, both) and the ASM-043 exception."""
    p = Problems()
    complete = case.complaint_process_stage is ComplaintProcessStage.complete
    if complete:
        return p
    if case.jurisdiction is Jurisdiction.health and case.not_reasonable_to_expect_local_resolution:
        if not case.readiness_rationale:
            p.add("ASM-037", "readiness", "Give the rationale for not expecting local resolution")
        return p
    if case.exception_reason is None or not case.exception_rationale:
        rid = "ASM-037" if case.jurisdiction is Jurisdiction.health else "ASM-038"
        p.add(rid, "readiness", "Local resolution is not complete: decline as premature, or "
              "record the exceptional reason and why now (ASM-043)")  # fmt: skip
    return p


# --- Closure at intake.


def closure_problems(
    case: Case,
    facts: Facts,
    *,
    code: str,
    decision_channel: DecisionChannel | None,
    written_decision_requested: bool,
    enough_information_to_decide: bool,
    signposting: SignpostingType | None,
    signposting_detail: str | None,
    time_limit_explained: bool,
    information_deadline_passed: bool | None,
) -> Problems:
    """Why the case may not close with ``code`` now; empty when it may."""
    p = Problems()
    if code not in INTAKE_CLOSURE_CODES:
        p.add("D.1", "closure_code", f"'{code}' is not an intake closure code")
        return p
    if case.joint_working and case.joint_working_shared_at is None:
        p.add("INT-038", "joint_working", "Share the case with the other Ombudsman first (Legal)")
    jurisdiction = case.jurisdiction
    if code in REMIT_CATEGORIES:
        if jurisdiction is None or jurisdiction not in REMIT_CATEGORIES[code]:
            p.add("ASM-002", "remit_category", f"'{code}' does not apply to this jurisdiction")
    if code == ORGANISATION_OUT_OF_JURISDICTION:
        if not facts.organisations or any(o.in_jurisdiction for o in facts.organisations):
            p.add(
                "ASM-001",
                "organisations",
                "Every organisation on the case must be out of jurisdiction",
            )
    if code == NOT_IN_WRITING:
        if jurisdiction is not Jurisdiction.health:
            p.add("ASM-018", "closure_code", "'Not properly made - not in writing' is for health "
                  "cases")  # fmt: skip
        elif case.channel in WRITTEN_CHANNELS or case.written_complaint_received:
            p.add("ASM-015", "closure_code", "The complaint was made in writing")
    if code == NO_MP_REFERRAL:
        if jurisdiction is not Jurisdiction.parliamentary:
            p.add("ASM-029", "closure_code", "'No MP referral' is for parliamentary cases")
        elif case.vpa_no_mp_referral:
            p.add("ASM-005", "closure_code", "The Victims and Prisoners Act route needs no MP "
                  "referral")  # fmt: skip
        elif not any(i["item"] == "mp_referral" for i in properly_made_problems(case, facts).items):
            p.add("ASM-020", "closure_code", "The MP referral is complete")
    if code == NOT_PROPERLY_MADE and case.properly_made is True:
        # ASM-032/033: the generic code is for complaints that are not properly made.
        p.add("ASM-014", "closure_code", "The complaint was decided properly made")
    if (
        code == PREMATURE_LOCAL_RESOLUTION_ONGOING
        and case.complaint_process_stage is ComplaintProcessStage.complete
        and case.org_response_format is not OrgResponseFormat.audio_only
    ):
        # ASM-041 (¶2.72): the code says the organisation is still considering the complaint.
        p.add("ASM-041", "closure_code", "The organisation's complaints process is complete")
    if code in PREMATURE_CODES and not time_limit_explained:
        p.add("ASM-042", "time_limit", "Tell the complainant about the time limit and discretion")
    if code in DECLINE_CODES:
        if (
            any(o.remit_only_for_victims_code for o in facts.organisations)
            and not case.victims_code_checked
        ):
            p.add(
                "ASM-004", "victims_code", "Check whether the complaint concerns the Victims' Code"
            )
        if not facts.complainant_reached:
            if facts.unsuccessful_attempts_to_complainant < 1:
                p.add("INT-005", "contact", "Try to contact the complainant before declining")
            elif not enough_information_to_decide:
                p.add("INT-014", "enough_information", "After an unsuccessful attempt, decide "
                      "there is enough information to decide anyway")  # fmt: skip
            else:
                # INT-015: decision and reasons go in writing to complainant and representatives.
                owed = facts.complainant_ids | facts.people_with(REPRESENTATIVE_ROLES)
                if missing := owed - facts.written_to("decision"):
                    p.add("INT-015", "decision_letters", f"{len(missing)} party(ies) still need "
                          "the decision and reasons in writing")  # fmt: skip
        if code in REMIT_CATEGORIES or code == ORGANISATION_OUT_OF_JURISDICTION:
            if signposting is None:
                p.add("INT-028", "signposting", "Signpost the complainant (or say none identified)")
            elif not (signposting_detail and signposting_detail.strip()):
                p.add("INT-028", "signposting", "Name where they were signposted, or why none")
        if decision_channel is None:
            p.add("INT-026", "decision_channel", "Say how the decision was given")
        written = facts.written_to("decision")
        # INT-026 (Legal): MPs and representatives always get the decision in writing; an MP's
        # successor stands in for them (ASM-023), a vacant seat is owed a copy later (ASM-024).
        owed = facts.people_with(REPRESENTATIVE_ROLES) | facts.mps_owed_the_decision
        if missing := (owed - written):
            p.add("INT-026", "decision_letters", f"{len(missing)} MP(s)/representative(s) still "
                  "need the decision in writing")  # fmt: skip
        # INT-027 (Legal): a complainant who asks for it in writing gets it in writing.
        needs_written = written_decision_requested or decision_channel is DecisionChannel.writing
        if needs_written and not (facts.complainant_ids & written):
            p.add("INT-027", "decision_letters", "Send the complainant the written decision")
    if code == WITHDRAWN:
        if case.status.value == "awaiting_information":
            if not information_deadline_passed:
                p.add("INT-016", "deadline", "'withdrawn' only from the day after the information "
                      "deadline or agreed extension")  # fmt: skip
        elif facts.complainant_has_email:
            p.add("INT-016", "information_request", "The complainant has an email address: "
                  "email them with a deadline and close after it")  # fmt: skip
        elif not (facts.complainant_ids & facts.written_to("information_request")):
            p.add("INT-017", "information_request", "Write asking for the information first")
    if code == FURTHER_INFORMATION_REQUIRED:
        if not (facts.complainant_ids & facts.written_to("further_information_request")):
            p.add("INT-018", "information_request", "Write explaining what is needed first")
    return p
