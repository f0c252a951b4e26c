"""The intake lifecycle through HTTP, with the walk-through's API helpers: status codes, problem
types, the ``missing`` lists naming requirement IDs, and the stored, audit and outbox rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import pytest
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import (
    CaseLink,
    Channel,
    Communication,
    ContactAttempt,
    Deadline,
    DeadlineExtension,
    DeadlineKind,
    PreviousContactCheck,
)
from intake_api.people.models import ContactMethod
from shared.audit import AuditEntry
from shared.clock import FixedClock
from shared.outbox.models import OutboxEvent
from tests.helpers import NOW_ISO, TODAY_ISO
from tests.intake.api import (
    FACTS,
    Api,
    JsonDict,
    new_organisation,
    new_person,
    open_case,
    patch_case,
    talk_and_acknowledge,
    triage,
)
from tests.intake.builders import IC, make_case, make_organisation, make_person, person_json
from tests.intake.cases.helpers import get_list, missing, problem

Headers = Callable[..., dict[str, str]]
T = TypeVar("T")

IC_2, OM = "ic-chris", "om-bob"  # IC, "ic-alice", is the caseworker ``api`` acts as

FURTHER_INFORMATION_REQUIRED = "further information required"
NOT_IN_WRITING = "Not properly made - not in writing"
WITHDRAWN = "withdrawn"


def on(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


async def fetch(session: AsyncSession, stmt: Select[T]) -> Sequence[T]:
    # populate_existing: the app changed these rows in its own session since we last looked.
    return (await session.scalars(stmt.execution_options(populate_existing=True))).all()


async def outbox(
    session: AsyncSession, case_id: str, *, with_created: bool = False
) -> Sequence[OutboxEvent]:
    """The case's events after ``intake.case.created`` (which every case emits first)."""
    stmt = select(OutboxEvent).where(OutboxEvent.case_id == uuid.UUID(case_id))
    if not with_created:
        stmt = stmt.where(OutboxEvent.type != "intake.case.created")
    return await fetch(session, stmt.order_by(OutboxEvent.position))


async def audit(session: AsyncSession, case_id: str) -> Sequence[AuditEntry]:
    stmt = select(AuditEntry).where(AuditEntry.case_id == uuid.UUID(case_id))
    return await fetch(session, stmt.order_by(AuditEntry.id))


async def deadlines(session: AsyncSession, case_id: str, kind: DeadlineKind) -> Sequence[Deadline]:
    stmt = select(Deadline).where(Deadline.case_id == uuid.UUID(case_id), Deadline.kind == kind)
    return await fetch(session, stmt)


async def health_case(
    api: Api,
    session: AsyncSession,
    *,
    given: str = "Alex",
    channel: str = "online_form",
    **person_extra: Any,
) -> tuple[JsonDict, JsonDict]:
    """A health complaint in intake, owned by IC, with its complainant and an NHS trust: built
    in the database (``tests.intake.builders``), as ``health_case_over_http`` makes it."""
    if "preferred_contact_method" in person_extra:
        person_extra["preferred_contact_method"] = ContactMethod(
            person_extra["preferred_contact_method"]
        )
    person = await make_person(session, given_name=given, **person_extra)
    org = await make_organisation(session)
    case = await make_case(
        session, parties=[person], organisations=[org], channel=Channel(channel), owner=IC
    )
    return {"id": str(case.id), "reference": case.reference}, person_json(person)


async def health_case_over_http(api: Api) -> tuple[JsonDict, JsonDict]:
    """A health complaint in intake with its complainant and an NHS trust, through the API (for
    a test of the audit trail, which the builders do not write for parties and organisations)."""
    person = await new_person(api, "Alex")
    org = await new_organisation(api, "Exampleshire Hospitals NHS Trust", "nhs_trust", "health")
    case = await open_case(
        api, channel="online_form", jurisdiction="health", received_date=TODAY_ISO,
        person=person, organisation=org,
    )  # fmt: skip
    return case, person


async def send(
    api: Api,
    cid: str,
    *,
    purpose: str,
    to: Sequence[str],
    medium: str = "letter",
    direction: str = "outbound",
    at: str = NOW_ISO,
) -> JsonDict:
    body = {
        "medium": medium,
        "direction": direction,
        "purpose": purpose,
        "occurred_at": at,
        "recipients": [{"person_id": p} for p in to],
    }
    return await api.call("POST", f"/v1/cases/{cid}/communications", json=body, expect=201)


async def close(api: Api, cid: str, code: str, *, expect: int = 200, **extra: Any) -> JsonDict:
    body = {"closure_code": code, "reasons": f"Closing as '{code}' (example)", **extra}
    return await api.call("POST", f"/v1/cases/{cid}/close", json=body, expect=expect)


async def refer(api: Api, cid: str, *, expect: int = 200) -> JsonDict:
    body = {"reason": "Ready for further consideration"}
    return await api.call("POST", f"/v1/cases/{cid}/refer", json=body, expect=expect)


async def make_ready(api: Api, cid: str, person_id: str) -> None:
    """Everything referral needs: contact, acknowledgement, the facts, properly made."""
    await talk_and_acknowledge(api, cid, person_id)
    await patch_case(api, cid, FACTS)
    await triage(api, cid)
    await api.call(
        "POST", f"/v1/cases/{cid}/properly-made",
        json={"properly_made": True, "reason": "Gates checked"},
    )  # fmt: skip


async def request_information(
    api: Api, cid: str, person_id: str, *, deadline: str, expect: int = 200
) -> JsonDict:
    email = await send(api, cid, purpose="information_request", medium="email", to=[person_id])
    body = {"communication_id": email["id"], "deadline": deadline, "reason": "Need the reply"}
    return await api.call("POST", f"/v1/cases/{cid}/information-request", json=body, expect=expect)


# ---------------------------------------------------------------------------------------------
# Receipt and the start of intake (T1, T2; INT-001…004)
# ---------------------------------------------------------------------------------------------


