"""CORS (issue #14): a configurable allow-list of origins, nothing allowed by default, a correct
preflight, and the response headers a browser script needs exposed."""

from __future__ import annotations

import os
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from intake_api.config import IntakeSettings
from shared.config import BaseServiceSettings

FRONT_END = "https://casework.example.org"
OTHER = "https://evil.example.com"
REAL_URL = "postgresql://intake_app:Xq7-long-real-secret@db.internal:5432/casework_intake"
JWKS = "https://login.microsoftonline.com/tenant-id/discovery/v2.0/keys"
PREFLIGHT_HEADERS = (
    "authorization, content-type, if-match, idempotency-key, x-request-id, x-override-reason"
)


def _listed(value: str) -> set[str]:
    return {item.strip().lower() for item in value.split(",")}


def _client(settings: BaseServiceSettings, app_state: Any, **update: Any) -> httpx.AsyncClient:
    from intake_api.main import create_app

    assert isinstance(settings, IntakeSettings)
    application = create_app(settings.model_copy(update=update))
    application.state.db = app_state.db
    application.state.clock = app_state.clock
    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def _preflight(origin: str, method: str = "PATCH") -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": PREFLIGHT_HEADERS,
    }


async def test_by_default_no_origin_is_allowed(client: httpx.AsyncClient) -> None:
    preflight = await client.options("/v1/cases", headers=_preflight(FRONT_END, "POST"))
    assert preflight.status_code >= 400
    assert "access-control-allow-origin" not in preflight.headers

    answer = await client.get("/health/live", headers={"Origin": FRONT_END})
    assert answer.status_code == 200
    assert "access-control-allow-origin" not in answer.headers


async def test_preflight_from_an_allowed_origin_names_methods_and_headers(
    settings: BaseServiceSettings, app: Any
) -> None:
    async with _client(settings, app.state, cors_origins=[FRONT_END]) as c:
        response = await c.options(
            "/v1/cases/00000000-0000-0000-0000-000000000001", headers=_preflight(FRONT_END)
        )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == FRONT_END
    methods = _listed(response.headers["access-control-allow-methods"])
    assert {"get", "post", "patch", "delete"} <= methods
    assert _listed(PREFLIGHT_HEADERS) <= _listed(response.headers["access-control-allow-headers"])
    assert response.headers["access-control-max-age"] == "600"
    assert "access-control-allow-credentials" not in response.headers
    assert "origin" in response.headers["vary"].lower()


async def test_preflight_from_another_origin_is_refused(
    settings: BaseServiceSettings, app: Any
) -> None:
    async with _client(settings, app.state, cors_origins=[FRONT_END]) as c:
        response = await c.options("/v1/cases", headers=_preflight(OTHER, "POST"))
        plain = await c.get("/health/live", headers={"Origin": OTHER})
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-origin" not in plain.headers


async def test_a_preflight_asking_for_an_unlisted_header_is_refused(
    settings: BaseServiceSettings, app: Any
) -> None:
    async with _client(settings, app.state, cors_origins=[FRONT_END]) as c:
        response = await c.options(
            "/v1/cases",
            headers={
                "Origin": FRONT_END,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "x-not-ours",
            },
        )
    assert response.status_code == 400


async def test_answers_expose_etag_location_request_id_and_replay_marker(
    settings: BaseServiceSettings, app: Any, auth_headers: Any
) -> None:
    async with _client(settings, app.state, cors_origins=[FRONT_END]) as c:
        response = await c.get(
            "/v1/cases/00000000-0000-0000-0000-000000000001",
            headers={**auth_headers("caseworker"), "Origin": FRONT_END},
        )
        too_large = await c.post(
            "/v1/cases", content=b"x" * (settings.max_body_bytes + 1), headers={"Origin": FRONT_END}
        )
    assert response.status_code == 404  # a problem the page must be able to read
    assert response.headers["access-control-allow-origin"] == FRONT_END
    exposed = _listed(response.headers["access-control-expose-headers"])
    assert {"etag", "location", "x-request-id", "idempotent-replayed"} <= exposed
    # The middleware's own problem answers carry it too.
    assert too_large.status_code == 413
    assert too_large.headers["access-control-allow-origin"] == FRONT_END


@pytest.fixture
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name == "ENV" or name.startswith(("INTAKE_", "CASEWORK_")):
            monkeypatch.delenv(name)


def _production(**overrides: Any) -> IntakeSettings:
    values: dict[str, Any] = {
        "database_url": REAL_URL,
        "ENV": "production",
        "jwt_jwks_url": JWKS,
        "subscribers": {},
        **overrides,
    }
    return IntakeSettings(**values)


@pytest.mark.usefixtures("_clean_env")
def test_production_allows_no_origin_by_default_and_refuses_a_wildcard() -> None:
    assert _production().cors_origins == []
    with pytest.raises(ValidationError, match=r"cors_origins '\*' is not allowed in production"):
        _production(cors_origins=["*"])
    assert _production(cors_origins=[FRONT_END]).cors_origins == [FRONT_END]


@pytest.mark.usefixtures("_clean_env")
def test_a_wildcard_with_credentials_is_refused_everywhere() -> None:
    with pytest.raises(ValidationError, match="cors_allow_credentials"):
        IntakeSettings(
            database_url=REAL_URL,
            ENV="development",
            cors_origins=["*"],
            cors_allow_credentials=True,
        )
    assert IntakeSettings(database_url=REAL_URL, ENV="development", cors_origins=["*"])


@pytest.mark.usefixtures("_clean_env")
@pytest.mark.parametrize(
    "bad", ["https://casework.example.org/", "casework.example.org", "https://x.org/app", "ftp://x"]
)
def test_an_entry_that_is_not_an_origin_is_refused_without_quoting_it(bad: str) -> None:
    with pytest.raises(ValidationError, match="scheme://host") as info:
        IntakeSettings(database_url=REAL_URL, ENV="testing", cors_origins=[bad])
    assert bad not in str(info.value)


@pytest.mark.usefixtures("_clean_env")
@pytest.mark.parametrize(
    "raw",
    [
        "https://casework.example.org,http://localhost:5173",
        " https://casework.example.org , http://localhost:5173 ",
        '["https://casework.example.org", "http://localhost:5173"]',
    ],
)
def test_the_environment_variable_is_a_list_or_comma_separated(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv("INTAKE_CORS_ORIGINS", raw)
    settings = IntakeSettings(database_url=REAL_URL, ENV="testing")
    assert settings.cors_origins == [FRONT_END, "http://localhost:5173"]
