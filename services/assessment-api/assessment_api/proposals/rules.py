"""Pure rules of the proposal to investigate (guidance ¶3.73–3.108; ASM-158…167, C-15, C-17):
who is written to and on what basis, how each organisation's letter is addressed, what each
letter must say, what is still missing before the proposal can be issued, and when the comment
window closes. No I/O: tested without a database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Part(StrEnum):
    """The part an organisation plays in the proposal (¶3.82–3.89), as the event names it."""

    organisation = "organisation"
    second_tier = "second_tier"
    contractor = "contractor"


class Basis(StrEnum):
    """ASM-165 / ASM-166: why the organisation gets a letter: the law (¶3.84, ¶3.85 second
    sentence, ¶3.87) or policy (¶3.85–3.86: any other organisation involved)."""

    legal = "legal"
    policy = "policy"


class ContractType(StrEnum):
    """¶3.79: a family health service provider's NHS contract (intake's values)."""

    general = "GMS/GDS"
    personal = "PMS/PDS"


class NamedPersonKind(StrEnum):
    """¶3.90–3.91: a 'person' includes companies, partnerships and sub-contractors."""

    individual = "individual"
    company = "company"
    partnership = "partnership"
    subcontractor = "subcontractor"


class TraceStep(StrEnum):
    """¶3.92–3.95: the steps taken to reach a named person."""

    asked_organisation = "asked_organisation"
    last_known_employer = "last_known_employer"
    professional_body = "professional_body"
    other = "other"


class RecipientKind(StrEnum):
    organisation = "organisation"
    named_person = "named_person"
    party = "party"


# intake's organisation kinds (its register), grouped as the guidance addresses them.
GOVERNMENT_DEPARTMENT = "government_department"
EXECUTIVE_AGENCY = "executive_agency"
FHS_PROVIDER = "family_health_service_provider"
INDEPENDENT_PROVIDER = "independent_provider"
HEALTH_SERVICE_BODIES = frozenset({"nhs_trust", "icb", "nhs_england_region"})
HEALTH_PROVIDERS = frozenset({"nhs_trust", FHS_PROVIDER, INDEPENDENT_PROVIDER})


@dataclass(frozen=True)
class OrganisationFacts:
    """One organisation of the proposal: its part from the complaint handlers, whether we
    propose to investigate it, and what intake's register says about it."""

    organisation_id: uuid.UUID
    part: Part
    investigated: bool
    kind: str
    jurisdiction: str | None
    acts_for: uuid.UUID | None = None  # a contractor: the organisation it acts for
    on_behalf_of: uuid.UUID | None = None  # a second tier handling complaints for it (¶3.85)
    principal_officer_title: str | None = None
    focal_point_team: str | None = None
    contract_type: str | None = None
    pv_opt_out_reference: str | None = None


@dataclass(frozen=True)
class Addressing:
    """ASM-164 / ASM-166: to whom the letter is addressed, who is copied, and why."""

    addressee: str
    copies: tuple[str, ...]
    rule: str


@dataclass(frozen=True)
class Gap:
    """An unmet condition: the requirement and what is missing."""

    requirement: str
    detail: str


def basis(orgs: Sequence[OrganisationFacts]) -> dict[uuid.UUID, Basis]:
    """ASM-165 (¶3.84–3.86) and ASM-166 (¶3.87): the organisations we propose to investigate
    and the contractors acting for them must be given the chance to comment (Legal), and so
    must an organisation on whose behalf an investigated second tier handles complaints
    (¶3.85, footnote 34); in health the provider complained about always must (¶3.87). Every
    other organisation involved is written to as policy."""
    legal = {o.organisation_id for o in orgs if o.investigated}
    for o in orgs:
        if o.part is Part.second_tier and o.investigated and o.on_behalf_of is not None:
            legal.add(o.on_behalf_of)
    for o in orgs:
        if o.part is Part.contractor and o.acts_for in legal:
            legal.add(o.organisation_id)
        if o.kind in HEALTH_PROVIDERS and o.part is Part.organisation and o.investigated:
            legal.add(o.organisation_id)
    return {o.organisation_id: Basis.legal if o.organisation_id in legal else Basis.policy
            for o in orgs}  # fmt: skip


