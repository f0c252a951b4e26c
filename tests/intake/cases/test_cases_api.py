from typing import Any

import httpx

BODY: dict[str, Any] = {
    "case_type": "complaint",
    "channel": "online_form",
    "jurisdiction": "health",
    "received_date": "2026-11-02",
}


async def test_create_and_read_case(client: httpx.AsyncClient, auth_headers: Any) -> None:
    h = auth_headers("intake_caseworker")
    r = await client.post("/v1/cases", json=BODY, headers=h)
    assert r.status_code == 201, r.text
    case = r.json()
    assert case["reference"].startswith("CAS-")
    assert case["status"] == "received"
    g = await client.get(r.headers["location"], headers=h)
    assert g.status_code == 200
    assert g.headers["etag"] == '"1"'