async def test_previous_contact_check_finds_earlier_cases_of_person_and_organisation__INT_001(
    api: Api, session: AsyncSession
) -> None:
    person, other = await new_person(api, "Robin"), await new_person(api, "Kim")
    org = await new_organisation(api, "Exampleshire Trust", "nhs_trust", "health")
    other_org = await new_organisation(api, "Sample GP", "family_health_service_provider", "health")
    earlier: dict[str, Any] = {
        "channel": "letter",
        "jurisdiction": "health",
        "received_date": "2026-10-01",
    }
    same_person = await open_case(api, person=person, organisation=other_org, **earlier)
    same_org = await open_case(api, person=other, organisation=org, **earlier)
    await open_case(api, person=other, organisation=other_org, **earlier)  # neither

    check = await api.call(
        "POST", "/v1/previous-contact-checks",
        json={"person_id": person["id"], "organisation_ids": [org["id"]]}, expect=201,
    )  # fmt: skip

    matches = {m["reference"]: m for m in check["matches"]}
    assert set(matches) == {same_person["reference"], same_org["reference"]}
    assert matches[same_person["reference"]]["same_person"] is True
    assert matches[same_person["reference"]]["same_organisation"] is False
    assert matches[same_org["reference"]]["same_person"] is False
    assert matches[same_org["reference"]]["same_organisation"] is True
    assert check["done_by"] == IC
    stored = await session.get(PreviousContactCheck, uuid.UUID(check["id"]))
    assert stored is not None
    assert stored.matches == check["matches"]
    assert stored.person_id == uuid.UUID(person["id"])


async def test_each_previous_contact_check_is_audited_who_for_whom_and_what_it_showed__INT_001(
    api: Api, session: AsyncSession
) -> None:
    """A search of a person's history is an access to personal data: it is on the audit trail."""
    person = await new_person(api, "Robin")
    org = await new_organisation(api, "Exampleshire Trust", "nhs_trust", "health")
    earlier = await open_case(
        api, person=person, organisation=org, channel="letter", jurisdiction="health",
        received_date="2026-10-01",
    )  # fmt: skip
    body = {"person_id": person["id"], "organisation_ids": [org["id"]]}
    key = {"Idempotency-Key": f"check-{uuid.uuid4()}"}

    check = await api.call(
        "POST", "/v1/previous-contact-checks", json=body, headers=key, expect=201
    )
    # A replay answers from the stored response: the search is not run again, nor audited again.
    replay = await api.call(
        "POST", "/v1/previous-contact-checks", json=body, headers=key, expect=201
    )
    again = await api.call("POST", "/v1/previous-contact-checks", json=body, expect=201)

    rows = await fetch(
        session,
        select(AuditEntry)
        .where(AuditEntry.entity_type == "previous_contact_check")
        .where(AuditEntry.entity_id.in_([uuid.UUID(check["id"]), uuid.UUID(again["id"])]))
        .order_by(AuditEntry.id),
    )
    assert replay["id"] == check["id"]
    assert [(r.entity_id, r.actor, r.action, r.case_id) for r in rows] == [
        (uuid.UUID(check["id"]), IC, "previous_contact_check.run", None),
        (uuid.UUID(again["id"]), IC, "previous_contact_check.run", None),
    ]
    assert rows[0].after == {
        "person_id": person["id"],
        "organisation_ids": [org["id"]],
        "matched_case_ids": [earlier["id"]],
    }
    assert rows[0].reason == "INT-001: earlier contacts searched before intake"
    assert rows[0].occurred_at is not None


async def test_case_created_with_the_check_is_in_intake_owned_by_its_creator__INT_002(
    api: Api, session: AsyncSession
) -> None:
    person = await new_person(api, "Robin")
    check = await api.call(
        "POST", "/v1/previous-contact-checks", json={"person_id": person["id"]}, expect=201
    )

    case = await api.call(
        "POST", "/v1/cases",
        json={"case_type": "complaint", "channel": "letter", "jurisdiction": "health",
              "received_date": TODAY_ISO, "previous_contact_check_id": check["id"]},
        expect=201,
    )  # fmt: skip

    assert case["status"] == "intake"
    assert case["owner"] == IC
    assert case["created_by"] == IC
    assert case["previous_contact_check_id"] == check["id"]
    assert [(a.action, a.actor) for a in await audit(session, case["id"])] == [("case.created", IC)]
    assert [e.type for e in await outbox(session, case["id"], with_created=True)] == [
        "intake.case.created"
    ]


async def test_case_created_without_the_check_is_received_until_begin_intake__INT_001_T2(
    api: Api, session: AsyncSession, auth_headers: Headers
) -> None:
    case = await api.call(
        "POST", "/v1/cases",
        json={"case_type": "enquiry", "channel": "telephone", "received_date": TODAY_ISO},
        expect=201,
    )  # fmt: skip
    cid = case["id"]
    assert (case["status"], case["owner"]) == ("received", None)

    not_yet = await refer(api, cid, expect=409)
    unknown_check = await api.call(
        "POST", f"/v1/cases/{cid}/begin-intake",
        json={"previous_contact_check_id": str(uuid.uuid4())}, expect=404,
    )  # fmt: skip
    check = await api.call(
        "POST", "/v1/previous-contact-checks",
        json={"organisation_ids": [str(uuid.uuid4())]}, expect=201,
    )  # fmt: skip
    second = Api(api.http, auth_headers("intake_caseworker", sub=IC_2))
    started = await second.call(
        "POST", f"/v1/cases/{cid}/begin-intake", json={"previous_contact_check_id": check["id"]}
    )

    assert not_yet["type"] == problem("case-transition-not-allowed")
    assert not_yet["current_status"] == "received"
    assert unknown_check["type"] == problem("previous-contact-check-not-found")
    assert started["status"] == "intake"
    assert started["owner"] == IC_2  # INT-002: whoever takes it into intake owns it
    assert started["previous_contact_check_id"] == check["id"]
    assert [(a.action, a.actor, a.reason) for a in await audit(session, cid)] == [
        ("case.created", IC, "Request received"),
        ("case.intake_started", IC_2, "Previous-contact check done; self-assigned (INT-002)"),
    ]


