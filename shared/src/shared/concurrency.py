"""Optimistic concurrency with ETags (DESIGN §3).

Mutable resources carry an integer ``version`` (SQLAlchemy ``version_id_col``) and expose it as a
strong ETag. PATCH and DELETE must send ``If-Match`` (428 without it, 412 when stale); transition
POSTs may send it, and it is checked when they do.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from shared.errors import PreconditionFailed, PreconditionRequired


class StaleEtag(PreconditionFailed):
    type = "etag-mismatch"
    title = "The resource has changed since you read it"


class IfMatchRequired(PreconditionRequired):
    type = "if-match-required"
    title = "If-Match is required"


def make_etag(version: int) -> str:
    """The strong ETag of a resource version."""
    return f'"{version}"'


def _candidates(if_match: str) -> list[str]:
    return [part.strip() for part in if_match.split(",") if part.strip()]


def check_if_match(if_match: str | None, current_etag: str, *, required: bool) -> None:
    """Raise 428 if a required ``If-Match`` is missing, 412 if none of its tags is current.

    ``If-Match`` uses the strong comparison (RFC 9110 §13.1.1): weak tags never match.
    """
    if if_match is None or not if_match.strip():
        if required:
            raise IfMatchRequired("Send If-Match with the ETag you last read")
        return
    tags = _candidates(if_match)
    if "*" in tags:
        return
    if current_etag not in [t for t in tags if not t.startswith("W/")]:
        raise StaleEtag(
            "The resource has changed since you read it; fetch it again and retry",
            extensions={"current_etag": current_etag},
        )


async def _if_match_header(
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description="The ETag you last read. Required on PATCH and DELETE.",
            max_length=1024,
        ),
    ] = None,
) -> str | None:
    return if_match


# A dependency, not a bare ``Header`` alias: FastAPI forbids a default inside ``Annotated``, and
# without one a missing If-Match would be a 422 before ``check_if_match`` could answer 428.
IfMatchHeader = Annotated[str | None, Depends(_if_match_header)]
