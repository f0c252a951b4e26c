"""Fast JSON responses for pydantic models.

``model.model_dump_json()`` serialises in pydantic-core (Rust) straight to bytes, where
``JSONResponse(model.model_dump(mode="json"))`` builds Python dicts and runs ``json.dumps`` over
them: the same JSON, for a fraction of the time on a large model.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel
from starlette.responses import Response


class ModelResponse(Response):
    media_type = "application/json"


def model_response(
    model: BaseModel, *, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """``model`` as ``application/json``, serialised once by pydantic-core."""
    return ModelResponse(model.model_dump_json(), status_code=status_code, headers=headers)
