"""DESIGN §7 Reliability: schemathesis over every service's OpenAPI, with all checks, finds nothing.

Each operation of each service, public (``/v1``, health, metrics) and internal (the outbox's
operator endpoints and the inbox, called with a service token), gets its documented examples,
schemathesis's coverage cases (boundaries, missing and wrong-typed values, undeclared methods)
and a short derandomised fuzzing run, in positive and negative modes, against real PostgreSQL.
Every built-in check runs on every response. ``FALSE_POSITIVES`` lists the few responses a check
cannot judge (a rule no OpenAPI document can state), each with its reason.

How the app is reached. Schemathesis's pytest integration is synchronous and runs ASGI apps on an
event loop of its own, while a SQLAlchemy connection belongs to the loop it was opened on. So each
app under test lives on an anyio blocking portal's loop with its own engine, and the app
schemathesis calls is a bridge that hands each request across whole. Each test runs inside one
outer transaction that is rolled back, as the plugin's own fixtures do.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import hypothesis
import pytest
import schemathesis
from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastapi import FastAPI
from schemathesis.checks import CHECKS, CheckFunction, load_all_checks
from schemathesis.config import HealthCheck
from schemathesis.generation.case import Case as _Case
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker
from starlette.types import Message, Receive, Scope, Send

from assessment_api.config import AssessmentSettings
from assessment_api.main import create_app as create_assessment
from compliance_api.config import ComplianceSettings
from compliance_api.main import create_app as create_compliance
from intake_api.config import IntakeSettings
from intake_api.main import create_app as create_intake
from investigation_api.config import InvestigationSettings
from investigation_api.main import create_app as create_investigation
from shared.auth import Role
from shared.clock import FixedClock
from shared.config import BaseServiceSettings
from shared.db import Database, create_engine
from shared.http_api.app import internal_openapi
from shared.testing.plugin import DEFAULT_NOW, ServiceSpec, TokenFactory
from tests.assessment.builders import use_ratings

ROOT = Path(__file__).resolve().parents[2]
load_all_checks()

Case = _Case[Any]
Test = Callable[[Case], None]

# Fuzzing examples per operation. The coverage phase, which has no such bound, sends most of the
# requests (about 5,000); this keeps the module near a minute on two cores.
MAX_EXAMPLES = 5


class _Bridge:
    """The ASGI app schemathesis calls: it forwards each request to the current test's app.

    Refusing the lifespan scope tells schemathesis the app has none; the fixtures set its state.
    """

    def __init__(self) -> None:
        self.target: tuple[BlockingPortal, FastAPI] | None = None
        self.token: str | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.target is None:
            raise RuntimeError(f"the bridge serves a test's HTTP requests only ({scope['type']})")
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        portal, app = self.target
        call = functools.partial(portal.call, _serve, app, dict(scope), body)
        for message in await anyio.to_thread.run_sync(call):
            await send(message)


async def _serve(app: FastAPI, scope: Scope, body: bytes) -> list[Message]:
    """Run one request through ``app`` on the current loop; return the messages it sent."""
    sent: list[Message] = []
    done = anyio.Event()
    delivered = False

    async def receive() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            done.set()

    await app(scope, receive, send)
    return sent


BRIDGE = _Bridge()


class _BearerToken:
    """Schemathesis auth: the current test's token, left off where a case tests its absence."""

    def get(self, case: Case, ctx: schemathesis.AuthContext) -> str | None:
        return BRIDGE.token

    def set(self, case: Case, data: str, ctx: schemathesis.AuthContext) -> None:
        case.headers["Authorization"] = f"Bearer {data}"


@dataclass(frozen=True)
class Target:
    """One service under test and the roles of the token schemathesis calls it with."""

    spec: ServiceSpec
    roles: tuple[str, ...]


