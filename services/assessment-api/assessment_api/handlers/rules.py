"""Pure rules for the organisations on a case when more than one complaint handler is involved
(guidance ¶2.142–2.180; requirements ASM-071…084): second-tier complaint handlers, provider and
commissioner in health, Continuing Healthcare (CHC) and Individual Funding Requests (IFR).
No I/O: tested without a database; the checklists are data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from assessment_api.cases.rules import DECLINE_CODES


class OrganisationRole(StrEnum):
    """ASM-074 (¶2.148) and ASM-078…081: the part an organisation plays on the case. A
    contractor acting for an organisation is its own organisation row (¶2.148)."""

    original = "original"
    second_tier = "second_tier"
    contractor = "contractor"
    provider = "provider"
    commissioner = "commissioner"


class Scope(StrEnum):
    """ASM-074 / ASM-080: whom the complainant asks us to look at (complainant-led, as put)."""

    original_only = "original_only"
    handler_only = "handler_only"  # the second tier, or the commissioner, only
    both = "both"


# The complaint handler paired with the organisation complained about, per setting.
HANDLER_OF = {
    OrganisationRole.original: OrganisationRole.second_tier,
    OrganisationRole.provider: OrganisationRole.commissioner,
}


def roles_in_setting(*, health: bool) -> frozenset[OrganisationRole]:
    """ASM-074 / ASM-080: the roles a case's organisations take: original organisation and
    second tier, or (health, ¶2.158) provider and commissioner; a contractor in either."""
    if health:
        return frozenset(
            {OrganisationRole.provider, OrganisationRole.commissioner, OrganisationRole.contractor}
        )
    return frozenset(
        {OrganisationRole.original, OrganisationRole.second_tier, OrganisationRole.contractor}
    )


def recorded_at_intake(*, health: bool, handler_only_said: bool) -> OrganisationRole:
    """ASM-072 (¶2.144) / ASM-079 (¶2.159): intake records the complaint against the original
    organisation (health: the provider) unless the complainant specifically says it is about the
    second tier (health: the commissioner) only."""
    if health:
        return OrganisationRole.commissioner if handler_only_said else OrganisationRole.provider
    return OrganisationRole.second_tier if handler_only_said else OrganisationRole.original


def complained_about(scope: Scope, *, health: bool) -> frozenset[OrganisationRole]:
    """ASM-074, ASM-076, ASM-080, ASM-081 (¶2.151, ¶2.154–2.156, ¶2.163, ¶2.165–2.169): the
    roles our work, records and decisions are limited to. A contractor acting for the
    organisation goes with it (¶2.148)."""
    org = OrganisationRole.provider if health else OrganisationRole.original
    handler = HANDLER_OF[org]
    if scope is Scope.original_only:
        return frozenset({org, OrganisationRole.contractor})
    if scope is Scope.handler_only:
        return frozenset({handler})
    return frozenset({org, handler, OrganisationRole.contractor})


def decision_allowed(role: OrganisationRole, scope: Scope, *, health: bool) -> bool:
    """ASM-076 / ASM-081: a decision is recorded only against an organisation complained
    about; with both complained about, each gets its own (¶2.153, ¶2.165)."""
    return role in complained_about(scope, health=health)


PROPOSE_TO_INVESTIGATE = "propose to investigate"
RESOLUTION = "resolution"


def organisation_decision_valid(decision: str, *, investigate: bool) -> bool:
    """ASM-176 (¶3.120–3.122, requirements §F.2 organisations tab): an organisation decision is
    'propose to investigate' (and only that is to be investigated), 'resolution', or the closure
    code of the main reason for not pursuing the complaint against it (D.1, D.3)."""
    if investigate != (decision == PROPOSE_TO_INVESTIGATE):
        return False
    return decision in (PROPOSE_TO_INVESTIGATE, RESOLUTION) or decision in DECLINE_CODES


class SignatoryProblem(StrEnum):
    not_health = "not_health"
    not_provider = "not_provider"
    practice_on_case = "practice_on_case"


def individual_signatory_problems(
    *, health: bool, role: OrganisationRole, practice_on_case: bool
) -> list[SignatoryProblem]:
    """ASM-096 (¶2.208): a family health service provider's final response signed by an
    individual rather than a complaints manager: the individual is recorded as the organisation
    (a health provider), not the practice, which is then not on the case itself."""
    problems: list[SignatoryProblem] = []
    if not health:
        problems.append(SignatoryProblem.not_health)
    if role is not OrganisationRole.provider:
        problems.append(SignatoryProblem.not_provider)
    if practice_on_case:
        problems.append(SignatoryProblem.practice_on_case)
    return problems


def separate_decisions_needed(scope: Scope) -> bool:
    """ASM-076 / ASM-081 (¶2.153, ¶2.165): both complained about: one decision each."""
    return scope is Scope.both


def premature_for_second_tier(
    *, second_tier_in_process: bool, second_tier_complete: bool, exception_reason: str | None
) -> bool:
    """ASM-071 / ASM-073 (¶2.142–2.146): where a second tier is part of the complaints process
    and not completed, the case is normally premature, unless an exception is recorded with
    its reason (difficulties, terminal illness, a broken-down relationship)."""
    if not second_tier_in_process or second_tier_complete:
        return False
    return not (exception_reason and exception_reason.strip())


def local_resolution_complete(*, with_provider: bool, with_commissioner: bool) -> bool:
    """ASM-078 (¶2.158, Legal): the NHS complaints process needs completing with **either** the
    provider or the commissioner, not both."""
    return with_provider or with_commissioner


def missing_component_areas(
    areas: Mapping[OrganisationRole, Iterable[str]],
) -> dict[str, list[str]]:
    """ASM-080 (¶2.161), a warning: with both provider and commissioner complained about, each
    area recorded for one is recorded for the other too. Role → the areas it lacks."""
    provider = {a.casefold() for a in areas.get(OrganisationRole.provider, ())}
    commissioner = {a.casefold() for a in areas.get(OrganisationRole.commissioner, ())}
    missing = {
        OrganisationRole.provider.value: sorted(commissioner - provider),
        OrganisationRole.commissioner.value: sorted(provider - commissioner),
    }
    return {role: gaps for role, gaps in missing.items() if gaps}


def proposal_organisations(roles: Mapping[OrganisationRole, Sequence[str]]) -> list[str]:
    """ASM-075 / ASM-077 (¶2.152, ¶2.157), ASM-080 (¶2.164), ASM-165 (¶3.84–3.86): a 'proposal to
    investigate' goes to the organisations complained about, any services acting for them
    (contractors) and the second tier (health: the commissioner), so every organisation on the
    case gets the chance to comment, complained about or not. Ids, organisation first, each
    once."""
    order = (
        OrganisationRole.original,
        OrganisationRole.provider,
        OrganisationRole.contractor,
        OrganisationRole.second_tier,
        OrganisationRole.commissioner,
    )
    out: list[str] = []
    for role in order:
        out.extend(i for i in roles.get(role, ()) if i not in out)
    return out


# --- Continuing Healthcare (ASM-082, ASM-083; ¶2.170–2.177) -----------------------------------


class ChcStage(StrEnum):
    """§D.13 CHC stages (¶2.170): where the person was found not eligible."""

    checklist = "checklist"
    full_assessment = "full_assessment"  # the Decision Support Tool


class ChcAction(StrEnum):
    check_icb_review = "check that the ICB (or former CCG) reviewed the decision"
    signpost_nhse_review = "signpost NHS England's review process"
    ask_why_unhappy_with_nhse_review = (
        "ask why the complainant is unhappy with NHS England's review"
    )
    investigate_nhse_review_only = "write: we investigate NHS England's review only, not the ICB"
    discuss_with_manager = "discuss with a manager"
    written_complaints_about_both = "written complaints about both the ICB and NHS England on file"
    add_both_organisations = (
        "add both the ICB and the NHS commissioning region as organisations complained about"
    )
    proceed = "proceed"


class ChcOrganisation(StrEnum):
    icb = "ICB"
    nhs_commissioning_region = "NHS commissioning region"


@dataclass(frozen=True)
class ChcGuidance:
    """What a CHC complaint needs before assessment goes on, and whom it is recorded against."""

    actions: tuple[ChcAction, ...]
    organisations: tuple[ChcOrganisation, ...]


def chc_guidance(
    stage: ChcStage,
    *,
    icb_review_done: bool,
    nhse_review_done: bool,
    investigate_icb_too: bool = False,
) -> ChcGuidance:
    """ASM-082 / ASM-083 as data.

    Checklist stage: the ICB's review is checked (¶2.170); record the ICB (¶2.172). Full
    assessment: the ICB's and NHS England's reviews are checked, NHS England's review process
    signposted if it has not reviewed (¶2.171); record the ICB (¶2.172). NHS England has
    reviewed: ask why the complainant is unhappy with it and usually investigate only that,
    recorded against the NHS commissioning region (¶2.174–2.175). Investigating both, or before
    NHS England's review, is discussed with a manager with written complaints about both on
    file and both organisations added (¶2.176–2.177).
    """
    region = ChcOrganisation.nhs_commissioning_region
    icb = ChcOrganisation.icb
    if investigate_icb_too:
        return ChcGuidance(
            (ChcAction.discuss_with_manager, ChcAction.written_complaints_about_both),
            (icb, region),
        )
    if nhse_review_done:
        return ChcGuidance(
            (ChcAction.ask_why_unhappy_with_nhse_review, ChcAction.investigate_nhse_review_only),
            (region,),
        )
    actions: list[ChcAction] = []
    if not icb_review_done:
        actions.append(ChcAction.check_icb_review)
    if stage is ChcStage.full_assessment:
        actions.append(ChcAction.signpost_nhse_review)
    return ChcGuidance(tuple(actions) or (ChcAction.proceed,), (icb,))


def chc_outstanding(
    *,
    investigate_icb_too: bool,
    manager_discussed: bool,
    written_complaints_about_both: bool,
    both_organisations_added: bool,
) -> list[ChcAction]:
    """ASM-083 (¶2.176–2.177): investigating before NHS England's review, or both the ICB and
    NHS England, waits for a manager's discussion, written complaints about both on file, and
    both the ICB and the NHS commissioning region added as organisations complained about."""
    if not investigate_icb_too:
        return []
    out: list[ChcAction] = []
    if not manager_discussed:
        out.append(ChcAction.discuss_with_manager)
    if not written_complaints_about_both:
        out.append(ChcAction.written_complaints_about_both)
    if not both_organisations_added:
        out.append(ChcAction.add_both_organisations)
    return out


# --- Individual Funding Requests (ASM-084; ¶2.178–2.180) -------------------------------------


class IfrCheck(StrEnum):
    """ASM-084 (¶2.180): what the caseworker checks on a complaint about refused funding."""

    application_complete = "the application includes the information outlined by the patient"
    policy_used = "which policy was used"
    compliant_with_policy_and_directions = (
        "the ICB's decision follows its policies and the NHS Directions"
    )
    policy_reasonable = "the policy itself appears reasonable"


def ifr_checks_outstanding(answered: Mapping[IfrCheck, object]) -> list[IfrCheck]:
    """ASM-084: the IFR checks not yet answered (an answer is recorded, not None)."""
    return [check for check in IfrCheck if answered.get(check) is None]
