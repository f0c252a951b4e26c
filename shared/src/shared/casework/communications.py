"""Contact attempts and communications (XC-COM): every attempt to reach a party, and every letter,
email or call, in or out, with its recipients by person or organisation id and its documents.

Personal data stays in intake: a recipient is an id, and a service that needs an address asks
intake's audited contact card for it.

Legal-action wording (XC-RSK-004, CMP-025): what a party tells us is scanned for the §D.26
terms (``legal_phrases``) when it is recorded, and the scan is stored with it (``legal_scan``):
every inbound communication and every call (whose note records what the party said), and every
contact attempt with notes. Our own outbound letters and emails are not scanned (a decision
letter explains the right to seek judicial review). No service can store such a row unscanned:

- the database refuses it (a CHECK each table adds from :func:`legal_scan_checks`);
- the ORM refuses, before the INSERT, a row whose stored scan is not the scanner's reading of
  its text (:class:`UnscannedCorrespondence`, a programming error), so the scan is filled only
  by :func:`scan_communication` / :func:`scan_contact_attempt`, whose result tells the recording
  service to emit its ``…legal_terms_found`` event in the same transaction.

Legal advice is privileged (ASM-151, XC-DP-005, ¶3.53–3.57): a document marked
``DocumentRef.privileged`` (the Legal Team's advice, or our request for it) never goes out. The
kit refuses an outbound communication that encloses one (:class:`PrivilegedDocumentRefused`,
422) whether the service checks first (:func:`refuse_privileged`) or not (an ORM hook on
``CommunicationColumns`` before every INSERT and UPDATE); only the confirmation that advice was
sought, the ¶3.57 standard paragraph (:data:`LEGAL_ADVICE_PARAGRAPH`), may be sent.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy import Boolean, CheckConstraint, Text, event, inspect, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from shared.casework import legal_phrases
from shared.errors import UnprocessableContent

Medium = Literal["letter", "email", "telephone"]
Direction = Literal["inbound", "outbound"]
WRITTEN_MEDIA = frozenset({"letter", "email"})


class ContactOutcome(StrEnum):
    reached = "reached"
    no_answer = "no_answer"
    voicemail = "voicemail"
    wrong_number = "wrong_number"
    written_no_reply = "written_no_reply"


FAILED_OUTCOMES = frozenset(set(ContactOutcome) - {ContactOutcome.reached})


class ContactAttemptColumns:
    """Columns of a contact-attempt table; the service adds ``case_id`` and ``outcome``."""

    person_id: Mapped[uuid.UUID]
    channel: Mapped[str] = mapped_column(Text)
    direction: Mapped[str] = mapped_column(Text)
    attempted_at: Mapped[datetime]
    expectations_explained: Mapped[bool] = mapped_column(Boolean, default=False)
    adjustments_discussed: Mapped[bool] = mapped_column(Boolean, default=False)
    channel_override_reason: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Text)
    # XC-RSK-004: the scan of ``notes`` for legal-action wording (see the module's docstring).
    legal_scan: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class CommunicationColumns:
    """Columns of a communication table; the service adds ``case_id``."""

    medium: Mapped[str] = mapped_column(Text)  # letter | email | telephone
    direction: Mapped[str] = mapped_column(Text)  # inbound | outbound
    purpose: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime]
    from_person_id: Mapped[uuid.UUID | None]
    recipients: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    summary: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    # What was enclosed ({title, sensitive, document_id}) and, for sensitive information sent
    # without consent, the recorded risk-disclosure decision (XC-DP-012).
    documents: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, default=list, server_default=text("'[]'::jsonb")
    )
    risk_disclosure: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # Standard paragraphs the letter must carry (e.g. ASM-025 the predecessor paragraph).
    paragraphs: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list, server_default="{}")
    acknowledges_id: Mapped[uuid.UUID | None]
    recorded_by: Mapped[str] = mapped_column(Text)
    # XC-RSK-004: the scan of the summary and document titles for legal-action wording.
    legal_scan: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class Recipient(BaseModel):
    """Who a communication went to: a person or an organisation, by id; copies are marked."""

    model_config = ConfigDict(extra="forbid")

    person_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None
    is_copy: StrictBool = False


class DocumentRef(BaseModel):
    """A case document a communication encloses or shares (INT-053/054)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    document_id: uuid.UUID | None = None
    sensitive: StrictBool = Field(
        default=False,
        description="Personal or sensitive information, e.g. medical history (¶1.66)",
    )
    privileged: StrictBool = Field(
        default=False,
        description="Legal advice, or a request for it: privileged, never sent out (ASM-151, "
        "XC-DP-005)",
    )


