"""The cases ``make bench`` reads: N fictional cases over three years, loaded with COPY.

Everything here is made up: organisations are "Fictional … NN", caseworkers are
``bench-caseworker-NNN`` (token subjects, not people), parties are random person ids with no
person row, and summaries say they are fictional. The spread is what a list and the work queues
meet in a real office:

- received dates uniform over the last three years; most cases are closed or referred, and the
  open ones (about 4%) are mostly recent, with a stale tail that fills the overdue queues;
- about 50 organisations with a long-tailed popularity (one busy NHS trust, many rare bodies),
  one or two per case, each also in ``case_organisation``;
- owners among 200 caseworkers; case types, channels and jurisdictions in plausible shares;
- the intake clocks of each case in ``deadline`` (two-week contact, acknowledgement, information
  with some extensions, call-backs), open or met as the status implies, and a complainant party
  with some contact attempts, reached or not, for the two-week-contact queue;
- the work-queue keys PostgreSQL's triggers keep (migration 0015), filled here because COPY runs
  with the triggers off: the case's next open clock, the case owner on its clocks and contacts.

Then, after the statistics are taken, one busy caseworker (``HEAVY_OWNER``) gets thousands of open
cases the statistics know nothing of (:func:`load_heavy_owner`): the work queues must not slow
down for an owner the planner has not seen (issue #15 item 19).

Generation is deterministic for a given size and day (``random.Random`` seeded), in batches, so
a million cases never sit in memory at once.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import itertools
import multiprocessing
import random
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import asyncpg

SEED_VERSION = 5  # bump when the generator changes: cached seeds are rebuilt
RNG_SEED = 20261129
DAYS = 3 * 365
RECENT_DAYS = 45
CASEWORKERS = 200
HEAVY_OWNER = "bench-caseworker-heavy"

Record = tuple[Any, ...]

# Statuses by age: a recent case is probably still open; an old one has left intake.
RECENT_STATUSES = (
    ("received", 0.08), ("intake", 0.40), ("awaiting_information", 0.12),
    ("joint_working_review", 0.02), ("restart_review", 0.01), ("referred", 0.22),
    ("closed", 0.15),
)  # fmt: skip
OLD_STATUSES = (
    ("received", 0.001), ("intake", 0.006), ("awaiting_information", 0.002),
    ("joint_working_review", 0.001), ("restart_review", 0.002), ("referred", 0.43),
    ("closed", 0.558),
)  # fmt: skip
OPEN_STATUSES = frozenset(
    {"received", "intake", "awaiting_information", "joint_working_review", "restart_review"}
)
AT_INTAKE = frozenset({"received", "intake", "awaiting_information"})
# The heavy owner's cases: open, owned (a received case has no owner yet), mostly recent.
HEAVY_STATUSES = (
    ("intake", 0.70), ("awaiting_information", 0.22), ("joint_working_review", 0.04),
    ("restart_review", 0.04),
)  # fmt: skip
CHANNELS = (
    ("online_form", 0.45), ("email", 0.25), ("letter", 0.12), ("telephone", 0.12),
    ("social_media", 0.02), ("mp_referral", 0.04),
)  # fmt: skip
ROUTES = (
    ("awaiting_allocation", 0.55), ("ect_triage", 0.25), ("dispute_resolution", 0.1),
    ("ad_senior_caseworker_teams", 0.05), ("joint_working_team", 0.05),
)  # fmt: skip
TRIAGE = (
    ("general", 0.8), ("senior caseworker", 0.15), ("complex & significant", 0.05),
)  # fmt: skip
CLOSURE_CODES = (
    ("withdrawn", 0.25), ("further information required", 0.2), ("premature", 0.2),
    ("Premature: local resolution ongoing", 0.1), ("not properly made", 0.08),
    ("Not properly made - not in writing", 0.07), ("No MP referral", 0.05),
    ("organisation out of jurisdiction", 0.05),
)  # fmt: skip
# (kind, jurisdiction, how many): 50 bodies, each kind with the jurisdiction its check demands.
ORGANISATION_KINDS = (
    ("nhs_trust", "health", 20), ("family_health_service_provider", "health", 8),
    ("icb", "health", 5), ("independent_provider", "health", 3),
    ("government_department", "parliamentary", 8), ("executive_agency", "parliamentary", 6),
)  # fmt: skip

CASE_COLUMNS = (
    "id", "reference", "status", "case_type", "channel", "jurisdiction", "received_date",
    "owner", "created_by", "version", "complaint_summary", "priority", "route",
    "triage_category", "organisation_ids", "closure_code", "closed_at", "status_changed_at",
    "referred_at", "created_at", "updated_at", "next_due_date", "next_due_kind",
)  # fmt: skip
ORGANISATION_COLUMNS = (
    "id", "name", "kind", "jurisdiction", "contract_type", "created_by", "version",
)  # fmt: skip
CASE_ORGANISATION_COLUMNS = (
    "id", "case_id", "organisation_id", "role", "in_jurisdiction", "remit_only_for_victims_code",
    "received_date",
)  # fmt: skip
DEADLINE_COLUMNS = (
    "id", "case_id", "kind", "rule", "starts_on", "due_date", "effective_due_date", "due_at",
    "met_at", "cancelled_at", "case_owner",
)  # fmt: skip
DEADLINE_EXTENSION_COLUMNS = (
    "id", "deadline_id", "new_due_date", "reason", "is_reasonable_adjustment", "granted_by",
)  # fmt: skip
CASE_PARTY_COLUMNS = ("id", "case_id", "person_id", "role", "authority_to_receive_info")
CONTACT_ATTEMPT_COLUMNS = (
    "id", "case_id", "person_id", "channel", "direction", "attempted_at", "outcome",
    "expectations_explained", "adjustments_discussed", "recorded_by", "case_owner",
)  # fmt: skip

RULES = {
    "intake_contact": "C-01 INT-008: pass on within 2 weeks of receipt, or contact the complainant",
    "acknowledgement": "C-03 ¶1.27: acknowledge within 10 working days",
    "information": "C-02 INT-016: information requested, usually within a week",
    "callback": "C-04 INT-030: call back within 48 hours",
}


def caseworker(i: int) -> str:
    return f"bench-caseworker-{i:03d}"


@dataclass(frozen=True)
class SeedOrganisation:
    id: uuid.UUID
    name: str
    kind: str
    jurisdiction: str
    contract_type: str | None
    weight: float

    def record(self) -> Record:
        return (self.id, self.name, self.kind, self.jurisdiction, self.contract_type,
                "bench-seed", 1)  # fmt: skip


class Weighted:
    """Draws from ``(value, weight)`` pairs with one ``random()`` and a bisect."""

    def __init__(self, pairs: Sequence[tuple[Any, float]]) -> None:
        self.values = [v for v, _ in pairs]
        total = sum(w for _, w in pairs)
        self.cumulative = list(itertools.accumulate(w / total for _, w in pairs))

    def __call__(self, rng: random.Random) -> Any:
        i = bisect.bisect_right(self.cumulative, rng.random())
        return self.values[min(i, len(self.values) - 1)]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128))


def organisations(rng: random.Random) -> list[SeedOrganisation]:
    """50 fictional bodies; popularity falls off as 1/rank (the first one is the busiest)."""
    out = []
    rank = 0
    for kind, jurisdiction, count in ORGANISATION_KINDS:
        label = kind.replace("_", " ").title().replace("Nhs", "NHS").replace("Icb", "ICB")
        for i in range(1, count + 1):
            rank += 1
            out.append(
                SeedOrganisation(
                    id=_uuid(rng), name=f"Fictional {label} {i:02d}", kind=kind,
                    jurisdiction=jurisdiction,
                    contract_type="GMS/GDS" if kind == "family_health_service_provider" else None,
                    weight=1.0 / rank,
                )
            )  # fmt: skip
    return out


@dataclass
class Batch:
    """The rows of one batch of cases, per table, in the column order of ``*_COLUMNS``."""

    case: list[Record] = field(default_factory=list)
    case_organisation: list[Record] = field(default_factory=list)
    deadline: list[Record] = field(default_factory=list)
    deadline_extension: list[Record] = field(default_factory=list)
    case_party: list[Record] = field(default_factory=list)
    contact_attempt: list[Record] = field(default_factory=list)

    def tables(self) -> Iterator[tuple[str, tuple[str, ...], list[Record]]]:
        """(table, columns, rows) in an order the foreign keys accept."""
        yield "case", CASE_COLUMNS, self.case
        yield "case_organisation", CASE_ORGANISATION_COLUMNS, self.case_organisation
        yield "deadline", DEADLINE_COLUMNS, self.deadline
        yield "deadline_extension", DEADLINE_EXTENSION_COLUMNS, self.deadline_extension
        yield "case_party", CASE_PARTY_COLUMNS, self.case_party
        yield "contact_attempt", CONTACT_ATTEMPT_COLUMNS, self.contact_attempt


class Generator:
    """Makes batches of cases received up to ``today``; ``now`` is when the seed runs."""

    def __init__(
        self, *, today: date, now: datetime, orgs: list[SeedOrganisation], seed: int = RNG_SEED
    ) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.now = now
        self.orgs = orgs
        self.pick_org = Weighted([(o, o.weight) for o in orgs])
        self.recent_status = Weighted(RECENT_STATUSES)
        self.old_status = Weighted(OLD_STATUSES)
        self.heavy_status = Weighted(HEAVY_STATUSES)
        self.channel = Weighted(CHANNELS)
        self.route = Weighted(ROUTES)
        self.triage = Weighted(TRIAGE)
        self.closure = Weighted(CLOSURE_CODES)
        self.days = [today - timedelta(days=d) for d in range(DAYS + 1)]
        self.mornings = [datetime.combine(d, time(8, 0), tzinfo=UTC) for d in self.days]

    def batch(self, first: int, count: int, *, heavy: bool = False) -> Batch:
        """Cases number ``first + 1`` … ``first + count`` (references ``CAS-0000001`` on);
        ``heavy``: open cases of ``HEAVY_OWNER``, received in the last ``RECENT_DAYS``."""
        out = Batch()
        for n in range(first + 1, first + count + 1):
            self._case(n, out, heavy=heavy)
        return out

    def _case(self, n: int, out: Batch, *, heavy: bool = False) -> None:
        rng = self.rng
        age = rng.randrange(RECENT_DAYS + 1 if heavy else DAYS + 1)
        received = self.days[age]
        created = self.mornings[age] + timedelta(seconds=rng.randrange(32_400))
        if heavy:
            status = self.heavy_status(rng)
        else:
            status = (self.recent_status if age <= RECENT_DAYS else self.old_status)(rng)
        open_ = status in OPEN_STATUSES
        case_id = _uuid(rng)

        orgs: list[SeedOrganisation] = []
        r = rng.random()
        wanted = 0 if r < 0.05 or (status == "received" and r < 0.5) else (1 if r < 0.9 else 2)
        while len(orgs) < wanted:
            org = self.pick_org(rng)
            if org not in orgs:
                orgs.append(org)
        if orgs:
            jurisdiction: str | None = orgs[0].jurisdiction
        elif status == "received":
            jurisdiction = None
        else:
            jurisdiction = "health" if rng.random() < 0.65 else "parliamentary"

        # When the case last changed: open cases recently, others within two months of receipt.
        span = max(1, min(age, 20 if open_ else 60))
        changed = created + timedelta(days=rng.randrange(span), seconds=rng.randrange(3600))
        changed = min(changed, self.now)
        owner = None if status == "received" else caseworker(rng.randrange(CASEWORKERS) + 1)
        if heavy:
            owner = HEAVY_OWNER
        referred = status == "referred"
        closed = status == "closed"
        row = len(out.case)
        out.case.append((
            case_id, f"CAS-{n:07d}", status,
            "complaint" if rng.random() < 0.7 else "enquiry",
            self.channel(rng), jurisdiction, received, owner, owner or "bench-seed",
            1 if status == "received" else 2 + rng.randrange(6),
            f"Fictional case {n}: a made-up complaint about a delayed reply.",
            "high" if rng.random() < 0.05 else "standard",
            self.route(rng) if referred else None,
            self.triage(rng) if referred else None,
            [o.id for o in orgs],
            self.closure(rng) if closed else None,
            changed if closed else None,
            changed,
            changed if referred else None,
            created, changed,
        ))  # fmt: skip
        for org in orgs:
            out.case_organisation.append(
                (_uuid(rng), case_id, org.id, "original", True, False, received)
            )
        if rng.random() < 0.1:
            second = self.pick_org(rng)
            if second not in orgs:
                out.case_organisation.append(
                    (_uuid(rng), case_id, second.id, "second_tier", True, False, received)
                )
        clocks = len(out.deadline)
        self._clocks(out, case_id, status, received, age, changed, owner)
        self._contacts(out, case_id, status, created, age, owner)
        out.case[row] += next_due(out.deadline[clocks:])

    def _clocks(
        self,
        out: Batch,
        case_id: uuid.UUID,
        status: str,
        received: date,
        age: int,
        changed: datetime,
        owner: str | None,
    ) -> None:
        rng = self.rng
        open_ = status in OPEN_STATUSES

        def done() -> tuple[datetime | None, datetime | None]:
            met = self.mornings[age] + timedelta(days=rng.randrange(max(1, min(age, 14))) + 1)
            met = min(met, self.now)
            if status == "closed" and rng.random() < 0.3:
                return None, met  # cancelled by the closure
            return met, None

        # C-01: two weeks to pass the case on or reach the complainant.
        is_open = status in AT_INTAKE and rng.random() < 0.7
        met, cancelled = (None, None) if is_open else done()
        out.deadline.append((
            _uuid(rng), case_id, "intake_contact", RULES["intake_contact"], received,
            received + timedelta(weeks=2), received + timedelta(weeks=2), None, met, cancelled,
            owner,
        ))  # fmt: skip
        # C-03: acknowledge within 10 working days (two calendar weeks, near enough).
        is_open = open_ and rng.random() < (0.8 if age < 14 else 0.08)
        met, cancelled = (None, None) if is_open else done()
        out.deadline.append((
            _uuid(rng), case_id, "acknowledgement", RULES["acknowledgement"], received,
            received + timedelta(days=14), received + timedelta(days=14), None, met, cancelled,
            owner,
        ))  # fmt: skip
        # C-02: one open information deadline while awaiting information; some met ones before.
        if status == "awaiting_information" or (status == "closed" and rng.random() < 0.1):
            asked = changed.date()
            deadline_id = _uuid(rng)
            is_open = status == "awaiting_information"
            met, cancelled = (None, None) if is_open else done()
            extended = is_open and rng.random() < 0.15
            # The triggers that keep effective_due_date are off while COPY seeds (replica role).
            effective = asked + timedelta(days=14 if extended else 7)
            out.deadline.append((
                deadline_id, case_id, "information", RULES["information"], asked,
                asked + timedelta(days=7), effective, None, met, cancelled, owner,
            ))  # fmt: skip
            if extended:
                out.deadline_extension.append((
                    _uuid(rng), deadline_id, asked + timedelta(days=14),
                    "Fictional: more time agreed", rng.random() < 0.3, owner or "bench-seed",
                ))  # fmt: skip
        # C-04: call-backs, timed; some open ones are overdue.
        if (open_ and rng.random() < 0.08) or rng.random() < 0.03:
            if open_:
                due_at = self.now + timedelta(minutes=rng.randrange(-96 * 60, 48 * 60))
                met, cancelled = None, None
            else:
                due_at = changed + timedelta(hours=48)
                met, cancelled = done()
            starts = due_at - timedelta(hours=48)
            out.deadline.append((
                _uuid(rng), case_id, "callback", RULES["callback"], starts.date(),
                due_at.date(), due_at.date(), due_at, met, cancelled, owner,
            ))  # fmt: skip

    def _contacts(
        self,
        out: Batch,
        case_id: uuid.UUID,
        status: str,
        created: datetime,
        age: int,
        owner: str | None,
    ) -> None:
        rng = self.rng
        person_id = _uuid(rng)
        out.case_party.append((_uuid(rng), case_id, person_id, "complainant", False))
        r = rng.random()
        if status in AT_INTAKE:
            outcome = "reached" if r < 0.5 else ("no_answer" if r < 0.7 else None)
        else:
            outcome = "reached" if r < 0.3 else None
        if outcome is not None:
            at = min(created + timedelta(days=rng.randrange(max(1, min(age, 14)))), self.now)
            out.contact_attempt.append((
                _uuid(rng), case_id, person_id, "telephone", "outbound", at, outcome,
                outcome == "reached", False, "bench-seed", owner,
            ))  # fmt: skip


def next_due(deadlines: Sequence[Record]) -> tuple[date | None, str | None]:
    """A case's (next_due_date, next_due_kind) from its ``DEADLINE_COLUMNS`` rows, as the
    database's trigger computes them: the open clock with the earliest effective due date, then
    the lowest id."""
    due, kind, ident = (DEADLINE_COLUMNS.index(c) for c in ("effective_due_date", "kind", "id"))
    met, cancelled = DEADLINE_COLUMNS.index("met_at"), DEADLINE_COLUMNS.index("cancelled_at")
    open_ = [d for d in deadlines if d[met] is None and d[cancelled] is None]
    if not open_:
        return None, None
    first = min(open_, key=lambda d: (d[due], d[ident]))
    return first[due], first[kind]


def make_batch(today: date, now: datetime, first: int, count: int, *, heavy: bool = False) -> Batch:
    """Cases ``first + 1`` … ``first + count``; the same rows whichever process makes them."""
    orgs = organisations(random.Random(RNG_SEED))
    return Generator(today=today, now=now, orgs=orgs, seed=RNG_SEED * 1_000_003 + first).batch(
        first, count, heavy=heavy
    )


async def _copy_batch(dsn: str, batch: Batch) -> dict[str, int]:
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        await conn.execute("SET synchronous_commit = off")
        # Foreign-key triggers off when the role may: a batch only refers to its own rows and
        # to the organisations (the unit tests check it), and COPY runs twice as fast.
        with contextlib.suppress(asyncpg.InsufficientPrivilegeError):
            await conn.execute("SET session_replication_role = replica")
        async with conn.transaction():
            for table, columns, rows in batch.tables():
                if rows:
                    await conn.copy_records_to_table(table, records=rows, columns=columns)
    finally:
        await conn.close()
    return {table: len(rows) for table, _, rows in batch.tables()}


def load_batch(dsn: str, today: date, now: datetime, first: int, count: int) -> dict[str, int]:
    """Make one batch and COPY it on a connection of its own (runs in a worker process)."""
    return asyncio.run(_copy_batch(dsn, make_batch(today, now, first, count)))


async def load_heavy_owner(
    dsn: str, *, first: int, cases: int, today: date, now: datetime
) -> dict[str, int]:
    """``cases`` open cases of ``HEAVY_OWNER``, numbered after ``first``; the caller takes no
    statistics afterwards, so the planner knows nothing of this owner."""
    counts: dict[str, int] = {}
    for start in range(first, first + cases, 25_000):
        batch = make_batch(today, now, start, min(25_000, first + cases - start), heavy=True)
        for table, n in (await _copy_batch(dsn, batch)).items():
            counts[table] = counts.get(table, 0) + n
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        await conn.execute("SELECT setval('case_reference_seq', $1)", first + cases)
    finally:
        await conn.close()
    return counts


async def load(
    dsn: str,
    *,
    cases: int,
    today: date,
    now: datetime,
    batch_size: int = 25_000,
    workers: int = 2,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """COPY ``cases`` cases and what hangs off them into the migrated intake database ``dsn``.

    Worker processes make and load batches side by side, so that one generates rows while
    PostgreSQL takes the other's. Returns rows per table; the caller runs ``VACUUM (ANALYZE)``.
    """
    orgs = organisations(random.Random(RNG_SEED))
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        await conn.copy_records_to_table(
            "organisation", records=[o.record() for o in orgs], columns=ORGANISATION_COLUMNS
        )
    finally:
        await conn.close()
    counts = {"organisation": len(orgs)}
    loop = asyncio.get_running_loop()
    done = 0
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [
            loop.run_in_executor(
                pool, load_batch, dsn, today, now, first, min(batch_size, cases - first)
            )
            for first in range(0, cases, batch_size)
        ]
        for future in asyncio.as_completed(futures):
            for table, n in (await future).items():
                counts[table] = counts.get(table, 0) + n
            done += batch_size
            if progress is not None:
                progress(min(done, cases))
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        # POSTs during the run carry on from the seeded references.
        await conn.execute("SELECT setval('case_reference_seq', $1)", cases)
    finally:
        await conn.close()
    return counts
