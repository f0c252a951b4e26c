"""One response shape for resources (architecture.md, "The resource kit").

``resource_response`` is how a route answers with a resource: JSON serialised once by
pydantic-core (``model_dump_json`` writes bytes in Rust, where ``JSONResponse(model_dump())`` builds
Python dicts and runs ``json.dumps`` over them), with

- ``ETag`` from the resource's version, when it has one (DESIGN §3 Concurrency);
- ``Location`` on a create;
- ``Cache-Control: no-store`` unless the caller says the body is public reference data: case and
  personal data (summaries, communications, contact details) must never sit in a browser's or a
  proxy's cache (XC-DP).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel
from starlette.responses import Response

from shared.concurrency import make_etag

NO_STORE = "no-store"


class ModelResponse(Response):
    media_type = "application/json"


def resource_response(
    model: BaseModel | Sequence[BaseModel],
    *,
    status_code: int = 200,
    version: int | None = None,
    location: str | None = None,
    cache_control: str = NO_STORE,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """``model`` as ``application/json`` with the resource headers (see the module docstring)."""
    out: dict[str, str] = {"Cache-Control": cache_control}
    if version is not None:
        out["ETag"] = make_etag(version)
    if location is not None:
        out["Location"] = location
    if headers:
        out.update(headers)
    return ModelResponse(_dump(model), status_code=status_code, headers=out)


def model_response(
    model: BaseModel, *, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """``model`` as ``application/json``, serialised once by pydantic-core, with no cache headers.

    For bodies that carry no case or personal data (health, reference lists); everything else
    goes through ``resource_response``.
    """
    return ModelResponse(model.model_dump_json(), status_code=status_code, headers=headers)


def _dump(model: BaseModel | Sequence[BaseModel]) -> bytes:
    if isinstance(model, BaseModel):
        return model.model_dump_json().encode()
    return b"[" + b",".join(m.model_dump_json().encode() for m in model) + b"]"
