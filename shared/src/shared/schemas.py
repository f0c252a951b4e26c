"""Request types and JSON Schema pieces that make the OpenAPI say what the server checks.

Schemathesis holds every service to its OpenAPI (DESIGN §7): a request the schema allows must not
be refused with a 422, and one it forbids must not be accepted. These are the pieces for that.

Scalars. FastAPI parses a JSON body and then validates it in pydantic's lax Python mode, where
``0`` is a valid boolean, date and timestamp, and ``"5"`` a valid integer. These types refuse
what the schema's JSON type refuses:

- ``StrictBool`` (re-exported from pydantic): JSON ``true`` or ``false``.
- ``JsonInt`` / ``JSON_INTEGER``: a JSON number without a fraction (``5`` or ``5.0``, not ``"5"``
  or ``true``).
- ``IsoDate``: a ``YYYY-MM-DD`` string (RFC 3339 full-date), or a ``date`` in Python code.
- ``IsoDateTime``: an RFC 3339 date-time string with an offset, or an aware ``datetime``, in
  the years 0002 to 9998 (``DATE_TIME_YEARS``).
- ``QueryBool``: a query parameter's ``true`` or ``false`` (``IsoDate`` works in queries too).

Partial updates. ``NotNull[T]`` is a PATCH field that may be left out but never sent as ``null``:
the column behind it cannot be empty. The schema does not offer null, and a null is a 422 naming
the field, not a database error. A field whose column may be empty stays ``T | None``, and null
clears it.

Text. ``NO_NUL``, ``stripped_text()``/``NOT_BLANK`` and ``EMAIL`` are patterns that say what
PostgreSQL can store and what ``strip_whitespace`` leaves. ``PG_INTEGER_MAX``/``PG_BIGINT_MAX``
bound integers that land in integer columns.

Cross-field rules. ``given``, ``absent``, ``exactly_one_of`` and ``when`` build the JSON Schema
of the rules a model validator enforces, for the model's ``json_schema_extra``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    StrictBool,
    StringConstraints,
    WithJsonSchema,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

__all__ = [
    "DATE_TIME_YEARS",
    "EMAIL",
    "JSON_INTEGER",
    "NOT_BLANK",
    "NO_NUL",
    "PG_BIGINT_MAX",
    "PG_INTEGER_MAX",
    "IsoDate",
    "IsoDateTime",
    "JsonInt",
    "NotNull",
    "QueryBool",
    "StrictBool",
    "absent",
    "exactly_one_of",
    "given",
    "stripped_text",
    "when",
]

_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})")


def _iso_date(value: Any) -> Any:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _FULL_DATE.fullmatch(value):
        return value
    raise PydanticCustomError("date_format", "Input should be a date in the format YYYY-MM-DD")


def _iso_date_time(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE_TIME.fullmatch(value):
        return value
    raise PydanticCustomError(
        "datetime_format",
        "Input should be an RFC 3339 date-time with an offset, e.g. 2026-11-02T09:30:00Z",
    )


def _json_integer(value: Any) -> Any:
    # JSON Schema's integer is any number without a fraction (so 113.0 is one); not a string or
    # a boolean, both of which pydantic would otherwise turn into an int.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


# Put bounds before it, ``Annotated[int, Field(ge=0), JSON_INTEGER]``, so that the schema states
# them as minimum and maximum.
JSON_INTEGER = BeforeValidator(_json_integer)
JsonInt = Annotated[int, JSON_INTEGER]


def _query_bool(value: Any) -> Any:
    # A query value is text; pydantic would also read 0, 1, yes, no, on and off as booleans.
    if isinstance(value, bool) or value in ("true", "false"):
        return value
    raise PydanticCustomError("bool_parsing", "Input should be true or false")


# For query parameters: ``true`` or ``false``, the spellings of the schema's boolean.
QueryBool = Annotated[bool, BeforeValidator(_query_bool)]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _date_time_in_range(value: datetime) -> datetime:
    if value.year in (1, 9999):
        raise PydanticCustomError(
            "datetime_out_of_range", "Input should be a date-time in the years 0002 to 9998"
        )
    return value


# Years 0001 and 9999 are refused: an offset, or the move to London time, takes an instant there
# outside the years a Python datetime holds (0001-01-01T00:00:00+14:00 is in year 0 in UTC).
# The pattern states the rule in the schema; the format and the validator do the rest.
DATE_TIME_YEARS = r"^(?!0001-|9999-)"
IsoDateTime = Annotated[
    AwareDatetime,
    BeforeValidator(_iso_date_time),
    AfterValidator(_date_time_in_range),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": DATE_TIME_YEARS}),
]


def _not_null(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError(
            "null_not_allowed", "This field cannot be null: leave it out to keep its value"
        )
    return value


_T = TypeVar("_T")
# ``victims_code: NotNull[StrictBool] = None``: None, the default, means "not sent"; the schema
# leaves null out (SkipJsonSchema) and the validator refuses it.
NotNull = Annotated[_T | SkipJsonSchema[None], BeforeValidator(_not_null)]

# PostgreSQL text cannot hold NUL. The app factory states this pattern on every string of the
# OpenAPI that has no pattern of its own; a NUL that gets through is a 422 ``unstorable-text``.
NO_NUL = r"^[^\x00]*$"

# pydantic's ``strip_whitespace`` trims Unicode White_Space (Rust's ``char::is_whitespace``),
# spelled out here rather than left to each regex engine's idea of ``\s``.
_WHITE_SPACE = r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def stripped_text(min_length: int = 1) -> str:
    """The pattern of ``strip_whitespace=True`` text at least ``min_length`` long once stripped.

    No NUL, and ``min_length`` characters from the first to the last that is not white space,
    so that the schema refuses "  a " for three characters as the validator does.
    """
    edge = rf"[^\x00{_WHITE_SPACE}]"
    if min_length <= 1:
        return rf"^[^\x00]*{edge}[^\x00]*$"
    return rf"^[^\x00]*{edge}[^\x00]{{{min_length - 2},}}{edge}[^\x00]*$"


NOT_BLANK = stripped_text(1)

# An e-mail address as the services check it once stripped: no white space, NUL or second @.
EMAIL = (
    rf"^[{_WHITE_SPACE}]*[^@{_WHITE_SPACE}\x00]+@[^@{_WHITE_SPACE}\x00]+"
    rf"\.[^@{_WHITE_SPACE}\x00]+[{_WHITE_SPACE}]*$"
)

# PostgreSQL ``integer`` (int4) and ``bigint`` (int8): a larger number is a 422, not an
# out-of-range database error.
PG_INTEGER_MAX = 2_147_483_647
PG_BIGINT_MAX = 9_223_372_036_854_775_807


# --- Cross-field rules, stated in the JSON Schema ---------------------------------------------
# A model validator that ties fields together is invisible to clients unless the schema says it
# too. Put these in the model's ``json_schema_extra`` next to the validator enforcing the rule.

JsonSchema = dict[str, Any]


def given(*fields: str) -> JsonSchema:
    """Each of ``fields`` is present and not null."""
    return {
        "required": list(fields),
        "properties": {field: {"not": {"type": "null"}} for field in fields},
    }


def absent(*fields: str) -> JsonSchema:
    """Each of ``fields`` is left out or null."""
    return {"properties": {field: {"type": "null"} for field in fields}}


def exactly_one_of(*fields: str) -> JsonSchema:
    """Exactly one of ``fields`` is given."""
    return {"oneOf": [given(field) for field in fields]}


def when(
    field: str, value: Any, then: JsonSchema, otherwise: JsonSchema | None = None
) -> JsonSchema:
    """``then`` applies when ``field`` is ``value``, ``otherwise`` (if any) when it is not."""
    rule: JsonSchema = {
        "if": {"required": [field], "properties": {field: {"const": value}}},
        "then": then,
    }
    if otherwise is not None:
        rule["else"] = otherwise
    return rule


# Text the API stores: stripped, bounded, never blank, and storable by PostgreSQL (no NUL, no lone
# surrogate), so a bad value is a 422 here rather than a 500 at the database.
def _storable(value: str) -> str:
    # PostgreSQL text and JSONB cannot hold NUL, and lone surrogates cannot be encoded: refuse
    # them here as a 422 rather than fail at the database with a 500.
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("the text is not valid Unicode") from exc
    return value


Storable = AfterValidator(_storable)
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NOT_BLANK),
    Storable,
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=5000, pattern=NOT_BLANK),
    Storable,
]
Reason = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=5000, pattern=stripped_text(3)
    ),
    Storable,
]
