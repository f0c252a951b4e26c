"""``/docs`` and ``/redoc`` work without internet access (issue #14): every asset the pages
reference is served by the service itself, with the right content type, for all four services.

A headless browser check (the operations listed with no request leaving the machine) was made
by hand once; it is not part of the suite. See shared/http_api/static/README.md for the assets.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from shared.config import BaseServiceSettings
from shared.http_api.docs import STATIC_DIR

SERVICES = ("intake", "assessment", "investigation", "compliance")
# Every URL an HTML page makes the browser fetch: src/href attributes, Swagger UI's `url:` and
# ReDoc's `spec-url`.
REFERENCES = re.compile(r"""(?:src|href|spec-url)="([^"]+)"|\burl: '([^']+)'""")
CONTENT_TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".json": "application/json",
}


def _app(service: str) -> FastAPI:
    config = importlib.import_module(f"{service}_api.config")
    main = importlib.import_module(f"{service}_api.main")
    settings_cls: type[BaseServiceSettings] = getattr(config, f"{service.capitalize()}Settings")
    settings = settings_cls(database_url="postgresql://docs:docs@127.0.0.1:1/docs", ENV="testing")
    app: FastAPI = main.create_app(settings)
    return app


@pytest.fixture(params=SERVICES)
async def docs_client(request: pytest.FixtureRequest) -> AsyncIterator[httpx.AsyncClient]:
    """The service's app without its lifespan: the docs need no database."""
    transport = httpx.ASGITransport(app=_app(request.param))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


def _references(html: str) -> list[str]:
    return [a or b for a, b in REFERENCES.findall(html)]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("/docs", {"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "openapi.json"}),
        ("/redoc", {"redoc.standalone.js", "favicon-32x32.png", "openapi.json"}),
    ],
)
async def test_docs_pages_reference_only_local_assets_and_each_is_served(
    docs_client: httpx.AsyncClient, page: str, expected: set[str]
) -> None:
    response = await docs_client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")

    references = _references(response.text)
    assert {ref.rsplit("/", 1)[-1] for ref in references} == expected
    # Nothing leaves the service: no scheme, no protocol-relative URL, no CDN or font host.
    assert "://" not in response.text
    assert "//" not in "".join(references)
    for ref in references:
        assert ref.startswith("/"), ref
        asset = await docs_client.get(ref)
        assert asset.status_code == 200, ref
        suffix = Path(ref).suffix
        assert asset.headers["content-type"].startswith(CONTENT_TYPES[suffix]), ref
        assert asset.content, ref


async def test_swagger_ui_sends_nothing_to_the_outside_validator(
    docs_client: httpx.AsyncClient,
) -> None:
    html = (await docs_client.get("/docs")).text
    assert '"validatorUrl": null' in html
    redirect = await docs_client.get("/docs/oauth2-redirect")
    assert redirect.status_code == 200
    assert "://" not in redirect.text


async def test_assets_are_cacheable_and_the_pages_stay_out_of_the_openapi(
    docs_client: httpx.AsyncClient,
) -> None:
    asset = await docs_client.get("/docs-assets/redoc/redoc.standalone.js")
    assert asset.headers["cache-control"] == "public, max-age=86400"
    assert (await docs_client.get("/docs-assets/nope.js")).status_code == 404
    paths = (await docs_client.get("/openapi.json")).json()["paths"]
    assert not [p for p in paths if p.startswith(("/docs", "/redoc"))]


def test_the_vendored_assets_are_the_ones_recorded_with_their_licences() -> None:
    readme = (STATIC_DIR / "README.md").read_text()
    recorded = {
        path: digest for digest, path in re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, re.M)
    }
    assert set(recorded) == {
        "swagger-ui/swagger-ui-bundle.js",
        "swagger-ui/swagger-ui.css",
        "redoc/redoc.standalone.js",
    }
    for path, digest in recorded.items():
        assert hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest() == digest, path
    for licence in (
        "swagger-ui/LICENSE",
        "swagger-ui/NOTICE",
        "swagger-ui/swagger-ui-bundle.js.LICENSE.txt",
        "redoc/LICENSE",
        "redoc/redoc.standalone.js.LICENSE.txt",
    ):
        assert (STATIC_DIR / licence).stat().st_size > 0, licence


@pytest.mark.parametrize("page", ["/docs", "/redoc", "/docs/oauth2-redirect"])
async def test_each_page_lets_the_browser_load_nothing_from_elsewhere(
    docs_client: httpx.AsyncClient, page: str
) -> None:
    """A Content-Security-Policy of this origin only (ReDoc's sidebar would otherwise fetch its
    vendor's logo from a CDN); the page's own inline scripts are allowed by their hash."""
    response = await docs_client.get(page)
    policy: dict[str, str] = {}
    for directive in response.headers["content-security-policy"].split("; "):
        name, _, sources = directive.partition(" ")
        policy[name] = sources
    assert policy["default-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["connect-src"] == "'self'"
    assert "unsafe-inline" not in policy["script-src"]
    every_source = " ".join(policy.values()).split()
    assert not [s for s in every_source if "://" in s or s.startswith("http") or "." in s]
    for script in re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy["script-src"]
