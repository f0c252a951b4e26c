"""Agreements not to receive not-upheld provisional views (¶3.81, ¶8.42; B.2 ``pvOptOut``).

Recorded and withdrawn by their own audited acts; never a field a client PATCHes.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.organisations.models import Organisation, PvOptOut
from intake_api.organisations.state import PvOptOutStatus
from shared.audit import AuditEntry
from shared.clock import FixedClock
from shared.errors import PROBLEM_TYPE_BASE
from shared.http_api.problems import PROBLEM_JSON
from shared.idempotency import REPLAY_HEADER
from shared.testing.plugin import CommittingClient

Headers = Callable[..., dict[str, str]]
Json = dict[str, Any]
MakeOrg = Callable[..., Awaitable[Organisation]]
Audit = Callable[[AsyncSession, str | uuid.UUID], Awaitable[list[AuditEntry]]]

# The test clock's business date is 2026-11-02.
RECORD: Json = {
    "agreed_date": "2026-10-15",
    "document_reference": "DOC-EXAMPLE-0001",
    "reason": "Letter from the Permanent Secretary agreeing the arrangement",
}
WITHDRAW: Json = {"reason": "The organisation asked to see all provisional views again"}


def _url(org: Organisation | str, act: str = "") -> str:
    org_id = org if isinstance(org, str) else str(org.id)
    return f"/v1/organisations/{org_id}/pv-opt-out{act}"


def _problem(r: httpx.Response, status: int, slug: str) -> Json:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    problem: Json = r.json()
    assert problem["type"] == PROBLEM_TYPE_BASE + slug
    return problem


async def _agreements(session: AsyncSession, org: Organisation) -> list[PvOptOut]:
    session.expunge_all()
    rows = await session.scalars(
        select(PvOptOut)
        .where(PvOptOut.organisation_id == org.id)
        .order_by(PvOptOut.recorded_at, PvOptOut.id)
    )
    return list(rows)


async def test_recording_the_agreement_shows_it_bumps_the_etag_and_audits__INV_081(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    clock: FixedClock,
    make_org: MakeOrg,
    audit: Audit,
) -> None:
    org = await make_org(kind="government_department", jurisdiction="parliamentary")
    sub = f"cw-{uuid.uuid4().hex[:8]}"

    r = await client.post(_url(org), json=RECORD, headers=auth_headers("caseworker", sub=sub))

    assert r.status_code == 200, r.text
    assert r.headers["etag"] == '"2"'
    body = r.json()
    assert body["version"] == 2
    agreement = body["pv_opt_out"]
    assert agreement["agreed_date"] == "2026-10-15"
    assert agreement["document_reference"] == "DOC-EXAMPLE-0001"
    assert agreement["reason"] == RECORD["reason"]
    assert agreement["recorded_by"] == sub

    [stored] = await _agreements(session, org)
    assert str(stored.id) == agreement["id"]
    assert stored.status is PvOptOutStatus.in_force
    assert stored.recorded_at == clock.now()

    rows = await audit(session, org.id)
    assert [a.action for a in rows] == ["organisation.created", "organisation.pv_opt_out_recorded"]
    assert (rows[1].actor, rows[1].reason) == (sub, RECORD["reason"])
    assert rows[1].before is not None
    assert rows[1].before["pv_opt_out"] is None
    assert rows[1].after == body

    g = await client.get(f"/v1/organisations/{org.id}", headers=auth_headers("legal"))
    assert g.headers["etag"] == '"2"'
    assert g.json()["pv_opt_out"] == agreement


async def test_a_second_agreement_while_one_is_in_force_is_409(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, make_org: MakeOrg
) -> None:
    org = await make_org(pv_opt_out=True)
    r = await client.post(_url(org), json=RECORD, headers=auth_headers("caseworker"))
    problem = _problem(r, 409, "pv-opt-out-already-in-force")
    assert org.pv_opt_out is not None
    assert problem["pv_opt_out_id"] == str(org.pv_opt_out.id)
    assert len(await _agreements(session, org)) == 1


async def test_agreement_dated_in_the_future_is_422_but_today_is_fine(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, make_org: MakeOrg
) -> None:
    org = await make_org()
    h = auth_headers("intake_caseworker")

    future = await client.post(_url(org), json={**RECORD, "agreed_date": "2026-11-03"}, headers=h)
    _problem(future, 422, "pv-opt-out-date-in-future")
    assert await _agreements(session, org) == []

    today = await client.post(_url(org), json={**RECORD, "agreed_date": "2026-11-02"}, headers=h)
    assert today.status_code == 200, today.text


@pytest.mark.parametrize(
    "body",
    [
        {k: v for k, v in RECORD.items() if k != "reason"},
        {k: v for k, v in RECORD.items() if k != "document_reference"},
        {k: v for k, v in RECORD.items() if k != "agreed_date"},
        {**RECORD, "reason": "  "},
        {**RECORD, "document_reference": ""},
        {**RECORD, "status": "in_force"},
    ],
    ids=["no-reason", "no-document", "no-date", "blank-reason", "blank-document", "extra"],
)
async def test_record_needs_date_document_and_reason(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    make_org: MakeOrg,
    body: Json,
) -> None:
    org = await make_org()
    r = await client.post(_url(org), json=body, headers=auth_headers("caseworker"))
    _problem(r, 422, "validation-error")
    assert await _agreements(session, org) == []


async def test_withdrawing_keeps_the_old_agreement_on_record_and_audits(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    clock: FixedClock,
    make_org: MakeOrg,
    audit: Audit,
) -> None:
    org = await make_org(pv_opt_out=True)
    sub = f"om-{uuid.uuid4().hex[:8]}"

    r = await client.post(
        _url(org, "/withdraw"), json=WITHDRAW, headers=auth_headers("operations_manager", sub=sub)
    )

    assert r.status_code == 200, r.text
    assert r.json()["pv_opt_out"] is None
    assert r.headers["etag"] == '"3"'
    [stored] = await _agreements(session, org)
    assert stored.status is PvOptOutStatus.withdrawn
    assert (stored.withdrawn_by, stored.withdrawn_at) == (sub, clock.now())
    assert stored.withdrawal_reason == WITHDRAW["reason"]
    assert stored.document_reference == "DOC-BUILDER"

    last = (await audit(session, org.id))[-1]
    assert (last.action, last.actor, last.reason) == (
        "organisation.pv_opt_out_withdrawn",
        sub,
        WITHDRAW["reason"],
    )
    assert last.before is not None
    assert last.before["pv_opt_out"]["document_reference"] == "DOC-BUILDER"
    assert last.after is not None
    assert last.after["pv_opt_out"] is None

    again = await client.post(_url(org), json=RECORD, headers=auth_headers("caseworker"))
    assert again.status_code == 200, again.text
    assert again.json()["pv_opt_out"]["document_reference"] == "DOC-EXAMPLE-0001"
    history = await _agreements(session, org)
    assert [a.status for a in history] == [PvOptOutStatus.withdrawn, PvOptOutStatus.in_force]


async def test_withdrawing_when_none_is_in_force_is_409(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    make_org: MakeOrg,
    audit: Audit,
    session: AsyncSession,
) -> None:
    org = await make_org()
    r = await client.post(_url(org, "/withdraw"), json=WITHDRAW, headers=auth_headers("caseworker"))
    _problem(r, 409, "pv-opt-out-not-in-force")
    assert [a.action for a in await audit(session, org.id)] == ["organisation.created"]


async def test_withdrawal_needs_a_reason(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, make_org: MakeOrg
) -> None:
    org = await make_org(pv_opt_out=True)
    r = await client.post(_url(org, "/withdraw"), json={}, headers=auth_headers("caseworker"))
    _problem(r, 422, "validation-error")
    [stored] = await _agreements(session, org)
    assert stored.status is PvOptOutStatus.in_force


async def test_acts_check_if_match_when_it_is_sent(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, make_org: MakeOrg
) -> None:
    org = await make_org()
    h = auth_headers("caseworker")

    stale = await client.post(_url(org), json=RECORD, headers={**h, "If-Match": '"7"'})
    _problem(stale, 412, "etag-mismatch")
    assert await _agreements(session, org) == []

    current = await client.post(_url(org), json=RECORD, headers={**h, "If-Match": '"1"'})
    assert current.status_code == 200
    stale_withdraw = await client.post(
        _url(org, "/withdraw"), json=WITHDRAW, headers={**h, "If-Match": '"1"'}
    )
    _problem(stale_withdraw, 412, "etag-mismatch")
    withdrawn = await client.post(
        _url(org, "/withdraw"), json=WITHDRAW, headers={**h, "If-Match": current.headers["etag"]}
    )
    assert withdrawn.status_code == 200


async def test_record_with_idempotency_key_replays_instead_of_409(
    client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession, make_org: MakeOrg
) -> None:
    org = await make_org()
    h = {**auth_headers("caseworker", sub="cw-idem"), "Idempotency-Key": str(uuid.uuid4())}
    first = await client.post(_url(org), json=RECORD, headers=h)
    retry = await client.post(_url(org), json=RECORD, headers=h)
    assert first.status_code == retry.status_code == 200
    assert retry.headers[REPLAY_HEADER] == "true"
    assert retry.json() == first.json()
    assert len(await _agreements(session, org)) == 1


async def test_acts_on_an_unknown_organisation_are_404(
    client: httpx.AsyncClient, auth_headers: Headers
) -> None:
    h = auth_headers("caseworker")
    missing = str(uuid.uuid4())
    _problem(
        await client.post(_url(missing), json=RECORD, headers=h), 404, "organisation-not-found"
    )
    _problem(
        await client.post(_url(missing, "/withdraw"), json=WITHDRAW, headers=h),
        404,
        "organisation-not-found",
    )


async def test_the_agreement_cannot_be_patched(
    client: httpx.AsyncClient, auth_headers: Headers, make_org: MakeOrg
) -> None:
    org = await make_org()
    r = await client.patch(
        f"/v1/organisations/{org.id}",
        json={"pv_opt_out": RECORD},
        headers={**auth_headers("operations_manager"), "If-Match": '"1"'},
    )
    _problem(r, 422, "validation-error")
    assert r.json()["errors"][0]["loc"] == ["body", "pv_opt_out"]


async def test_database_allows_one_agreement_in_force_per_organisation(
    session: AsyncSession, make_org: MakeOrg
) -> None:
    org = await make_org(pv_opt_out=True)
    assert org.pv_opt_out is not None
    async with session.begin_nested():
        session.add(
            PvOptOut(
                organisation_id=org.id,
                status=PvOptOutStatus.in_force,
                agreed_date=org.pv_opt_out.agreed_date,
                document_reference="DOC-DUPLICATE",
                reason="A second agreement by a bug",
                recorded_by="test",
                recorded_at=org.pv_opt_out.recorded_at,
            )
        )
        with pytest.raises(IntegrityError, match="uq_organisation_pv_opt_out_in_force"):
            await session.flush()


# ---------------------------------------------------------------------------------------------
# Across real connections: the row lock serialises two simultaneous records
# ---------------------------------------------------------------------------------------------


@pytest.mark.concurrency
async def test_two_simultaneous_records_give_one_200_and_one_409(
    committing_client: CommittingClient, auth_headers: Headers
) -> None:
    client, observer = committing_client.client, committing_client.observer
    body = {
        "name": f"Concurrency Department {uuid.uuid4().hex[:8]}",
        "kind": "government_department",
        "jurisdiction": "parliamentary",
    }
    created = await client.post(
        "/v1/organisations", json=body, headers=auth_headers("intake_caseworker")
    )
    assert created.status_code == 201, created.text
    org_id = created.json()["id"]
    try:
        responses = await asyncio.gather(
            *(
                client.post(_url(org_id), json=RECORD, headers=auth_headers("caseworker"))
                for _ in range(2)
            )
        )
        assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
        [conflict] = [r for r in responses if r.status_code == 409]
        assert conflict.json()["type"] == PROBLEM_TYPE_BASE + "pv-opt-out-already-in-force"
        async with observer.connect() as conn:
            in_force = await conn.scalar(
                text(
                    "SELECT count(*) FROM organisation_pv_opt_out "
                    "WHERE organisation_id = :id AND status = 'in_force'"
                ),
                {"id": uuid.UUID(org_id)},
            )
        assert in_force == 1
    finally:
        # The audit rows stay: audit_entry is append-only, and they are true.
        async with observer.begin() as conn:
            params = {"id": uuid.UUID(org_id)}
            await conn.execute(
                text("DELETE FROM organisation_pv_opt_out WHERE organisation_id = :id"), params
            )
            await conn.execute(text("DELETE FROM organisation WHERE id = :id"), params)