async def test_copied_in_request_recorded_as_complaint_needs_a_reason__INT_004(
    api: Api,
) -> None:
    body = {"case_type": "complaint", "channel": "email", "received_date": TODAY_ISO,
            "copied_in_only": True}  # fmt: skip

    refused = await api.call("POST", "/v1/cases", json=body, expect=422)
    with_reason = await api.call(
        "POST", "/v1/cases",
        json={**body, "type_reason": "Disputes that local resolution is complete"}, expect=201,
    )  # fmt: skip
    enquiry = await api.call("POST", "/v1/cases", json={**body, "case_type": "enquiry"}, expect=201)

    assert refused["type"] == problem("validation-error")
    assert with_reason["copied_in_only"] is True
    assert with_reason["type_reason"] == "Disputes that local resolution is complete"
    assert enquiry["case_type"] == "enquiry"

    to_complaint = await api.call(
        "PATCH", f"/v1/cases/{enquiry['id']}", json={"case_type": "complaint"},
        headers={"If-Match": enquiry["_etag"]}, expect=422,
    )  # fmt: skip
    after = await api.call("GET", f"/v1/cases/{enquiry['id']}")

    assert to_complaint["type"] == problem("type-reason-required")
    assert after["case_type"] == "enquiry"
    assert after["version"] == enquiry["version"]


async def test_copied_in_request_is_proposed_as_an_enquiry__INT_004(api: Api) -> None:
    body = {"channel": "email", "received_date": TODAY_ISO, "copied_in_only": True}

    defaulted = await api.call("POST", "/v1/cases", json=body, expect=201)
    untyped = await api.call(
        "POST", "/v1/cases", json={**body, "copied_in_only": False}, expect=422
    )

    assert defaulted["case_type"] == "enquiry"
    assert defaulted["type_reason"] is None
    assert untyped["type"] == problem("validation-error")
    assert "INT-003" in str(untyped["errors"])  # a request someone asks us to act on needs a type


# ---------------------------------------------------------------------------------------------
# Properly made and referral (ASM-014/015/020, T13–T14)
# ---------------------------------------------------------------------------------------------


async def test_properly_made_refused_for_a_health_complaint_by_telephone__ASM_015(
    api: Api, session: AsyncSession
) -> None:
    case, _ = await health_case(api, session, channel="telephone")

    refused = await api.call(
        "POST", f"/v1/cases/{case['id']}/properly-made",
        json={"properly_made": True, "reason": "Looks fine"}, expect=422,
    )  # fmt: skip
    after = await api.call("GET", f"/v1/cases/{case['id']}")

    assert refused["type"] == problem("not-properly-made")
    assert missing(refused) == {("ASM-015", "in_writing")}
    assert after["properly_made"] is None


async def test_properly_made_refused_for_parliamentary_without_mp_referral__ASM_020(
    api: Api,
) -> None:
    person = await new_person(api, "Sam")
    org = await new_organisation(api, "Department for Examples", "government_department",
                              "parliamentary")  # fmt: skip
    case = await open_case(
        api, channel="letter", jurisdiction="parliamentary", received_date=TODAY_ISO, person=person,
        organisation=org,
    )  # fmt: skip
    await patch_case(api, case["id"], {"complaint_to_mp_in_writing": True, "reason": "From the MP"})

    refused = await api.call(
        "POST", f"/v1/cases/{case['id']}/properly-made",
        json={"properly_made": True, "reason": "Looks fine"}, expect=422,
    )  # fmt: skip

    assert refused["type"] == problem("not-properly-made")
    assert refused["missing"] == [
        {
            "requirement": "ASM-020",
            "item": "mp_referral",
            "detail": "MP referral incomplete (Legal): referring MP, aggrieved person's consent, "
            "MP's request that we investigate",
        }
    ]


async def test_refer_lists_every_missing_item_then_succeeds_once_they_are_met__INT_009_INT_020(
    api: Api, session: AsyncSession
) -> None:
    case, person = await health_case(api, session)
    cid = case["id"]

    blocked = await refer(api, cid, expect=422)

    assert blocked["type"] == problem("referral-blocked")
    assert missing(blocked) == {
        ("INT-009", "complaint_summary"),
        ("INT-009", "injustice_claimed"),
        ("INT-009", "outcome_sought"),
        ("INT-020", "routing"),
        ("INT-023", "triage_category"),
        ("INT-021", "checklist"),
        ("ASM-037", "readiness"),
        ("ASM-014", "properly_made"),
        ("INT-008", "acknowledgement"),
    }
    assert blocked["detail"] == "9 requirement(s) not met"
    assert await outbox(session, cid) == []

    await make_ready(api, cid, person["id"])
    referred = await refer(api, cid)

    assert referred["status"] == "referred"
    assert datetime.fromisoformat(referred["referred_at"]) == on(2)
    [event] = await outbox(session, cid)
    assert event.type == "intake.case.referred"
    assert event.actor == IC
    assert event.payload["reference"] == case["reference"]
    assert event.payload["route"] == "awaiting_allocation"
    assert event.payload["triage_category"] == "general"
    assert event.payload["priority"] == "standard"
    last = (await audit(session, cid))[-1]
    assert (last.action, last.actor, last.reason) == (
        "case.referred", IC, "Ready for further consideration"
    )  # fmt: skip
    [contact_clock] = await deadlines(session, cid, DeadlineKind.intake_contact)
    assert contact_clock.met_at == on(2)

    again = await refer(api, cid, expect=409)

    assert again["type"] == problem("case-transition-not-allowed")
    assert len(await outbox(session, cid)) == 1


# ---------------------------------------------------------------------------------------------
# Waiting for information (T4, T5, T6; INT-016)
# ---------------------------------------------------------------------------------------------


