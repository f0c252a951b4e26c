"""Intake work queues (requirements.md §C): cases driven through the API, the clock moved to
each boundary. The test clock starts at Mon 2 Nov 2026 10:00 UTC (GMT, so London time too)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.cases.models import Case, Channel
from intake_api.cases.state import CaseStatus, transition
from shared.clock import FixedClock
from shared.errors import PROBLEM_TYPE_BASE
from shared.pagination import encode_cursor
from tests.intake.api import Api, JsonDict, new_person
from tests.intake.builders import make_case, make_ready_case, move
from tests.intake.workqueues.conftest import ME, OTHER, IntakeCase, at

Q = "/v1/work-queues"
QUEUES = (
    "my-open-cases",
    "overdue-acknowledgements",
    "information-deadlines-passed",
    "two-week-contact",
    "overdue-callbacks",
)


async def _communicate(api: Api, cid: str, **body: Any) -> JsonDict:
    return await api.call("POST", f"/v1/cases/{cid}/communications", json=body, expect=201)


async def _queue(
    api: Api, name: str, *, include_unowned: bool = False, **params: Any
) -> list[JsonDict]:
    """Every item of a queue, following next_cursor to the end."""
    items: list[JsonDict] = []
    cursor: str | None = None
    while True:
        query = {**params, "limit": 100, **({"cursor": cursor} if cursor else {})}
        page = await api.call("GET", f"{Q}/{name}", params=query)
        # Only this module's cases: other modules' concurrency tests commit rows to the same
        # test database, and the deadline queues are office-wide.
        owners = (ME, OTHER, None) if include_unowned else (ME, OTHER)
        items += [i for i in page["items"] if i["owner"] in owners]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


async def _item(api: Api, name: str, case_id: str, **params: Any) -> JsonDict | None:
    found = [i for i in await _queue(api, name, **params) if i["case_id"] == case_id]
    assert len(found) <= 1
    return found[0] if found else None


# --- C-02 / INT-016 ----------------------------------------------------------------------------


async def _await_information(
    api: Api, clock: FixedClock, deadline: str, intake_case: IntakeCase
) -> str:
    case = await intake_case(ME, clock.today())
    cid = case["id"]
    email = await _communicate(
        api, cid, medium="email", direction="outbound", purpose="information_request",
        occurred_at=clock.now().isoformat(),
    )  # fmt: skip
    await api.call(
        "POST", f"/v1/cases/{cid}/information-request",
        json={"communication_id": email["id"], "deadline": deadline,
              "reason": "The complaint form is missing its second page"},
    )  # fmt: skip
    return str(cid)


async def test_withdrawn_queue_excludes_deadline_day_includes_next_day__INT_016(
    api: Api, clock: FixedClock, intake_case: IntakeCase
) -> None:
    plain = await _await_information(api, clock, "2026-11-06", intake_case)
    extended = await _await_information(api, clock, "2026-11-06", intake_case)
    await api.call(
        "POST", f"/v1/cases/{extended}/information-deadline/extensions",
        json={"new_due_date": "2026-11-09", "reason": "Asked for more time (reasonable adjustment)",
              "is_reasonable_adjustment": True},
        expect=201,
    )  # fmt: skip
    name = "information-deadlines-passed"

    clock.set(at("2026-11-06T23:59:59"))  # the last second of the deadline day in London
    assert await _item(api, name, plain) is None

    clock.set(at("2026-11-07T00:00:00"))  # the day after
    item = await _item(api, name, plain)
    assert item is not None
    assert item["due_date"] == "2026-11-06"
    assert item["extended"] is False
    assert item["days_past"] == 1
    assert item["status"] == "awaiting_information"
    assert await _item(api, name, extended) is None  # the extension, not the original, counts

    clock.set(at("2026-11-09T18:00:00"))  # the extended deadline day
    assert await _item(api, name, extended) is None
    closure = {"closure_code": "withdrawn", "reasons": "No information by the deadline"}
    await api.call("POST", f"/v1/cases/{extended}/close", json=closure, expect=422)

    clock.set(at("2026-11-10T09:00:00"))
    item = await _item(api, name, extended)
    assert item is not None
    assert (item["due_date"], item["original_due_date"]) == ("2026-11-09", "2026-11-06")
    assert item["extended"] is True
    assert item["days_past"] == 1

    # A second extension: the newest one wins (and the original is kept, DESIGN §5).
    await api.call(
        "POST", f"/v1/cases/{extended}/information-deadline/extensions",
        json={"new_due_date": "2026-11-12", "reason": "Agreed a further extension"}, expect=201,
    )  # fmt: skip
    clock.set(at("2026-11-12T12:00:00"))
    assert await _item(api, name, extended) is None
    await api.call("POST", f"/v1/cases/{extended}/close", json=closure, expect=422)
    clock.set(at("2026-11-13T00:00:00"))
    item = await _item(api, name, extended)
    assert item is not None
    assert (item["due_date"], item["original_due_date"]) == ("2026-11-12", "2026-11-06")

    # The queue and the closure rule agree: on the list means 'withdrawn' is allowed, and the
    # closed case leaves the list.
    await api.call("POST", f"/v1/cases/{extended}/close", json=closure)
    assert await _item(api, name, extended) is None
    # Information received: the case is back in intake and off the list.
    await api.call(
        "POST", f"/v1/cases/{plain}/information-received", json={"reason": "It arrived late"}
    )
    assert await _item(api, name, plain) is None


async def test_withdrawn_queue_counts_days_in_london_time__INT_016(
    api: Api, clock: FixedClock, intake_case: IntakeCase
) -> None:
    clock.set(at("2027-06-28T10:00:00"))  # summer: London is UTC+1
    cid = await _await_information(api, clock, "2027-07-02", intake_case)
    name = "information-deadlines-passed"

    clock.set(at("2027-07-02T22:59:59"))  # 23:59:59 BST on the deadline day
    assert await _item(api, name, cid) is None
    clock.set(at("2027-07-02T23:00:00"))  # 00:00 BST on 3 July, still 2 July in UTC
    item = await _item(api, name, cid)
    assert item is not None
    assert item["days_past"] == 1


# --- C-01 / INT-008 ----------------------------------------------------------------------------


async def _attempt(api: Api, cid: str, person_id: str, outcome: str, when: datetime) -> None:
    await api.call(
        "POST", f"/v1/cases/{cid}/contact-attempts",
        json={"person_id": person_id, "channel": "telephone", "attempted_at": when.isoformat(),
              "outcome": outcome},
        expect=201,
    )  # fmt: skip


async def test_two_week_contact_queue__INT_008(
    api: Api, clock: FixedClock, intake_case: IntakeCase
) -> None:
    name = "two-week-contact"
    complainant = await new_person(api, "Alex")
    unreached = (await intake_case(ME, "2026-11-02", person=complainant))["id"]
    no_answer = (await intake_case(ME, "2026-11-02", person=complainant))["id"]
    await _attempt(api, no_answer, complainant["id"], "no_answer", clock.now())
    reached = (await intake_case(ME, "2026-11-02", person=complainant))["id"]
    await _attempt(api, reached, complainant["id"], "reached", clock.now())
    # Reaching someone who is not the complainant does not count.
    other_party = (await intake_case(ME, "2026-11-02", person=complainant))["id"]
    relative = await new_person(api, "Robin")
    await api.call(
        "POST", f"/v1/cases/{other_party}/parties",
        json={"person_id": relative["id"], "role": "aggrieved"}, expect=201,
    )  # fmt: skip
    await _attempt(api, other_party, relative["id"], "reached", clock.now())
    # A case received but not yet in intake is still at intake (INT-008 runs from receipt).
    received = await api.call(
        "POST", "/v1/cases", expect=201,
        json={"case_type": "complaint", "channel": "letter", "received_date": "2026-11-02"},
    )  # fmt: skip

    mine = {unreached, no_answer, reached, other_party, received["id"]}

    async def listed() -> dict[str, JsonDict]:
        everything = await _queue(api, name, include_unowned=True)
        return {i["case_id"]: i for i in everything if i["case_id"] in mine}

    clock.set(at("2026-11-12T10:00:00"))  # two-week point (16 Nov) is 4 days away
    assert await listed() == {}

    clock.set(at("2026-11-13T10:00:00"))  # 3 days away: within the default window
    items = await listed()
    assert set(items) == {unreached, no_answer, other_party, received["id"]}
    assert items[unreached]["due_date"] == "2026-11-16"
    assert items[unreached]["days_remaining"] == 3
    assert items[unreached]["overdue"] is False
    assert [i for i in await _queue(api, name, within_days=2) if i["case_id"] in mine] == []
    wide = await _queue(api, name, include_unowned=True, within_days=14)
    assert {i["case_id"] for i in wide if i["case_id"] in mine} == set(items)

    clock.set(at("2026-11-16T17:00:00"))  # the two-week point itself: not yet overdue
    item = (await listed())[unreached]
    assert (item["days_remaining"], item["overdue"]) == (0, False)

    clock.set(at("2026-11-17T00:00:00"))
    item = (await listed())[unreached]
    assert (item["days_remaining"], item["overdue"]) == (-1, True)

    # Once the complainant is reached the case leaves the list.
    await _attempt(api, unreached, complainant["id"], "reached", clock.now())
    assert unreached not in await listed()
    assert reached not in await listed()


async def test_two_week_contact_window_is_validated(api: Api) -> None:
    await api.call("GET", f"{Q}/two-week-contact", params={"within_days": 15}, expect=422)
    await api.call("GET", f"{Q}/two-week-contact", params={"within_days": -1}, expect=422)


# --- C-04 / INT-030 ----------------------------------------------------------------------------


async def test_callback_overdue_after_48_hours__INT_030(
    api: Api, clock: FixedClock, intake_case: IntakeCase
) -> None:
    name = "overdue-callbacks"
    cid = (await intake_case(ME, "2026-11-02"))["id"]
    assert clock.now() == at("2026-11-02T10:00:00")
    assert clock.today().weekday() == 0  # Monday
    request = await _communicate(
        api, cid, medium="telephone", direction="inbound", purpose="callback_request",
        occurred_at="2026-11-02T10:00:00+00:00",
    )  # fmt: skip

    clock.set(at("2026-11-04T09:59:00"))
    assert await _item(api, name, cid) is None
    clock.set(at("2026-11-04T10:00:00"))  # exactly 48 hours: due, not yet overdue
    assert await _item(api, name, cid) is None

    clock.set(at("2026-11-04T10:00:01"))
    item = await _item(api, name, cid)
    assert item is not None
    assert datetime.fromisoformat(item["due_at"]) == at("2026-11-04T10:00:00")
    assert item["source_id"] == request["id"]
    assert item["minutes_overdue"] == 0
    clock.set(at("2026-11-04T11:30:00"))
    item = await _item(api, name, cid)
    assert item is not None
    assert item["minutes_overdue"] == 90

    # Returning the call meets the clock.
    await _communicate(
        api, cid, medium="telephone", direction="outbound", purpose="call",
        occurred_at=clock.now().isoformat(),
    )  # fmt: skip
    assert await _item(api, name, cid) is None


# --- C-03 / ¶1.27 ------------------------------------------------------------------------------


async def test_overdue_acknowledgement_uses_working_days__C_03(
    api: Api, clock: FixedClock, intake_case: IntakeCase
) -> None:
    name = "overdue-acknowledgements"
    clock.set(at("2026-12-18T10:00:00"))  # Friday
    case = await intake_case(ME, "2026-12-18")
    cid = case["id"]
    letter = await _communicate(
        api, cid, medium="letter", direction="inbound", purpose="other",
        occurred_at=clock.now().isoformat(),
    )  # fmt: skip

    async def due() -> dict[str | None, JsonDict]:
        return {i["source_id"]: i for i in await _queue(api, name) if i["case_id"] == cid}

    # Ten weekdays would end on Fri 1 Jan; 25, 28 Dec and 1 Jan are bank holidays, so the 10th
    # working day is Wed 6 Jan 2027.
    for day in ("2027-01-04", "2027-01-05", "2027-01-06"):
        clock.set(at(f"{day}T16:00:00"))
        assert await due() == {}, day

    clock.set(at("2027-01-07T08:00:00"))
    items = await due()
    assert set(items) == {None, letter["id"]}  # the receipt and the later letter
    receipt = items[None]
    assert receipt["due_date"] == "2027-01-06"
    assert receipt["days_overdue"] == 1
    assert receipt["working_days_overdue"] == 1
    assert receipt["reference"] == case["reference"]
    assert receipt["owner"] == ME
    assert await _queue(api, name, owner=OTHER) == []
    assert len(await _queue(api, name, owner=ME)) == 2

    # Acknowledging the letter meets both its clock and the receipt's.
    await _communicate(
        api, cid, medium="letter", direction="outbound", purpose="acknowledgement",
        occurred_at=clock.now().isoformat(), acknowledges_id=letter["id"],
    )  # fmt: skip
    assert await due() == {}


# --- my open cases -----------------------------------------------------------------------------


async def test_my_open_cases_only_mine(
    api: Api,
    client: httpx.AsyncClient,
    auth_headers: Any,
    clock: FixedClock,
    intake_case: IntakeCase,
) -> None:
    theirs = Api(client, auth_headers("intake_caseworker", sub=OTHER))
    newest = (await intake_case(ME, "2026-11-02"))["id"]
    oldest = (await intake_case(ME, "2026-10-26"))["id"]
    middle = (await intake_case(ME, "2026-10-30"))["id"]
    waiting = await _await_information(
        api, clock, "2026-11-04", intake_case
    )  # its nearest clock is 4 Nov
    other = (await intake_case(OTHER, "2026-10-20"))["id"]

    mine = await _queue(api, "my-open-cases")
    assert [i["case_id"] for i in mine] == [waiting, oldest, middle, newest]  # nearest clock first
    assert all(i["owner"] == ME for i in mine)
    first = mine[0]
    assert (first["next_due_date"], first["next_due_kind"]) == ("2026-11-04", "information")
    by_id = {i["case_id"]: i for i in mine}
    assert by_id[oldest]["age_days"] == 7
    assert by_id[oldest]["next_due_date"] == "2026-11-09"
    assert [i["case_id"] for i in await _queue(theirs, "my-open-cases")] == [other]


async def test_my_open_cases_leave_when_referred_or_closed(
    api: Api, session: AsyncSession, intake_case: IntakeCase
) -> None:
    referred = await make_ready_case(session, owner=ME)
    await move(session, referred, CaseStatus.referred)
    closed = await make_case(
        session, status=CaseStatus.closed, owner=ME, channel=Channel.telephone,
        closure_code="Not properly made - not in writing",
    )  # fmt: skip
    still_open = (await intake_case(ME, "2026-11-02"))["id"]
    assert (referred.status, closed.status) == (CaseStatus.referred, CaseStatus.closed)
    ids = {i["case_id"] for i in await _queue(api, "my-open-cases")}
    assert ids == {still_open}


async def test_joint_working_review_is_open_but_past_two_week_contact__INT_008(
    api: Api, session: AsyncSession, clock: FixedClock, intake_case: IntakeCase
) -> None:
    # No endpoint starts joint-working review yet (T11), so the test moves the case through
    # the lifecycle table directly.
    cid = (await intake_case(ME, "2026-10-26"))["id"]
    case = await session.get(Case, uuid.UUID(cid))
    assert case is not None
    transition(case, CaseStatus.joint_working_review, at=clock.now())
    await session.flush()
    clock.set(at("2026-11-10T10:00:00"))  # past its two-week point (9 Nov)

    assert [i["case_id"] for i in await _queue(api, "my-open-cases")] == [cid]
    assert await _queue(api, "two-week-contact") == []


# --- pagination, validation and roles ----------------------------------------------------------


async def test_pagination_walks_every_item_once_in_order(
    api: Api, clock: FixedClock, intake_case: IntakeCase
) -> None:
    received = ["2026-10-19", "2026-10-19", "2026-10-20", "2026-10-21", "2026-10-22"]
    for day in received:
        await intake_case(ME, day)
    clock.set(at("2026-11-20T10:00:00"))
    seen: list[JsonDict] = []
    cursor: str | None = None
    pages = 0
    while True:
        # Owner filter: committed rows of other test modules may share this database.
        params: dict[str, Any] = {"limit": 2, "owner": ME, **({"cursor": cursor} if cursor else {})}
        page = await api.call("GET", f"{Q}/overdue-acknowledgements", params=params)
        pages += 1
        assert len(page["items"]) <= 2
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert len({i["deadline_id"] for i in seen}) == len(seen) == 5
    keys = [(i["due_date"], i["deadline_id"]) for i in seen]
    assert keys == sorted(keys)  # most overdue first, ties in a stable order
    assert seen[0]["due_date"] == "2026-11-02"  # 10 working days after Mon 19 Oct

    # The same walk on my-open-cases (three sort keys).
    mine = [
        i["case_id"]
        for i in (await api.call("GET", f"{Q}/my-open-cases", params={"limit": 4}))["items"]
    ]
    assert len(mine) == 4
    assert len(await _queue(api, "my-open-cases")) == 5


async def test_cursors_are_checked(api: Api, clock: FixedClock, intake_case: IntakeCase) -> None:
    for _ in range(2):
        await intake_case(ME, "2026-10-19")
    clock.set(at("2026-11-20T10:00:00"))
    page = await api.call("GET", f"{Q}/overdue-acknowledgements", params={"limit": 1})
    cursor = page["next_cursor"]
    assert cursor is not None
    nil = str(uuid.UUID(int=0))
    for name, bad in (
        ("overdue-acknowledgements", "not-a-cursor"),
        ("overdue-acknowledgements", encode_cursor(["overdue-acknowledgements", "x", "y"])),
        ("overdue-callbacks", encode_cursor(["overdue-callbacks", "2026-11-02T10:00", nil])),
        ("information-deadlines-passed", cursor),  # another queue's cursor
        ("my-open-cases", cursor),
    ):
        body = await api.call("GET", f"{Q}/{name}", params={"cursor": bad}, expect=400)
        assert body["type"] == PROBLEM_TYPE_BASE + "invalid-cursor"
    await api.call("GET", f"{Q}/my-open-cases", params={"limit": 101}, expect=422)
    await api.call("GET", f"{Q}/my-open-cases", params={"limit": 0}, expect=422)


@pytest.mark.parametrize("queue", QUEUES)
@pytest.mark.parametrize(
    ("roles", "status"),
    [
        (("intake_caseworker",), 200),
        (("caseworker",), 200),
        (("auditor",), 200),
        (("operations_manager",), 200),
        (("integration",), 403),
        (("clinical_adviser",), 403),
        ((), 401),
    ],
)
async def test_role_matrix(
    client: httpx.AsyncClient,
    auth_headers: Any,
    queue: str,
    roles: tuple[str, ...],
    status: int,
) -> None:
    headers = auth_headers(*roles) if roles else {}
    r = await client.get(f"{Q}/{queue}", headers=headers)
    assert r.status_code == status, r.text
    if status == 200:
        assert r.json() == {"items": [], "next_cursor": None}
    else:
        assert r.headers["content-type"].startswith("application/problem+json")
        slug = "unauthorized" if status == 401 else "forbidden"
        assert r.json()["type"] == PROBLEM_TYPE_BASE + slug
