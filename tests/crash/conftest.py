"""Crash tests: intake-api and assessment-api under uvicorn, a standalone relay, all real
processes, on a private PostgreSQL cluster that the tests may kill and restart at will.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from casework_dev.procs import (
    PrivatePostgres,
    ServiceProcess,
    free_port,
    prepare_databases,
    service_env,
)
from shared.db import Database, create_engine
from shared.events.contracts.intake import CaseReferredV1
from shared.outbox.emit import emit

SUBSCRIBER_TYPES = ["intake.case.referred"]


@pytest.fixture(scope="module")
def cluster() -> Iterator[PrivatePostgres]:
    # Not under pytest's temp folder: another pytest session resets it to 0700, which the
    # PostgreSQL user (pgserver runs it as its own user when we are root) cannot enter.
    pg = PrivatePostgres(Path(tempfile.mkdtemp(prefix="crash-pg-")) / "data")
    pg.start()
    yield pg
    pg.cleanup()


@dataclass
class Stack:
    intake: ServiceProcess
    assessment: ServiceProcess
    relays: list[ServiceProcess]
    intake_url: str
    assessment_url: str
    relay_env: dict[str, str]
    log_dir: Path
    extra: list[ServiceProcess] = field(default_factory=list)

    def new_relay(self, **env: str) -> ServiceProcess:
        n = len(self.relays) + len(self.extra)
        relay = ServiceProcess(
            "intake", {**self.relay_env, **env}, kind="relay",
            log_path=self.log_dir / f"relay-{n}.log",
        )  # fmt: skip
        self.extra.append(relay)
        return relay

    def all(self) -> list[ServiceProcess]:
        return [self.intake, self.assessment, *self.relays, *self.extra]


@pytest.fixture
def stack(cluster: PrivatePostgres, tmp_path: Path, dev_keys_dir: Path) -> Iterator[Stack]:
    prefix = f"crash_{uuid.uuid4().hex[:6]}"
    urls = prepare_databases(cluster.url, prefix, ("intake", "assessment"))
    a_port, i_port = free_port(), free_port()
    subscribers = {
        "assessment-api": {
            "url": f"http://127.0.0.1:{a_port}/internal/events",
            "audience": "assessment-api",
            "event_types": SUBSCRIBER_TYPES,
        }
    }
    fast = {
        "INTAKE_RELAY_POLL_INTERVAL_S": "0.2",
        "INTAKE_RELAY_REQUEST_TIMEOUT_S": "5",
        "INTAKE_READY_TIMEOUT_S": "0.5",
    }
    intake_env = service_env(
        "intake", urls["intake"], keys_dir=dev_keys_dir, subscribers=subscribers,
        extra={**fast, "INTAKE_RELAY_IN_PROCESS": "false"},
    )  # fmt: skip
    # Assessment's own events (for intake's register) are not what these tests crash.
    assessment_env = service_env(
        "assessment", urls["assessment"], keys_dir=dev_keys_dir, subscribers={}
    )
    relay_env = service_env(
        "intake", urls["intake"], keys_dir=dev_keys_dir, subscribers=subscribers, extra=fast
    )
    s = Stack(
        intake=ServiceProcess("intake", intake_env, port=i_port, log_path=tmp_path / "intake.log"),
        assessment=ServiceProcess(
            "assessment", assessment_env, port=a_port, log_path=tmp_path / "assessment.log"
        ),
        relays=[],
        intake_url=urls["intake"],
        assessment_url=urls["assessment"],
        relay_env=relay_env,
        log_dir=tmp_path,
    )
    s.relays.append(
        ServiceProcess("intake", relay_env, kind="relay", log_path=tmp_path / "relay.log")
    )
    try:
        s.assessment.start()
        s.intake.start()  # syncs the subscriptions in its lifespan
        s.assessment.wait_ready()
        s.intake.wait_ready()
        s.relays[0].start()
        yield s
    finally:
        for p in s.all():
            p.kill()


@dataclass
class Producer:
    engine: AsyncEngine
    committed: list[tuple[uuid.UUID, uuid.UUID]] = field(default_factory=list)  # (event, case)
    failed_transactions: int = 0

    async def produce(
        self, cases: list[uuid.UUID], total: int, *, per_tx: int = 5, workers: int = 4,
        pause_s: float = 0.0,
    ) -> None:  # fmt: skip
        """Commit ``total`` events over ``cases`` from ``workers`` concurrent writers.

        Like a request, each transaction changes one case (up to ``per_tx`` events of it), so
        writers of the same case queue on its stream row lock. A transaction that fails (the
        database went away) is retried; only committed events are recorded: only they exist.
        """
        db = Database.from_engine(self.engine)
        remaining = total
        lock = asyncio.Lock()

        async def worker() -> None:
            nonlocal remaining
            while True:
                async with lock:
                    n = min(per_tx, remaining)
                    remaining -= n
                if n <= 0:
                    return
                while True:
                    try:
                        made: list[tuple[uuid.UUID, uuid.UUID]] = []
                        case_id = random.choice(cases)
                        async with db.sessionmaker() as session, session.begin():
                            for _ in range(n):
                                env = await emit(
                                    session, _payload(case_id), case_id=case_id, actor="crash"
                                )
                                made.append((env.id, case_id))
                        self.committed.extend(made)
                        break
                    except Exception:
                        self.failed_transactions += 1
                        await asyncio.sleep(0.2)
                if pause_s:
                    await asyncio.sleep(pause_s)

        await asyncio.gather(*(worker() for _ in range(workers)))


def _payload(case_id: uuid.UUID) -> CaseReferredV1:
    return CaseReferredV1(
        reference=f"CR-{str(case_id)[:8]}",
        case_type="complaint",
        jurisdiction="health",
        route="awaiting_allocation",
        triage_category="general",
        priority="standard",
        organisation_ids=[],
        received_date=date(2026, 11, 2),
    )


@pytest.fixture
async def producer(stack: Stack) -> AsyncIterator[Producer]:
    engine = create_engine(stack.intake_url, application_name="crash-producer", pool_size=8)
    yield Producer(engine)
    await engine.dispose()


@pytest.fixture
async def consumer_engine(stack: Stack) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(stack.assessment_url, application_name="crash-check", pool_size=2)
    yield engine
    await engine.dispose()


async def wait_drained(intake_engine: AsyncEngine, *, within: float) -> None:
    """Until no delivery is pending; fails on a parked event or when time runs out."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        try:
            async with intake_engine.connect() as conn:
                pending, parked = (
                    await conn.execute(
                        text(
                            "SELECT count(*) FILTER (WHERE status = 'pending'), "
                            "count(*) FILTER (WHERE status = 'parked') FROM outbox_delivery"
                        )
                    )
                ).one()
            assert parked == 0, f"{parked} event(s) parked"
            if pending == 0:
                return
        except OSError:
            pass
        if loop.time() > deadline:
            raise AssertionError(f"backlog not drained in {within}s ({pending} pending)")
        await asyncio.sleep(0.25)