async def test_information_request_needs_an_outbound_email_and_a_deadline_within_a_week__INT_016(
    api: Api, session: AsyncSession
) -> None:
    case, person = await health_case(api, session)
    cid, pid = case["id"], person["id"]
    email = await send(api, cid, purpose="information_request", medium="email", to=[pid])
    letter = await send(api, cid, purpose="information_request", to=[pid])
    inbound = await send(api, cid, purpose="other", medium="email", direction="inbound", to=[])

    def asking(comm: JsonDict, deadline: str) -> JsonDict:
        return {"communication_id": comm["id"], "deadline": deadline, "reason": "Need the reply"}

    url = f"/v1/cases/{cid}/information-request"
    refused = [
        await api.call("POST", url, json=asking(letter, "2026-11-06"), expect=422),
        await api.call("POST", url, json=asking(inbound, "2026-11-06"), expect=422),
        await api.call("POST", url, json=asking(email, "2026-11-02"), expect=422),  # today
        await api.call("POST", url, json=asking(email, "2026-11-10"), expect=422),  # 8 days
    ]
    waiting = await api.call("POST", url, json=asking(email, "2026-11-09"))  # 7 days

    assert {r["type"] for r in refused} == {problem("information-deadline-invalid")}
    assert waiting["status"] == "awaiting_information"
    [deadline] = await deadlines(session, cid, DeadlineKind.information)
    assert deadline.due_date == date(2026, 11, 9)
    assert deadline.source_id == uuid.UUID(email["id"])
    assert await outbox(session, cid) == []


async def test_withdrawn_only_from_the_day_after_the_deadline__INT_016_T6(
    api: Api, session: AsyncSession, clock: FixedClock
) -> None:
    case, person = await health_case(api, session)
    cid = case["id"]
    await request_information(api, cid, person["id"], deadline="2026-11-06")

    clock.set(on(6, hour=17))
    on_the_day = await close(api, cid, WITHDRAWN, expect=422)
    clock.set(on(7, hour=9))
    next_day = await close(api, cid, WITHDRAWN)

    assert on_the_day["type"] == problem("closure-blocked")
    assert missing(on_the_day) == {("INT-016", "deadline")}
    assert next_day["status"] == "closed"
    assert next_day["closure_code"] == WITHDRAWN
    [event] = await outbox(session, cid)
    assert event.type == "intake.case.closed"
    assert event.payload == {"reference": case["reference"], "closure_code": WITHDRAWN}
    [deadline] = await deadlines(session, cid, DeadlineKind.information)
    assert deadline.cancelled_at == on(7, hour=9)


async def test_withdrawn_after_an_extension_only_from_the_day_after_it__INT_016(
    api: Api, session: AsyncSession, clock: FixedClock
) -> None:
    case, person = await health_case(api, session)
    cid = case["id"]
    await request_information(api, cid, person["id"], deadline="2026-11-05")
    url = f"/v1/cases/{cid}/information-deadline/extensions"

    not_later = await api.call(
        "POST", url, json={"new_due_date": "2026-11-05", "reason": "Asked for more time"},
        expect=422,
    )  # fmt: skip
    await api.call(
        "POST", url,
        json={"new_due_date": "2026-11-09", "reason": "Needs an advocate's help",
              "is_reasonable_adjustment": True},
        expect=201,
    )  # fmt: skip

    blocked = []
    for day in (6, 9):  # the day after the original deadline; the extended deadline itself
        clock.set(on(day))
        blocked.append(await close(api, cid, WITHDRAWN, expect=422))
    clock.set(on(10))
    closed = await close(api, cid, WITHDRAWN)

    assert not_later["type"] == problem("information-deadline-invalid")
    assert [missing(b) for b in blocked] == [{("INT-016", "deadline")}] * 2
    assert closed["status"] == "closed"
    [deadline] = await deadlines(session, cid, DeadlineKind.information)
    assert deadline.due_date == date(2026, 11, 5)  # the original is never overwritten
    [extension] = await fetch(
        session, select(DeadlineExtension).where(DeadlineExtension.deadline_id == deadline.id)
    )
    assert extension.new_due_date == date(2026, 11, 9)
    assert extension.is_reasonable_adjustment is True
    assert extension.granted_by == IC


async def test_information_received_after_the_deadline_returns_the_case_to_intake__INT_016_T5(
    api: Api, session: AsyncSession, clock: FixedClock
) -> None:
    case, person = await health_case(api, session)
    cid = case["id"]
    await request_information(api, cid, person["id"], deadline="2026-11-05")

    clock.set(on(8))
    back = await api.call(
        "POST", f"/v1/cases/{cid}/information-received", json={"reason": "Form arrived by post"}
    )

    assert back["status"] == "intake"
    [deadline] = await deadlines(session, cid, DeadlineKind.information)
    assert deadline.met_at == on(8)
    last = (await audit(session, cid))[-1]
    assert (last.action, last.reason) == ("case.information_received", "Form arrived by post")
    assert await outbox(session, cid) == []


# ---------------------------------------------------------------------------------------------
# Special handling (INT-025)
# ---------------------------------------------------------------------------------------------


async def test_asking_again_supersedes_the_undecided_request_and_one_decision_stands__XC_ROL_002(
    api: Api, session: AsyncSession, auth_headers: Headers
) -> None:
    case, _ = await health_case(api, session)
    cid = case["id"]
    ask = f"/v1/cases/{cid}/priority-request"
    decide = f"/v1/cases/{cid}/priority-decision"
    om = auth_headers("operations_manager", sub=OM)

    await api.call("POST", ask, json={"reason": "Terminal illness"})
    await api.call("POST", ask, json={"reason": "Terminal illness; consultant's letter attached"})
    await api.call("POST", decide, json={"approve": False, "reason": "Not exceptional"}, headers=om)
    again = await api.call(
        "POST", decide, json={"approve": True, "reason": "Changed my mind"}, headers=om, expect=409
    )
    approvals = await get_list(api, f"/v1/cases/{cid}/approvals")
    by_reason = {a["request_reason"]: a for a in approvals}
    first = by_reason["Terminal illness"]
    second = by_reason["Terminal illness; consultant's letter attached"]

    assert len(approvals) == 2
    assert first["decision"] == "superseded"
    assert first["decided_by"] is None
    assert (second["decision"], second["decided_by"]) == ("refused", OM)
    assert second["decision_reason"] == "Not exceptional"
    assert again["type"] == problem("priority-not-requested")


