"""DESIGN §2 guarantees under real kills (issue: event backbone, "Prove it").

Each test drives real processes: intake-api and assessment-api under uvicorn and a standalone
relay (``python -m intake_api.relay``), on a private PostgreSQL cluster.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid

import httpx
import pytest

from casework_dev.procs import PrivatePostgres
from tests.crash.conftest import Producer, Stack, verify, wait_drained

pytestmark = [pytest.mark.slow, pytest.mark.crash]


async def _kill_relay_repeatedly(stack: Stack, kills: int, until: asyncio.Event) -> int:
    done = 0
    relay = stack.relays[0]
    while done < kills or not until.is_set():
        await asyncio.sleep(random.uniform(0.3, 0.9))
        relay.kill()
        done += 1
        relay.start()
    return done


async def test_relay_sigkilled_repeatedly_loses_nothing_and_applies_each_effect_once(
    stack: Stack, producer: Producer, consumer_engine: object
) -> None:
    cases = [uuid.uuid4() for _ in range(400)]
    produced = asyncio.Event()

    async def produce() -> None:
        await producer.produce(cases, 10_000, workers=4)
        produced.set()

    killer = asyncio.create_task(_kill_relay_repeatedly(stack, 10, produced))
    await produce()
    kills = await killer
    assert kills >= 10
    await wait_drained(producer.engine, within=180)
    verdict = await verify(consumer_engine, producer.committed)  # type: ignore[arg-type]
    assert len(producer.committed) == 10_000
    assert verdict.lost == 0
    assert verdict.duplicate_inbox == 0
    assert verdict.effects_not_one == 0
    assert verdict.inversions == 0


async def test_stopped_consumer_catches_up_completely(
    stack: Stack, producer: Producer, consumer_engine: object
) -> None:
    cases = [uuid.uuid4() for _ in range(100)]
    await producer.produce(cases, 500, workers=2)
    stack.assessment.kill()
    await producer.produce(cases, 2_000, workers=2)
    await asyncio.sleep(3)  # the relay meets a dead subscriber for a while
    stack.assessment.start()
    stack.assessment.wait_ready()
    await wait_drained(producer.engine, within=120)
    verdict = await verify(consumer_engine, producer.committed)  # type: ignore[arg-type]
    assert verdict.lost == 0
    assert verdict.effects_not_one == 0
    assert verdict.inversions == 0


async def _status(url: str) -> str:
    try:
        async with httpx.AsyncClient(timeout=3) as c:
            return str((await c.get(f"{url}/health/ready")).json()["status"])
    except httpx.HTTPError:
        return "unreachable"


async def test_postgres_restart_mid_flow_readiness_fails_then_recovers_and_nothing_is_lost(
    stack: Stack, producer: Producer, consumer_engine: object, cluster: PrivatePostgres
) -> None:
    cases = [uuid.uuid4() for _ in range(100)]
    flow = asyncio.create_task(producer.produce(cases, 3_000, workers=2, pause_s=0.01))
    await asyncio.sleep(1.5)
    await asyncio.to_thread(cluster.stop_server)
    seen_fail = {"intake": False, "assessment": False}
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not all(seen_fail.values()):
        for name, proc in (("intake", stack.intake), ("assessment", stack.assessment)):
            if await _status(proc.base_url) == "fail":
                seen_fail[name] = True
        await asyncio.sleep(0.2)
    await asyncio.to_thread(cluster.start_server)
    assert seen_fail == {"intake": True, "assessment": True}, "readiness must report fail"

    async def both_pass() -> bool:
        return all([await _status(p.base_url) == "pass" for p in (stack.intake, stack.assessment)])

    deadline = time.monotonic() + 30
    while not await both_pass():
        assert time.monotonic() < deadline, "readiness did not return to pass"
        await asyncio.sleep(0.3)
    assert stack.intake.alive
    assert stack.assessment.alive, "services recover without a restart"
    await flow
    assert producer.failed_transactions > 0, "the restart should have interrupted some writes"
    await wait_drained(producer.engine, within=120)
    verdict = await verify(consumer_engine, producer.committed)  # type: ignore[arg-type]
    assert len(producer.committed) == 3_000
    assert verdict.lost == 0
    assert verdict.effects_not_one == 0
    assert verdict.inversions == 0


async def _leader(port: int) -> float | None:
    try:
        async with httpx.AsyncClient(timeout=2) as c:
            text = (await c.get(f"http://127.0.0.1:{port}/metrics")).text
    except httpx.HTTPError:
        return None
    for line in text.splitlines():
        if line.startswith("outbox_relay_leader "):
            return float(line.split()[1])
    return None


async def test_two_relays_only_one_delivers_and_the_other_takes_over(
    stack: Stack, producer: Producer, consumer_engine: object
) -> None:
    from casework_dev.procs import free_port

    stack.relays[0].kill()
    p1, p2 = free_port(), free_port()
    first = stack.new_relay(INTAKE_RELAY_METRICS_PORT=str(p1)).start()
    await asyncio.sleep(1.5)
    second = stack.new_relay(INTAKE_RELAY_METRICS_PORT=str(p2)).start()
    cases = [uuid.uuid4() for _ in range(50)]
    await producer.produce(cases, 500, workers=2)
    deadline = time.monotonic() + 20
    leaders: tuple[float | None, float | None] = (None, None)
    while time.monotonic() < deadline:
        leaders = (await _leader(p1), await _leader(p2))
        if None not in leaders:
            break
        await asyncio.sleep(0.2)
    assert sorted(x or 0.0 for x in leaders) == [0.0, 1.0], f"exactly one leader: {leaders}"
    active, standby, standby_port = (
        (first, second, p2) if leaders[0] == 1.0 else (second, first, p1)
    )
    await wait_drained(producer.engine, within=60)
    active.kill()
    await producer.produce(cases, 500, workers=2)
    deadline = time.monotonic() + 20
    while await _leader(standby_port) != 1.0:
        assert time.monotonic() < deadline, "the standby did not take over"
        await asyncio.sleep(0.2)
    await wait_drained(producer.engine, within=60)
    verdict = await verify(consumer_engine, producer.committed)  # type: ignore[arg-type]
    assert verdict.lost == 0
    assert verdict.effects_not_one == 0
    assert standby.alive


async def test_order_per_case_holds_under_concurrency_and_kills(
    stack: Stack, producer: Producer, consumer_engine: object
) -> None:
    cases = [uuid.uuid4() for _ in range(150)]
    produced = asyncio.Event()

    async def chaos() -> None:
        while not produced.is_set():
            await asyncio.sleep(random.uniform(0.5, 1.2))
            target = random.choice([stack.relays[0], stack.assessment])
            target.kill()
            target.start()
            if target is stack.assessment:
                await asyncio.to_thread(target.wait_ready)

    task = asyncio.create_task(chaos())
    await producer.produce(cases, 4_000, per_tx=3, workers=6)
    produced.set()
    await task
    await wait_drained(producer.engine, within=120)
    verdict = await verify(consumer_engine, producer.committed)  # type: ignore[arg-type]
    assert verdict.cases >= 100
    assert verdict.inversions == 0
    assert verdict.lost == 0
    assert verdict.effects_not_one == 0
