"""The resource response (shared.http_api.responses): one JSON body, ETag, Location, no-store.

Case and personal data must never sit in a browser's or a proxy's cache (XC-DP), so a resource is
``Cache-Control: no-store`` unless the route says otherwise.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.responses import Response

from shared.config import BaseServiceSettings
from shared.db import Database
from shared.http_api.app import create_service_app
from shared.http_api.responses import model_response, resource_response


class Colour(StrEnum):
    red = "red"


class Thing(BaseModel):
    id: uuid.UUID
    name: str
    received_date: date
    at: datetime
    amount: Decimal
    colour: Colour
    tags: list[str] = Field(default_factory=list)
    note: str | None = None
    version: int = 1


def _thing(name: str = "Ōmbudsman “letter”", **overrides: object) -> Thing:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "name": name,
        "received_date": date(2026, 11, 2),
        "at": datetime(2026, 11, 2, 10, 0, 0, 123456, tzinfo=UTC),
        "amount": Decimal("12.50"),
        "colour": Colour.red,
        "tags": ["a", "b"],
    }
    values.update(overrides)
    return Thing.model_validate(values)


def _json(response: Response) -> object:
    return json.loads(bytes(response.body))


def test_a_resource_is_not_stored_by_caches_by_default__XC_DP() -> None:
    r = resource_response(_thing())
    assert r.headers["cache-control"] == "no-store"


def test_the_body_is_the_models_json_dump() -> None:
    thing = _thing()
    r = resource_response(thing)

    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert _json(r) == thing.model_dump(mode="json")


def test_the_etag_is_the_strong_quoted_version() -> None:
    r = resource_response(_thing(version=7), version=7)
    assert r.headers["etag"] == '"7"'
    assert not r.headers["etag"].startswith("W/")


def test_version_zero_still_has_an_etag() -> None:
    assert resource_response(_thing(), version=0).headers["etag"] == '"0"'


def test_without_a_version_there_is_no_etag() -> None:
    assert "etag" not in resource_response(_thing()).headers


def test_a_create_names_the_new_resource_in_location() -> None:
    thing = _thing()
    r = resource_response(thing, status_code=201, version=1, location=f"/v1/things/{thing.id}")

    assert r.status_code == 201
    assert r.headers["location"] == f"/v1/things/{thing.id}"
    assert r.headers["etag"] == '"1"'
    assert r.headers["cache-control"] == "no-store"


def test_without_a_location_there_is_no_location_header() -> None:
    assert "location" not in resource_response(_thing()).headers


def test_a_list_of_models_is_a_json_array_of_their_dumps() -> None:
    things = [_thing("one"), _thing("two", note="x"), _thing("three")]
    r = resource_response(things)

    body = _json(r)
    assert isinstance(body, list)
    assert body == [t.model_dump(mode="json") for t in things]
    assert r.headers["cache-control"] == "no-store"


def test_an_empty_list_is_an_empty_json_array() -> None:
    assert _json(resource_response([])) == []


def test_a_tuple_of_models_is_also_a_json_array() -> None:
    things = (_thing("one"), _thing("two"))
    assert _json(resource_response(things)) == [t.model_dump(mode="json") for t in things]


def test_public_reference_data_may_set_its_own_cache_control() -> None:
    r = resource_response(_thing(), cache_control="public, max-age=3600")
    assert r.headers["cache-control"] == "public, max-age=3600"
    assert r.headers.getlist("cache-control") == ["public, max-age=3600"]


def test_extra_headers_are_added() -> None:
    r = resource_response(_thing(), version=2, headers={"X-Total-Unread": "3"})
    assert r.headers["x-total-unread"] == "3"
    assert r.headers["etag"] == '"2"'
    assert r.headers["cache-control"] == "no-store"


def test_model_response_sets_no_cache_or_resource_headers() -> None:
    thing = _thing()
    r = model_response(thing, status_code=202, headers={"X-Kind": "health"})

    assert r.status_code == 202
    assert r.headers["content-type"] == "application/json"
    assert _json(r) == thing.model_dump(mode="json")
    assert "cache-control" not in r.headers
    assert "etag" not in r.headers
    assert "location" not in r.headers
    assert r.headers["x-kind"] == "health"


# ---------------------------------------------------------------------------------------------
# Through the app: the middleware keeps every header
# ---------------------------------------------------------------------------------------------

THING = _thing("served")
things_router = APIRouter(prefix="/v1/kit-things")


@things_router.get("/one", response_model=Thing)
async def get_one() -> Response:
    """One resource."""
    return resource_response(THING, version=THING.version, location="/v1/kit-things/one")


@things_router.get("/many", response_model=list[Thing])
async def get_many() -> Response:
    """A list of resources."""
    return resource_response([THING, THING])


@pytest.fixture
async def things_client(
    settings: BaseServiceSettings,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[httpx.AsyncClient]:
    application: FastAPI = create_service_app(
        settings=settings, title="kit-things", version="0.1.0", description="Resource kit.",
        routers=[things_router], configure_logs=False,
    )  # fmt: skip
    application.state.db = Database(engine, sessionmaker)
    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def test_a_client_receives_the_resource_headers_and_body__XC_DP(
    things_client: httpx.AsyncClient,
) -> None:
    r = await things_client.get("/v1/kit-things/one")

    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["etag"] == '"1"'
    assert r.headers["location"] == "/v1/kit-things/one"
    assert r.json() == THING.model_dump(mode="json")


async def test_a_client_receives_a_list_as_a_json_array(things_client: httpx.AsyncClient) -> None:
    r = await things_client.get("/v1/kit-things/many")

    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    assert r.json() == [THING.model_dump(mode="json")] * 2