def failed_attempts(attempts: list[Any], *, person_id: uuid.UUID | None = None) -> int:
    """How many of ``attempts`` (to ``person_id``, if given) did not reach the person."""
    return sum(
        1
        for a in attempts
        if a.outcome in FAILED_OUTCOMES and (person_id is None or a.person_id == person_id)
    )


# ---------------------------------------------------------------------------------------------
# Privileged legal advice (ASM-151, XC-DP-005)
# ---------------------------------------------------------------------------------------------

# ¶3.57: what may be sent to complainants or organisations about legal advice (the confirmation
# that advice may be sought, never the request or the advice).
LEGAL_ADVICE_PARAGRAPH = (
    "During the course of our investigation it is possible that we may need to seek legal "
    "advice on any matter that relates to the interpretation of legislation, and our powers to "
    "conduct or continue an investigation as a result of current law. That advice is "
    "confidential to PHSO and we will not be sharing with you either the content of the request "
    "we make or the advice we receive. In most of the work we undertake, it is not usual that "
    "we need to obtain or consider legal advice."
)


class PrivilegedDocumentRefused(UnprocessableContent):
    type = "privileged-document-refused"
    title = "Legal advice is privileged and cannot be sent (ASM-151, XC-DP-005)"


def privileged_titles(documents: list[dict[str, Any]] | list[DocumentRef] | None) -> list[str]:
    """The titles of the privileged documents among ``documents`` (models or stored dicts)."""
    out: list[str] = []
    for doc in documents or []:
        data = doc.model_dump() if isinstance(doc, DocumentRef) else doc
        if data.get("privileged") is True:
            out.append(str(data.get("title")))
    return out


def refuse_privileged(
    direction: str, documents: list[dict[str, Any]] | list[DocumentRef] | None
) -> None:
    """422 ``privileged-document-refused`` when an outbound communication encloses legal advice
    (ASM-151, XC-DP-005). Inbound rows are what others sent us, never our privileged advice."""
    if direction != "outbound":
        return
    if privileged_titles(documents):
        raise PrivilegedDocumentRefused(
            "Legal advice is privileged: it is never enclosed with an outgoing letter or email, "
            "and only the ¶3.57 paragraph confirming that advice may be sought can be sent",
            extensions={"requirement": "ASM-151"},
        )


@event.listens_for(CommunicationColumns, "before_insert", propagate=True)
def _privileged_inserted(mapper: Any, connection: Any, target: Any) -> None:
    refuse_privileged(target.direction, target.documents)


@event.listens_for(CommunicationColumns, "before_update", propagate=True)
def _privileged_updated(mapper: Any, connection: Any, target: Any) -> None:
    refuse_privileged(target.direction, target.documents)


# ---------------------------------------------------------------------------------------------
# Legal-action wording (XC-RSK-004)
# ---------------------------------------------------------------------------------------------

# When a row must carry a scan, as SQL over its own columns (the tables' CHECKs) and in Python.
COMMUNICATION_SCANNED = "direction = 'inbound' OR medium = 'telephone'"
CONTACT_ATTEMPT_SCANNED = "notes IS NOT NULL"


def legal_scan_checks(table: Literal["communication", "contact_attempt"]) -> CheckConstraint:
    """The CHECK a communication or contact-attempt table adds to its ``__table_args__``: a row
    that must be scanned has its scan, and a stored scan has its list of terms."""
    when = COMMUNICATION_SCANNED if table == "communication" else CONTACT_ATTEMPT_SCANNED
    return CheckConstraint(
        f"(NOT ({when}) OR legal_scan IS NOT NULL)"
        " AND (legal_scan IS NULL OR jsonb_typeof(legal_scan -> 'terms') = 'array')",
        name="legal_scan_present",
    )


def communication_needs_scan(direction: str, medium: str) -> bool:
    """What a party tells us: an inbound letter, email or call, and any call (its note)."""
    return direction == "inbound" or medium == "telephone"