async def test_priority_needs_another_persons_operations_manager_approval__INT_025(
    api: Api, session: AsyncSession, auth_headers: Headers
) -> None:
    case, person = await health_case(api, session)
    cid = case["id"]
    await make_ready(api, cid, person["id"])
    decide = f"/v1/cases/{cid}/priority-decision"
    approve = {"approve": True, "reason": "Terminal illness; agreed"}

    requested = await api.call(
        "POST", f"/v1/cases/{cid}/priority-request",
        json={"reason": "Terminal illness; discussed with my manager"},
    )  # fmt: skip
    before_approval = await refer(api, cid, expect=422)
    own = await api.call(
        "POST", decide, json=approve, headers=auth_headers("operations_manager", sub=IC),
        expect=403,
    )  # fmt: skip
    peer = await api.call(
        "POST", decide, json=approve, headers=auth_headers("intake_caseworker", sub=IC_2),
        expect=403,
    )  # fmt: skip
    approved = await api.call(
        "POST", decide, json=approve, headers=auth_headers("operations_manager", sub=OM)
    )
    referred = await refer(api, cid)

    assert (requested["priority"], requested["priority_requested_by"]) == ("standard", IC)
    assert before_approval["type"] == problem("referral-blocked")
    assert missing(before_approval) == {("INT-025", "priority")}
    assert own["type"] == problem("approver-is-requester")
    assert peer["type"] == problem("forbidden")
    assert approved["priority"] == "high"
    assert approved["priority_approved_by"] == OM
    assert datetime.fromisoformat(approved["priority_approved_at"]) == on(2)
    assert referred["status"] == "referred"
    # XC-ROL: the approval is a record of its own: who asked, who decided, with which roles.
    [approval] = await get_list(api, f"/v1/cases/{cid}/approvals")
    assert approval["kind"] == "special_handling"
    assert approval["requested_by"] == IC
    assert approval["request_reason"] == "Terminal illness; discussed with my manager"
    assert (approval["decision"], approval["decided_by"]) == ("approved", OM)
    assert approval["decided_by_roles"] == ["operations_manager"]
    assert datetime.fromisoformat(approval["decided_at"]) == on(2)
    [event] = await outbox(session, cid)
    assert event.payload["priority"] == "high"
    trail = [(a.action, a.actor) for a in await audit(session, cid)]
    assert ("case.priority_requested", IC) in trail
    assert ("case.priority_approved", OM) in trail


# ---------------------------------------------------------------------------------------------
# Contacts and letters (INT-006, INT-048)
# ---------------------------------------------------------------------------------------------


async def test_letter_to_a_prisoner_carries_the_confidential_header_and_number__INT_048(
    api: Api, session: AsyncSession
) -> None:
    case, prisoner = await health_case(api, session, given="Lee", prison_number="A1234BC")
    other = await new_person(api, "Jo")

    to_prisoner = await send(api, case["id"], purpose="acknowledgement", to=[prisoner["id"]])
    to_other = await send(api, case["id"], purpose="party_contact", to=[other["id"]])

    assert to_prisoner["headers"] == [
        "confidential access rights apply",
        "Prison number: A1234BC",
    ]
    assert to_other["headers"] == []
    stored = await session.get(Communication, uuid.UUID(to_prisoner["id"]))
    assert stored is not None
    assert stored.headers == to_prisoner["headers"]


async def test_telephone_attempt_against_an_email_preference_needs_a_reason__INT_006(
    api: Api, session: AsyncSession
) -> None:
    case, person = await health_case(api, session, given="Pat", preferred_contact_method="email")
    url = f"/v1/cases/{case['id']}/contact-attempts"
    call = {"person_id": person["id"], "channel": "telephone", "attempted_at": NOW_ISO,
            "outcome": "no_answer"}  # fmt: skip

    refused = await api.call("POST", url, json=call, expect=422)
    attempts = await fetch(
        session, select(ContactAttempt).where(ContactAttempt.case_id == uuid.UUID(case["id"]))
    )
    with_reason = await api.call(
        "POST", url, json={**call, "channel_override_reason": "Urgent: deadline tomorrow"},
        expect=201,
    )  # fmt: skip
    by_email = await api.call("POST", url, json={**call, "channel": "email"}, expect=201)

    assert refused["type"] == problem("channel-override-required")
    assert missing(refused) == {("INT-006", "channel_override_reason")}
    assert attempts == []
    assert with_reason["channel_override_reason"] == "Urgent: deadline tomorrow"
    assert by_email["channel_override_reason"] is None


async def test_without_a_preference_the_first_attempt_is_by_telephone__INT_006(
    api: Api, session: AsyncSession
) -> None:
    case, person = await health_case(api, session, given="Ali")
    url = f"/v1/cases/{case['id']}/contact-attempts"
    attempt = {"person_id": person["id"], "channel": "email", "attempted_at": NOW_ISO,
               "outcome": "written_no_reply"}  # fmt: skip

    by_email = await api.call("POST", url, json=attempt, expect=422)
    await api.call("POST", url, json={**attempt, "channel": "telephone"}, expect=201)

    assert by_email["type"] == problem("channel-override-required")


# ---------------------------------------------------------------------------------------------
# Closure (T3, T7, T8, T10) and returning complainants (T9, T51–T55, G-10)
# ---------------------------------------------------------------------------------------------


async def test_decline_without_any_contact_is_blocked__INT_005_ASM_042(
    api: Api, session: AsyncSession
) -> None:
    case, _ = await health_case(api, session)

    blocked = await close(api, case["id"], "premature", decision_channel="telephone",
                          expect=422)  # fmt: skip

    assert blocked["type"] == problem("closure-blocked")
    assert missing(blocked) == {("INT-005", "contact"), ("ASM-042", "time_limit")}
    assert (await api.call("GET", f"/v1/cases/{case['id']}"))["status"] == "intake"
    assert await outbox(session, case["id"]) == []


