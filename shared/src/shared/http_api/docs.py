"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc) from assets the service serves itself.

FastAPI's default pages load their JavaScript and CSS from a CDN, so on a network without
internet access they are blank. Every service serves the vendored copies in ``static/`` (their
versions and licences: ``static/README.md``) under ``/docs-assets/`` and points the pages there
(FastAPI: "Self-hosting JavaScript and CSS for docs"). Swagger UI's validator badge, which
would call an outside validator with the document's URL, is switched off, and each page has a
Content-Security-Policy that lets the browser load nothing from elsewhere: ReDoc's sidebar, for
one, shows a logo from its vendor's CDN, which the policy stops before any request is made.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).parent / "static"
ASSETS_PATH = "/docs-assets"
SWAGGER_UI_VERSION = "5.36.0"
REDOC_VERSION = "2.5.4"

SWAGGER_JS = f"{ASSETS_PATH}/swagger-ui/swagger-ui-bundle.js"
SWAGGER_CSS = f"{ASSETS_PATH}/swagger-ui/swagger-ui.css"
REDOC_JS = f"{ASSETS_PATH}/redoc/redoc.standalone.js"
FAVICON = f"{ASSETS_PATH}/swagger-ui/favicon-32x32.png"
# Nothing is fetched from elsewhere: no validator badge (it sends the document's URL out).
SWAGGER_UI_PARAMETERS: dict[str, Any] = {"validatorUrl": None}


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def with_content_security_policy(page: HTMLResponse) -> HTMLResponse:
    """``page`` with a policy allowing only this origin, and its own inline scripts by hash.

    Styles may be inline (both UIs set them from script); images may be ``data:`` (Swagger UI's
    icons) and workers ``blob:`` (ReDoc's search).
    """
    body = bytes(page.body).decode()
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(body)
    )
    page.headers["Content-Security-Policy"] = "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' {hashes}".strip(),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "worker-src 'self' blob:",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )
    return page


class DocsAssets(StaticFiles):
    """The vendored files, cacheable: they are public and change only with a release."""

    async def get_response(self, path: str, scope: Scope) -> Any:
        response = await super().get_response(path, scope)
        response.headers["Cache-Control"] = "public, max-age=86400"
        return response


def install_docs(app: FastAPI) -> None:
    """Serve ``/docs``, its OAuth2 redirect page, ``/redoc`` and their assets.

    The app is built with ``docs_url=None, redoc_url=None``; the routes are left out of the
    OpenAPI document.
    """
    openapi_url = app.openapi_url or "/openapi.json"
    oauth2_redirect_url = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"
    app.mount(ASSETS_PATH, DocsAssets(directory=STATIC_DIR), name="docs-assets")

    def prefixed(request: Request, url: str) -> str:
        # Behind a proxy that mounts the service under a path (uvicorn --root-path).
        return f"{request.scope.get('root_path', '')}{url}"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url=prefixed(request, openapi_url),
            title=f"{request.app.title} - Swagger UI",
            oauth2_redirect_url=prefixed(request, oauth2_redirect_url),
            swagger_js_url=prefixed(request, SWAGGER_JS),
            swagger_css_url=prefixed(request, SWAGGER_CSS),
            swagger_favicon_url=prefixed(request, FAVICON),
            swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
        )
        return with_content_security_policy(page)

    @app.get(oauth2_redirect_url, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return with_content_security_policy(get_swagger_ui_oauth2_redirect_html())

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        page = get_redoc_html(
            openapi_url=prefixed(request, openapi_url),
            title=f"{request.app.title} - ReDoc",
            redoc_js_url=prefixed(request, REDOC_JS),
            redoc_favicon_url=prefixed(request, FAVICON),
            with_google_fonts=False,
        )
        return with_content_security_policy(page)
