"""Keyset pagination (shared.pagination): one page shape, opaque cursors, no empty trailing page.

The fake ``fetch`` below is what every repository query does: rows in the list's order strictly
after the sort key ``after``, at most ``n`` of them. The real-query tests run the same contract
against intake's ``deadline`` and ``audit_entry`` tables.
"""

from __future__ import annotations

import base64
import json
import math
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel
from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from intake_api.cases.models import Case, Deadline, DeadlineKind
from shared.audit import AuditEntry, record_audit
from shared.auth import Principal
from shared.config import BaseServiceSettings
from shared.db import Database, DbSession
from shared.errors import PROBLEM_TYPE_BASE
from shared.http_api.app import create_service_app
from shared.http_api.problems import PROBLEM_JSON
from shared.pagination import (
    CursorQuery,
    InvalidCursor,
    Keyset,
    LimitQuery,
    Page,
    decode_cursor,
    encode_cursor,
    key_date,
    key_datetime,
    key_int,
    key_str,
    key_uuid,
    paginate,
)
from tests.shared.casework.builders import make_case

ACTOR = Principal(sub="kit-pager", roles=frozenset({"caseworker"}))


@dataclass(frozen=True)
class Row:
    due: date
    id: uuid.UUID
    title: str


class RowRead(BaseModel):
    id: uuid.UUID
    title: str


class RowPage(Page[RowRead]):
    pass


ROWS = Keyset("kit-rows", (key_date, key_uuid))
OTHER = Keyset("kit-other-rows", (key_date, key_uuid))


