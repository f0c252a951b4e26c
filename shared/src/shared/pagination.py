"""Keyset pagination: opaque cursors and the page envelope (DESIGN §3 Lists)."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from shared.errors import BadRequest

T = TypeVar("T")
MAX_LIMIT = 100


class InvalidCursor(BadRequest):
    type = "invalid-cursor"
    title = "The pagination cursor is not valid"


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page"
    )


def encode_cursor(values: list[Any]) -> str:
    """An opaque cursor for the sort key of the last row of a page."""
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, arity: int) -> list[Any]:
    """The sort key inside ``cursor``; 400 ``invalid-cursor`` if it was not made by us."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, TypeError) as exc:
        raise InvalidCursor("Use the next_cursor of a previous page as it was given") from exc
    if not isinstance(values, list) or len(values) != arity:
        raise InvalidCursor("Use the next_cursor of a previous page as it was given")
    return values


LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size (at most 100)")]
CursorQuery = Annotated[
    str | None, Query(max_length=1000, description="next_cursor of the previous page")
]