async def test_further_information_required_restarts_with_the_same_reference__INT_019(
    api: Api, session: AsyncSession
) -> None:
    case, person = await health_case(api, session)
    cid = case["id"]
    await send(api, cid, purpose="further_information_request", to=[person["id"]])
    await close(api, cid, FURTHER_INFORMATION_REQUIRED)

    restarted = await api.call(
        "POST", f"/v1/cases/{cid}/restart",
        json={"progress_since_previous_decision": "The signed complaint form arrived",
              "reason": "Complainant returned the form"},
    )  # fmt: skip

    assert restarted["reference"] == case["reference"]
    assert restarted["status"] == "intake"
    assert restarted["closure_code"] is None
    assert restarted["owner"] == IC
    events = await outbox(session, cid)
    assert [e.type for e in events] == ["intake.case.closed", "intake.case.restarted"]
    assert events[1].payload == {
        "reference": case["reference"],
        "previous_closure_code": FURTHER_INFORMATION_REQUIRED,
    }
    timeline = await get_list(api, f"/v1/cases/{cid}/timeline")
    [closed] = [e for e in timeline if e["action"] == "case.closed"]
    assert closed["after"]["closure_code"] == FURTHER_INFORMATION_REQUIRED  # kept in history
    assert timeline[-1]["action"] == "case.restarted"
    assert "The signed complaint form arrived" in timeline[-1]["reason"]


@pytest.mark.parametrize("progress", [None, "   "], ids=["none", "blank"])
async def test_restart_without_progress_is_refused__ASM_034(
    api: Api, session: AsyncSession, progress: str | None
) -> None:
    case, person = await health_case(api, session)
    cid = case["id"]
    await send(api, cid, purpose="further_information_request", to=[person["id"]])
    await close(api, cid, FURTHER_INFORMATION_REQUIRED)

    refused = await api.call(
        "POST", f"/v1/cases/{cid}/restart",
        json={"progress_since_previous_decision": progress, "reason": "Complainant rang"},
        expect=422,
    )  # fmt: skip

    assert refused["type"] == problem("restart-needs-progress")
    assert refused["log_contact"] == f"/v1/cases/{cid}/communications"
    # Only a contact log entry is allowed: it is recorded on the closed case, which stays closed.
    await api.call(
        "POST", refused["log_contact"],
        json={"medium": "telephone", "direction": "inbound", "purpose": "party_contact",
              "occurred_at": NOW_ISO, "from_person_id": person["id"],
              "summary": "Rang again; nothing new since the decision"},
        expect=201,
    )  # fmt: skip
    after = await api.call("GET", f"/v1/cases/{cid}")
    assert (after["status"], after["closure_code"]) == ("closed", FURTHER_INFORMATION_REQUIRED)
    assert [e.type for e in await outbox(session, cid)] == ["intake.case.closed"]
    timeline = await get_list(api, f"/v1/cases/{cid}/timeline")
    assert timeline[-1]["action"] == "case.communication_recorded"


async def test_withdrawn_is_not_restarted_but_returns_as_a_new_linked_case__T54(
    api: Api, session: AsyncSession
) -> None:
    case, person = await health_case(api, session)
    cid = case["id"]
    # INT-017 is the no-email route: this complainant has no email address on record.
    current = await api.call("GET", f"/v1/people/{person['id']}")
    await api.call(
        "PATCH", f"/v1/people/{person['id']}", json={"emails": []},
        headers={"If-Match": current["_etag"]},
    )  # fmt: skip
    await send(api, cid, purpose="information_request", to=[person["id"]])
    await close(api, cid, WITHDRAWN)

    refused = await api.call(
        "POST", f"/v1/cases/{cid}/restart",
        json={"progress_since_previous_decision": "Sent the papers", "reason": "Came back"},
        expect=422,
    )  # fmt: skip
    new = await api.call(
        "POST", f"/v1/cases/{cid}/return-as-new-case",
        json={"link_reason": "contact_after_withdrawn", "channel": "email",
              "received_date": TODAY_ISO, "reason": "Complainant came back with the papers"},
        expect=201,
    )  # fmt: skip

    assert refused["type"] == problem("restart-not-allowed")
    assert new["id"] != cid
    assert new["reference"] != case["reference"]
    assert new["status"] == "received"
    old = await api.call("GET", f"/v1/cases/{cid}")
    assert (old["status"], old["closure_code"]) == ("closed", WITHDRAWN)
    [link] = await get_list(api, f"/v1/cases/{cid}/links")
    assert (link["earlier_case_id"], link["later_case_id"]) == (cid, new["id"])
    assert link["reason"] == "contact_after_withdrawn"
    later_id = uuid.UUID(new["id"])
    [stored] = await fetch(session, select(CaseLink).where(CaseLink.later_case_id == later_id))
    assert stored.created_by == IC
    new_parties = await get_list(api, f"/v1/cases/{new['id']}/parties")
    assert [(p["person_id"], p["role"]) for p in new_parties] == [(person["id"], "complainant")]


async def test_not_in_writing_may_return_as_new_case_or_restart__G10_T53_T55_ASM_035(
    api: Api, session: AsyncSession
) -> None:
    """G-10: the caseworker chooses one of the two, once; the other is then refused."""
    returned, person = await health_case(api, session, channel="telephone")
    restarted_case, person_2 = await health_case(api, session, given="Blair", channel="telephone")
    for case, who in ((returned, person), (restarted_case, person_2)):
        await talk_and_acknowledge(api, case["id"], who["id"])
        await close(api, case["id"], NOT_IN_WRITING, decision_channel="telephone")

    new = await api.call(
        "POST", f"/v1/cases/{returned['id']}/return-as-new-case",
        json={"link_reason": "returned_in_writing", "channel": "online_form",
              "received_date": TODAY_ISO, "reason": "Same complaint, now in writing"},
        expect=201,
    )  # fmt: skip
    restarted = await api.call(
        "POST", f"/v1/cases/{restarted_case['id']}/restart",
        json={"progress_since_previous_decision": "Now made in writing on the online form",
              "reason": "Restart with a new decision (¶2.63)"},
    )  # fmt: skip
    restart_after_return = await api.call(
        "POST", f"/v1/cases/{returned['id']}/restart",
        json={"progress_since_previous_decision": "Now in writing", "reason": "Again"},
        expect=422,
    )  # fmt: skip
    second_return = await api.call(
        "POST", f"/v1/cases/{returned['id']}/return-as-new-case",
        json={"link_reason": "returned_in_writing", "channel": "email",
              "received_date": TODAY_ISO, "reason": "Same complaint again"},
        expect=422,
    )  # fmt: skip

    assert new["reference"] != returned["reference"]
    assert restarted["reference"] == restarted_case["reference"]
    assert restarted["status"] == "intake"
    assert restart_after_return["type"] == second_return["type"] == problem("restart-not-allowed")
    events = await outbox(session, restarted_case["id"])
    assert [e.type for e in events] == ["intake.case.closed", "intake.case.restarted"]
    assert events[1].payload["previous_closure_code"] == NOT_IN_WRITING


