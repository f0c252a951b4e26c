"""Keyset pagination: one ``Page[T]`` shape, opaque cursors and one ``paginate`` (architecture.md).

Every list in every service pages the same way:
- the repository fetches ``limit + 1`` rows after a sort key (``after``), so the page knows
  whether another follows without a ``COUNT`` and never ends on an empty trailing page;
- the cursor is the sort key of the page's last row, tagged with the list's name, so one list's
  cursor is refused by another rather than misread;
- a cursor that was not made by us is a 400 ``invalid-cursor``, never a 500.

A service calls ``paginate`` with its repository query; nothing else encodes or decodes cursors.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from shared.errors import BadRequest

T = TypeVar("T")
R = TypeVar("R")
P = TypeVar("P", bound="Page[Any]")
MAX_LIMIT = 100


class InvalidCursor(BadRequest):
    type = "invalid-cursor"
    title = "The pagination cursor is not valid"


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page"
    )


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):  # datetime is a date: both keep their ISO form
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque cursor for the sort key of the last row of a page."""
    raw = json.dumps([_plain(v) for v in values], separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, arity: int) -> list[Any]:
    """The values inside ``cursor``; 400 ``invalid-cursor`` if it was not made by us."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, TypeError, RecursionError) as exc:
        raise InvalidCursor("Use the next_cursor of a previous page as it was given") from exc
    if not isinstance(values, list) or len(values) != arity:
        raise InvalidCursor("Use the next_cursor of a previous page as it was given")
    return values


# Parsers for the values of a sort key, as they come back out of a cursor's JSON.
def key_date(value: Any) -> date:
    if not isinstance(value, str):
        raise TypeError("a date is an ISO string")
    return date.fromisoformat(value)


def key_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise TypeError("an instant is an ISO string")
    at = datetime.fromisoformat(value)
    if at.tzinfo is None:
        raise ValueError("naive timestamp")
    # In UTC, as stored: an instant whose UTC form is outside years 1-9999 raises OverflowError
    # here rather than in the database.
    return at.astimezone(UTC)


def key_uuid(value: Any) -> uuid.UUID:
    if not isinstance(value, str):
        raise TypeError("an id is a string")
    return uuid.UUID(value)


BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


def key_int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError("not an integer")
    if not BIGINT_MIN <= value <= BIGINT_MAX:
        raise ValueError("outside bigint")
    return value


def key_str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    if "\x00" in value:
        raise ValueError("PostgreSQL text cannot hold NUL")
    return value


@dataclass(frozen=True)
class Keyset:
    """A list's sort key: the list's name and a parser for each value of the key."""

    name: str
    parsers: tuple[Callable[[Any], Any], ...]

    def encode(self, values: Sequence[Any]) -> str:
        return encode_cursor([self.name, *values])

    def decode(self, cursor: str | None) -> tuple[Any, ...] | None:
        """The sort key after which the next page starts, or None for the first page."""
        if cursor is None:
            return None
        values = decode_cursor(cursor, arity=1 + len(self.parsers))
        try:
            if values[0] != self.name:
                raise ValueError("a cursor of another list")
            return tuple(parse(v) for parse, v in zip(self.parsers, values[1:], strict=True))
        except (TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise InvalidCursor("Use the next_cursor of a previous page as it was given") from exc


async def paginate(
    fetch: Callable[[Any, int], Awaitable[Sequence[R]]],
    *,
    keyset: Keyset,
    cursor: str | None,
    limit: int,
    key: Callable[[R], Sequence[Any]],
    item: Callable[[R], T],
    page: type[P],
) -> P:
    """One page of a keyset-paginated list.

    ``fetch(after, limit + 1)`` is the repository query: rows in the list's order strictly after
    the sort key ``after`` (None on the first page), at most ``limit + 1`` of them. ``key(row)``
    is a row's sort key, in the order of ``keyset.parsers``; ``item(row)`` its API model. A
    ``next_cursor`` is given only when another row exists, so no page is ever an empty trailer.
    """
    rows = await fetch(keyset.decode(cursor), limit + 1)
    shown = rows[:limit]
    next_cursor = keyset.encode(key(shown[-1])) if len(rows) > limit else None
    return page(items=[item(r) for r in shown], next_cursor=next_cursor)


LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size (at most 100)")]
CursorQuery = Annotated[
    str | None, Query(max_length=1000, description="next_cursor of the previous page")
]
