"""``GET /v1/cases/{id}/closure-recipients`` (ASM-173, ASM-174, ASM-055, ¶3.117): assessment
reads the case's parties from a real intake-api in process, with its service token, and answers
who the closing decision goes to; 503 with Retry-After when intake cannot say, never a guess."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from intake_api.cases.models import Jurisdiction
from shared.clients import DevServiceTokenProvider, ServiceClient
from shared.config import DEV_ISSUER
from shared.errors import PROBLEM_TYPE_BASE
from tests.assessment.cases.builders import ORG, make_case
from tests.assessment.intake_peer import intake_case

Headers = Callable[..., dict[str, str]]


async def test_the_recipients_of_a_decline_read_from_intakes_parties__ASM_173_ASM_174(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    with_intake: async_sessionmaker[AsyncSession],
) -> None:
    icase, people = await intake_case(with_intake, Jurisdiction.health)
    await make_case(session, case_id=icase.id)
    r = await client.get(
        f"/v1/cases/{icase.id}/closure-recipients",
        params={
            "kind": "resolution",
            "decision_by_telephone": "true",
            "organisation_contacted": str(ORG),
        },
        headers=auth_headers("caseworker"),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    got = [
        (o["person_id"] or o["organisation_id"], o["role"], o["form"], o["in_writing"])
        for o in body["owed"]
    ]
    assert got == [
        (str(people["complainant"]), "complainant", "decision letter", False),
        (str(people["mp"]), "mp (referring)", "copy under a brief covering letter", True),
        (str(ORG), "organisation", "told of the decision", True),
    ]
    # The representative has no recorded authority (ASM-174 ¶3.112); the aggrieved's copy is
    # still to be decided (¶3.111).
    assert [p["requirement"] for p in body["problems"]] == ["ASM-174"]
    assert body["complete"] is False


async def test_an_organisation_the_case_is_not_about_is_refused(
    client: httpx.AsyncClient,
    auth_headers: Headers,
    session: AsyncSession,
    with_intake: async_sessionmaker[AsyncSession],
) -> None:
    case = await make_case(session)
    r = await client.get(
        f"/v1/cases/{case.id}/closure-recipients",
        params={"kind": "decision_not_to_investigate", "organisation_contacted": str(uuid.uuid4())},
        headers=auth_headers("caseworker"),
    )
    assert r.status_code == 422, r.text
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "organisation-not-on-case"


async def test_intake_down_is_a_503_never_a_guess(
    app: FastAPI, client: httpx.AsyncClient, auth_headers: Headers, session: AsyncSession,
    dev_keys_dir: Path,
) -> None:  # fmt: skip
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens here once closed
    down = ServiceClient(
        base_url=f"http://127.0.0.1:{port}", audience="intake-api", attempts=1,
        tokens=DevServiceTokenProvider(
            keys_dir=dev_keys_dir, issuer=DEV_ISSUER, subject="assessment-api"
        ),
    )  # fmt: skip
    app.state.intake_client = down
    case = await make_case(session)
    try:
        r = await client.get(
            f"/v1/cases/{case.id}/closure-recipients",
            params={"kind": "withdrawn"},
            headers=auth_headers("caseworker"),
        )
    finally:
        await down.aclose()
    assert r.status_code == 503, r.text
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "intake-unavailable"
    assert r.headers["retry-after"] == "5"


async def test_unknown_case_is_404(
    client: httpx.AsyncClient, auth_headers: Headers, with_intake: Any
) -> None:
    r = await client.get(
        f"/v1/cases/{uuid.uuid4()}/closure-recipients",
        params={"kind": "withdrawn"},
        headers=auth_headers("caseworker"),
    )
    assert r.status_code == 404, r.text
