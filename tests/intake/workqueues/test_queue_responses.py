"""Work queues list case data: no browser or proxy may keep a copy (XC-DP, resource_response)."""

from __future__ import annotations

from collections.abc import Callable

import httpx


async def test_every_queue_answers_no_store__XC_DP(
    client: httpx.AsyncClient, auth_headers: Callable[..., dict[str, str]]
) -> None:
    spec = (await client.get("/openapi.json")).json()
    queues = [path for path in spec["paths"] if path.startswith("/v1/work-queues/")]
    assert len(queues) == 7

    for path in queues:
        r = await client.get(path, headers=auth_headers("caseworker"))

        assert r.status_code == 200, (path, r.text)
        assert r.headers["cache-control"] == "no-store", path
        assert r.headers["content-type"] == "application/json", path
        assert "etag" not in r.headers, path  # a page has no version