def addressing(org: OrganisationFacts) -> Addressing:
    """ASM-164 (¶3.82–3.83): parliamentary letters go to the Permanent Secretary (a department)
    or the Chief Executive (an agency), always addressed to the named Principal Officer, copied
    to any liaison or focal point. ASM-166 (¶3.88–3.89): a health service organisation's to the
    Chief Executive, copied to its complaints team or manager; a family health service provider
    is written to direct; an independent provider's to the Chief Executive (or equivalent) of
    the provider organisation, not only the location."""
    focal = (f"{org.focal_point_team} (liaison / focal point)",) if org.focal_point_team else ()
    if org.kind == FHS_PROVIDER:
        return Addressing("the provider direct (e.g. the GP practice)", (), "ASM-166 ¶3.88")
    if org.kind == INDEPENDENT_PROVIDER:
        return Addressing(
            "Chief Executive (or equivalent) of the provider organisation, not only the location",
            focal,
            "ASM-166 ¶3.89",
        )
    if org.kind in HEALTH_SERVICE_BODIES or (
        org.jurisdiction == "health" and org.kind not in (GOVERNMENT_DEPARTMENT, EXECUTIVE_AGENCY)
    ):
        team = org.focal_point_team or "the complaints team or complaints manager"
        return Addressing("Chief Executive", (f"{team} (complaints)",), "ASM-166 ¶3.88")
    head = {GOVERNMENT_DEPARTMENT: "Permanent Secretary", EXECUTIVE_AGENCY: "Chief Executive"}
    title = org.principal_officer_title or head.get(org.kind, "Principal Officer")
    return Addressing(f"Principal Officer ({title})", focal, "ASM-164 ¶3.82–3.83")


def organisation_gaps(org: OrganisationFacts, *, copy_requested: bool) -> list[Gap]:
    """ASM-164: a parliamentary letter is addressed to the named Principal Officer, so intake
    must hold one. ASM-162 (¶3.79–3.80): a family health service provider's contract type is
    confirmed and recorded, or a copy asked for when the provider is unsure."""
    gaps: list[Gap] = []
    parliamentary = org.jurisdiction == "parliamentary" and org.kind not in HEALTH_PROVIDERS
    if parliamentary and not org.principal_officer_title:
        gaps.append(
            Gap("ASM-164", f"organisation {org.organisation_id}: no named Principal Officer")
        )
    if org.kind == FHS_PROVIDER and org.contract_type is None and not copy_requested:
        gaps.append(
            Gap(
                "ASM-162",
                f"organisation {org.organisation_id}: the NHS contract type (PMS/PDS or GMS/GDS) "
                "is not confirmed and no copy has been asked for",
            )
        )
    return gaps


@dataclass(frozen=True)
class NamedPersonFacts:
    """ASM-167: what is recorded about a named person."""

    id: uuid.UUID
    kind: NamedPersonKind
    clinician: bool
    still_employed: bool | None
    position: str | None
    professional_registration: str | None
    details_not_established: str | None
    traced: bool
    proceed_without: bool


def named_person_reachable(p: NamedPersonFacts) -> bool:
    """¶3.92: the letter goes via the organisation when the person still works there (or a
    company or partnership, which is its own address), or once they are traced (¶3.95)."""
    return p.kind is not NamedPersonKind.individual or p.still_employed is True or p.traced


def named_person_gaps(p: NamedPersonFacts) -> list[Gap]:
    """ASM-167 (¶3.93, ¶3.95, C-17): a clinician's position and professional registration are
    recorded, or a record that they could not be established; a person who cannot be reached has
    a recorded case-by-case decision to proceed without them."""
    gaps: list[Gap] = []
    if p.kind is NamedPersonKind.individual and p.clinician:
        known = p.position and p.professional_registration
        if not known and not p.details_not_established:
            gaps.append(
                Gap(
                    "ASM-167",
                    f"named person {p.id}: a clinician's position and professional registration "
                    "are not recorded, nor that they could not be established",
                )
            )
    if not named_person_reachable(p) and not p.proceed_without:
        gaps.append(
            Gap(
                "ASM-167",
                f"named person {p.id}: not traced, and no decision to proceed without them (C-17)",
            )
        )
    return gaps