async def test_premature_restarts_and_does_not_return_as_a_new_case__ASM_035(
    api: Api, session: AsyncSession
) -> None:
    case, person = await health_case(api, session)
    cid = case["id"]
    await talk_and_acknowledge(api, cid, person["id"])
    await close(api, cid, "Premature: local resolution ongoing", decision_channel="telephone",
                time_limit_explained=True)  # fmt: skip

    as_new = await api.call(
        "POST", f"/v1/cases/{cid}/return-as-new-case",
        json={"link_reason": "other", "channel": "letter", "received_date": TODAY_ISO,
              "reason": "Local resolution finished"},
        expect=422,
    )  # fmt: skip
    restarted = await api.call(
        "POST", f"/v1/cases/{cid}/restart",
        json={"progress_since_previous_decision": "The trust's final response arrived",
              "reason": "Now ready"},
    )  # fmt: skip

    assert as_new["type"] == problem("restart-not-allowed")
    assert restarted["status"] == "intake"
    assert [e.type for e in await outbox(session, cid)] == [
        "intake.case.closed",
        "intake.case.restarted",
    ]


async def test_restart_starts_the_two_week_intake_clock_again__INT_008_ASM_035(
    api: Api, session: AsyncSession, clock: FixedClock
) -> None:
    case, person = await health_case(api, session)
    cid = case["id"]
    await talk_and_acknowledge(api, cid, person["id"])
    await close(api, cid, "premature", decision_channel="telephone", time_limit_explained=True)
    clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))  # five weeks after receipt
    await api.call(
        "POST", f"/v1/cases/{cid}/restart",
        json={"progress_since_previous_decision": "The trust's final response arrived",
              "reason": "Now ready"},
    )  # fmt: skip

    clocks = await fetch(
        session,
        select(Deadline)
        .where(Deadline.case_id == uuid.UUID(cid), Deadline.kind == DeadlineKind.intake_contact)
        .order_by(Deadline.starts_on),
    )

    first, again = clocks
    assert first.cancelled_at is not None  # closing stopped the first one
    assert (again.starts_on, again.due_date) == (date(2026, 12, 7), date(2026, 12, 21))
    assert again.met_at is None
    assert again.cancelled_at is None


# ---------------------------------------------------------------------------------------------
# Timeline and concurrency
# ---------------------------------------------------------------------------------------------


async def test_timeline_is_the_audit_history_in_order_with_actors_and_reasons__XC_AUD(
    api: Api, auth_headers: Headers
) -> None:
    case, _ = await health_case_over_http(api)
    cid = case["id"]
    await patch_case(api, cid, FACTS)
    await api.call("POST", f"/v1/cases/{cid}/priority-request", json={"reason": "Terminal illness"})
    await api.call(
        "POST", f"/v1/cases/{cid}/priority-decision", json={"approve": True, "reason": "Agreed"},
        headers=auth_headers("operations_manager", sub=OM),
    )  # fmt: skip

    auditor = Api(api.http, auth_headers("auditor", sub="auditor-1"))
    timeline = await get_list(auditor, f"/v1/cases/{cid}/timeline")

    assert [(e["action"], e["actor"], e["reason"]) for e in timeline] == [
        ("case.created", IC, "Request received"),
        ("case.party_added", IC, None),
        ("case.organisation_added", IC, None),
        ("case.updated", IC, "Facts from the intake conversation"),
        # XC-ROL: the request and the manager's decision are each their own audited act.
        ("case.approval_requested", IC, None),
        ("case.priority_requested", IC, "Terminal illness"),
        ("case.approval_decided", OM, "Agreed"),
        ("case.priority_approved", OM, "Agreed"),
    ]
    updated = timeline[3]
    assert updated["before"]["complaint_summary"] is None
    assert updated["after"]["complaint_summary"] == FACTS["complaint_summary"]
    times = [datetime.fromisoformat(e["at"]) for e in timeline]
    assert times == sorted(times)


async def test_closing_twice_is_409(api: Api, session: AsyncSession) -> None:
    case, person = await health_case(api, session)
    cid = case["id"]
    await send(api, cid, purpose="further_information_request", to=[person["id"]])
    await close(api, cid, FURTHER_INFORMATION_REQUIRED)

    again = await close(api, cid, FURTHER_INFORMATION_REQUIRED, expect=409)

    assert again["type"] == problem("case-transition-not-allowed")
    assert again["current_status"] == "closed"
    assert [e.type for e in await outbox(session, cid)] == ["intake.case.closed"]


async def test_patch_without_if_match_is_428_and_with_a_stale_one_412(
    api: Api, session: AsyncSession
) -> None:
    case, _ = await health_case(api, session)
    url = f"/v1/cases/{case['id']}"
    first = await api.call("GET", url)

    no_header = await api.call("PATCH", url, json={"outcome_sought": "An apology"}, expect=428)
    fresh = await api.call(
        "PATCH", url, json={"outcome_sought": "An apology"}, headers={"If-Match": first["_etag"]}
    )
    stale = await api.call(
        "PATCH", url, json={"outcome_sought": "Money"}, headers={"If-Match": first["_etag"]},
        expect=412,
    )  # fmt: skip
    stale_close = await api.call(
        "POST", f"{url}/close", json={"closure_code": WITHDRAWN, "reasons": "Withdrawn by them"},
        headers={"If-Match": first["_etag"]}, expect=412,
    )  # fmt: skip

    assert no_header["type"] == problem("if-match-required")
    assert fresh["_etag"] != first["_etag"]
    assert stale["type"] == problem("etag-mismatch")
    assert stale["current_etag"] == fresh["_etag"]
    assert stale_close["type"] == problem("etag-mismatch")
    assert (await api.call("GET", url))["outcome_sought"] == "An apology"


