"""Metrics and access logs name a request by its full route template, also for routes of a
router included inside another (intake's people module), which FastAPI 0.16x reports by their
own unprefixed path (issue #14, operator findings)."""

from __future__ import annotations

import uuid

import httpx
from prometheus_client.parser import text_string_to_metric_families

from shared.http_api.route_templates import UNMATCHED, RouteTemplates


def _routes_counted(body: str) -> set[tuple[str, str]]:
    return {
        (s.labels["method"], s.labels["route"])
        for family in text_string_to_metric_families(body)
        for s in family.samples
        if s.name == "http_requests_total"
    }


async def test_nested_routes_are_labelled_with_their_full_template(
    client: httpx.AsyncClient,
) -> None:
    await client.post("/v1/people", json={})
    await client.get(f"/v1/people/{uuid.uuid4()}")
    await client.get(f"/v1/people/{uuid.uuid4()}/consents")
    await client.get("/v1/no-such-route/123")
    counted = _routes_counted((await client.get("/metrics")).text)
    assert ("POST", "/v1/people") in counted
    assert ("GET", "/v1/people/{person_id}") in counted
    assert ("GET", "/v1/people/{person_id}/consents") in counted
    assert ("GET", UNMATCHED) in counted
    assert not {route for _, route in counted if not route.startswith("/") and route != UNMATCHED}


def test_the_most_literal_template_wins_and_converters_are_dropped() -> None:
    paths: dict[str, dict[str, object]] = {
        "/v1/cases/{case_id}": {"get": {}},
        "/v1/cases/search": {"get": {}},
        "/v1/cases": {"get": {}, "post": {}},
    }
    templates = RouteTemplates(paths)
    assert templates.full("GET", "/v1/cases/search", "/search") == "/v1/cases/search"
    assert templates.full("GET", "/v1/cases/abc", "/{case_id:uuid}") == "/v1/cases/{case_id}"
    assert templates.full("HEAD", "/v1/cases", "") == "/v1/cases"
    assert templates.full("POST", "/v1/cases", "") == "/v1/cases"
    assert templates.full("GET", "/health/live", "/health/live") == "/health/live"
    assert templates.full("DELETE", "/v1/cases", "") == UNMATCHED
    assert templates.full("GET", "/x", None) == UNMATCHED