@dataclass(frozen=True)
class Issue:
    """ASM-160: an issue of the complaint, proposed for investigation or not, with why."""

    summary: str
    proposed: bool
    reason: str
    component_id: uuid.UUID | None = None


def issue_gaps(issues: Sequence[Issue]) -> list[Gap]:
    """ASM-160 (¶3.77): when not every issue is proposed, the complainant's letter says which
    are and are not, and why: every issue has its reason, and at least one is proposed."""
    gaps: list[Gap] = []
    if issues and not any(i.proposed for i in issues):
        gaps.append(Gap("ASM-160", "no issue is proposed for investigation"))
    if any(not i.proposed for i in issues):
        for n, i in enumerate(issues):
            if not i.reason.strip():
                gaps.append(Gap("ASM-160", f"issue {n + 1} has no reason"))
    return gaps


def issues_section(issues: Sequence[Issue]) -> list[str]:
    """ASM-160: the complainant's letter's section on the issues, when not all are proposed."""
    if all(i.proposed for i in issues):
        return []
    lines = ["ASM-160 ¶3.77: the issues we propose to investigate, and those we do not, and why:"]
    for i in issues:
        verdict = "we propose to investigate" if i.proposed else "we do not propose to investigate"
        lines.append(f"{i.summary}: {verdict}, because {i.reason.strip()}")
    return lines


# What each letter must say (ASM-159, ASM-163, ASM-167), as paragraphs of the kit's row.
ORGANISATION_LETTER = (
    "ASM-159(a) ¶3.74: the scope of the complaint we propose to investigate, the claimed "
    "injustice and the outcome sought",
    "ASM-159(a) ¶3.74: we ask for comments on the allegations made, not only on our proposal",
    "ASM-161 ¶3.78: comments by the date given",
)
OPT_OUT_REMINDER = (
    "ASM-163 ¶3.81: you agreed not to receive our provisional views where we do not propose to "
    "uphold the complaint; tell us if you want to see them in this case"
)
NAMED_PERSON_LETTER = (
    "ASM-167 ¶3.94: your actions will specifically be investigated; you have your own chance to "
    "comment on the allegations and may contact us directly",
    "ASM-167 ¶3.92: sent via the organisation, which is asked to forward it",
)
PARTY_LETTER = (
    "ASM-159(b) ¶3.75: the investigation has not yet started; we will decide once any comments "
    "on the proposal have been considered",
    "ASM-161 ¶3.78: comments by the date given",
)


def organisation_paragraphs(
    org: OrganisationFacts, *, scope: str, injustice: str, outcome: str
) -> list[str]:
    out = [
        *ORGANISATION_LETTER,
        f"Scope: {scope}",
        f"Claimed injustice: {injustice}",
        f"Outcome sought: {outcome}",
    ]
    if org.pv_opt_out_reference:
        out.append(f"{OPT_OUT_REMINDER} (agreement {org.pv_opt_out_reference})")
    return out


def party_paragraphs(role: str, issues: Sequence[Issue]) -> list[str]:
    """ASM-159(b) for every party; ASM-160's section in the complainant's letter."""
    out = list(PARTY_LETTER)
    if role == "complainant":
        out.extend(issues_section(issues))
    return out


@dataclass(frozen=True)
class RecipientWindow:
    """One recipient's comment deadline as the window sees it."""

    due: date
    replied: bool


@dataclass(frozen=True)
class Window:
    """ASM-158 / C-15: the comment window."""

    latest_due: date | None
    all_replied: bool
    closed: bool
    reason: str = field(default="")


def comment_window(recipients: Iterable[RecipientWindow], today: date) -> Window:
    """ASM-158 (¶3.73, C-15): the window closes once the latest due date (extensions included)
    has passed ("a day after", never the deadline day) or every recipient has replied. With no
    proposal issued there is no window, and it is not closed."""
    rows = list(recipients)
    if not rows:
        return Window(None, False, False, "no proposal letters issued")
    latest = max(r.due for r in rows)
    replied = all(r.replied for r in rows)
    if replied:
        return Window(latest, True, True, "every recipient has replied")
    if today > latest:
        return Window(latest, False, True, "the latest comment deadline has passed")
    return Window(latest, False, False, "waiting for comments")
