"""Register rules without a database: kind ↔ jurisdiction, contract type, PV opt-out table."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from intake_api.organisations.errors import (
    ContractTypeNotAllowed,
    KindJurisdictionMismatch,
    PvOptOutTransitionNotAllowed,
)
from intake_api.organisations.models import (
    KIND_JURISDICTIONS,
    ContractType,
    Organisation,
    OrganisationJurisdiction,
    OrganisationKind,
    PvOptOut,
)
from intake_api.organisations.schemas import OrganisationCreate, OrganisationUpdate
from intake_api.organisations.service import check_register_rules
from intake_api.organisations.state import ALLOWED, PvOptOutStatus, transition

K = OrganisationKind
J = OrganisationJurisdiction
HEALTH, PARLIAMENTARY = J.health, J.parliamentary

EXPECTED: dict[OrganisationKind, set[OrganisationJurisdiction | None]] = {
    K.government_department: {PARLIAMENTARY},
    K.executive_agency: {PARLIAMENTARY},
    K.victims_code_only: {PARLIAMENTARY},
    K.nhs_trust: {HEALTH},
    K.family_health_service_provider: {HEALTH},
    K.independent_provider: {HEALTH},
    K.icb: {HEALTH},
    K.nhs_england_region: {HEALTH},
    K.second_tier_complaint_handler: {HEALTH, PARLIAMENTARY},
    K.out_of_jurisdiction: {None},
}
COMBINATIONS = list(itertools.product(list(K), [None, *J]))


def test_every_kind_has_a_jurisdiction_rule() -> None:
    assert set(KIND_JURISDICTIONS) == set(K)
    assert {k: set(v) for k, v in KIND_JURISDICTIONS.items()} == EXPECTED


@pytest.mark.parametrize(("kind", "jurisdiction"), COMBINATIONS)
def test_kind_and_jurisdiction_must_agree(
    kind: OrganisationKind, jurisdiction: OrganisationJurisdiction | None
) -> None:
    if jurisdiction in EXPECTED[kind]:
        check_register_rules(kind=kind, jurisdiction=jurisdiction, contract_type=None)
        return
    with pytest.raises(KindJurisdictionMismatch) as caught:
        check_register_rules(kind=kind, jurisdiction=jurisdiction, contract_type=None)
    assert caught.value.status == 422
    assert caught.value.type == "organisation-kind-jurisdiction-mismatch"
    assert caught.value.extensions["kind"] == kind.value


def test_out_of_jurisdiction_body_may_not_have_a_jurisdiction__ASM_001() -> None:
    for jurisdiction in J:
        with pytest.raises(KindJurisdictionMismatch):
            check_register_rules(
                kind=K.out_of_jurisdiction, jurisdiction=jurisdiction, contract_type=None
            )


@pytest.mark.parametrize("contract_type", list(ContractType))
@pytest.mark.parametrize("kind", [k for k in K if k is not K.family_health_service_provider])
def test_only_a_family_health_service_provider_has_a_contract_type__ASM_162(
    kind: OrganisationKind, contract_type: ContractType
) -> None:
    jurisdiction = next(iter(EXPECTED[kind]))
    with pytest.raises(ContractTypeNotAllowed):
        check_register_rules(kind=kind, jurisdiction=jurisdiction, contract_type=contract_type)


def test_contract_types_are_stored_as_the_guidance_writes_them__ASM_162() -> None:
    assert [c.value for c in ContractType] == ["GMS/GDS", "PMS/PDS"]
    for contract_type in ContractType:
        check_register_rules(
            kind=K.family_health_service_provider, jurisdiction=HEALTH, contract_type=contract_type
        )


def _org(kind: OrganisationKind) -> Organisation:
    return Organisation(id=uuid.uuid4(), name="Example", kind=kind)


def test_derived_flags__ASM_001_ASM_004() -> None:
    assert _org(K.out_of_jurisdiction).in_jurisdiction is False
    assert _org(K.victims_code_only).in_jurisdiction is True
    assert _org(K.victims_code_only).remit_only_for_victims_code is True
    for kind in set(K) - {K.out_of_jurisdiction, K.victims_code_only}:
        assert _org(kind).in_jurisdiction is True
        assert _org(kind).remit_only_for_victims_code is False


def test_aliases_are_trimmed_and_deduplicated_ignoring_case() -> None:
    body = OrganisationCreate(
        name="  Jobcentre Plus Example  ",
        aliases=["JCP", " jcp ", "Jobcentre", "JOBCENTRE", "JC+"],
        kind=K.executive_agency,
        jurisdiction=PARLIAMENTARY,
    )
    assert body.name == "Jobcentre Plus Example"
    assert body.aliases == ["JCP", "Jobcentre", "JC+"]


@pytest.mark.parametrize("field", ["name", "aliases", "active", "kind"])
def test_update_refuses_null_for_a_required_field(field: str) -> None:
    with pytest.raises(ValidationError, match="cannot be null"):
        OrganisationUpdate.model_validate({field: None})


def test_update_accepts_null_for_a_nullable_field() -> None:
    update = OrganisationUpdate.model_validate({"jurisdiction": None, "focal_point": None})
    assert update.model_fields_set == {"jurisdiction", "focal_point"}


def _agreement(status: PvOptOutStatus) -> PvOptOut:
    return PvOptOut(
        id=uuid.uuid4(),
        organisation_id=uuid.uuid4(),
        status=status,
        agreed_date=date(2026, 10, 1),
        document_reference="DOC-1",
        reason="Agreed in writing",
        recorded_by="someone",
        recorded_at=datetime(2026, 10, 1, tzinfo=UTC),
    )


def test_pv_opt_out_transition_table() -> None:
    expected = {
        PvOptOutStatus.in_force: frozenset({PvOptOutStatus.withdrawn}),
        PvOptOutStatus.withdrawn: frozenset(),
    }
    assert expected == ALLOWED


def test_withdrawing_stamps_who_when_and_why() -> None:
    agreement = _agreement(PvOptOutStatus.in_force)
    at = datetime(2026, 11, 2, 10, tzinfo=UTC)
    transition(agreement, PvOptOutStatus.withdrawn, at=at, by="om-1", reason="They changed mind")
    assert agreement.status is PvOptOutStatus.withdrawn
    assert (agreement.withdrawn_at, agreement.withdrawn_by) == (at, "om-1")
    assert agreement.withdrawal_reason == "They changed mind"


@pytest.mark.parametrize("to", list(PvOptOutStatus))
def test_a_withdrawn_agreement_stays_withdrawn(to: PvOptOutStatus) -> None:
    agreement = _agreement(PvOptOutStatus.withdrawn)
    with pytest.raises(PvOptOutTransitionNotAllowed) as caught:
        transition(agreement, to, at=datetime(2026, 11, 2, tzinfo=UTC), by="x", reason="again")
    assert caught.value.status == 409
    assert agreement.withdrawn_at is None
