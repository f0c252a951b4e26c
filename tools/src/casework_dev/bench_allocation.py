"""The allocation queue ``make bench`` reads (issue #12): N fictional waiting cases at assessment.

Everything here is made up: the organisations are bench_seed's "Fictional …" bodies, staff are
``bench-alloc-…`` subjects (token subjects, not people), references are ``CAS-…`` numbers and
no person is named. Rows go straight into two databases with COPY:

- assessment: for each waiting case an ``allocation_queue_entry`` (status ``queued``) and its
  ``assessment_case`` (status ``awaiting_allocation``), consistent with each other, so the queue
  reads the same whether it filters on the entry's status or joins the case's; plus an allocated
  history (``ALLOCATED_SHARE`` of N: entries ``allocated``, cases in further consideration,
  owned), which the queue's queries must step over; and the staff directory
  (``staff_member``, ``staff_conflict``) with the caseworkers who ask for their next case;
- compliance: a ``risk_assessment`` row for every rated case, so compliance-api answers
  allocation's rating question (CMP-114) as it would; the case's ``risk_rating`` at assessment
  says the same.

The spread is a central queue's: triage categories as intake sets them (mostly general), about 6%
prioritised by special handling, a few terminally ill complainants (XC-RSK-006) who are more often
rated high, high risk for about 3% of the others, one or two organisations per case with a long
tail, received over the last two years with most of the queue recent.

The caseworker who asks (``CASEWORKER``) is a general caseworker with declared conflicts on a
busy organisation, a rare one, and one waiting case, the first generated (CMP-128); ``SENIOR``
is a Senior Caseworker in a complex team, who may take every category and high risk. Where the
high-risk cases fall is left to the spread: the harness reports how many "next case for me"
skipped (each one a question to compliance-api).

:func:`capture` runs one of assessment-api's own service or repository calls on a session and
returns the SQL it sent with the values bound, for ``EXPLAIN``: the harness never restates the
queue's SQL, so a change to the repository shows in the plans printed.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import asyncpg
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from casework_dev.bench_seed import RNG_SEED as INTAKE_RNG_SEED
from casework_dev.bench_seed import TRIAGE, Weighted, organisations
from casework_dev.layout import ROOT
from shared.db import create_engine

SEED_VERSION = 1  # bump when the generator changes: cached seeds are rebuilt
RNG_SEED = 20261207
BATCH = 20_000
ALLOCATED_SHARE = 0.2  # allocated history rows per waiting case
QUEUE_DAYS = 2 * 365
SERVICES = ("assessment", "compliance")
MIGRATION_DIRS = tuple(ROOT / "services" / f"{s}-api" / "migrations" for s in SERVICES)

CASEWORKER = "bench-alloc-caseworker"
SENIOR = "bench-alloc-senior"
CASEWORKER_TEAM = "team-3"
SENIOR_TEAM = "complex-1"  # in assessment-api's default complex_teams
TEAMS = ("team-1", "team-2", "team-3", "team-4", "team-5", "team-6", "complex-1", "complex-2")

PRIORITY_HIGH = 0.06  # special handling (INT-025)
TERMINAL = 0.003  # terminally ill complainants (XC-RSK-006)
# The case's current rating at compliance-api (None: never assessed).
RATINGS = (("high", 0.03), ("medium", 0.17), ("low", 0.30), (None, 0.50))
TERMINAL_RATINGS = (("high", 0.5), ("medium", 0.3), ("low", 0.2))
ROUTES = (("awaiting_allocation", 0.85), ("ad_senior_caseworker_teams", 0.15))

Record = tuple[Any, ...]

CASE_COLUMNS = (
    "id", "reference", "case_type", "jurisdiction", "route", "triage_category", "priority",
    "risk_assessment_required", "organisation_ids", "received_date", "referred_at",
    "source_event_id", "status", "status_changed_at", "owner", "team", "risk_rating",
    "risk_assessment_id", "risk_rated_at", "version",
)  # fmt: skip
ENTRY_COLUMNS = (
    "id", "case_id", "source_event_id", "reference", "case_type", "jurisdiction", "route",
    "triage_category", "priority", "priority_rank", "organisation_ids", "received_date",
    "referred_at", "status", "terminal_illness", "terminal_rank", "risk_assessment_required",
    "mp_referred", "allocated_to", "allocated_team", "allocated_at", "allocated_by", "version",
)  # fmt: skip
RISK_COLUMNS = (
    "id", "case_id", "number", "trigger", "conflicts_of_interest_considered", "organisation_ids",
    "pre_rating", "highest_post_rating", "uplift_ids", "generated_rating", "rating",
    "low_rationale", "high_risk_path", "prioritise_allocation", "recorded_by", "recorded_at",
    "version",
)  # fmt: skip
STAFF_COLUMNS = (
    "id", "staff_id", "display_name", "grade", "roles", "team", "specialisms", "posts",
    "available", "active", "source", "synced_at", "version",
)  # fmt: skip
CONFLICT_COLUMNS = (
    "id", "staff_member_id", "organisation_id", "case_id", "declared_on", "note", "declared_by",
)  # fmt: skip


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128))


@dataclass
class Batch:
    """One batch of waiting (and allocated) cases: rows per table, in ``*_COLUMNS`` order."""

    case: list[Record] = field(default_factory=list)
    entry: list[Record] = field(default_factory=list)
    risk: list[Record] = field(default_factory=list)  # compliance-api's database

    def assessment_tables(self) -> Iterator[tuple[str, tuple[str, ...], list[Record]]]:
        yield "assessment_case", CASE_COLUMNS, self.case
        yield "allocation_queue_entry", ENTRY_COLUMNS, self.entry


class Generator:
    """Makes the cases numbered ``first + 1`` … of a queue seeded on ``today``."""

    def __init__(self, *, today: date, now: datetime, first: int) -> None:
        self.rng = random.Random(RNG_SEED * 1_000_003 + first)
        self.today = today
        self.now = now
        self.orgs = organisations(random.Random(INTAKE_RNG_SEED))
        self.pick_org = Weighted([(o, o.weight) for o in self.orgs])
        self.triage = Weighted(TRIAGE)
        self.rating = Weighted(RATINGS)
        self.terminal_rating = Weighted(TERMINAL_RATINGS)
        self.route = Weighted(ROUTES)
        self.allocators = staff_ids()

    def batch(self, first: int, count: int, *, allocated: bool = False) -> Batch:
        out = Batch()
        for n in range(first + 1, first + count + 1):
            self._case(n, out, allocated=allocated)
        return out

    def _case(self, n: int, out: Batch, *, allocated: bool) -> None:
        rng = self.rng
        # Most of the queue is recent; a tail waits much longer. Allocated cases are older.
        age = min(int(rng.expovariate(1 / 150)), QUEUE_DAYS) + (30 if allocated else 7)
        received = self.today - timedelta(days=age)
        referred_at = min(
            datetime.combine(received, datetime.min.time(), tzinfo=UTC)
            + timedelta(days=rng.randrange(1, 8), hours=8, seconds=rng.randrange(32_400)),
            self.now,
        )
        case_id, entry_id, event_id = _uuid(rng), _uuid(rng), _uuid(rng)
        orgs = [self.pick_org(rng)]
        if rng.random() < 0.15:
            second = self.pick_org(rng)
            if second not in orgs:
                orgs.append(second)
        org_ids = [o.id for o in orgs]
        jurisdiction = orgs[0].jurisdiction
        category = self.triage(rng)
        priority = "high" if rng.random() < PRIORITY_HIGH else "standard"
        terminal = rng.random() < TERMINAL
        rating = (self.terminal_rating if terminal else self.rating)(rng)
        route = self.route(rng)
        risk_required = rng.random() < 0.1
        mp_referred = rng.random() < 0.04
        reference = f"CAS-{n:07d}"

        risk_id, rated_at = None, None
        if rating is not None:
            risk_id = _uuid(rng)
            rated_at = referred_at + timedelta(hours=rng.randrange(1, 72))
            out.risk.append((
                risk_id, case_id, 1, "ad_hoc", True, org_ids, rating, rating, [], rating,
                rating, "Fictional: no risk found beyond the usual" if rating == "low" else None,
                "escalation" if rating == "high" else "none", terminal, "bench-seed", rated_at,
                1,
            ))  # fmt: skip

        owner = team = allocated_at = allocated_by = None
        status, case_status, changed = "queued", "awaiting_allocation", referred_at
        if allocated:
            owner, team = self.allocators[rng.randrange(len(self.allocators))]
            allocated_at = referred_at + timedelta(days=rng.randrange(1, 30))
            allocated_by = owner
            status, case_status, changed = "allocated", "further_consideration", allocated_at
        out.case.append((
            case_id, reference, "complaint", jurisdiction, route, category, priority,
            risk_required, org_ids, received, referred_at, event_id, case_status, changed,
            owner, team, rating, risk_id, rated_at, 2 if allocated else 1,
        ))  # fmt: skip
        terminal_rank = 0 if terminal else 1
        priority_rank = 0 if priority == "high" else 1
        out.entry.append((
            entry_id, case_id, event_id, reference, "complaint", jurisdiction, route, category,
            priority, priority_rank, org_ids, received, referred_at, status, terminal,
            terminal_rank, risk_required, mp_referred, owner, team, allocated_at, allocated_by,
            2 if allocated else 1,
        ))  # fmt: skip


def make_batch(
    today: date, now: datetime, first: int, count: int, *, allocated: bool = False
) -> Batch:
    """Cases ``first + 1`` … ``first + count``; the same rows for the same arguments."""
    return Generator(today=today, now=now, first=first).batch(first, count, allocated=allocated)


def staff_ids() -> list[tuple[str, str]]:
    """(staff id, team) of the caseworkers the allocated history is spread over."""
    return [(f"bench-alloc-cw-{i:02d}", TEAMS[i % len(TEAMS)]) for i in range(1, 49)]


def staff_rows(
    *, now: datetime, conflict_case: uuid.UUID | None
) -> tuple[list[Record], list[Record]]:
    """The staff directory: 48 caseworkers and senior caseworkers, four managers, the asking
    caseworker (with their declared conflicts) and the senior caseworker of a complex team."""
    rng = random.Random(RNG_SEED)
    orgs = organisations(random.Random(INTAKE_RNG_SEED))
    members: list[Record] = []
    conflicts: list[Record] = []

    def member(staff_id: str, grade: str, roles: list[str], team: str | None) -> uuid.UUID:
        row_id = _uuid(rng)
        members.append((
            row_id, staff_id, f"Bench {grade.replace('_', ' ')} {staff_id.rsplit('-', 1)[-1]}",
            grade, roles, team, [], [], True, True, "identity_provider", now, 1,
        ))  # fmt: skip
        return row_id

    for i, (staff_id, team) in enumerate(staff_ids()):
        senior = i % 4 == 0 or team.startswith("complex")
        grade = "senior_caseworker" if senior else "caseworker"
        member(staff_id, grade, [grade], team)
    for i in range(1, 5):
        member(f"bench-alloc-manager-{i}", "operations_manager", ["operations_manager"], None)
    asking = member(CASEWORKER, "caseworker", ["caseworker"], CASEWORKER_TEAM)
    member(SENIOR, "senior_caseworker", ["senior_caseworker"], SENIOR_TEAM)
    declared = now.date() - timedelta(days=90)
    for org in (orgs[2], orgs[-1]):  # the third busiest organisation and the rarest
        conflicts.append((
            _uuid(rng), asking, org.id, None, declared,
            "Fictional: a relative works there", CASEWORKER,
        ))  # fmt: skip
    if conflict_case is not None:
        conflicts.append((
            _uuid(rng), asking, None, conflict_case, declared,
            "Fictional: knows the complainant", CASEWORKER,
        ))  # fmt: skip
    return members, conflicts


def fingerprint() -> str:
    """Changes with the assessment and compliance migrations and the shared helpers."""
    h = hashlib.sha256()
    files = [p for d in MIGRATION_DIRS for p in sorted((d / "versions").glob("*.py"))]
    files.append(ROOT / "shared" / "src" / "shared" / "migrations.py")
    for path in files:
        if path.exists():
            h.update(str(path.relative_to(ROOT)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def seed_marker(cases: int) -> dict[str, Any]:
    return {"seed_version": SEED_VERSION, "cases": cases, "migrations": fingerprint()}


async def _copy(dsn: str, tables: Sequence[tuple[str, tuple[str, ...], list[Record]]]) -> None:
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        await conn.execute("SET synchronous_commit = off")
        with contextlib.suppress(asyncpg.InsufficientPrivilegeError):
            await conn.execute("SET session_replication_role = replica")
        async with conn.transaction():
            for table, columns, rows in tables:
                if rows:
                    await conn.copy_records_to_table(table, records=rows, columns=columns)
    finally:
        await conn.close()


async def load(
    assessment_dsn: str,
    compliance_dsn: str,
    *,
    cases: int,
    today: date,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """COPY ``cases`` waiting cases, the allocated history, the staff directory and the
    ratings into the migrated databases; returns rows per table (the caller runs ANALYZE)."""
    counts: dict[str, int] = {}
    conflict_case: uuid.UUID | None = None  # the first waiting case: a declared conflict
    allocated = int(cases * ALLOCATED_SHARE)
    plan = [(first, min(BATCH, cases - first), False) for first in range(0, cases, BATCH)]
    plan += [
        (cases + first, min(BATCH, allocated - first), True) for first in range(0, allocated, BATCH)
    ]
    done = 0
    for first, count, is_allocated in plan:
        batch = make_batch(today, now, first, count, allocated=is_allocated)
        await _copy(assessment_dsn, list(batch.assessment_tables()))
        await _copy(compliance_dsn, [("risk_assessment", RISK_COLUMNS, batch.risk)])
        for table, _, rows in (*batch.assessment_tables(), ("risk_assessment", (), batch.risk)):
            counts[table] = counts.get(table, 0) + len(rows)
        if conflict_case is None:
            conflict_case = batch.case[0][0]
        if not is_allocated:
            done += count
            if progress is not None:
                progress(done)
    members, conflicts = staff_rows(now=now, conflict_case=conflict_case)
    await _copy(
        assessment_dsn,
        [("staff_member", STAFF_COLUMNS, members), ("staff_conflict", CONFLICT_COLUMNS, conflicts)],
    )
    counts["staff_member"], counts["staff_conflict"] = len(members), len(conflicts)
    return counts


# --------------------------------------------------------------------------- SQL capture

T = TypeVar("T")


@dataclass(frozen=True)
class Statement:
    """One statement a call sent: the SQL as asyncpg received it, and its values."""

    sql: str
    values: tuple[Any, ...]


async def capture(
    url: str, call: Callable[[AsyncSession], Awaitable[T]]
) -> tuple[T, list[Statement]]:
    """Run ``call`` on a session of ``url`` (rolled back) and return its result and every
    statement it sent, with the values bound, as assessment-api would send them."""
    engine = create_engine(url, application_name="bench-capture", pool_size=1, max_overflow=0)
    sent: list[Statement] = []

    def record(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
    ) -> None:
        sent.append(Statement(statement, tuple(parameters or ())))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            result = await call(session)
            await session.rollback()
    finally:
        await engine.dispose()
    return result, sent
