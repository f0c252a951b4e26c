"""The event catalogue: who publishes which event type, and each type's payload contracts.

``PRODUCERS`` is the one place that says which service may publish an event type (DESIGN §2 v1
catalogue, plus ``intake.case.created``, which intake emits on every new case,
``intake.party.details_corrected`` (requirements §E.1 PartyDetailsCorrected, a party corrected
after the hand-off), ``intake.correspondence.legal_terms_found`` and
``assessment.correspondence.legal_terms_found`` (XC-RSK-004: correspondence with legal-action
wording, for compliance-api's Legal Team referral), ``assessment.proposal.issued`` (requirements
§E.2 ProposalToInvestigateIssued, in place of the catalogue's ``assessment.investigation.
proposed``: it carries what investigation-api opens its record from), its
``assessment.proposal.comment_deadline_extended`` (one recipient's C-15 date moved, ASM-161) and
``assessment.resolution.agreed`` (§E.2 ResolutionAgreed: compliance-api's resolution item),
``assessment.case.status_changed`` (which assessment emits on every change of a case's status or
holder, so that intake's register follows it), the allocation acts of requirements §E.2
(``assessment.category_change.*``, ``assessment.complex_referral.*``,
``assessment.systemic_issue.flagged``: ASM-086…089) and the risk engine's
``compliance.risk.assessed``, ``compliance.risk.rating_changed`` and
``compliance.risk.oversight_assigned``). ``emit`` stamps an event's ``source`` from it, and
every inbox refuses an event whose ``source`` is not the
authenticated caller or whose type that caller does not publish (``shared.inbox.handlers``).
A contract can only be registered for a catalogued type.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TypeVar

from shared.events.envelope import EventPayload

P = TypeVar("P", bound=type[EventPayload])

PRODUCERS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "intake-api": frozenset(
            {
                "intake.case.created",
                "intake.case.referred",
                "intake.case.closed",
                "intake.case.restarted",
                "intake.party.details_corrected",
                "intake.correspondence.legal_terms_found",
            }
        ),
        "assessment-api": frozenset(
            {
                "assessment.case.allocated",
                "assessment.correspondence.legal_terms_found",
                "assessment.proposal.issued",
                "assessment.proposal.comment_deadline_extended",
                "assessment.resolution.agreed",
                "assessment.case.closed",
                "assessment.case.status_changed",
                "assessment.category_change.requested",
                "assessment.category_change.decided",
                "assessment.complex_referral.requested",
                "assessment.complex_referral.decided",
                "assessment.systemic_issue.flagged",
            }
        ),
        "investigation-api": frozenset(
            {
                "investigation.investigation.confirmed",
                "investigation.provisional_views.shared",
                "investigation.final_report.issued",
                "investigation.case.closed",
            }
        ),
        "compliance-api": frozenset(
            {
                "compliance.item.complied",
                "compliance.item.escalated",
                "compliance.case.closed",
                "compliance.risk.rated",
                "compliance.risk.assessed",
                "compliance.risk.rating_changed",
                "compliance.risk.oversight_assigned",
            }
        ),
    }
)
"""Producer (the service name its relay authenticates as) → the event types it publishes."""

_PRODUCER_OF = {t: producer for producer, types in PRODUCERS.items() for t in types}

_CONTRACTS: dict[tuple[str, int], type[EventPayload]] = {}


def producer_of(event_type: str) -> str | None:
    """The one service that publishes ``event_type``, or None if the catalogue does not know it."""
    return _PRODUCER_OF.get(event_type)


def contract(cls: P) -> P:
    """Class decorator registering a payload contract under its ``(TYPE, VERSION)``."""
    if producer_of(cls.TYPE) is None:
        raise ValueError(f"{cls.TYPE} has no producer in the event catalogue (PRODUCERS)")
    key = (cls.TYPE, cls.VERSION)
    existing = _CONTRACTS.get(key)
    if existing is not None and existing is not cls:
        raise ValueError(f"Two contracts for {key}: {existing.__name__} and {cls.__name__}")
    _CONTRACTS[key] = cls
    return cls


def contract_for(event_type: str, version: int) -> type[EventPayload] | None:
    """The contract class for an event type and version, or None if unknown."""
    _load_catalogue()
    return _CONTRACTS.get((event_type, version))


def all_contracts() -> dict[tuple[str, int], type[EventPayload]]:
    """Every registered contract."""
    _load_catalogue()
    return dict(_CONTRACTS)


def _load_catalogue() -> None:
    # Importing the package registers every contract module.
    import shared.events.contracts  # noqa: F401
