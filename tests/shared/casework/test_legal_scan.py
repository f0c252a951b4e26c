"""The casework kit stores what a party tells us with its legal-action scan (XC-RSK-004;
shared.casework.communications). Database-free: the rows are built, not stored (the database
side is in tests/intake/cases/test_legal_correspondence.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from intake_api.cases.models import Communication, ContactAttempt
from shared.casework import communications as kit
from shared.casework.communications import (
    UnscannedCorrespondence,
    communication_needs_scan,
    communication_texts,
    legal_scan,
    legal_scan_checks,
    scan_communication,
    scan_contact_attempt,
)

AT = datetime(2026, 11, 2, 9, tzinfo=UTC)


def _comm(direction: str, medium: str, summary: str | None, **extra: Any) -> Communication:
    return Communication(
        id=uuid.uuid4(), case_id=uuid.uuid4(), medium=medium, direction=direction,
        purpose="party_contact", occurred_at=AT, recipients=[], headers=[], summary=summary,
        recorded_by="x", **extra,
    )  # fmt: skip


def _attempt(notes: str | None) -> ContactAttempt:
    return ContactAttempt(
        id=uuid.uuid4(), case_id=uuid.uuid4(), person_id=uuid.uuid4(), channel="telephone",
        direction="outbound", attempted_at=AT, outcome="reached", recorded_by="x", notes=notes,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("direction", "medium", "scanned"),
    [
        ("inbound", "letter", True),
        ("inbound", "email", True),
        ("inbound", "telephone", True),
        ("outbound", "telephone", True),  # a call's note records what the party said
        ("outbound", "letter", False),  # our words
        ("outbound", "email", False),
    ],
)
def test_what_a_party_tells_us_is_scanned__XC_RSK_004(
    direction: str, medium: str, scanned: bool
) -> None:
    assert communication_needs_scan(direction, medium) is scanned
    row = _comm(direction, medium, "We will seek judicial review")
    found = scan_communication(row)
    assert found == (["judicial_review"] if scanned else [])
    assert (row.legal_scan is not None) is scanned


def test_the_stored_scan_names_field_term_span_and_breadth__XC_RSK_004() -> None:
    scan = legal_scan({"summary": "A claim.", "documents[0].title": "Letter before claim"})
    assert scan == {
        "scanner": "D.26/1",
        "terms": ["claim", "letter_before_claim"],
        "matches": [
            {"field": "summary", "term": "claim", "start": 2, "end": 7, "broad": True},
            {"field": "documents[0].title", "term": "letter_before_claim", "start": 0,
             "end": 19, "broad": False},
        ],
    }  # fmt: skip
    assert legal_scan({"summary": None}) == {"scanner": "D.26/1", "terms": [], "matches": []}
    # A term found in two fields is one term, two matches.
    twice = legal_scan({"a": "damages", "b": "damages"})
    assert (twice["terms"], len(twice["matches"])) == (["damages"], 2)


def test_a_communication_is_scanned_with_its_enclosures_titles__XC_RSK_004() -> None:
    docs = [{"title": "Medical records"}, {"title": "Pre-action protocol letter"}]
    assert communication_texts("Summary", docs) == {
        "summary": "Summary",
        "documents[0].title": "Medical records",
        "documents[1].title": "Pre-action protocol letter",
    }
    assert communication_texts(None, None) == {"summary": None}
    row = _comm("inbound", "email", None, documents=docs)
    assert scan_communication(row) == ["pre_action_protocol"]
    assert row.legal_scan is not None
    assert row.legal_scan["matches"][0]["field"] == "documents[1].title"


def test_a_contact_attempt_is_scanned_when_it_has_notes__XC_RSK_004() -> None:
    row = _attempt("Says they will start legal proceedings")
    assert scan_contact_attempt(row) == ["legal_proceedings"]
    assert row.legal_scan is not None
    assert row.legal_scan["matches"][0]["field"] == "notes"
    bare = _attempt(None)
    assert scan_contact_attempt(bare) == []
    assert bare.legal_scan is None
    quiet = _attempt("No answer")
    assert scan_contact_attempt(quiet) == []
    assert quiet.legal_scan == {"scanner": "D.26/1", "terms": [], "matches": []}


def test_a_row_is_refused_unless_the_kit_scanned_its_text__XC_RSK_004() -> None:
    def check(row: Any) -> None:
        kit._communication_inserted(None, None, row)

    row = _comm("inbound", "letter", "judicial review")
    with pytest.raises(UnscannedCorrespondence):
        check(row)  # not scanned
    row.legal_scan = {"scanner": "D.26/1", "terms": [], "matches": []}
    with pytest.raises(UnscannedCorrespondence):
        check(row)  # a scan filled by hand
    scan_communication(row)
    check(row)  # the kit's scan
    row.summary = "legal proceedings"
    with pytest.raises(UnscannedCorrespondence):
        check(row)  # the text changed after the scan
    # Our own letter must carry no scan; a scan on it is not the kit's either.
    ours = _comm("outbound", "letter", "judicial review")
    check(ours)
    ours.legal_scan = legal_scan({"summary": "judicial review"})
    with pytest.raises(UnscannedCorrespondence):
        check(ours)

    attempt = _attempt("letter before action")
    with pytest.raises(UnscannedCorrespondence):
        kit._contact_attempt_inserted(None, None, attempt)
    scan_contact_attempt(attempt)
    kit._contact_attempt_inserted(None, None, attempt)
    kit._contact_attempt_inserted(None, None, _attempt(None))


def test_the_tables_check_states_when_a_scan_is_required__XC_RSK_004() -> None:
    comm = str(legal_scan_checks("communication").sqltext)
    assert "direction = 'inbound' OR medium = 'telephone'" in comm
    assert "legal_scan IS NOT NULL" in comm
    attempt = str(legal_scan_checks("contact_attempt").sqltext)
    assert "notes IS NOT NULL" in attempt
    assert legal_scan_checks("communication").name == "legal_scan_present"