def _spec(name: str, settings_cls: type[BaseServiceSettings], factory: Any) -> ServiceSpec:
    return ServiceSpec(
        name=name,
        alembic_ini=ROOT / f"services/{name}-api/alembic.ini",
        settings_cls=settings_cls,
        create_app=factory,
    )


TARGETS = {
    # intake_caseworker writes cases and people; operations_manager decides what managers decide
    # (priority requests, say). One token holding both reaches every intake route.
    "intake": Target(
        _spec("intake", IntakeSettings, create_intake),
        (Role.intake_caseworker, Role.operations_manager),
    ),
    # caseworker takes cases; operations_manager allocates to others and decides category
    # changes; staff_admin keeps the staff directory.
    "assessment": Target(
        _spec("assessment", AssessmentSettings, create_assessment),
        (Role.caseworker, Role.operations_manager, Role.staff_admin),
    ),
    "investigation": Target(
        _spec("investigation", InvestigationSettings, create_investigation), (Role.caseworker,)
    ),
    # caseworker records risk assessments; operations_manager decides overrides; an assistant
    # director imposes uplifts.
    "compliance": Target(
        _spec("compliance", ComplianceSettings, create_compliance),
        (Role.caseworker, Role.operations_manager, Role.assistant_director),
    ),
}


def _load(name: str, *, internal: bool = False) -> Any:
    spec = TARGETS[name].spec
    settings = spec.settings_cls(database_url="postgresql://x@localhost/x", ENV="testing")
    app = spec.create_app(settings)
    schema = schemathesis.openapi.from_dict(internal_openapi(app) if internal else app.openapi())
    schema.app = BRIDGE
    schema.auth(refresh_interval=None)(_BearerToken)
    schema.config.update(
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ]
    )
    schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True, database="none")
    # A PATCH without If-Match is refused with 428 Precondition Required (RFC 6585, DESIGN §3),
    # the status made for exactly that missing header.
    missing_header = schema.config.checks.missing_required_header
    missing_header.expected_statuses = [*missing_header.expected_statuses, "428"]
    # A body over the size cap (256 KiB) is refused with 413 (DESIGN §4 Limits).
    negative = schema.config.checks.negative_data_rejection
    negative.expected_statuses = [*negative.expected_statuses, "413"]
    return schema


intake_schema = _load("intake")
assessment_schema = _load("assessment")
investigation_schema = _load("investigation")
compliance_schema = _load("compliance")
# The internal API (outbox operations, the inbox), which the public documents leave out.
intake_internal = _load("intake", internal=True)
assessment_internal = _load("assessment", internal=True)
investigation_internal = _load("investigation", internal=True)
compliance_internal = _load("compliance", internal=True)