# ---------------------------------------------------------------------------------------------
# ASM-039: an audio-only NHS response; the follow-up task
# ---------------------------------------------------------------------------------------------


async def _audio_only_case(api: Api, session: AsyncSession) -> tuple[str, str, str]:
    case, person = await health_case(api, session)
    cid = case["id"]
    await talk_and_acknowledge(api, cid, person["id"])
    await patch_case(api, cid, {"org_response_format": "audio_only"})
    [org] = await get_list(api, f"/v1/cases/{cid}/organisations")
    return cid, person["id"], org["organisation_id"]


async def _ask_org(api: Api, cid: str, org_id: str) -> JsonDict:
    body = {"medium": "email", "direction": "outbound", "purpose": "written_response_request",
            "occurred_at": NOW_ISO, "recipients": [{"organisation_id": org_id}]}  # fmt: skip
    return await api.call("POST", f"/v1/cases/{cid}/communications", json=body, expect=201)


async def test_premature_after_audio_only_response_leaves_a_task__ASM_039(
    api: Api, session: AsyncSession
) -> None:
    cid, _, org_id = await _audio_only_case(api, session)
    blocked = await refer(api, cid, expect=422)
    await close(api, cid, "premature", decision_channel="telephone", time_limit_explained=True)

    [task] = await get_list(api, f"/v1/cases/{cid}/tasks")
    queue = await api.call("GET", "/v1/work-queues/open-tasks", params={"owner": IC, "limit": 100})

    assert {"requirement": "ASM-039", "item": "org_response"} in [
        {k: m[k] for k in ("requirement", "item")} for m in blocked["missing"]
    ]
    assert (task["kind"], task["organisation_id"], task["done_at"]) == (
        "request_written_response", org_id, None,
    )  # fmt: skip
    assert task["rule"].startswith("ASM-039")
    assert task["id"] in [i["task_id"] for i in queue["items"]]

    # Logging the request to the organisation does the task, and it leaves the queue.
    email = await _ask_org(api, cid, org_id)
    [done] = await get_list(api, f"/v1/cases/{cid}/tasks")
    queue = await api.call("GET", "/v1/work-queues/open-tasks", params={"owner": IC, "limit": 100})
    again = await api.call(
        "POST", f"/v1/cases/{cid}/tasks/{task['id']}/complete", json={"note": "Asked again"},
        expect=409,
    )  # fmt: skip

    assert done["communication_id"] == email["id"]
    assert done["done_by"] == IC
    assert task["id"] not in [i["task_id"] for i in queue["items"]]
    assert again["type"] == problem("task-already-done")
    actions = [e["action"] for e in await get_list(api, f"/v1/cases/{cid}/timeline")]
    assert actions[-3:] == ["case.task_created", "case.communication_recorded", "case.task_done"]


async def test_request_logged_before_closing_is_the_task_done__ASM_039(
    api: Api, session: AsyncSession
) -> None:
    cid, _, org_id = await _audio_only_case(api, session)
    email = await _ask_org(api, cid, org_id)
    await close(api, cid, "Premature: local resolution ongoing", decision_channel="telephone",
                time_limit_explained=True)  # fmt: skip

    [task] = await get_list(api, f"/v1/cases/{cid}/tasks")

    assert task["communication_id"] == email["id"]
    assert task["done_at"] is not None


async def test_task_done_by_hand_needs_a_note__ASM_039(
    api: Api, auth_headers: Any, session: AsyncSession
) -> None:
    cid, _, _ = await _audio_only_case(api, session)
    await close(api, cid, "premature", decision_channel="telephone", time_limit_explained=True)
    [task] = await get_list(api, f"/v1/cases/{cid}/tasks")
    url = f"/v1/cases/{cid}/tasks/{task['id']}/complete"

    no_note = await api.call("POST", url, json={}, expect=422)
    auditor = await api.http.post(url, json={"note": "Rang the trust"},
                                  headers=auth_headers("auditor"))  # fmt: skip
    done = await api.call("POST", url, json={"note": "Rang the trust's complaints lead"})
    unknown = await api.call(
        "POST", f"/v1/cases/{cid}/tasks/{uuid.uuid4()}/complete", json={"note": "x" * 5},
        expect=404,
    )  # fmt: skip

    assert no_note["type"] == problem("validation-error")
    assert auditor.status_code == 403
    assert (done["done_by"], done["done_note"]) == (IC, "Rang the trust's complaints lead")
    assert unknown["type"] == problem("task-not-found")


async def test_no_task_without_an_audio_only_response__ASM_039(
    api: Api, session: AsyncSession
) -> None:
    case, person = await health_case(api, session)
    cid = case["id"]
    await talk_and_acknowledge(api, cid, person["id"])
    await close(api, cid, "premature", decision_channel="telephone", time_limit_explained=True)

    assert await get_list(api, f"/v1/cases/{cid}/tasks") == []


@pytest.mark.parametrize(
    ("prison_case_type", "jurisdiction"),
    [("prison_healthcare", "health"), ("prison_action", "parliamentary")],
)
async def test_prison_case_type_decides_the_jurisdiction__INT_046_INT_047(
    api: Api, prison_case_type: str, jurisdiction: str, session: AsyncSession
) -> None:
    case, _ = await health_case(api, session)
    await patch_case(api, case["id"], {"jurisdiction": "parliamentary"})

    updated = await patch_case(api, case["id"], {"prison_case_type": prison_case_type})

    assert updated["prison_case_type"] == prison_case_type
    assert updated["jurisdiction"] == jurisdiction  # healthcare complaints are health (¶1.59)
