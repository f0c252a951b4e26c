"""The guarded, audited change (shared.changes): load for update or 404, If-Match, audit (XC-AUD).

``load_for_update`` takes a row lock that another connection can see; those tests commit a case
for real, release every lock and delete the case afterwards (marker ``concurrency``).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from intake_api.cases.models import Case, CaseType, Channel
from intake_api.cases.state import CaseStatus
from shared.audit import AuditEntry
from shared.auth import Principal
from shared.changes import Audited, load_for_update
from shared.concurrency import IfMatchRequired, MalformedIfMatch, StaleEtag
from shared.errors import NotFound
from tests.shared.casework.builders import make_case

ACTOR = Principal(sub="kit-changer", roles=frozenset({"senior_caseworker", "caseworker"}))
LOCK_NOT_AVAILABLE = "55P03"


class KitCaseNotFound(NotFound):
    type = "kit-case-not-found"


def _snapshot(case: Case) -> dict[str, Any]:
    return {"complaint_summary": case.complaint_summary, "version": case.version}


CASE_AUDIT: Audited[Case] = Audited(entity_type="case", snapshot=_snapshot, case_id=lambda c: c.id)


async def _audit_rows(session: AsyncSession, entity_id: uuid.UUID) -> list[AuditEntry]:
    rows = await session.scalars(
        select(AuditEntry).where(AuditEntry.entity_id == entity_id).order_by(AuditEntry.id)
    )
    return list(rows)


# ---------------------------------------------------------------------------------------------
# load_for_update: 404 and If-Match
# ---------------------------------------------------------------------------------------------


async def test_load_for_update_returns_the_row(session: AsyncSession) -> None:
    case = await make_case(session, complaint_summary="as stored")
    session.expunge_all()

    loaded = await load_for_update(session, Case, case.id, if_match='"1"', missing=KitCaseNotFound)

    assert loaded.id == case.id
    assert loaded.complaint_summary == "as stored"
    assert loaded.version == 1


async def test_a_missing_row_is_the_given_404(session: AsyncSession) -> None:
    ident = uuid.uuid4()
    with pytest.raises(KitCaseNotFound) as caught:
        await load_for_update(session, Case, ident, if_match=None, missing=KitCaseNotFound)

    assert caught.value.status == 404
    assert caught.value.type == "kit-case-not-found"
    assert str(ident) in caught.value.detail
    assert "case" in caught.value.detail


async def test_a_missing_row_is_named_as_the_caller_says(session: AsyncSession) -> None:
    with pytest.raises(KitCaseNotFound) as caught:
        await load_for_update(
            session, Case, uuid.uuid4(), if_match=None, missing=KitCaseNotFound, what="complaint"
        )
    assert caught.value.detail.startswith("No complaint with id ")


async def test_a_missing_row_is_404_before_if_match_is_looked_at(session: AsyncSession) -> None:
    with pytest.raises(KitCaseNotFound):
        await load_for_update(
            session, Case, uuid.uuid4(), if_match=None, missing=KitCaseNotFound, required=True
        )


async def test_a_stale_if_match_is_412(session: AsyncSession) -> None:
    case = await make_case(session)
    with pytest.raises(StaleEtag) as caught:
        await load_for_update(session, Case, case.id, if_match='"2"', missing=KitCaseNotFound)
    assert caught.value.status == 412
    assert caught.value.extensions["current_etag"] == '"1"'


async def test_a_malformed_if_match_is_412(session: AsyncSession) -> None:
    case = await make_case(session)
    with pytest.raises(MalformedIfMatch) as caught:
        await load_for_update(session, Case, case.id, if_match="1", missing=KitCaseNotFound)
    assert caught.value.status == 412


@pytest.mark.parametrize("if_match", [None, "", " , "])
async def test_a_required_if_match_that_is_missing_or_empty_is_428(
    session: AsyncSession, if_match: str | None
) -> None:
    case = await make_case(session)
    with pytest.raises(IfMatchRequired) as caught:
        await load_for_update(
            session, Case, case.id, if_match=if_match, missing=KitCaseNotFound, required=True
        )
    assert caught.value.status == 428


async def test_an_empty_optional_if_match_is_428_not_no_header(session: AsyncSession) -> None:
    case = await make_case(session)
    with pytest.raises(IfMatchRequired):
        await load_for_update(session, Case, case.id, if_match="", missing=KitCaseNotFound)


async def test_an_absent_optional_if_match_is_no_precondition(session: AsyncSession) -> None:
    case = await make_case(session)
    loaded = await load_for_update(session, Case, case.id, if_match=None, missing=KitCaseNotFound)
    assert loaded.id == case.id


# ---------------------------------------------------------------------------------------------
# load_for_update: the row lock, seen from a second connection
# ---------------------------------------------------------------------------------------------


@pytest.fixture
async def committed_case(engine: AsyncEngine) -> AsyncIterator[uuid.UUID]:
    """A case committed for real (visible to other connections), deleted afterwards."""
    maker = async_sessionmaker(engine, expire_on_commit=False)
    async with maker() as s:
        case = await make_case(s)
        await s.commit()
    try:
        yield case.id
    finally:
        async with engine.begin() as conn:
            await conn.execute(delete(Case).where(Case.id == case.id))


def _sqlstate(exc: DBAPIError) -> str | None:
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(
        getattr(orig, "__cause__", None), "sqlstate", None
    )
    return str(state) if state is not None else None


_NOWAIT = text('SELECT id FROM "case" WHERE id = :id FOR UPDATE NOWAIT')


@pytest.mark.concurrency
async def test_the_row_stays_locked_until_the_transaction_ends(
    engine: AsyncEngine, committed_case: uuid.UUID
) -> None:
    maker = async_sessionmaker(engine, expire_on_commit=False)
    async with maker() as holder:
        try:
            case = await load_for_update(
                holder, Case, committed_case, if_match='"1"', missing=KitCaseNotFound
            )
            assert case.id == committed_case
            async with engine.connect() as other:
                with pytest.raises(DBAPIError) as caught:
                    await other.execute(_NOWAIT, {"id": committed_case})
                await other.rollback()
            assert _sqlstate(caught.value) == LOCK_NOT_AVAILABLE
        finally:
            await holder.rollback()

    # The same statement succeeds once the first transaction has ended: it was our lock.
    async with engine.connect() as other:
        assert await other.scalar(_NOWAIT, {"id": committed_case}) == committed_case
        await other.rollback()


@pytest.mark.concurrency
async def test_a_refused_if_match_still_leaves_no_lock_after_rollback(
    engine: AsyncEngine, committed_case: uuid.UUID
) -> None:
    maker = async_sessionmaker(engine, expire_on_commit=False)
    async with maker() as holder:
        try:
            with pytest.raises(StaleEtag):
                await load_for_update(
                    holder, Case, committed_case, if_match='"9"', missing=KitCaseNotFound
                )
        finally:
            await holder.rollback()

    async with engine.connect() as other:
        assert await other.scalar(_NOWAIT, {"id": committed_case}) == committed_case
        await other.rollback()


@pytest.mark.concurrency
async def test_a_copy_read_earlier_in_the_request_is_checked_against_the_locked_row(
    engine: AsyncEngine, committed_case: uuid.UUID
) -> None:
    # Found by this test (fixed in load_for_update): a request that read the case before locking it
    # (a load-or-404 dependency, say) still holds version 1 in its session. Another request commits
    # version 2 meanwhile. load_for_update asks for populate_existing so that the locked row
    # replaces the cached copy, but on a versioned model SQLAlchemy then compares versions itself
    # and raises StaleDataError (a 500), so the client never gets the 412 its stale If-Match
    # deserves, and a current If-Match ("2") cannot succeed at all.
    maker = async_sessionmaker(engine, expire_on_commit=False)
    async with maker() as request_session:
        try:
            early = await request_session.get(Case, committed_case)
            assert early is not None
            assert early.version == 1

            async with maker() as other_request:
                other = await other_request.get(Case, committed_case)
                assert other is not None
                other.complaint_summary = "changed by another request"
                await other_request.commit()
            assert other.version == 2

            with pytest.raises(StaleEtag):
                await load_for_update(
                    request_session, Case, committed_case, if_match='"1"',
                    missing=KitCaseNotFound,
                )  # fmt: skip
            fresh = await load_for_update(
                request_session, Case, committed_case, if_match='"2"', missing=KitCaseNotFound
            )
            assert fresh.version == 2
            assert fresh.complaint_summary == "changed by another request"
        finally:
            await request_session.rollback()


# ---------------------------------------------------------------------------------------------
# Audited.change and Audited.created (XC-AUD)
# ---------------------------------------------------------------------------------------------


async def test_a_change_writes_one_audit_row_with_before_and_after__XC_AUD(
    session: AsyncSession,
) -> None:
    case = await make_case(session, complaint_summary="before")

    async with CASE_AUDIT.change(
        session, case, actor=ACTOR, action="case.updated", reason="Complainant clarified"
    ) as changing:
        assert changing is case
        changing.complaint_summary = "after"

    rows = await _audit_rows(session, case.id)
    assert len(rows) == 1
    row = rows[0]
    assert row.entity_type == "case"
    assert row.entity_id == case.id
    assert row.case_id == case.id
    assert row.action == "case.updated"
    assert row.reason == "Complainant clarified"
    assert row.actor == "kit-changer"
    assert row.actor_roles == ["caseworker", "senior_caseworker"]
    assert row.before == {"complaint_summary": "before", "version": 1}
    # flushed before the after-snapshot: the version the client's next If-Match needs
    assert row.after == {"complaint_summary": "after", "version": 2}


async def test_the_change_itself_is_stored(session: AsyncSession) -> None:
    case = await make_case(session, complaint_summary="before")
    async with CASE_AUDIT.change(session, case, actor=ACTOR, action="case.updated"):
        case.complaint_summary = "after"

    stored = await session.scalar(
        select(Case.complaint_summary)
        .where(Case.id == case.id)
        .execution_options(populate_existing=True)
    )
    assert stored == "after"


async def test_no_audit_row_when_the_block_raises__XC_AUD(session: AsyncSession) -> None:
    case = await make_case(session, complaint_summary="before")

    class Refused(Exception):
        pass

    async def refused_change() -> None:
        async with CASE_AUDIT.change(session, case, actor=ACTOR, action="case.updated"):
            case.complaint_summary = "half done"
            raise Refused

    with pytest.raises(Refused):
        await refused_change()

    assert await _audit_rows(session, case.id) == []


async def test_successive_changes_chain_before_to_after__XC_AUD(session: AsyncSession) -> None:
    case = await make_case(session, complaint_summary="one")
    for text_ in ("two", "three"):
        async with CASE_AUDIT.change(session, case, actor=ACTOR, action="case.updated"):
            case.complaint_summary = text_

    rows = await _audit_rows(session, case.id)
    assert [(r.before, r.after) for r in rows] == [
        ({"complaint_summary": "one", "version": 1}, {"complaint_summary": "two", "version": 2}),
        (
            {"complaint_summary": "two", "version": 2},
            {"complaint_summary": "three", "version": 3},
        ),
    ]


async def test_a_change_without_a_reason_records_none(session: AsyncSession) -> None:
    case = await make_case(session)
    async with CASE_AUDIT.change(session, case, actor=ACTOR, action="case.touched"):
        case.complaint_summary = "x"
    (row,) = await _audit_rows(session, case.id)
    assert row.reason is None


async def test_a_kind_audited_without_a_case_id_records_none(session: AsyncSession) -> None:
    caseless: Audited[Case] = Audited(entity_type="thing", snapshot=_snapshot)
    case = await make_case(session)
    async with caseless.change(session, case, actor=ACTOR, action="thing.updated"):
        case.complaint_summary = "x"

    (row,) = await _audit_rows(session, case.id)
    assert row.entity_type == "thing"
    assert row.case_id is None


async def test_created_audits_a_new_row_with_no_before__XC_AUD(session: AsyncSession) -> None:
    def with_created_at(case: Case) -> dict[str, Any]:
        return {**_snapshot(case), "created_at": case.created_at.isoformat()}

    audit: Audited[Case] = Audited(
        entity_type="case", snapshot=with_created_at, case_id=lambda c: c.id
    )
    new = Case(
        id=uuid.uuid4(),
        reference=f"KIT-{uuid.uuid4().hex[:12]}",
        status=CaseStatus.received,
        case_type=CaseType.complaint,
        channel=Channel.email,
        received_date=date(2026, 11, 2),
        created_by="kit",
        complaint_summary="new",
    )
    session.add(new)

    await audit.created(session, new, actor=ACTOR, action="case.created", reason="Received")

    rows = await _audit_rows(session, new.id)
    assert len(rows) == 1
    row = rows[0]
    assert row.before is None
    assert row.action == "case.created"
    assert row.reason == "Received"
    assert row.case_id == new.id
    assert row.after is not None
    assert row.after["complaint_summary"] == "new"
    assert row.after["version"] == 1
    # flushed and refreshed first, so the database's defaults are in the snapshot
    db_created_at = await session.scalar(select(Case.created_at).where(Case.id == new.id))
    assert db_created_at is not None
    assert row.after["created_at"] == db_created_at.isoformat()


async def test_audit_rows_roll_back_with_the_change__XC_AUD(session: AsyncSession) -> None:
    case = await make_case(session)
    case_id = case.id
    nested = await session.begin_nested()
    async with CASE_AUDIT.change(session, case, actor=ACTOR, action="case.updated"):
        case.complaint_summary = "undone"
    await nested.rollback()

    n = await session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_id == case_id)
    )
    assert n == 0
