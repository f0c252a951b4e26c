"""Clock abstraction and the FastAPI get_clock dependency."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI

from shared.clock import Clock, ClockDep, FixedClock, SystemClock, get_clock


def test_fixed_clock_now_is_utc_and_fixed() -> None:
    at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    clock = FixedClock(at)
    assert clock.now() == at
    assert clock.now().tzinfo is UTC
    assert clock.now() == clock.now()


def test_fixed_clock_normalises_other_zones_to_utc() -> None:
    clock = FixedClock(datetime(2026, 7, 1, 0, 30, tzinfo=ZoneInfo("Europe/London")))
    assert clock.now() == datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert clock.now().utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # BST (UTC+1): 23:30Z is already the next day in London.
        (datetime(2026, 6, 30, 22, 59, 59, tzinfo=UTC), date(2026, 6, 30)),
        (datetime(2026, 6, 30, 23, 0, tzinfo=UTC), date(2026, 7, 1)),
        (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), date(2026, 7, 1)),
        # GMT (UTC+0): London date equals the UTC date.
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2026, 12, 31)),
        (datetime(2027, 1, 1, 0, 0, tzinfo=UTC), date(2027, 1, 1)),
        # Night the clocks go forward (Sun 29 Mar 2026, 01:00Z): 23:30Z Sat is still Sat.
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 28)),
        # Night the clocks go back (Sun 25 Oct 2026, 01:00Z): 23:30Z Sat is Sun in BST.
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), date(2026, 10, 25)),
    ],
)
def test_fixed_clock_today_is_london_date(instant: datetime, expected: date) -> None:
    assert FixedClock(instant).today() == expected


def test_set_moves_the_clock() -> None:
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    clock.set(datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    assert clock.now() == datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert clock.today() == date(2026, 7, 1)


def test_advance_moves_the_clock_across_a_bst_midnight() -> None:
    clock = FixedClock(datetime(2026, 6, 30, 22, 30, tzinfo=UTC))
    assert clock.today() == date(2026, 6, 30)
    clock.advance(timedelta(minutes=30))
    assert clock.now() == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)
    assert clock.today() == date(2026, 7, 1)
    clock.advance(timedelta(days=2))
    assert clock.today() == date(2026, 7, 3)
    clock.advance(timedelta(days=-3))
    assert clock.today() == date(2026, 6, 30)


def test_fixed_clock_rejects_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FixedClock(datetime(2026, 1, 1, 12, 0))
    clock = FixedClock(datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2026, 1, 2))
    assert clock.now() == datetime(2026, 1, 1, tzinfo=UTC)


def test_fixed_clock_accepts_fixed_offsets() -> None:
    clock = FixedClock(datetime(2026, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=2))))
    assert clock.now() == datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    assert clock.today() == date(2025, 12, 31)


def test_system_clock_is_aware_utc_and_current() -> None:
    clock = SystemClock()
    before = datetime.now(UTC)
    now = clock.now()
    after = datetime.now(UTC)
    assert now.utcoffset() == timedelta(0)
    assert before <= now <= after
    london_dates = {
        before.astimezone(ZoneInfo("Europe/London")).date(),
        after.astimezone(ZoneInfo("Europe/London")).date(),
    }
    assert clock.today() in london_dates


def test_clocks_satisfy_protocol() -> None:
    assert isinstance(SystemClock(), Clock)
    assert isinstance(FixedClock(datetime(2026, 1, 1, tzinfo=UTC)), Clock)


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/today")
    def today(clock: ClockDep) -> dict[str, str]:
        return {"today": clock.today().isoformat(), "kind": type(clock).__name__}

    return app


def _client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_get_clock_returns_the_apps_clock() -> None:
    app = _app()
    clock = FixedClock(datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    app.state.clock = clock
    async with _client(app) as client:
        assert (await client.get("/today")).json() == {"today": "2026-07-01", "kind": "FixedClock"}
        clock.advance(timedelta(days=1))
        assert (await client.get("/today")).json()["today"] == "2026-07-02"


async def test_get_clock_falls_back_to_system_clock() -> None:
    async with _client(_app()) as client:
        body = (await client.get("/today")).json()
    assert body["kind"] == "SystemClock"
    date.fromisoformat(body["today"])


async def test_get_clock_can_be_overridden() -> None:
    app = _app()
    app.state.clock = FixedClock(datetime(2026, 1, 1, 12, tzinfo=UTC))
    override = FixedClock(datetime(2027, 3, 26, 12, tzinfo=UTC))
    app.dependency_overrides[get_clock] = lambda: override
    async with _client(app) as client:
        assert (await client.get("/today")).json()["today"] == "2027-03-26"
