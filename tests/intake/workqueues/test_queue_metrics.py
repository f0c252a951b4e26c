"""intake's work queues on ``/metrics`` (issue #14): each queue's size and overdue count, read
at scrape time by the queue's own query. The overdue gauge is what the queue's list shows, at
any clock; the size counts every open item, due or not.

The queues are office-wide and other modules commit rows to the same test database, so the
gauges are compared with the lists (read at the same clock), or as a difference at one clock.
"""

from __future__ import annotations

from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from shared.clock import FixedClock
from tests.intake.api import Api, JsonDict
from tests.intake.workqueues.conftest import ME, IntakeCase, at

OVERDUE_LISTS = ("overdue-acknowledgements", "information-deadlines-passed", "overdue-callbacks")


async def _gauges(client: httpx.AsyncClient) -> dict[tuple[str, str], float]:
    body = (await client.get("/metrics")).text
    return {
        (s.name, s.labels["queue"]): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
        if s.name in ("work_queue_items", "work_queue_overdue_items")
    }


async def _listed(api: Api, name: str, **params: Any) -> list[JsonDict]:
    items: list[JsonDict] = []
    cursor: str | None = None
    while True:
        query = {**params, "limit": 100, **({"cursor": cursor} if cursor else {})}
        page = await api.call("GET", f"/v1/work-queues/{name}", params=query)
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


async def _overdue_two_week(api: Api) -> int:
    # within_days=0 lists the clocks due by today; the overdue ones are past it.
    return sum(1 for i in await _listed(api, "two-week-contact", within_days=0) if i["overdue"])


async def _assert_overdue_gauges_match_the_lists(api: Api, client: httpx.AsyncClient) -> None:
    gauges = await _gauges(client)
    for name in OVERDUE_LISTS:
        assert gauges[("work_queue_overdue_items", name)] == len(await _listed(api, name)), name
    assert gauges[("work_queue_overdue_items", "two-week-contact")] == await _overdue_two_week(api)
    assert gauges[("work_queue_items", "open-tasks")] == len(await _listed(api, "open-tasks"))


async def test_each_queue_is_counted_by_its_own_query_at_scrape_time(
    api: Api, client: httpx.AsyncClient, clock: FixedClock, intake_case: IntakeCase
) -> None:
    before = await _gauges(client)
    cid = (await intake_case(ME, "2026-11-02"))["id"]  # opens the two-week and the ack clocks
    await api.call(
        "POST", f"/v1/cases/{cid}/communications", expect=201,
        json={"medium": "telephone", "direction": "inbound", "purpose": "callback_request",
              "occurred_at": "2026-11-02T10:00:00+00:00"},
    )  # fmt: skip
    after = await _gauges(client)

    for name in ("overdue-acknowledgements", "two-week-contact", "overdue-callbacks"):
        size, overdue = ("work_queue_items", name), ("work_queue_overdue_items", name)
        assert after[size] == before[size] + 1, name
        assert after[overdue] == before[overdue], name
    assert ("work_queue_overdue_items", "open-tasks") not in after
    await _assert_overdue_gauges_match_the_lists(api, client)

    # Past the call-back's 48 hours (C-04), then past the two-week point and the 10th working
    # day (C-01, C-03): the gauges move with the clock the lists use.
    for instant in ("2026-11-04T10:00:01", "2026-11-17T00:00:00"):
        clock.set(at(instant))
        await _assert_overdue_gauges_match_the_lists(api, client)
        listed = {i["case_id"] for i in await _listed(api, "overdue-callbacks")}
        assert cid in listed
    assert cid in {i["case_id"] for i in await _listed(api, "overdue-acknowledgements")}