def _rows(n: int) -> list[Row]:
    """``n`` rows in list order; several share a date, so the id breaks ties."""
    start = date(2026, 12, 21)
    rows = [
        Row(due=start + timedelta(days=i // 3), id=uuid.uuid4(), title=f"row {i}") for i in range(n)
    ]
    return sorted(rows, key=lambda r: (r.due, r.id))


class FakeList:
    """An in-memory repository query that honours ``after`` and records how it was asked."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.calls: list[tuple[Any, int]] = []

    async def fetch(self, after: Any, n: int) -> Sequence[Row]:
        self.calls.append((after, n))
        tail = [r for r in self.rows if after is None or (r.due, r.id) > tuple(after)]
        return tail[:n]


def _key(r: Row) -> tuple[date, uuid.UUID]:
    return (r.due, r.id)


def _item(r: Row) -> RowRead:
    return RowRead(id=r.id, title=r.title)


async def _page(source: FakeList, cursor: str | None, limit: int) -> RowPage:
    return await paginate(
        source.fetch, keyset=ROWS, cursor=cursor, limit=limit, key=_key, item=_item, page=RowPage
    )


def _forge(values: Any) -> str:
    """A cursor we did not make: any JSON, base64url-encoded the way ours are."""
    raw = json.dumps(values).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# ---------------------------------------------------------------------------------------------
# Pages and cursors
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [1, 3, 10])
async def test_exactly_limit_rows_is_one_page_without_a_cursor(limit: int) -> None:
    source = FakeList(_rows(limit))

    page = await _page(source, None, limit)

    assert [i.id for i in page.items] == [r.id for r in source.rows]
    assert page.next_cursor is None
    assert source.calls == [(None, limit + 1)]


@pytest.mark.parametrize("limit", [1, 3, 10])
async def test_limit_plus_one_rows_gives_a_cursor_to_a_page_of_the_last_row(limit: int) -> None:
    source = FakeList(_rows(limit + 1))

    first = await _page(source, None, limit)
    assert first.next_cursor is not None
    second = await _page(source, first.next_cursor, limit)

    assert [i.id for i in first.items] == [r.id for r in source.rows[:limit]]
    assert [i.id for i in second.items] == [source.rows[-1].id]
    assert second.next_cursor is None


async def test_an_empty_list_is_one_empty_page_without_a_cursor() -> None:
    page = await _page(FakeList([]), None, 5)
    assert page.items == []
    assert page.next_cursor is None


@pytest.mark.parametrize("n", [1, 2, 5, 7, 10, 23])
@pytest.mark.parametrize("limit", [1, 2, 3, 5, 7, 10, 100])
async def test_paging_visits_every_row_exactly_once_in_order(n: int, limit: int) -> None:
    source = FakeList(_rows(n))

    seen: list[uuid.UUID] = []
    pages = 0
    cursor: str | None = None
    while True:
        page = await _page(source, cursor, limit)
        pages += 1
        assert page.items, "no page is an empty trailer"
        assert len(page.items) <= limit
        seen.extend(i.id for i in page.items)
        if page.next_cursor is None:
            break
        assert len(page.items) == limit, "only the last page may be short"
        cursor = page.next_cursor

    assert seen == [r.id for r in source.rows]
    assert pages == math.ceil(n / limit)


async def test_the_next_cursor_is_the_sort_key_of_the_last_row_shown() -> None:
    source = FakeList(_rows(6))

    page = await _page(source, None, 4)

    assert page.next_cursor is not None
    assert ROWS.decode(page.next_cursor) == _key(source.rows[3])
    await _page(source, page.next_cursor, 4)
    assert source.calls[-1] == (_key(source.rows[3]), 5)


def test_a_cursor_is_url_safe_without_padding() -> None:
    for n in range(1, 12):  # different lengths hit every padding case
        cursor = Keyset("k", (key_str,)).encode(["x" * n])
        assert re.fullmatch(r"[A-Za-z0-9_-]+", cursor), cursor


@pytest.mark.parametrize(
    ("keyset", "values"),
    [
        (Keyset("d", (key_date, key_uuid)), (date(2027, 3, 26), uuid.uuid4())),
        (
            Keyset("t", (key_datetime, key_int)),
            (datetime(2026, 11, 2, 10, 0, 0, 123456, tzinfo=UTC), 2**62),
        ),
        (
            Keyset("z", (key_datetime,)),
            (datetime(2026, 7, 1, 0, 30, tzinfo=UTC) + timedelta(microseconds=1),),
        ),
        (Keyset("s", (key_str, key_int)), ("Ōmbudsman ‘quoted’ / +=?&", -7)),
    ],
)
def test_a_cursor_gives_back_exactly_the_sort_key_it_was_made_from(
    keyset: Keyset, values: tuple[Any, ...]
) -> None:
    assert keyset.decode(keyset.encode(values)) == values


def test_no_cursor_means_the_first_page() -> None:
    assert ROWS.decode(None) is None


# ---------------------------------------------------------------------------------------------
# Cursors we did not make are 400 invalid-cursor, never another error
# ---------------------------------------------------------------------------------------------


async def test_a_cursor_of_another_list_is_400_invalid_cursor() -> None:
    source = FakeList(_rows(5))
    foreign = OTHER.encode(_key(source.rows[1]))

    with pytest.raises(InvalidCursor) as caught:
        await _page(source, foreign, 2)

    assert caught.value.status == 400
    assert caught.value.type == "invalid-cursor"
    assert source.calls == [], "the query never runs with a refused cursor"


def test_a_cursor_of_a_list_with_the_same_key_shape_is_still_refused() -> None:
    row = _rows(1)[0]
    with pytest.raises(InvalidCursor):
        ROWS.decode(OTHER.encode(_key(row)))
    assert OTHER.decode(OTHER.encode(_key(row))) == _key(row)


GARBAGE = [
    "",
    "!!!",
    "not a cursor",
    "é",
    "%%%%",
    "====",
    base64.urlsafe_b64encode(b"\xff\xfe\xfd").decode(),
    _forge("kit-rows"),
    _forge(None),
    _forge({"name": "kit-rows"}),
    _forge(42),
    "[" * 700,
    base64.urlsafe_b64encode(b"[" * 700).decode(),
]


@pytest.mark.parametrize("cursor", GARBAGE)
async def test_garbage_is_400_invalid_cursor(cursor: str) -> None:
    source = FakeList(_rows(3))
    with pytest.raises(InvalidCursor):
        await _page(source, cursor, 2)
    assert source.calls == []


@pytest.mark.parametrize(
    "values",
    [
        [],
        ["kit-rows"],
        ["kit-rows", "2026-12-21"],
        ["kit-rows", "2026-12-21", str(uuid.uuid4()), "extra"],
    ],
)
def test_a_cursor_of_the_wrong_arity_is_400_invalid_cursor(values: list[Any]) -> None:
    with pytest.raises(InvalidCursor):
        ROWS.decode(_forge(values))


def test_decode_cursor_checks_the_arity_it_is_given() -> None:
    cursor = encode_cursor(["a", 1])
    assert decode_cursor(cursor, arity=2) == ["a", 1]
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, arity=3)


UUID = "6f1c1d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f"


@pytest.mark.parametrize(
    ("parsers", "value"),
    [
        # a date expected
        ((key_date,), 20261221),
        ((key_date,), None),
        ((key_date,), True),
        ((key_date,), "2026-13-01"),
        ((key_date,), "2026-02-30"),
        ((key_date,), "21/12/2026"),
        ((key_date,), "2026-12-21T10:00:00+00:00"),
        ((key_date,), ["2026-12-21"]),
        # an aware instant expected
        ((key_datetime,), "2026-11-02T10:00:00"),
        ((key_datetime,), "2026-11-02"),
        ((key_datetime,), 1_793_000_000),
        ((key_datetime,), "2026-11-02T10:00:00+25:00"),
        ((key_datetime,), {"at": "2026-11-02T10:00:00+00:00"}),
        # a UUID expected
        ((key_uuid,), "not-a-uuid"),
        ((key_uuid,), UUID[:-1]),
        ((key_uuid,), ""),
        ((key_uuid,), 12345),
        ((key_uuid,), None),
        # an integer expected
        ((key_int,), True),
        ((key_int,), False),
        ((key_int,), 1.0),
        ((key_int,), "1"),
        ((key_int,), None),
        ((key_int,), [1]),
        # a string expected
        ((key_str,), 1),
        ((key_str,), None),
        ((key_str,), ["a"]),
    ],
)
def test_a_value_of_the_wrong_type_is_400_invalid_cursor(
    parsers: tuple[Callable[[Any], Any], ...], value: Any
) -> None:
    keyset = Keyset("typed", parsers)
    with pytest.raises(InvalidCursor):
        keyset.decode(_forge(["typed", value]))


def test_nan_and_infinity_are_not_integers() -> None:
    keyset = Keyset("typed", (key_int,))
    for literal in ("NaN", "Infinity", "-Infinity"):
        raw = f'["typed",{literal}]'.encode()
        cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        with pytest.raises(InvalidCursor):
            keyset.decode(cursor)


# ---------------------------------------------------------------------------------------------
# Against real tables
# ---------------------------------------------------------------------------------------------

DEADLINES = Keyset("kit-deadlines", (key_date, key_uuid))


class DeadlineRead(BaseModel):
    id: uuid.UUID
    effective_due_date: date


class DeadlinePage(Page[DeadlineRead]):
    pass


def _deadline_query(
    session: AsyncSession, case_id: uuid.UUID
) -> Callable[[Any, int], Awaitable[Sequence[Deadline]]]:
    async def fetch(after: Any, n: int) -> Sequence[Deadline]:
        q = select(Deadline).where(Deadline.case_id == case_id)
        if after is not None:
            q = q.where(tuple_(Deadline.effective_due_date, Deadline.id) > tuple_(*after))
        q = q.order_by(Deadline.effective_due_date, Deadline.id).limit(n)
        return (await session.scalars(q)).all()

    return fetch


async def test_paging_a_real_query_visits_every_deadline_once_in_order(
    session: AsyncSession,
) -> None:
    case = await make_case(session)
    for i in range(9):
        due = date(2026, 12, 21) + timedelta(days=i % 3)  # three rows on each date
        session.add(
            Deadline(
                id=uuid.uuid4(), case_id=case.id, kind=DeadlineKind.information,
                rule="kit pagination test", starts_on=date(2026, 12, 1), due_date=due,
            )
        )  # fmt: skip
    await session.flush()
    expected = (
        await session.scalars(
            select(Deadline.id)
            .where(Deadline.case_id == case.id)
            .order_by(Deadline.effective_due_date, Deadline.id)
        )
    ).all()
    assert len(expected) == 9
    fetch = _deadline_query(session, case.id)

    for limit in range(1, 11):
        seen: list[uuid.UUID] = []
        cursor: str | None = None
        while True:
            page = await paginate(
                fetch, keyset=DEADLINES, cursor=cursor, limit=limit,
                key=lambda d: (d.effective_due_date, d.id),
                item=lambda d: DeadlineRead(id=d.id, effective_due_date=d.effective_due_date),
                page=DeadlinePage,
            )  # fmt: skip
            assert page.items, f"an empty trailing page at limit {limit}"
            seen.extend(i.id for i in page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert seen == list(expected), f"limit {limit}"


AUDIT = Keyset("kit-audit", (key_datetime, key_int))


class AuditRead(BaseModel):
    id: int
    action: str


class AuditPage(Page[AuditRead]):
    pass


def _audit_query(
    session: AsyncSession, entity_id: uuid.UUID
) -> Callable[[Any, int], Awaitable[Sequence[AuditEntry]]]:
    async def fetch(after: Any, n: int) -> Sequence[AuditEntry]:
        q = select(AuditEntry).where(AuditEntry.entity_id == entity_id)
        if after is not None:
            q = q.where(tuple_(AuditEntry.occurred_at, AuditEntry.id) > tuple_(*after))
        return (
            await session.scalars(q.order_by(AuditEntry.occurred_at, AuditEntry.id).limit(n))
        ).all()

    return fetch


async def _audit_page(
    session: AsyncSession, entity_id: uuid.UUID, cursor: str | None, limit: int
) -> AuditPage:
    return await paginate(
        _audit_query(session, entity_id), keyset=AUDIT, cursor=cursor, limit=limit,
        key=lambda e: (e.occurred_at, e.id), item=lambda e: AuditRead(id=e.id, action=e.action),
        page=AuditPage,
    )  # fmt: skip


async def test_an_instant_and_bigint_cursor_round_trips_through_a_real_query__XC_AUD(
    session: AsyncSession,
) -> None:
    # All rows of one transaction share occurred_at (now()), so only the id orders them: a
    # cursor that lost the instant's microseconds or zone would skip or repeat rows.
    entity_id = uuid.uuid4()
    for i in range(7):
        await record_audit(
            session, actor=ACTOR, entity_type="kit", entity_id=entity_id, action=f"kit.step_{i}"
        )

    seen: list[str] = []
    cursor: str | None = None
    while True:
        page = await _audit_page(session, entity_id, cursor, 3)
        assert page.items
        seen.extend(i.action for i in page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert seen == [f"kit.step_{i}" for i in range(7)]


REFS = Keyset("kit-refs", (key_str, key_uuid))


class RefRead(BaseModel):
    reference: str


class RefPage(Page[RefRead]):
    pass


async def _ref_page(session: AsyncSession, cursor: str | None) -> RefPage:
    async def fetch(after: Any, n: int) -> Sequence[tuple[str, uuid.UUID]]:
        q = select(Case.reference, Case.id)
        if after is not None:
            q = q.where(tuple_(Case.reference, Case.id) > tuple_(*after))
        rows = await session.execute(q.order_by(Case.reference, Case.id).limit(n))
        return [(r.reference, r.id) for r in rows]

    return await paginate(
        fetch, keyset=REFS, cursor=cursor, limit=2, key=lambda r: r,
        item=lambda r: RefRead(reference=r[0]), page=RefPage,
    )  # fmt: skip


# Found by these tests (fixed): the parsers checked a value's JSON type but not that PostgreSQL can
# take it, so these forged cursors pass ``Keyset.decode`` and fail inside the query as a DBAPIError:
# a 500 for the integer and the instants, a 422 unstorable-text for the NUL. None can be a cursor we
# made, and the module promises "400 invalid-cursor, never a 500".
@pytest.mark.parametrize(
    ("keyset", "values"),
    [
        (AUDIT, ["2026-11-02T00:00:00+00:00", 2**63]),  # past bigint
        (AUDIT, ["2026-11-02T00:00:00+00:00", -(2**63) - 1]),
        (AUDIT, ["0001-01-01T00:00:00+14:00", 1]),  # before year 1 in UTC
        (AUDIT, ["9999-12-31T23:59:59-14:00", 1]),  # after year 9999 in UTC
        (REFS, ["KIT-\x00", UUID]),  # text cannot hold NUL
    ],
    ids=["int-over", "int-under", "instant-before-1", "instant-after-9999", "nul"],
)
async def test_a_key_value_the_database_cannot_take_is_400_invalid_cursor(
    session: AsyncSession, keyset: Keyset, values: list[Any]
) -> None:
    entity_id = uuid.uuid4()
    await record_audit(session, actor=ACTOR, entity_type="kit", entity_id=entity_id, action="a")
    await make_case(session)
    forged = _forge([keyset.name, *values])

    async def first_page_after_forged() -> Page[Any]:
        if keyset is AUDIT:
            return await _audit_page(session, entity_id, forged, 3)
        return await _ref_page(session, forged)

    with pytest.raises(InvalidCursor):
        await first_page_after_forged()


# ---------------------------------------------------------------------------------------------
# Over HTTP: the problem a client sees
# ---------------------------------------------------------------------------------------------

HTTP_ROWS = _rows(5)
HTTP_ENTITY = uuid.uuid4()
pager = APIRouter(prefix="/v1/kit-pages")


@pager.get("", response_model=RowPage)
async def list_kit_rows(limit: LimitQuery = 2, cursor: CursorQuery = None) -> RowPage:
    """A list paginated by the kit, over a fixed in-memory list."""
    return await _page(FakeList(HTTP_ROWS), cursor, limit)


@pager.get("/audit", response_model=AuditPage)
async def list_kit_audit(session: DbSession, cursor: CursorQuery = None) -> AuditPage:
    """The audit rows of one entity, paginated by the kit over the real table."""
    return await _audit_page(session, HTTP_ENTITY, cursor, 2)


@pytest.fixture
async def pager_client(
    settings: BaseServiceSettings,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[httpx.AsyncClient]:
    application: FastAPI = create_service_app(
        settings=settings, title="kit-pages", version="0.1.0", description="Pagination kit.",
        routers=[pager], configure_logs=False,
    )  # fmt: skip
    application.state.db = Database(engine, sessionmaker)
    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def test_a_client_pages_through_a_list_with_next_cursor(
    pager_client: httpx.AsyncClient,
) -> None:
    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 2}
    for _ in range(10):
        r = await pager_client.get("/v1/kit-pages", params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        seen.extend(i["id"] for i in body["items"])
        if body["next_cursor"] is None:
            break
        params = {"limit": 2, "cursor": body["next_cursor"]}

    assert seen == [str(r.id) for r in HTTP_ROWS]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        OTHER.encode(_key(HTTP_ROWS[0])),
        _forge(["kit-rows", 20261221, UUID]),
        _forge(["kit-rows", "2026-12-21", "not-a-uuid"]),
        _forge(["kit-rows", "2026-12-21"]),
    ],
    # Named, because one cursor holds random ids: a test's name must be the same in every
    # xdist worker.
    ids=["garbage", "another-list", "date-as-number", "not-a-uuid", "too-short"],
)
async def test_a_bad_cursor_is_a_400_invalid_cursor_problem(
    pager_client: httpx.AsyncClient, cursor: str
) -> None:
    r = await pager_client.get("/v1/kit-pages", params={"cursor": cursor})

    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "invalid-cursor"
    assert "Traceback" not in r.text


@pytest.mark.parametrize("limit", [0, -1, 101])
async def test_a_page_size_outside_1_to_100_is_refused(
    pager_client: httpx.AsyncClient, limit: int
) -> None:
    r = await pager_client.get("/v1/kit-pages", params={"limit": limit})
    assert r.status_code == 422
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "validation-error"


async def test_a_client_pages_a_real_table_over_http__XC_AUD(
    pager_client: httpx.AsyncClient, session: AsyncSession
) -> None:
    for i in range(5):
        await record_audit(
            session, actor=ACTOR, entity_type="kit", entity_id=HTTP_ENTITY, action=f"kit.{i}"
        )

    seen: list[str] = []
    params: dict[str, str] = {}
    for _ in range(10):
        r = await pager_client.get("/v1/kit-pages/audit", params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        seen.extend(i["action"] for i in body["items"])
        if body["next_cursor"] is None:
            break
        params = {"cursor": body["next_cursor"]}

    assert seen == [f"kit.{i}" for i in range(5)]


async def test_a_forged_out_of_range_cursor_is_400_not_500(
    pager_client: httpx.AsyncClient,
) -> None:
    # See test_a_key_value_the_database_cannot_take_is_400_invalid_cursor: before the fix a
    # client saw a 500 internal-error here.
    forged = AUDIT.encode((datetime(2026, 11, 2, tzinfo=UTC), 2**63))

    r = await pager_client.get("/v1/kit-pages/audit", params={"cursor": forged})

    assert r.status_code == 400, r.text
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "invalid-cursor"