@dataclass
class Verdict:
    lost: int
    duplicate_inbox: int
    effects_not_one: int
    inversions: int
    cases: int


# intake.case.referred has two handlers at assessment: the allocation queue and the case record.
REFERRED_HANDLERS = ("allocations.queue_referred_case", "cases.open_referred_case")


async def verify(consumer: AsyncEngine, committed: list[tuple[uuid.UUID, uuid.UUID]]) -> Verdict:
    """Exactly one inbox row per handler and one effect per committed event; sequences in order
    per case for each handler."""
    ids = [e for e, _ in committed]
    cases = sorted({c for _, c in committed})
    async with consumer.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT event_id, handler, count(*) FROM inbox_event "
                    "WHERE event_id = ANY(:ids) GROUP BY event_id, handler"
                ),
                {"ids": ids},
            )
        ).all()
        effects: dict[uuid.UUID, int] = dict(
            (
                await conn.execute(
                    text(
                        "SELECT source_event_id, count(*) FROM allocation_queue_entry "
                        "WHERE source_event_id = ANY(:ids) GROUP BY source_event_id"
                    ),
                    {"ids": ids},
                )
            ).all()
        )
        order = (
            await conn.execute(
                text(
                    "SELECT handler, case_id, sequence FROM inbox_event "
                    "WHERE case_id = ANY(:cases) ORDER BY position"
                ),
                {"cases": cases},
            )
        ).all()
    inbox: dict[uuid.UUID, dict[str, int]] = {}
    for event_id, handler, n in rows:
        inbox.setdefault(event_id, {})[handler] = n
    last: dict[Any, int] = {}
    inversions = 0
    for handler, case_id, sequence in order:
        if sequence <= last.get((handler, case_id), 0):
            inversions += 1
        last[handler, case_id] = sequence
    return Verdict(
        lost=len([e for e in ids if set(inbox.get(e, {})) != set(REFERRED_HANDLERS)]),
        duplicate_inbox=len([e for e, by in inbox.items() if any(n != 1 for n in by.values())]),
        effects_not_one=len([e for e in ids if effects.get(e, 0) != 1]),
        inversions=inversions,
        cases=len(cases),
    )
