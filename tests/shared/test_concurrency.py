"""Optimistic concurrency with ETags (DESIGN §3 "Concurrency"): 428 missing, 412 stale."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from shared.concurrency import (
    IfMatchHeader,
    IfMatchRequired,
    MalformedIfMatch,
    StaleEtag,
    check_if_match,
    make_etag,
)
from shared.config import BaseServiceSettings
from shared.errors import PROBLEM_TYPE_BASE
from shared.http_api.app import create_service_app
from shared.http_api.problems import PROBLEM_JSON

CURRENT = make_etag(3)


def test_make_etag_is_a_strong_quoted_version() -> None:
    assert make_etag(1) == '"1"'
    assert make_etag(42) == '"42"'


@pytest.mark.parametrize("missing", [None, "", "   ", ",", " , ,", "*"])
def test_missing_empty_or_star_if_match_when_required_is_428(missing: str | None) -> None:
    # An empty If-Match is not "no header": read so, it let concurrent PATCHes all succeed and
    # overwrite each other. '*' names no version read, so it cannot guard a PATCH either.
    with pytest.raises(IfMatchRequired) as exc:
        check_if_match(missing, CURRENT, required=True)
    assert exc.value.status == 428
    assert exc.value.type == "if-match-required"


def test_absent_if_match_when_optional_passes() -> None:
    check_if_match(None, CURRENT, required=False)


@pytest.mark.parametrize("empty", ["", "   ", ","])
def test_empty_if_match_when_optional_is_428_not_ignored(empty: str) -> None:
    with pytest.raises(IfMatchRequired):
        check_if_match(empty, CURRENT, required=False)


def test_star_matches_a_transition_post() -> None:
    check_if_match("*", CURRENT, required=False)


@pytest.mark.parametrize("if_match", ["3", '"9", *', "*, *", '"3', "W/3", '"3" junk', '"a b"'])
@pytest.mark.parametrize("required", [True, False])
def test_malformed_if_match_is_412_malformed(if_match: str, required: bool) -> None:
    with pytest.raises(MalformedIfMatch) as exc:
        check_if_match(if_match, CURRENT, required=required)
    assert exc.value.status == 412
    assert exc.value.type == "if-match-malformed"


@pytest.mark.parametrize("required", [True, False])
def test_stale_if_match_is_412_with_the_current_etag(required: bool) -> None:
    with pytest.raises(StaleEtag) as exc:
        check_if_match('"2"', CURRENT, required=required)
    assert exc.value.status == 412
    assert exc.value.type == "etag-mismatch"
    assert exc.value.extensions == {"current_etag": CURRENT}


@pytest.mark.parametrize("if_match", ['"3"', ' "3" ', '"1", "3"', '"1","2",  "3"', 'W/"1", "3"'])
def test_current_or_list_containing_current_matches(if_match: str) -> None:
    check_if_match(if_match, CURRENT, required=True)


@pytest.mark.parametrize("if_match", ['W/"3"', 'W/"3", "2"', '"30"', '"1", "2"'])
def test_weak_unquoted_or_other_tags_never_match(if_match: str) -> None:
    # RFC 9110 §13.1.1: If-Match uses the strong comparison, so W/"3" does not match "3".
    with pytest.raises(StaleEtag):
        check_if_match(if_match, CURRENT, required=True)


# ---------------------------------------------------------------------------------------------
# Over HTTP
# ---------------------------------------------------------------------------------------------


@pytest.fixture
async def etag_client(settings: BaseServiceSettings) -> AsyncIterator[httpx.AsyncClient]:
    router = APIRouter()

    @router.patch("/things/1")
    async def patch_thing(if_match: IfMatchHeader) -> dict[str, Any]:
        check_if_match(if_match, CURRENT, required=True)
        return {"ok": True}

    @router.post("/things/1/close")
    async def close_thing(if_match: IfMatchHeader) -> dict[str, Any]:
        check_if_match(if_match, CURRENT, required=False)
        return {"closed": True}

    app: FastAPI = create_service_app(
        settings=settings,
        title="t",
        version="0.1.0",
        description="t",
        routers=[router],
        configure_logs=False,
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def test_patch_without_if_match_is_428_problem(etag_client: httpx.AsyncClient) -> None:
    r = await etag_client.patch("/things/1", json={})
    assert r.status_code == 428
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "if-match-required"
    assert r.json()["status"] == 428


async def test_patch_with_stale_if_match_is_412_problem(etag_client: httpx.AsyncClient) -> None:
    r = await etag_client.patch("/things/1", json={}, headers={"If-Match": '"2"'})
    assert r.status_code == 412
    assert r.headers["content-type"].startswith(PROBLEM_JSON)
    body = r.json()
    assert body["type"] == PROBLEM_TYPE_BASE + "etag-mismatch"
    assert body["current_etag"] == CURRENT


async def test_patch_with_empty_if_match_is_428_so_no_update_is_lost(
    etag_client: httpx.AsyncClient,
) -> None:
    r = await etag_client.patch("/things/1", json={}, headers={"If-Match": ""})
    assert r.status_code == 428
    assert r.json()["type"] == PROBLEM_TYPE_BASE + "if-match-required"


async def test_patch_with_weak_if_match_is_412(etag_client: httpx.AsyncClient) -> None:
    r = await etag_client.patch("/things/1", json={}, headers={"If-Match": 'W/"3"'})
    assert r.status_code == 412


async def test_patch_with_current_if_match_is_200(etag_client: httpx.AsyncClient) -> None:
    r = await etag_client.patch("/things/1", json={}, headers={"If-Match": CURRENT})
    assert r.status_code == 200
    assert r.json() == {"ok": True}


async def test_transition_post_accepts_missing_if_match_but_checks_a_sent_one(
    etag_client: httpx.AsyncClient,
) -> None:
    assert (await etag_client.post("/things/1/close")).status_code == 200
    stale = await etag_client.post("/things/1/close", headers={"If-Match": '"2"'})
    assert stale.status_code == 412


async def test_if_match_is_documented_in_openapi(etag_client: httpx.AsyncClient) -> None:
    r = await etag_client.get("/openapi.json")
    params = r.json()["paths"]["/things/1"]["patch"]["parameters"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in params)
