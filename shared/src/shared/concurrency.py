"""Optimistic concurrency with ETags (DESIGN §3), checked in this one place for every service.

Mutable resources carry an integer ``version`` (SQLAlchemy ``version_id_col``) and expose it as a
strong ETag. PATCH and DELETE must send ``If-Match``; transition POSTs may send it, and it is
checked when they do. What a header can hold, and the answer to each:

=================================  ===================  ====================
If-Match                           required (PATCH)     optional (transition)
=================================  ===================  ====================
absent                             428                  no precondition
empty or only commas               428                  428
``*``                              428 (names no read)  matches (it exists)
not a list of quoted entity-tags   412 malformed        412 malformed
weak tags only (``W/"3"``)         412                  412
the current tag among them         ok                   ok
=================================  ===================  ====================

An empty value is never "no header": treating it so let concurrent PATCHes overwrite each other.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Header

from shared.errors import PreconditionFailed, PreconditionRequired


class StaleEtag(PreconditionFailed):
    type = "etag-mismatch"
    title = "The resource has changed since you read it"


class MalformedIfMatch(PreconditionFailed):
    type = "if-match-malformed"
    title = "If-Match is not a list of entity-tags"


class IfMatchRequired(PreconditionRequired):
    type = "if-match-required"
    title = "If-Match is required"


def make_etag(version: int) -> str:
    """The strong ETag of a resource version."""
    return f'"{version}"'


# RFC 9110 §8.8.3: entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E / obs-text
_ENTITY_TAG = re.compile(r'(W/)?"[\x21\x23-\x7e\x80-\xff]*"')


def _tags(if_match: str) -> list[str]:
    return [part.strip() for part in if_match.split(",") if part.strip()]


def check_if_match(if_match: str | None, current_etag: str, *, required: bool) -> None:
    """Check ``If-Match`` against the resource's current ETag (table in the module docstring).

    ``If-Match`` uses the strong comparison (RFC 9110 §13.1.1): weak tags never match.
    """
    if if_match is None:
        if required:
            raise IfMatchRequired("Send If-Match with the ETag you last read")
        return
    tags = _tags(if_match)
    if not tags:
        raise IfMatchRequired("If-Match is empty: send the ETag you last read")
    if tags == ["*"]:
        if required:
            raise IfMatchRequired(
                "If-Match: * does not say which version you read; send the ETag you last read"
            )
        return
    if not all(_ENTITY_TAG.fullmatch(t) for t in tags):
        raise MalformedIfMatch('Send the ETag exactly as it was given, quotes included: "3"')
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