def _problem(response: schemathesis.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _problem_type(response: schemathesis.Response) -> str | None:
    kind = _problem(response).get("type")
    return kind.rsplit("/", 1)[-1] if isinstance(kind, str) else None


# Rules no OpenAPI document can state: a date compared with today (the schema is static), two
# query parameters compared or required together (parameters are described one by one), two body
# fields compared, list items that must differ in one field, the size of a body in bytes. Each
# has a problem type, or a validation error type, of its own; every other 422 must be stated in
# the schema.
UNSTATABLE_PROBLEMS = frozenset(
    {
        "received-date-in-future",
        "date-in-future",
        "pv-opt-out-date-in-future",
        "invalid-date-range",
        "search-criterion-required",
        "restriction-lift-invalid",
        "referral-time-out-of-range",
        "threshold-set-date-invalid",  # ASM-046: in force from its approval, after the last set
    }
)
# Limits on the whole request, which JSON Schema (about values, not bytes) cannot state.
UNSTATABLE_LIMITS = frozenset({"payload-too-large"})
UNSTATABLE_VALIDATION_ERRORS = frozenset(
    {
        "date_range_reversed",
        "duplicate_question",
        # A risk's cross-field rules (CMP-119, CMP-116, the flags' categories) that JSON Schema
        # could state, but not together with the entry's others in a form schemathesis's
        # generator can canonicalise (it refuses the whole operation): the validator states them.
        "mitigation_effect_required",
        "immediate_action_required",
        "flag_outside_category",
    }
)


def _unstatable_rule(response: schemathesis.Response) -> bool:
    if response.status_code == 413:
        return _problem_type(response) in UNSTATABLE_LIMITS
    if response.status_code != 422:
        return False
    if _problem_type(response) in UNSTATABLE_PROBLEMS:
        return True
    errors = _problem(response).get("errors")
    return (
        _problem_type(response) == "validation-error"
        and isinstance(errors, list)
        and bool(errors)
        and all(
            isinstance(e, dict) and e.get("type") in UNSTATABLE_VALIDATION_ERRORS for e in errors
        )
    )


# The page cursors: ``cursor`` on the public lists, ``after`` on the outbox's parked events.
CURSOR_PARAMETERS = frozenset({"cursor", "after"})


@dataclass(frozen=True)
class FalsePositive:
    """A check that cannot judge one kind of response; it is skipped for that response only."""

    check: CheckFunction
    applies: Callable[[Case, schemathesis.Response], bool]
    why: str


FALSE_POSITIVES = (
    FalsePositive(
        positive_data_acceptance,
        lambda case, response: (
            bool(CURSOR_PARAMETERS & set(case.query or {}))
            and _problem_type(response) == "invalid-cursor"
        ),
        "A cursor is an opaque token the server issued (DESIGN §3 Lists): its schema can say it "
        "is a string of at most 1,000 characters, not that the server made it.",
    ),
    FalsePositive(
        positive_data_acceptance,
        lambda case, response: _problem_type(response) == "idempotency-key-reused",
        "Schemathesis sends the same Idempotency-Key with different bodies; DESIGN §3 requires "
        "422 for that, and no schema can say a key must be fresh.",
    ),
    FalsePositive(
        positive_data_acceptance,
        lambda case, response: _unstatable_rule(response),
        "A rule no OpenAPI document can state (see UNSTATABLE_PROBLEMS).",
    ),
)


def call_and_validate(case: Case) -> None:
    """Send the case and run every check on the response."""
    response = case.call()
    # No ``checks=``: every check the config enables runs, and the config enables them all, less
    # the false positives that apply to this very response.
    excluded = [fp.check for fp in FALSE_POSITIVES if fp.applies(case, response)]
    case.validate_response(response, excluded_checks=excluded)


@pytest.fixture(scope="module")
def portal() -> Iterator[BlockingPortal]:
    with start_blocking_portal() as p:
        yield p


@dataclass
class Service:
    """One service's app, engine and tokens, made once for the module."""

    app: FastAPI
    engine: AsyncEngine
    public_token: str
    internal_token: str


@pytest.fixture(scope="module")
def services(portal: BlockingPortal) -> Iterator[dict[str, Service]]:
    """Each service's app and engine, made on first use; engines disposed on the portal's loop."""
    made: dict[str, Service] = {}
    yield made
    for service in made.values():
        portal.call(service.engine.dispose)


@pytest.fixture
def service_spec(request: pytest.FixtureRequest) -> ServiceSpec:
    # test_<service>_api or test_<service>_internal
    return TARGETS[request.function.__name__.split("_")[1]].spec


@asynccontextmanager
async def _rolled_back(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as conn:
        trans = await conn.begin()
        try:
            yield conn
        finally:
            if trans.is_active:
                await trans.rollback()


async def _create_engine(url: str, name: str) -> AsyncEngine:
    return create_engine(url, application_name=f"schemathesis-{name}")


@pytest.fixture
def api(
    request: pytest.FixtureRequest,
    service_spec: ServiceSpec,
    database_url: str,
    dev_keys_dir: Path,
    make_token: TokenFactory,
    portal: BlockingPortal,
    services: dict[str, Service],
) -> Iterator[None]:
    """The service's app on the portal's loop, inside a transaction rolled back after the test.

    The app, its token and its engine are made once (an app verifies tokens with a key it loads,
    which is slow); each test gets its own connection and transaction.
    """
    service = services.get(service_spec.name)
    if service is None:
        settings = service_spec.settings_cls(
            database_url=database_url,
            ENV="testing",
            dev_keys_dir=dev_keys_dir,
            # One principal sends every request of the run; the limiter has tests of its own.
            rate_limit_burst=1_000_000,
            rate_limit_per_minute=1_000_000,
            # Schemathesis sends many bad tokens from one address on purpose (ST401); the
            # per-address limit on them has tests of its own.
            auth_failure_limit=1_000_000,
        )
        service = services[service_spec.name] = Service(
            app=service_spec.create_app(settings),
            engine=portal.call(_create_engine, database_url, service_spec.name),
            public_token=make_token(*TARGETS[service_spec.name].roles),
            internal_token=make_token(Role.service),
        )
    app = service.app
    if service_spec.name == "assessment":
        use_ratings(app)  # compliance-api's ratings: a stand-in answering the shared contract
    with portal.wrap_async_context_manager(_rolled_back(service.engine)) as connection:
        app.state.db = Database(
            service.engine,
            async_sessionmaker(
                bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
            ),
        )
        app.state.clock = FixedClock(DEFAULT_NOW)
        BRIDGE.target = (portal, app)
        internal = request.function.__name__.endswith("_internal")
        BRIDGE.token = service.internal_token if internal else service.public_token
        try:
            yield
        finally:
            BRIDGE.target = BRIDGE.token = None
            app.state.db = None


def parametrize(schema: Any) -> Callable[[Test], Test]:
    """``schema.parametrize()``, typed: one test per operation of the schema."""
    decorator: Callable[[Test], Test] = schema.parametrize()
    return decorator


# The transaction is per operation on purpose: the examples of one operation share its data.
FIXTURE_SETTINGS = hypothesis.settings(
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture]
)


@parametrize(intake_schema)
@FIXTURE_SETTINGS
@pytest.mark.usefixtures("api")
def test_intake_api(case: Case) -> None:
    call_and_validate(case)


@parametrize(assessment_schema)
@FIXTURE_SETTINGS
@pytest.mark.usefixtures("api")
def test_assessment_api(case: Case) -> None:
    call_and_validate(case)


@parametrize(investigation_schema)
@FIXTURE_SETTINGS
@pytest.mark.usefixtures("api")
def test_investigation_api(case: Case) -> None:
    call_and_validate(case)


@parametrize(compliance_schema)
@FIXTURE_SETTINGS
@pytest.mark.usefixtures("api")
def test_compliance_api(case: Case) -> None:
    call_and_validate(case)


@parametrize(intake_internal)
@FIXTURE_SETTINGS
@pytest.mark.usefixtures("api")
def test_intake_internal(case: Case) -> None:
    call_and_validate(case)


@parametrize(assessment_internal)
@FIXTURE_SETTINGS
@pytest.mark.usefixtures("api")
def test_assessment_internal(case: Case) -> None:
    call_and_validate(case)


@parametrize(investigation_internal)
@FIXTURE_SETTINGS
@pytest.mark.usefixtures("api")
def test_investigation_internal(case: Case) -> None:
    call_and_validate(case)


@parametrize(compliance_internal)
@FIXTURE_SETTINGS
@pytest.mark.usefixtures("api")
def test_compliance_internal(case: Case) -> None:
    call_and_validate(case)


@pytest.mark.parametrize(
    "schema",
    [intake_schema, assessment_schema, investigation_schema, compliance_schema, intake_internal],
)
def test_every_check_is_on(schema: Any) -> None:
    """Every built-in check is on, including any a later schemathesis adds."""
    checks = schema.config.checks
    off = [name for name in CHECKS.get_all_names() if not checks.get_by_name(name=name).enabled]
    assert not off