def legal_scan(fields: dict[str, str | None]) -> dict[str, Any]:
    """The stored scan of ``fields`` (name → text): the scanner, the distinct terms in order of
    first occurrence, and each match's field, term, position and whether the term is broad."""
    matches: list[dict[str, Any]] = []
    for field, value in fields.items():
        for m in legal_phrases.find(value or ""):
            matches.append(
                {"field": field, "term": m.term.value, "start": m.start, "end": m.end,
                 "broad": m.broad}
            )  # fmt: skip
    return {
        "scanner": legal_phrases.SCANNER,
        "terms": list(dict.fromkeys(m["term"] for m in matches)),
        "matches": matches,
    }


def communication_texts(
    summary: str | None, documents: list[dict[str, Any]] | None
) -> dict[str, str | None]:
    """What of a communication is scanned: its summary and the titles of what it enclosed."""
    fields: dict[str, str | None] = {"summary": summary}
    for i, doc in enumerate(documents or []):
        fields[f"documents[{i}].title"] = doc.get("title")
    return fields


def _expected_communication_scan(row: Any) -> dict[str, Any] | None:
    if not communication_needs_scan(row.direction, row.medium):
        return None
    return legal_scan(communication_texts(row.summary, row.documents))


def _expected_contact_attempt_scan(row: Any) -> dict[str, Any] | None:
    return None if row.notes is None else legal_scan({"notes": row.notes})


def scan_communication(row: CommunicationColumns) -> list[str]:
    """Scan ``row`` (before it is added) if it must be, store the scan, and return the terms
    found: when there are any, the recording service emits its legal-terms event."""
    row.legal_scan = _expected_communication_scan(row)
    return list(row.legal_scan["terms"]) if row.legal_scan else []


def scan_contact_attempt(row: ContactAttemptColumns) -> list[str]:
    """Scan ``row``'s notes (before it is added), store the scan, and return the terms found."""
    row.legal_scan = _expected_contact_attempt_scan(row)
    return list(row.legal_scan["terms"]) if row.legal_scan else []


class LegalTermFound(BaseModel):
    """One match of a stored scan: the field, the D.26 term, its span in the field."""

    field: str = Field(examples=["summary"])
    term: str = Field(examples=["judicial_review"])
    start: int
    end: int
    broad: bool = Field(description="A term ordinary complaints use too: check the context")


class LegalScanRead(BaseModel):
    """A stored scan for legal-action wording (XC-RSK-004): empty ``terms`` when none found."""

    scanner: str = Field(examples=[legal_phrases.SCANNER])
    terms: list[str]
    matches: list[LegalTermFound]


class UnscannedCorrespondence(RuntimeError):
    """A communication or contact attempt reached the database without the kit's scan of its
    current text: a programming error (the recording code did not call the kit)."""


def _check_scanned(target: Any, expected: dict[str, Any] | None, *, inserting: bool) -> None:
    if not inserting:
        state = inspect(target)
        watched = ("summary", "documents", "direction", "medium", "notes", "legal_scan")
        if not any(
            name in state.attrs and state.attrs[name].history.has_changes() for name in watched
        ):
            return  # the scanned text did not change: an older scanner's scan stays valid
    stored = target.legal_scan
    if expected is None and stored is None:
        return
    if (
        expected is None
        or stored is None
        or stored.get("terms") != expected["terms"]
        or stored.get("matches") != expected["matches"]
    ):
        raise UnscannedCorrespondence(
            f"{type(target).__name__} {target.id} was not scanned for legal-action wording by "
            "shared.casework.communications (XC-RSK-004)"
        )


@event.listens_for(CommunicationColumns, "before_insert", propagate=True)
def _communication_inserted(mapper: Any, connection: Any, target: Any) -> None:
    _check_scanned(target, _expected_communication_scan(target), inserting=True)


@event.listens_for(CommunicationColumns, "before_update", propagate=True)
def _communication_updated(mapper: Any, connection: Any, target: Any) -> None:
    _check_scanned(target, _expected_communication_scan(target), inserting=False)


@event.listens_for(ContactAttemptColumns, "before_insert", propagate=True)
def _contact_attempt_inserted(mapper: Any, connection: Any, target: Any) -> None:
    _check_scanned(target, _expected_contact_attempt_scan(target), inserting=True)


@event.listens_for(ContactAttemptColumns, "before_update", propagate=True)
def _contact_attempt_updated(mapper: Any, connection: Any, target: Any) -> None:
    _check_scanned(target, _expected_contact_attempt_scan(target), inserting=False)
