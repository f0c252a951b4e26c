"""Bad input is refused, never a 5xx: every field of every body, every query parameter (#15).

For each service the test walks the OpenAPI documents (public and internal). For every operation
with a JSON body it starts from a body the operation accepts, in a state where it is accepted
(real rows, built in the test's rolled-back transaction), and sends that body again with one field
at a time replaced by ``null``, ``""``, a value of the wrong type or a boundary value of the
field's type: date-times at the ends of the range with extreme offsets, ``0001-01-01`` and
``9999-12-31``, huge and negative integers, long text, text with NUL or a lone surrogate, empty
and odd arrays and objects. Nested objects and array items are walked the same way. Every list
and query parameter of a GET gets the boundary values of its type, and every path parameter an
unknown and a malformed id.

Each answer must be below 500; a refusal must be problem+json and must leave the database as it
was (nothing half-written). Each request runs in a SAVEPOINT rolled back afterwards, so every
variation starts from the same state.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from assessment_api.cases.models import Case as AssessmentCase
from assessment_api.cases.state import CaseStatus as AssessmentCaseStatus
from assessment_api.components.models import ComplaintComponent
from assessment_api.components.schemas import COMPONENT_EXAMPLE, SUMMARY_EXAMPLE
from assessment_api.config import AssessmentSettings
from assessment_api.handlers.models import OrganisationOnCase
from assessment_api.main import create_app as create_assessment
from assessment_api.proposals.rules import RecipientKind
from assessment_api.staff.models import StaffRecord
from compliance_api.config import ComplianceSettings
from compliance_api.main import create_app as create_compliance
from intake_api.cases.models import (
    Case,
    CaseTask,
    PreviousContactCheck,
    TaskKind,
)
from intake_api.cases.state import CaseStatus
from intake_api.config import IntakeSettings
from intake_api.main import create_app as create_intake
from intake_api.organisations.models import Organisation
from intake_api.people.models import Person
from investigation_api.config import InvestigationSettings
from investigation_api.main import create_app as create_investigation
from shared.auth import Role
from shared.clients import ServiceClient, token_provider_for
from shared.clock import FixedClock
from shared.config import BaseServiceSettings
from shared.db import Database
from shared.http_api.app import internal_openapi
from shared.outbox.emit import emit
from shared.testing.plugin import ServiceSpec, TokenFactory
from tests.assessment.builders import make_entry, make_staff, use_ratings
from tests.assessment.cases.builders import ORG as ASSESSMENT_ORG
from tests.assessment.cases.builders import make_case as make_assessment_case
from tests.assessment.cases.builders import make_ready_to_decide
from tests.assessment.decision_approvals.builders import make_decision_approvals_ready
from tests.assessment.intake_peer import STAND_IN_COMPLAINANT
from tests.assessment.proposals.builders import make_issued
from tests.assessment.triage.builders import make_threshold_set
from tests.compliance.legal.builders import make_referral
from tests.compliance.resolutions.builders import make_resolution_item
from tests.compliance.risk.builders import (
    DEPUTY,
    install_staff_directory,
    make_assessment,
    make_escalation,
    make_uplift,
)
from tests.events.conftest import referred as referred_event
from tests.helpers import NOW_ISO
from tests.intake.builders import (
    IC,
    make_case,
    make_organisation,
    make_person,
    make_ready_case,
)
from tests.investigation.builders import envelope as envelope_of
from tests.investigation.builders import make_investigation, proposal

ROOT = Path(__file__).resolve().parents[2]
JsonDict = dict[str, Any]

SPECS = {
    "intake": ServiceSpec(
        "intake", ROOT / "services/intake-api/alembic.ini", IntakeSettings, create_intake
    ),
    "assessment": ServiceSpec(
        "assessment",
        ROOT / "services/assessment-api/alembic.ini",
        AssessmentSettings,
        create_assessment,
    ),
    "investigation": ServiceSpec(
        "investigation",
        ROOT / "services/investigation-api/alembic.ini",
        InvestigationSettings,
        create_investigation,
    ),
    "compliance": ServiceSpec(
        "compliance",
        ROOT / "services/compliance-api/alembic.ini",
        ComplianceSettings,
        create_compliance,
    ),
}

# The roles of the token the public API is called with: one intake token holding both reaches
# every intake route (managers decide priority requests, say).
PUBLIC_ROLES = {
    "intake": (Role.intake_caseworker, Role.operations_manager),
    # A manager allocates to others and decides category changes; a staff admin keeps the
    # directory.
    "assessment": (Role.caseworker, Role.operations_manager, Role.staff_admin),
    "investigation": (Role.caseworker,),
    # A manager and an assistant director too: overrides are decided, uplifts imposed, by them.
    "compliance": (Role.caseworker, Role.operations_manager, Role.assistant_director),
}


# --- The values sent ---------------------------------------------------------------------------

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
# Long, yet with the rest of a body well under the 256 KiB cap (a 413 would test nothing).
LONG_TEXT = "x" * 60_000
DATE_TIMES = [
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
    "2026-11-02T10:00:00+23:59",
]
DATES = ["0001-01-01", "9999-12-31", "2026-02-30"]
NUMBERS = [2**64, -(2**63) - 1, -1, 1.5]
# For every field, whatever its type: null, empty text, and a number and an object (one of
# them, or the empty text, is of the wrong type for any field).
ANY_FIELD: list[Any] = [None, "", 0, {}]


def _by_type(schema: JsonDict) -> list[Any]:
    """Boundary values of one (non-null) schema branch."""
    kind, fmt = schema.get("type"), schema.get("format")
    if "enum" in schema or "const" in schema:
        return ["not-a-value"]
    if kind == "string":
        if fmt == "date-time":
            return DATE_TIMES
        if fmt == "date":
            return DATES
        if fmt == "uuid":
            return [UNKNOWN_ID, "not-a-uuid"]
        return ["a\u0000b", " ", "\ud800", LONG_TEXT]
    if kind in ("integer", "number"):
        return NUMBERS
    if kind == "boolean":
        return ["true"]
    if kind == "array":
        return [[None], [0] * 1_001]
    if kind == "object":
        return [{"": None}]
    return []


def _query_values(schema: JsonDict) -> list[str]:
    """Boundary values of a query parameter, as the text a URL carries."""
    values = ["", "\u0000", "x" * 5_000, "-1", str(2**64), "not-a-value"]
    for branch in _branches(schema):
        fmt = branch.get("format")
        if fmt == "date-time":
            values += DATE_TIMES
        elif fmt == "date":
            values += DATES
        elif fmt == "uuid":
            values.append(UNKNOWN_ID)
        values += [str(v) for v in branch.get("enum", [])]
    return values


def _branches(schema: JsonDict) -> list[JsonDict]:
    """The non-null alternatives of a schema (``anyOf``/``oneOf``), or the schema itself."""
    options = schema.get("anyOf") or schema.get("oneOf")
    if not options:
        return [schema]
    return [b for option in options for b in _branches(option) if b.get("type") != "null"]


def _distinct(values: list[Any]) -> list[Any]:
    seen: set[str] = set()
    out = []
    for value in values:
        key = json.dumps(value)
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


# --- The walk ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    service: str
    method: str
    path: str
    internal: bool
    body: JsonDict | None  # the JSON body's schema, references resolved lazily
    parameters: tuple[JsonDict, ...]

    @property
    def id(self) -> str:
        return f"{self.service}{'-internal' if self.internal else ''} {self.method} {self.path}"


class Document:
    """One OpenAPI document, with ``$ref`` resolution."""

    def __init__(self, doc: JsonDict) -> None:
        self.doc = doc

    def resolve(self, schema: JsonDict) -> JsonDict:
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.doc["components"]["schemas"][name]
        if "allOf" in schema and "properties" not in schema and len(schema["allOf"]) == 1:
            return self.resolve(schema["allOf"][0])
        return schema

    def example(self, schema: JsonDict) -> JsonDict:
        examples = self.resolve(schema).get("examples") or [{}]
        return copy.deepcopy(examples[0])


def _documents() -> dict[tuple[str, bool], Document]:
    docs = {}
    for name, spec in SPECS.items():
        settings = spec.settings_cls(database_url="postgresql://x@localhost/x", ENV="testing")
        app = spec.create_app(settings)
        docs[name, False] = Document(app.openapi())
        docs[name, True] = Document(internal_openapi(app))
    return docs


DOCUMENTS = _documents()


def _operations() -> list[Operation]:
    ops = []
    for (service, internal), document in DOCUMENTS.items():
        for path, items in document.doc["paths"].items():
            for method, op in items.items():
                if method not in ("get", "post", "put", "patch"):
                    continue
                content = op.get("requestBody", {}).get("content", {})
                body = content.get("application/json", {}).get("schema")
                parameters = tuple(op.get("parameters", ()))
                if body is None and not parameters:
                    continue
                ops.append(Operation(service, method.upper(), path, internal, body, parameters))
    return ops


OPERATIONS = _operations()


@dataclass
class Variation:
    """One request: what was changed, and the body and query sent."""

    label: str
    body: Any = None
    query: list[tuple[str, str]] = field(default_factory=list)
    path: JsonDict = field(default_factory=dict)


def _set(body: Any, where: tuple[str | int, ...], value: Any) -> Any:
    out = copy.deepcopy(body)
    target = out
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = value
    return out


def _field_variations(
    document: Document, schema: JsonDict, base: Any, where: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """(where, value) for every field under ``schema``, walking into the base's nested values."""
    schema = document.resolve(schema)
    properties: dict[str, JsonDict] = {}
    for branch in _branches(schema):
        properties.update(document.resolve(branch).get("properties", {}))
    names = list(properties)
    if isinstance(base, dict):  # an open object (an event's payload): its keys as found
        names += [k for k in base if k not in properties]
    for name in names:
        sub = document.resolve(properties.get(name, {}))
        values = list(ANY_FIELD)
        for branch in _branches(sub):
            values += _by_type(document.resolve(branch))
        if name not in properties:
            values += [2**64, *DATE_TIMES[:1], *DATES[:2], UNKNOWN_ID]
        for value in _distinct(values):
            yield (*where, name), value
        current = base.get(name) if isinstance(base, dict) else None
        if isinstance(current, dict):
            object_schema = next(
                (document.resolve(b) for b in _branches(sub) if b.get("type") != "array"), {}
            )
            yield from _field_variations(document, object_schema, current, (*where, name))
        elif isinstance(current, list) and current and isinstance(current[0], dict):
            items: JsonDict = next(
                (document.resolve(b).get("items", {}) for b in _branches(sub) if "items" in b),
                {},
            )
            yield from _field_variations(document, items, current[0], (*where, name, 0))


def variations(op: Operation, base: Any, base_query: list[tuple[str, str]]) -> Iterator[Variation]:
    document = DOCUMENTS[op.service, op.internal]
    if op.body is not None:
        wholes: list[Any] = [None, []]
        for whole in wholes:
            yield Variation(f"body={json.dumps(whole)}", body=whole, query=base_query)
        for where, value in _field_variations(document, op.body, base, ()):
            shown = json.dumps(value)
            label = f"{'.'.join(map(str, where))}={shown[:40]}"
            body = _set(base, where, value) if where[:-1] else {**base, where[0]: value}
            yield Variation(label, body=body, query=base_query)
    for parameter in op.parameters:
        name, schema = parameter["name"], document.resolve(parameter.get("schema", {}))
        if parameter["in"] == "query":
            for value in _distinct(_query_values(schema)):
                query = [(k, v) for k, v in base_query if k != name] + [(name, value)]
                yield Variation(f"?{name}={value[:40]!r}", body=base, query=query)
        elif parameter["in"] == "path":
            for value in (UNKNOWN_ID, "not-a-uuid"):
                yield Variation(
                    f"{{{name}}}={value}", body=base, query=base_query, path={name: value}
                )


# --- The state each operation starts from ------------------------------------------------------


@dataclass
class World:
    """The rows an operation acts on, and its valid base body."""

    ids: dict[str, str]
    body: Any = None
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


Prepare = Callable[["Caller", World], Awaitable[None]]


@dataclass
class Caller:
    client: httpx.AsyncClient
    headers: dict[str, str]
    session: AsyncSession
    make_token: TokenFactory

    async def call(self, method: str, url: str, body: Any = None, expect: int = 200) -> JsonDict:
        response = await self.client.request(method, url, json=body, headers=self.headers)
        assert response.status_code == expect, (method, url, response.text)
        result: JsonDict = response.json()
        return result


# Ids in the schemas' examples, by field name: the world's rows stand in for them.
EXAMPLE_IDS = {
    "person_id": "person_id",
    "organisation_id": "organisation_id",
    "organisation_ids": "organisation_id",
    "communication_id": "communication_id",
    "assessment_id": "assessment_id",
}


def _with_ids(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in EXAMPLE_IDS and EXAMPLE_IDS[key] in ids:
                ref = ids[EXAMPLE_IDS[key]]
                out[key] = [ref] if isinstance(item, list) else ref
            else:
                out[key] = _with_ids(item, ids)
        return out
    if isinstance(value, list):
        return [_with_ids(v, ids) for v in value]
    return value


async def intake_world(caller: Caller, op: Operation) -> World:
    """A complainant, an MP and two organisations; for an act on a case, a ready intake case
    of the complainant's against the first organisation."""
    session = caller.session
    person = await make_person(session, given_name="Alex")
    mp = await make_person(session, given_name="Sam", mp_constituency="Exampleshire North")
    org, other_org = await make_organisation(session), await make_organisation(session)
    ids = {
        "person_id": str(person.id),
        "mp_id": str(mp.id),
        "organisation_id": str(org.id),
        "other_organisation_id": str(other_org.id),
    }
    if op.path.startswith("/v1/cases/{case_id}"):
        case = await make_ready_case(
            session, person=person, organisations=[org], complaint_summary="Placeholder summary"
        )
        ids["case_id"] = str(case.id)
    return World(ids)


async def investigation_world(caller: Caller, op: Operation) -> World:
    """An investigation opened at Milestone 1 from a proposal."""
    return World({"case_id": str(await make_investigation(caller.session))})


async def compliance_world(caller: Caller, op: Operation) -> World:
    """A case's risk assessment with an override asked for by another caseworker, an uplift, and
    an open Legal Team referral with its Legal risk prompt (raised before the assessment)."""
    case_id = uuid.uuid4()
    referral, prompt = await make_referral(caller.session, case_id=case_id)
    assessment = await make_assessment(caller.session, case_id=case_id, rating="medium")
    uplift = await make_uplift(caller.session)
    item_id = await make_resolution_item(caller.session, case_id=case_id)
    asker = caller.make_token(Role.caseworker, sub="cw-asker")
    request = await caller.client.post(
        f"/v1/risk/assessments/{assessment.id}/override-requests",
        json={"rating": "high", "explanation": "Four unlinked medium risks"},
        headers={"Authorization": f"Bearer {asker}"},
    )
    assert request.status_code == 201, request.text
    return World(
        {
            "case_id": str(case_id),
            "assessment_id": str(assessment.id),
            "uplift_id": str(uplift.id),
            "request_id": request.json()["id"],
            "referral_id": str(referral.id),
            "prompt_id": str(prompt.id),
            "item_id": str(item_id),
        },
        query=[("case_id", str(case_id)), ("trigger", "decline")]
        if op.path == "/internal/risk/qualifying"
        else [],
    )


def _compliance_says_yes(request: httpx.Request) -> httpx.Response:
    """compliance-api's answer to the risk guard, for a walker over assessment's input
    (tests/compliance holds compliance-api's own behaviour; tests/assessment and tests/e2e the
    guard against the real app): a qualifying assessment for the case and trigger asked."""
    case_id, trigger = request.url.params["case_id"], request.url.params["trigger"]
    return httpx.Response(
        200,
        json={
            "case_id": case_id, "trigger": trigger, "qualifying": True,
            "assessment_id": str(uuid.uuid4()), "recorded_at": NOW_ISO, "window_days": 0,
            "create_path": f"/v1/risk/cases/{case_id}/assessments",
        },
    )  # fmt: skip


async def assessment_world(caller: Caller, op: Operation) -> World:
    """The staff the schemas' examples name, the caller in the directory, a queued case and one
    allocated to the caller; compliance-api's ratings from a stand-in (no case is rated). For an
    act on a case, a case at further consideration held by the caller, whose risk guard finds its
    assessment."""
    session = caller.session
    await make_staff(session, IC, grade="senior_caseworker", team="complex-1")
    await make_staff(session, "scw-example-1", grade="senior_caseworker", team="complex-1")
    await make_staff(session, "om-example-1", grade="operations_manager", team=None)
    await make_staff(
        session, "ad-complex-example", grade="assistant_director", team=None,
        posts=["assistant_director_complex_teams"],
    )  # fmt: skip
    await make_staff(
        session, "ad-systemic-example", grade="assistant_director", team=None,
        posts=["assistant_director_complex_and_senior_teams"],
    )  # fmt: skip
    queued = await make_entry(session)
    mine = await make_entry(session, allocated_to=IC)
    ids = {"staff_id": IC, "entry_id": str(queued.id), "mine": str(mine.id)}
    if op.path.startswith("/v1/cases/{case_id}"):
        case = await make_assessment_case(session, owner=IC)
        app = getattr(caller.client._transport, "app")  # noqa: B009
        app.state.risk_client = ServiceClient(
            base_url="http://compliance.walker", audience="compliance-api",
            tokens=token_provider_for(app.state.settings),
            transport=httpx.MockTransport(_compliance_says_yes),
        )  # fmt: skip
        ids["case_id"] = str(case.id)
        ids["organisation_id"] = str(ASSESSMENT_ORG)  # the organisation the case is about
    return World(ids)


WORLDS: dict[str, Callable[[Caller, Operation], Awaitable[World]]] = {
    "intake": intake_world,
    "assessment": assessment_world,
    "investigation": investigation_world,
    "compliance": compliance_world,
}


# What an operation needs beyond the world and its schema's example: earlier acts, another
# case, another body. Keyed by ``Operation.id``.
PREPARE: dict[str, Prepare] = {}


def prepare(*op_ids: str) -> Callable[[Prepare], Prepare]:
    def register(fn: Prepare) -> Prepare:
        for op_id in op_ids:
            PREPARE[op_id] = fn
        return fn

    return register


# --- compliance: the high-risk path (each escalation built at the step the operation acts on) ----

ESC = "compliance POST /v1/risk/escalations/{escalation_id}"


async def _escalation_at(caller: Caller, world: World, state: str, **extra: Any) -> None:
    """A new case whose escalation is at ``state``; the caller (IC) is the AD it went to."""
    case_id = uuid.uuid4()
    e = await make_escalation(caller.session, case_id=case_id, state=state, ad=IC, **extra)
    world.ids.update(case_id=str(case_id), escalation_id=str(e.id))


def _as_holder(caller: Caller, world: World) -> None:
    token = caller.make_token(Role.deputy_ombudsman, sub=DEPUTY)
    world.headers["Authorization"] = f"Bearer {token}"


@prepare(
    "compliance GET /v1/risk/cases/{case_id}/escalation",
    "compliance GET /v1/risk/escalations/{escalation_id}",
    f"{ESC}/manager-decision",
)
async def _awaiting_manager(caller: Caller, world: World) -> None:
    await _escalation_at(caller, world, "awaiting_manager")


@prepare(f"{ESC}/mitigation-plan")
async def _manager_agreed(caller: Caller, world: World) -> None:
    await _escalation_at(caller, world, "manager_agreed")


@prepare(f"{ESC}/plan-review")
async def _plan_with_ad(caller: Caller, world: World) -> None:
    await _escalation_at(caller, world, "plan_with_ad")


@prepare(f"{ESC}/oversight-request")
async def _plan_reviewed(caller: Caller, world: World) -> None:
    await _escalation_at(caller, world, "plan_reviewed")


@prepare(f"{ESC}/oversight-assignment")
async def _oversight_requested(caller: Caller, world: World) -> None:
    await _escalation_at(caller, world, "oversight_requested")


@prepare(
    f"{ESC}/rating-change-requests",
    f"{ESC}/records",
    f"{ESC}/updates",
    f"{ESC}/updates-ended",
)
async def _under_oversight(caller: Caller, world: World) -> None:
    await _escalation_at(caller, world, "oversight_assigned")


@prepare(f"{ESC}/rating-change-requests/{{request_id}}/decision")
async def _rating_change_asked(caller: Caller, world: World) -> None:
    await _escalation_at(caller, world, "oversight_assigned")
    asked = await caller.call(
        "POST",
        f"/v1/risk/escalations/{world.ids['escalation_id']}/rating-change-requests",
        {"rating": "medium", "explanation": "The claim was withdrawn"},
        expect=201,
    )
    world.ids["request_id"] = asked["id"]
    _as_holder(caller, world)


@prepare(f"{ESC}/records/{{record_id}}/approval")
async def _record_made(caller: Caller, world: World) -> None:
    await _escalation_at(caller, world, "oversight_assigned")
    record = await caller.call(
        "POST",
        f"/v1/risk/escalations/{world.ids['escalation_id']}/records",
        {"kind": "meeting", "held_on": "2026-11-02", "accompanied_by": "om-risk-1",
         "notes": "Planning meeting"},
        expect=201,
    )  # fmt: skip
    world.ids["record_id"] = record["id"]
    _as_holder(caller, world)


async def _recorded(caller: Caller, world: World, risk: JsonDict) -> JsonDict:
    body = {"trigger": "decline", "conflicts_of_interest_considered": True, "risks": [risk],
            "earlier_cases_reviewed": True}  # fmt: skip
    return await caller.call(
        "POST", f"/v1/risk/cases/{world.ids['case_id']}/assessments", body, expect=201
    )


BREACH_RISK = {
    "category": "financial", "description": "Letter sent to the wrong address",
    "impact": "minor", "likelihood": "unlikely", "information_breach": True,
    "action_if_occurs": "Retrieve the letter",
}  # fmt: skip


@prepare("compliance POST /v1/risk/cases/{case_id}/breach-reports")
async def _breach_recorded(caller: Caller, world: World) -> None:
    got = await _recorded(caller, world, BREACH_RISK)
    world.body = {**world.body, "entry_id": got["risks"][0]["id"]}


@prepare("compliance POST /v1/risk/tasks/{task_id}/completion")
async def _task_left(caller: Caller, world: World) -> None:
    await _recorded(
        caller,
        world,
        {"category": "our_service", "description": "Complaint about us unresolved",
         "impact": "minor", "likelihood": "unlikely", "unresolved_by_management": True,
         "action_if_occurs": "Refer it"},
    )  # fmt: skip
    tasks = await caller.client.get(
        f"/v1/risk/cases/{world.ids['case_id']}/tasks", headers=caller.headers
    )
    world.ids["task_id"] = tasks.json()[0]["id"]


CASE = "intake POST /v1/cases/{case_id}"
PERSON = "intake POST /v1/people/{person_id}"


async def _communication(
    caller: Caller, world: World, *, purpose: str, medium: str = "email", inbound: bool = False
) -> str:
    person = world.ids["person_id"]
    body: JsonDict = {
        "medium": medium, "direction": "inbound" if inbound else "outbound", "purpose": purpose,
        "occurred_at": NOW_ISO, "recipients": [] if inbound else [{"person_id": person}],
    }  # fmt: skip
    if inbound:
        body["from_person_id"] = person
    url = f"/v1/cases/{world.ids['case_id']}/communications"
    return str((await caller.call("POST", url, body, expect=201))["id"])


@prepare(f"{CASE}/support")
async def _letter(caller: Caller, world: World) -> None:
    world.ids["communication_id"] = await _communication(
        caller, world, purpose="party_contact", medium="letter"
    )
    world.body = _with_ids(world.body, world.ids)


@prepare(f"{CASE}/support/{{support_id}}/signed-form-returned")
async def _form_sent(caller: Caller, world: World) -> None:
    form = await _communication(caller, world, purpose="party_contact", medium="letter")
    support = await caller.call(
        "POST",
        f"/v1/cases/{world.ids['case_id']}/support",
        {"kind": "complaint_form_completed_for_complainant", "note": "Form from the call",
         "communication_id": form},
        expect=201,
    )  # fmt: skip
    world.ids["support_id"] = support["id"]
    world.ids["communication_id"] = await _communication(
        caller, world, purpose="other", inbound=True
    )
    world.body = _with_ids(world.body, world.ids)


async def _joint_working_facts(caller: Caller, world: World) -> None:
    url = f"/v1/cases/{world.ids['case_id']}"
    etag = (await caller.client.get(url, headers=caller.headers)).headers["ETag"]
    facts = {
        "joint_working": True, "other_ombudsman": "LGSCO",
        "joint_working_topics": ["continuing_care"],
        "joint_working_shared_at": "2026-11-02T09:00:00Z",
    }  # fmt: skip
    response = await caller.client.patch(
        url, json=facts, headers={**caller.headers, "If-Match": etag}
    )
    assert response.status_code == 200, response.text
    consent = {"consent_type": "joint_working_lgsco", "source": "verbal",
               "given_at": "2026-11-02T09:30:00Z", "evidence_reference": "CALL-7"}  # fmt: skip
    await caller.call("POST", f"/v1/people/{world.ids['person_id']}/consents", consent, 201)


@prepare(f"{CASE}/joint-working-referral")
async def _joint_working(caller: Caller, world: World) -> None:
    await _joint_working_facts(caller, world)


@prepare(f"{CASE}/joint-working-decision")
async def _referred_to_joint_working(caller: Caller, world: World) -> None:
    await _joint_working_facts(caller, world)
    url = f"/v1/cases/{world.ids['case_id']}/joint-working-referral"
    await caller.call("POST", url, {"reason": "LGSCO topics"})


async def _ask_for_information(caller: Caller, world: World) -> None:
    email = await _communication(caller, world, purpose="information_request")
    body = {"communication_id": email, "deadline": "2026-11-09", "reason": "Need the reply"}
    await caller.call("POST", f"/v1/cases/{world.ids['case_id']}/information-request", body)


@prepare(f"{CASE}/information-request")
async def _information_email(caller: Caller, world: World) -> None:
    world.ids["communication_id"] = await _communication(
        caller, world, purpose="information_request"
    )
    world.body = {**_with_ids(world.body, world.ids), "deadline": "2026-11-09"}


@prepare(f"{CASE}/information-received")
async def _information_asked(caller: Caller, world: World) -> None:
    await _ask_for_information(caller, world)


@prepare(f"{CASE}/information-deadline/extensions")
async def _information_asked_later(caller: Caller, world: World) -> None:
    await _ask_for_information(caller, world)
    world.body = {**world.body, "new_due_date": "2026-11-16"}


@prepare(f"{CASE}/priority-decision")
async def _priority_asked(caller: Caller, world: World) -> None:
    # Asked by someone else (a manager acting on IC's case, audited): a manager does not approve
    # their own request.
    asker = caller.make_token(Role.operations_manager, sub="om-bob")
    response = await caller.client.post(
        f"/v1/cases/{world.ids['case_id']}/priority-request",
        json={"reason": "Terminal illness; discussed with my manager"},
        headers={"Authorization": f"Bearer {asker}", "X-Override-Reason": "Covering for IC"},
    )
    assert response.status_code == 200, response.text


@prepare(f"{CASE}/begin-intake")
async def _received(caller: Caller, world: World) -> None:
    session = caller.session
    check = PreviousContactCheck(
        id=uuid.uuid4(), person_id=uuid.UUID(world.ids["person_id"]),
        organisation_ids=[uuid.UUID(world.ids["organisation_id"])], done_by=IC, matches=[],
    )  # fmt: skip
    session.add(check)
    received = await make_case(session, status=CaseStatus.received)
    world.ids.update(case_id=str(received.id), check_id=str(check.id))
    world.body = {"previous_contact_check_id": str(check.id)}


async def _closed_case(caller: Caller, world: World, closure_code: str) -> None:
    person = await caller.session.get(Person, uuid.UUID(world.ids["person_id"]))
    assert person is not None
    closed = await make_case(
        caller.session, parties=[person], status=CaseStatus.closed, closure_code=closure_code
    )
    world.ids["case_id"] = str(closed.id)


@prepare(f"{CASE}/organisations")
async def _another_organisation(caller: Caller, world: World) -> None:
    world.body = {**world.body, "organisation_id": world.ids["other_organisation_id"]}


@prepare(f"{CASE}/refer")
async def _plain_referral(caller: Caller, world: World) -> None:
    world.body = {"reason": "Ready for further consideration"}


@prepare(f"{CASE}/close")
async def _withdrawal(caller: Caller, world: World) -> None:
    world.body = {
        "closure_code": "premature", "reasons": "The trust is still looking at it",
        "decision_channel": "telephone", "time_limit_explained": True,
    }  # fmt: skip


@prepare(f"{CASE}/restart")
async def _closed(caller: Caller, world: World) -> None:
    await _closed_case(caller, world, "further information required")


@prepare(f"{CASE}/return-as-new-case")
async def _withdrawn(caller: Caller, world: World) -> None:
    await _closed_case(caller, world, "withdrawn")
    world.body = {**world.body, "received_date": "2026-11-02"}


@prepare(f"{CASE}/tasks/{{task_id}}/complete")
async def _task(caller: Caller, world: World) -> None:
    task = CaseTask(
        id=uuid.uuid4(), case_id=uuid.UUID(world.ids["case_id"]),
        kind=TaskKind.request_written_response, rule="ASM-039: ask for a written response",
        organisation_id=uuid.UUID(world.ids["organisation_id"]), created_by=IC,
    )  # fmt: skip
    caller.session.add(task)
    await caller.session.flush()
    world.ids["task_id"] = str(task.id)


@prepare("intake POST /v1/organisations/{organisation_id}/pv-opt-out/withdraw")
async def _pv_opt_out(caller: Caller, world: World) -> None:
    body = {"agreed_date": "2026-10-15", "document_reference": "DOC-EXAMPLE-0001",
            "reason": "Letter agreeing the arrangement"}  # fmt: skip
    url = f"/v1/organisations/{world.ids['organisation_id']}/pv-opt-out"
    await caller.call("POST", url, body)


@prepare(f"{PERSON}/consents/{{consent_id}}/withdraw")
async def _consent(caller: Caller, world: World) -> None:
    body = {"consent_type": "refer_to_other_body", "body": "LGSCO", "source": "verbal",
            "given_at": "2026-11-02T09:30:00Z"}  # fmt: skip
    consent = await caller.call(
        "POST", f"/v1/people/{world.ids['person_id']}/consents", body, expect=201
    )
    world.ids["consent_id"] = consent["id"]


async def _adjustment_request(caller: Caller, world: World) -> str:
    body = {"requested_adjustments": "Large print", "requested_at": "2026-11-02T09:00:00Z"}
    url = f"/v1/people/{world.ids['person_id']}/reasonable-adjustments"
    ra_id = str((await caller.call("POST", url, body, expect=201))["id"])
    world.ids["ra_id"] = ra_id
    return f"{url}/{ra_id}"


@prepare(
    f"{PERSON}/reasonable-adjustments/{{ra_id}}/agree",
    f"{PERSON}/reasonable-adjustments/{{ra_id}}/refuse",
    "intake GET /v1/people/{person_id}/reasonable-adjustments/{ra_id}",
)
async def _adjustment_asked(caller: Caller, world: World) -> None:
    await _adjustment_request(caller, world)


@prepare(f"{PERSON}/reasonable-adjustments/{{ra_id}}/record-outcome-letter")
async def _adjustment_agreed(caller: Caller, world: World) -> None:
    url = await _adjustment_request(caller, world)
    body = {"agreed_adjustments": "Large print", "decided_date": "2026-11-02",
            "disability_type": "visual"}  # fmt: skip
    await caller.call("POST", f"{url}/agree", body)


@prepare(f"{PERSON}/accessibility-requests/{{request_id}}/close")
async def _accessibility_request(caller: Caller, world: World) -> None:
    url = f"/v1/people/{world.ids['person_id']}/accessibility-requests"
    body = {"anticipatory": False, "description": "Prefers calls after 2pm"}
    world.ids["request_id"] = (await caller.call("POST", url, body, expect=201))["id"]


@prepare(f"{PERSON}/mp/successor", f"{PERSON}/mp/deactivate")
async def _an_mp(caller: Caller, world: World) -> None:
    world.ids["person_id"] = world.ids["mp_id"]


@prepare(f"{PERSON}/contact-restrictions/{{restriction_id}}/lift")
async def _a_restriction(caller: Caller, world: World) -> None:
    body = {"scope": ["telephone"], "starts_on": "2026-11-02", "review_on": "2027-02-01",
            "reason": "Written contact only"}  # fmt: skip
    url = f"/v1/people/{world.ids['person_id']}/contact-restrictions"
    world.ids["restriction_id"] = (await caller.call("POST", url, body, expect=201))["id"]
    world.body = {"lifted_on": "2026-12-01", "reason": "Lifted at review"}


@prepare("intake GET /v1/people")
async def _a_search(caller: Caller, world: World) -> None:
    world.query = [("name", "Alex")]


@prepare("intake GET /v1/people/{person_id}/identity-verifications/call-status")
async def _a_call(caller: Caller, world: World) -> None:
    world.query = [("call_ref", "CALL-0001")]


def _intake_lists_a_complainant(request: httpx.Request) -> httpx.Response:
    """intake-api's parties of a case, for a walker over assessment's input (tests/assessment
    holds the real intake app behind it): the complainant the suitability builder makes the
    aggrieved, complaining personally (ASM-113)."""
    return httpx.Response(
        200,
        json=[{"id": str(uuid.uuid4()), "person_id": str(STAND_IN_COMPLAINANT),
               "role": "complainant",
               "authority_to_receive_info": False, "description": None}],
    )  # fmt: skip


def _intake_names_a_complainant(caller: Caller) -> None:
    app = getattr(caller.client._transport, "app")  # noqa: B009
    app.state.intake_client = ServiceClient(
        base_url="http://intake.walker", audience="intake-api",
        tokens=token_provider_for(app.state.settings),
        transport=httpx.MockTransport(_intake_lists_a_complainant),
    )  # fmt: skip


@prepare("assessment GET /v1/cases/{case_id}/closure-recipients")
async def _a_closing_decision(caller: Caller, world: World) -> None:
    _intake_names_a_complainant(caller)
    world.query = [("kind", "decision_not_to_investigate")]


async def _ready_to_decide(caller: Caller, world: World, *, proposing: bool) -> None:
    """Every decision gate satisfied (the Decision Form, contact, the approval; the defaults
    are the decline the schema's first example makes)."""
    case = await caller.session.get(AssessmentCase, uuid.UUID(world.ids["case_id"]))
    assert case is not None
    await make_ready_to_decide(caller.session, case, proposing=proposing)


@prepare("assessment POST /v1/cases/{case_id}/decline")
async def _a_decline_to_issue(caller: Caller, world: World) -> None:
    """The decline is issued to intake's parties (ASM-173): intake names a complainant."""
    _intake_names_a_complainant(caller)
    await _ready_to_decide(caller, world, proposing=False)


@prepare("assessment POST /v1/cases/{case_id}/proposal")
async def _a_proposal_to_issue(caller: Caller, world: World) -> None:
    """T35 writes to intake's parties, once every gate is satisfied."""
    _proposal_intake(caller)
    await _ready_to_decide(caller, world, proposing=True)


APPROVALS = "assessment {} /v1/cases/{{case_id}}/decision-approvals/{{approval_id}}"


@prepare(APPROVALS.format("GET"), APPROVALS.format("POST") + "/decision")
async def _a_decision_approval_asked(caller: Caller, world: World) -> None:
    """Asked by the caseworker (someone other than the caller, a manager who may approve)."""
    approval = await make_decision_approvals_ready(
        caller.session, uuid.UUID(world.ids["case_id"]), proposing=True, decided=False
    )
    world.ids["approval_id"] = str(approval.id)


async def _internal_world(caller: Caller, op: Operation) -> World:
    """An event parked for a subscriber, to replay."""
    session = caller.session
    subscriber = "walker-subscriber"
    await session.execute(
        text(
            "INSERT INTO outbox_subscription (subscriber, event_type) "
            "VALUES (:s, 'intake.case.referred')"
        ),
        {"s": subscriber},
    )
    event = await emit(session, referred_event(), case_id=uuid.uuid4(), actor=IC)
    await session.execute(
        text(
            "UPDATE outbox_delivery SET status = 'parked', attempts = 10, last_error = 'x', "
            "parked_at = now() WHERE subscriber = :s AND event_position = "
            "(SELECT position FROM outbox_event WHERE id = :id)"
        ),
        {"s": subscriber, "id": event.id},
    )
    body = {"reason": "Replay after the subscriber was mended", "subscriber": subscriber}
    return World({"event_id": str(event.id)}, body=body)


# --- Dispute resolution (ASM-061…065): a process proposed, and as far on as the act needs ---

ADR = "assessment POST /v1/cases/{case_id}/dr"


async def _dr(
    caller: Caller, world: World, *, consents: tuple[str, ...] = (), transfer: bool = False
) -> None:
    url = f"/v1/cases/{world.ids['case_id']}/dr"
    _intake_names_a_complainant(caller)  # the consent form goes to intake's complainant
    proposal = {
        "organisation_id": world.ids["organisation_id"], "dr_caseworker": IC,
        "complainant_willing": True, "organisation_willing": True,
    }  # fmt: skip
    await caller.call("POST", url, proposal, expect=201)
    for party in consents:
        await caller.call("POST", f"{url}/consents", {"party": party})
    if transfer:
        await caller.call("POST", f"{url}/transfer")


@prepare(ADR)
async def _dr_to_propose(caller: Caller, world: World) -> None:
    """T26: the consent form goes to intake's complainant."""
    _intake_names_a_complainant(caller)


@prepare("assessment GET /v1/cases/{case_id}/dr", f"{ADR}/consents", f"{ADR}/withdrawal")
async def _dr_proposed(caller: Caller, world: World) -> None:
    await _dr(caller, world)


@prepare(f"{ADR}/transfer")
async def _dr_consented(caller: Caller, world: World) -> None:
    await _dr(caller, world, consents=("complainant", "organisation"))


@prepare(f"{ADR}/conference")
async def _dr_under_way(caller: Caller, world: World) -> None:
    await _dr(caller, world, consents=("complainant", "organisation"), transfer=True)
    world.body = {**world.body, "held_at": NOW_ISO}  # the example's date is after the test clock


@prepare("intake-internal POST /internal/events")
async def _a_status_change(caller: Caller, world: World) -> None:
    world.body = {
        "events": [
            {
                "id": str(uuid.uuid4()), "type": "assessment.case.status_changed", "version": 1,
                "occurred_at": NOW_ISO, "source": "assessment-api", "case_id": str(uuid.uuid4()),
                "sequence": 1, "correlation_id": None, "actor": IC,
                "payload": {
                    "reference": "CAS-0000001", "status": "awaiting_allocation",
                    "previous_status": None, "owner": None, "team": None, "closure_code": None,
                },
            }
        ]
    }  # fmt: skip


@prepare("assessment-internal POST /internal/events")
async def _a_referral(caller: Caller, world: World) -> None:
    world.body = {
        "events": [
            {
                "id": str(uuid.uuid4()), "type": "intake.case.referred", "version": 1,
                "occurred_at": NOW_ISO, "source": "intake-api", "case_id": str(uuid.uuid4()),
                "sequence": 1, "correlation_id": None, "actor": IC,
                "payload": {
                    "reference": "CAS-0000001", "case_type": "complaint",
                    "jurisdiction": "health", "route": "awaiting_allocation",
                    "triage_category": "general", "priority": "standard",
                    "organisation_ids": [str(uuid.uuid4())], "received_date": "2026-11-02",
                },
            }
        ]
    }  # fmt: skip


ENTRY = "assessment POST /v1/allocation-queue/{entry_id}"


@prepare(f"{ENTRY}/category-changes", f"{ENTRY}/systemic-issues")
async def _my_allocated_case(caller: Caller, world: World) -> None:
    world.ids["entry_id"] = world.ids["mine"]


@prepare(f"{ENTRY}/category-changes/{{approval_id}}/decision")
async def _a_change_asked_by_another(caller: Caller, world: World) -> None:
    """A category change the allocated caseworker asked for: the caller (a manager) decides."""
    asker = caller.make_token(Role.caseworker, sub="cw-asker")
    entry = await make_entry(caller.session, allocated_to="cw-asker")
    response = await caller.client.post(
        f"/v1/allocation-queue/{entry.id}/category-changes",
        json={"category": "senior caseworker", "reason": "Several organisations"},
        headers={"Authorization": f"Bearer {asker}"},
    )
    assert response.status_code == 201, response.text
    world.ids |= {"entry_id": str(entry.id), "approval_id": response.json()["id"]}


@prepare("assessment-internal GET /internal/staff/{staff_id}")
async def _someone_in_the_directory(caller: Caller, world: World) -> None:
    world.ids["staff_id"] = (await make_staff(caller.session)).staff_id


@prepare("assessment-internal PUT /internal/staff/{staff_id}")
async def _an_identity_provider_record(caller: Caller, world: World) -> None:
    world.body = {"display_name": "Pat Example", "grade": "caseworker", "roles": ["caseworker"],
                  "team": "general-1", "active": True}  # fmt: skip


ATRIAGE = "assessment POST /v1/cases/{case_id}/triage"
TRIAGE_SETS = "/v1/triage/threshold-sets"


def _as(caller: Caller, world: World, *roles: Role, sub: str) -> None:
    """The request goes with another principal's token (threshold sets are managers' and the
    Executive Team's)."""
    world.headers["Authorization"] = f"Bearer {caller.make_token(*roles, sub=sub)}"


@prepare(f"assessment POST {TRIAGE_SETS}")
async def _a_manager_proposes(caller: Caller, world: World) -> None:
    _as(caller, world, Role.operations_manager, sub="om-walker")


@prepare(f"assessment GET {TRIAGE_SETS}/{{set_id}}")
async def _a_threshold_set(caller: Caller, world: World) -> None:
    threshold = await make_threshold_set(
        caller.session, effective_from=date(2026, 1, 5), decline_below=9
    )
    world.ids["set_id"] = str(threshold.id)


@prepare(f"assessment POST {TRIAGE_SETS}/{{set_id}}/decision")
async def _a_proposed_set_for_the_executive_team(caller: Caller, world: World) -> None:
    manager = {"Authorization": f"Bearer {caller.make_token(Role.operations_manager, sub='om')}"}
    body = {"effective_from": "2027-01-04", "decline_below": 9, "rationale": "Demand is high."}
    r = await caller.client.post(TRIAGE_SETS, json=body, headers=manager)
    assert r.status_code == 201, r.text
    world.ids["set_id"] = r.json()["id"]
    _as(caller, world, Role.ombudsman, sub="omb-walker")


def _intake_says_no_parties(request: httpx.Request) -> httpx.Response:
    """intake-api's answer to triage (tests/assessment/triage prove the rules): a complainant
    without reasonable adjustments, and no MP."""
    if request.url.path.endswith("/parties"):
        person = str(uuid.UUID(int=7))
        return httpx.Response(
            200,
            json=[
                {"id": person, "person_id": person, "role": "complainant",
                 "authority_to_receive_info": False}
            ],
        )  # fmt: skip
    return httpx.Response(200, json={"items": [], "next_cursor": None})


async def _at_triage(caller: Caller, world: World, pvm: JsonDict | None) -> None:
    """The world's case at ECT triage, a threshold set in force, and its PVM assessment."""
    case_id = uuid.UUID(world.ids["case_id"])
    await caller.session.execute(
        update(AssessmentCase)
        .where(AssessmentCase.id == case_id)
        .values(status=AssessmentCaseStatus.ect_triage)
    )
    await make_threshold_set(caller.session, effective_from=date(2026, 1, 5), decline_below=9)
    app = getattr(caller.client._transport, "app")  # noqa: B009
    app.state.intake_client = ServiceClient(
        base_url="http://intake.walker", audience="intake-api",
        tokens=token_provider_for(app.state.settings),
        transport=httpx.MockTransport(_intake_says_no_parties),
    )  # fmt: skip
    if pvm is not None:
        await caller.call("POST", f"/v1/cases/{case_id}/triage/assessments", pvm, expect=201)


def _pvm(level: int, minimal: list[str]) -> JsonDict:
    answers = [
        "access_and_engagement", "underrepresented_or_protected", "parliamentary_monitoring",
        "continuing_significant_impact", "wider_public_interest", "larger_scale_or_safety",
        "volume_and_recurrence",
    ]  # fmt: skip
    return {
        "claimed_injustices": [{"description": "Distress at a delay", "level": level}],
        "criteria": {
            "access_and_equality": 1, "continuing_impact": 1, "public_interest": 1,
            "systemic_risk": 1,
        },
        "answers": dict.fromkeys(answers, "Considered."),
        "information_sources": "Complaint form and a precedent check.",
        "minimal_intervention_considered": True,
        "minimal_intervention_conditions": minimal,
        "minimal_intervention_note": "Considered.",
    }  # fmt: skip


@prepare(f"{ATRIAGE}/assessments")
async def _a_case_at_triage(caller: Caller, world: World) -> None:
    await _at_triage(caller, world, None)


@prepare(f"{ATRIAGE}/decline")
async def _a_case_the_pvm_declines(caller: Caller, world: World) -> None:
    await _at_triage(caller, world, _pvm(1, []))


@prepare(f"{ATRIAGE}/resolution")
async def _a_case_minimal_intervention_could_resolve(caller: Caller, world: World) -> None:
    await _at_triage(caller, world, _pvm(1, ["organisation_acknowledged_failing"]))


@prepare(f"{ATRIAGE}/pass-on")
async def _a_case_the_pvm_supports(caller: Caller, world: World) -> None:
    await _at_triage(caller, world, _pvm(6, []))


@prepare("compliance-internal POST /internal/events")
async def _legal_terms_found(caller: Caller, world: World) -> None:
    world.body = {
        "events": [
            {
                "id": str(uuid.uuid4()), "type": "intake.correspondence.legal_terms_found",
                "version": 1, "occurred_at": NOW_ISO, "source": "intake-api",
                "case_id": str(uuid.uuid4()), "sequence": 1, "correlation_id": None, "actor": IC,
                "payload": {
                    "reference": "CAS-0000001", "communication_id": str(uuid.uuid4()),
                    "communication_type": "communication", "medium": "letter",
                    "direction": "inbound", "received_at": NOW_ISO,
                    "terms": ["judicial_review"],
                    "matches": [{"field": "summary", "term": "judicial_review", "start": 0,
                                 "end": 15, "broad": False}],
                    "scanner": "D.26/1",
                },
            }
        ]
    }  # fmt: skip


# --- Complaint handlers (ASM-071…084): the case's handlers opened from intake's organisations ---

HANDLERS = "/v1/cases/{case_id}/handlers"


async def _handlers_opened(caller: Caller, world: World) -> None:
    await caller.call("POST", f"/v1/cases/{world.ids['case_id']}/handlers", {}, expect=201)


@prepare(
    f"assessment GET {HANDLERS}",
    f"assessment POST {HANDLERS}/scope",
    f"assessment POST {HANDLERS}/exception",
    f"assessment POST {HANDLERS}/component-areas",
    f"assessment POST {HANDLERS}/decisions",
    f"assessment POST {HANDLERS}/chc",
    f"assessment POST {HANDLERS}/ifr",
    f"assessment GET {HANDLERS}/organisations/{{organisation_id}}",
    f"assessment PATCH {HANDLERS}/organisations/{{organisation_id}}",
)
async def _handlers(caller: Caller, world: World) -> None:
    await _handlers_opened(caller, world)


@prepare(f"assessment POST {HANDLERS}/organisations")
async def _handlers_and_a_commissioner(caller: Caller, world: World) -> None:
    """The example's organisation id is the world's, already on the case as its provider."""
    await _handlers_opened(caller, world)
    world.body = {**world.body, "organisation_id": str(uuid.uuid4())}


# --- The proposal to investigate (ASM-158…167): intake's parties and register, a plan, letters --

PROPOSAL = "/v1/cases/{case_id}/proposal"


def _intake_for_proposals(request: httpx.Request) -> httpx.Response:
    """intake-api for the proposal walker: a complainant, and a trust for any organisation
    (tests/assessment/proposals hold the real intake app behind it)."""
    if request.url.path.endswith("/parties"):
        return _intake_lists_a_complainant(request)
    return httpx.Response(
        200,
        json={"id": request.url.path.split("/")[3], "kind": "nhs_trust", "jurisdiction": "health",
              "contract_type": None, "principal_officer": None, "focal_point": None,
              "pv_opt_out": None, "version": 1},
    )  # fmt: skip


def _proposal_intake(caller: Caller) -> None:
    app = getattr(caller.client._transport, "app")  # noqa: B009
    app.state.intake_client = ServiceClient(
        base_url="http://intake.walker", audience="intake-api",
        tokens=token_provider_for(app.state.settings),
        transport=httpx.MockTransport(_intake_for_proposals),
    )  # fmt: skip


@prepare(f"assessment POST {PROPOSAL}/plan")
async def _proposal_reads_intake(caller: Caller, world: World) -> None:
    """The plan reads intake's register (T35's own preparation is ``_a_proposal_to_issue``)."""
    _proposal_intake(caller)


@prepare(f"assessment GET {PROPOSAL}/plan", f"assessment PUT {PROPOSAL}/plan")
async def _a_proposal_plan(caller: Caller, world: World) -> None:
    _proposal_intake(caller)
    url = f"/v1/cases/{world.ids['case_id']}/proposal/plan"
    example = {"scope": "S", "injustice_claimed": "I", "outcome_sought": "O"}
    r = await caller.client.post(url, json=example, headers=caller.headers)
    assert r.status_code == 201, r.text
    world.headers = {**world.headers, "If-Match": r.headers["ETag"]}


@prepare(
    f"assessment POST {PROPOSAL}/deadlines/{{deadline_id}}/replies",
    f"assessment POST {PROPOSAL}/deadlines/{{deadline_id}}/extensions",
)
async def _a_proposal_issued(caller: Caller, world: World) -> None:
    """Letters sent Thursday 3 April 2025: each recipient's comments due 17 April."""
    case = await caller.session.get(AssessmentCase, uuid.UUID(world.ids["case_id"]))
    assert case is not None
    _, [deadline] = await make_issued(
        caller.session, case, issued_on=date(2025, 4, 3),
        recipients=[(RecipientKind.organisation, uuid.UUID(world.ids["organisation_id"]))],
    )  # fmt: skip
    world.ids["deadline_id"] = str(deadline.id)


@prepare("investigation-internal POST /internal/events")
async def _a_proposal(caller: Caller, world: World) -> None:
    world.body = {"events": [envelope_of(uuid.uuid4(), proposal()).model_dump(mode="json")]}


EARLY = "assessment POST /v1/cases/{case_id}/early"


async def _at_early_consideration(caller: Caller, world: World) -> None:
    """assessment's case moved to early consideration (T19 is ECT triage's)."""
    await caller.session.execute(
        text("UPDATE assessment_case SET status = 'early_consideration' WHERE id = :id"),
        {"id": world.ids["case_id"]},
    )


@prepare(
    f"{EARLY}/contact-attempts",
    f"{EARLY}/information-requests",
    f"{EARLY}/resolution",
    f"{EARLY}/pass-on",
)
async def _early(caller: Caller, world: World) -> None:
    await _at_early_consideration(caller, world)
    _intake_names_a_complainant(caller)  # a resolution is issued to intake's parties (ASM-069)


@prepare(f"{EARLY}/decline")
async def _early_contact_made(caller: Caller, world: World) -> None:
    """ASM-053: a decision after contact was made, to intake's parties (ASM-055)."""
    await _at_early_consideration(caller, world)
    _intake_names_a_complainant(caller)
    call = {
        "person_id": str(uuid.uuid4()), "channel": "telephone", "attempted_at": NOW_ISO,
        "outcome": "reached",
    }  # fmt: skip
    url = f"/v1/cases/{world.ids['case_id']}/early/contact-attempts"
    await caller.call("POST", url, call, expect=201)


@prepare(f"{EARLY}/withdraw")
async def _early_information_asked(caller: Caller, world: World) -> None:
    """ASM-054: 'withdrawn' at once after asking for information without a deadline."""
    await _at_early_consideration(caller, world)
    ask = {"information_needed": "The final response.", "told_by": "letter", "told_at": NOW_ISO}
    url = f"/v1/cases/{world.ids['case_id']}/early/information-requests"
    await caller.call("POST", url, ask, expect=201)


FORM = "assessment {} /v1/cases/{{case_id}}/decision-form"
# ASM-124: a time limit set aside on exceptional circumstances, which an AD agrees.
EXCEPTIONAL_FORM = {
    "time_limit": {
        "awareness_date": "2025-09-01",
        "delay_reasons": [{"reason": "Caring abroad", "assessment": "Borne out by letters."}],
        "discretion": {
            "basis": "exceptional_circumstances",
            "decision": "set_aside",
            "rationale": "She nursed her father abroad until his death and could not write.",
            "complainant_contact": {"on": "2026-10-20", "channel": "telephone", "outcome": "spoke"},
        },
    }
}


SUITABILITY = "assessment {} /v1/cases/{{case_id}}/suitability"


async def _with_suitability(caller: Caller, world: World) -> JsonDict:
    """ASM-109: the aggrieved complains personally, so the form may say "suitable" (ASM-091)."""
    url = f"/v1/cases/{world.ids['case_id']}/suitability"
    body = {"complainant_is_aggrieved": True, "aggrieved_person_id": str(uuid.uuid4())}
    return await caller.call("POST", url, body, expect=201)


@prepare(SUITABILITY.format("GET"))
async def _suitability(caller: Caller, world: World) -> None:
    await _with_suitability(caller, world)


@prepare(SUITABILITY.format("PUT"))
async def _suitability_saved(caller: Caller, world: World) -> None:
    saved = await _with_suitability(caller, world)
    world.headers["If-Match"] = f'"{saved["version"]}"'


@prepare(SUITABILITY.format("GET") + "/readiness")
async def _suitability_readiness(caller: Caller, world: World) -> None:
    """The readiness read compares the roles with intake's parties: intake names a complainant."""
    _intake_names_a_complainant(caller)


async def _with_form(caller: Caller, world: World, body: Any = None) -> JsonDict:
    url = f"/v1/cases/{world.ids['case_id']}/decision-form"
    return await caller.call("POST", url, body or {"analysis": "Notes so far."}, expect=201)


@prepare(FORM.format("GET"), FORM.format("GET") + "/versions")
async def _decision_form(caller: Caller, world: World) -> None:
    await _with_form(caller, world)


@prepare(FORM.format("POST"))
async def _decision_form_suitability(caller: Caller, world: World) -> None:
    """The example says "suitable": the suitability assessment finds so (ASM-091)."""
    await _with_suitability(caller, world)


@prepare(FORM.format("PUT"))
async def _decision_form_saved(caller: Caller, world: World) -> None:
    await _with_suitability(caller, world)
    form = await _with_form(caller, world)
    world.headers["If-Match"] = f'"{form["version"]}"'


@prepare(FORM.format("POST") + "/approvals")
async def _decision_form_exceptional(caller: Caller, world: World) -> None:
    await _with_form(caller, world, EXCEPTIONAL_FORM)


@prepare(FORM.format("POST") + "/approvals/{approval_id}/decision")
async def _decision_form_agreement_asked(caller: Caller, world: World) -> None:
    """Asked by the caller; decided by an Assistant Director who is someone else."""
    await _with_form(caller, world, EXCEPTIONAL_FORM)
    url = f"/v1/cases/{world.ids['case_id']}/decision-form/approvals"
    ask = {"kind": "time_limit_exceptional_circumstances", "reason": "Exceptional reasons."}
    asked = await caller.call("POST", url, ask, expect=201)
    world.ids["approval_id"] = asked["id"]
    token = caller.make_token(Role.assistant_director, sub="ad-walker-1")
    world.headers["Authorization"] = f"Bearer {token}"


# --- Complaint summary and components (ASM-105…108, ASM-176) --------------------------------

COMPONENTS = "assessment {} /v1/cases/{{case_id}}/components"
COMPONENT = COMPONENTS + "/{{component_id}}"
SUMMARY = "assessment {} /v1/cases/{{case_id}}/complaint-summary"


async def _with_summary(caller: Caller, world: World) -> JsonDict:
    """The schema's example summary (its issues are the component example's)."""
    await _handlers_opened(caller, world)
    url = f"/v1/cases/{world.ids['case_id']}/complaint-summary"
    return await caller.call("POST", url, SUMMARY_EXAMPLE, expect=201)


async def _with_component(caller: Caller, world: World) -> JsonDict:
    await _with_summary(caller, world)
    body = _with_ids(COMPONENT_EXAMPLE, world.ids)
    url = f"/v1/cases/{world.ids['case_id']}/components"
    component = await caller.call("POST", url, body, expect=201)
    world.ids["component_id"] = component["id"]
    return component


@prepare(SUMMARY.format("GET"))
async def _summary(caller: Caller, world: World) -> None:
    await _with_summary(caller, world)


@prepare(SUMMARY.format("PUT"))
async def _summary_saved(caller: Caller, world: World) -> None:
    summary = await _with_summary(caller, world)
    world.headers["If-Match"] = f'"{summary["version"]}"'


@prepare(COMPONENTS.format("POST"))
async def _summary_for_a_component(caller: Caller, world: World) -> None:
    await _with_summary(caller, world)


@prepare(COMPONENT.format("GET"), COMPONENT.format("PATCH"), COMPONENT.format("POST") + "/decision")
async def _component(caller: Caller, world: World) -> None:
    await _with_component(caller, world)


@prepare("assessment POST /v1/cases/{case_id}/organisation-decisions")
async def _component_decided(caller: Caller, world: World) -> None:
    component = await _with_component(caller, world)
    url = f"/v1/cases/{world.ids['case_id']}/components/{component['id']}/decision"
    await caller.call("POST", url, {"decision": "propose to investigate"})


ADVICE = "assessment {} /v1/cases/{{case_id}}/advice/requests/{{request_id}}"


@prepare(
    ADVICE.format("GET"), ADVICE.format("POST") + "/received", ADVICE.format("POST") + "/withdrawn"
)
async def _advice_requested(caller: Caller, world: World) -> None:
    """A clinical advice request on the case, answered under its ETag (ASM-143, ASM-144)."""
    url = f"/v1/cases/{world.ids['case_id']}/advice/requests"
    body = {
        "advice_type": "clinical",
        "format": "written",
        "discipline": "orthopaedics",
        "questions": "Was the referral pathway followed?",
    }
    asked = await caller.call("POST", url, body, expect=201)
    world.ids["request_id"] = asked["id"]
    world.headers["If-Match"] = f'"{asked["version"]}"'


CONTACT = "assessment {method} /v1/cases/{{case_id}}/contact"
CONTACT_COMPLAINANT = "5a0e8a1c-1f0b-4a7e-9b0e-2d5e6b7c8d01"  # the contact schemas' examples
CONTACT_MP = "5a0e8a1c-1f0b-4a7e-9b0e-2d5e6b7c8d02"


def _intake_for_contact(request: httpx.Request) -> httpx.Response:
    """intake-api for the contact walker: the examples' complainant and referring MP, and a
    contact card with a phone and no preference (tests/assessment/contact hold the real app)."""
    if request.url.path.endswith("/parties"):
        return httpx.Response(
            200,
            json=[{"person_id": CONTACT_COMPLAINANT, "role": "complainant"},
                  {"person_id": CONTACT_MP, "role": "mp (referring)"}],
        )  # fmt: skip
    return httpx.Response(
        200,
        json={"person_id": request.url.path.split("/")[3], "phones": [{"number": "01632 960000"}],
              "preferred_contact_method": None, "days_to_avoid": [], "dates_to_avoid": []},
    )  # fmt: skip


def _contact_intake(caller: Caller) -> None:
    app = getattr(caller.client._transport, "app")  # noqa: B009
    app.state.intake_client = ServiceClient(
        base_url="http://intake.walker", audience="intake-api",
        tokens=token_provider_for(app.state.settings),
        transport=httpx.MockTransport(_intake_for_contact),
    )  # fmt: skip


@prepare(
    CONTACT.format(method="GET") + "/method",
    CONTACT.format(method="POST") + "/attempts",
)
async def _contact(caller: Caller, world: World) -> None:
    _contact_intake(caller)


@prepare(CONTACT.format(method="POST") + "/mp")
async def _mp_referred(caller: Caller, world: World) -> None:
    """ASM-104: the MP contact task allocation leaves on an MP-referred case."""
    _contact_intake(caller)
    entry = await make_entry(caller.session, mp_referred=True, allocated_to=IC)
    await caller.session.execute(
        text(
            "INSERT INTO allocation_task (id, entry_id, case_id, kind, assignee, rule, created_by)"
            " VALUES (:id, :entry, :case, 'contact_mp', :cw, 'ASM-104', :cw)"
        ),
        {"id": uuid.uuid4(), "entry": entry.id, "case": world.ids["case_id"], "cw": IC},
    )


@prepare(CONTACT.format(method="POST") + "/withdraw")
async def _contact_made(caller: Caller, world: World) -> None:
    """ASM-101 and ASM-102: contact made and the areas a decision needs covered."""
    _contact_intake(caller)
    required = [
        "identity_verified", "introduction_and_role", "stage_and_next_steps_explained",
        "adjustment_contact_method_agreed", "further_information_established",
        "injustice_and_outcome_recorded", "financial_amounts_and_severity_scale",
        "contact_details_given",
    ]  # fmt: skip
    call = {
        "person_id": CONTACT_COMPLAINANT, "channel": "telephone", "attempted_at": NOW_ISO,
        "outcome": "reached", "checklist": [{"item": i, "answer": "covered"} for i in required],
    }  # fmt: skip
    url = f"/v1/cases/{world.ids['case_id']}/contact/attempts"
    await caller.call("POST", url, call, expect=201)


# --- Resolution at further consideration (T33, T34) and special handling (ASM-168, ASM-169) ---

RESOLUTION = "assessment POST /v1/cases/{case_id}/resolution"
SPECIAL = "assessment {method} /v1/cases/{{case_id}}/{what}"


async def _resolution_requested(caller: Caller, world: World) -> None:
    """T33: a resolution requested of the case's organisation; the answer heard now."""
    request = {
        "organisation_ids": [world.ids["organisation_id"]], "actions": ["financial_redress"],
        "rationale": "A payment would resolve it.",
        "complainant_told_not_recommendations": True,
        "organisations_told_not_recommendations": True,
    }  # fmt: skip
    url = f"/v1/cases/{world.ids['case_id']}/resolution"
    await caller.call("POST", url, request, expect=201)
    world.body = {**world.body, "heard_at": NOW_ISO}  # the example's time is before the request


@prepare(f"{RESOLUTION}/refused")
async def _resolution_to_refuse(caller: Caller, world: World) -> None:
    await _resolution_requested(caller, world)


@prepare(f"{RESOLUTION}/agreed")
async def _resolution_to_agree(caller: Caller, world: World) -> None:
    """The closure is issued to intake's parties (ASM-156, ASM-173): intake names a complainant;
    every gate of a resolution is met first (the example agrees 'general discretion -
    resolution')."""
    _intake_names_a_complainant(caller)
    case = await caller.session.get(AssessmentCase, uuid.UUID(world.ids["case_id"]))
    assert case is not None
    await make_ready_to_decide(
        caller.session, case, proposing=False, closure_code="general discretion - resolution"
    )
    await _resolution_requested(caller, world)


@prepare(SPECIAL.format(method="POST", what="lead-link"))
async def _a_lead(caller: Caller, world: World) -> None:
    """ASM-168: another case at assessment to be the lead."""
    lead = await make_assessment_case(caller.session, owner=IC)
    world.body = {**world.body, "lead_case_id": str(lead.id)}


@prepare(
    SPECIAL.format(method="GET", what="lead-link"),
    SPECIAL.format(method="POST", what="lead-link/removal"),
)
async def _linked_to_a_lead(caller: Caller, world: World) -> None:
    """ASM-168: the case connected to a lead; a removal names the link's ETag."""
    lead = await make_assessment_case(caller.session, owner=IC)
    url = f"/v1/cases/{world.ids['case_id']}/lead-link"
    body = {"lead_case_id": str(lead.id), "explanation": "The same error as the lead."}
    await caller.call("POST", url, body, expect=201)
    world.headers["If-Match"] = '"1"'


@prepare(SPECIAL.format(method="GET", what="investigation-priority"))
async def _prioritised(caller: Caller, world: World) -> None:
    """ASM-169: prioritised after the line-manager discussion (the world's operations manager)."""
    body = {
        "reason": "Terminal illness.",
        "line_manager_discussion": {
            "line_manager_id": "om-example-1", "discussed_at": NOW_ISO, "agreed": "Prioritise.",
        },
    }  # fmt: skip
    url = f"/v1/cases/{world.ids['case_id']}/investigation-priority"
    await caller.call("POST", url, body, expect=201)


# --- The test ----------------------------------------------------------------------------------


@pytest.fixture
def service_spec(request: pytest.FixtureRequest) -> ServiceSpec:
    op: Operation = request.param
    return SPECS[op.service]


@pytest.fixture
def settings(
    service_spec: ServiceSpec, database_url: str, dev_keys_dir: Path
) -> BaseServiceSettings:
    # One principal sends every request; the rate limiter has tests of its own.
    return service_spec.settings_cls(
        database_url=database_url,
        ENV="testing",
        dev_keys_dir=dev_keys_dir,
        rate_limit_burst=1_000_000,
        rate_limit_per_minute=1_000_000,
    )


_APPS: dict[str, FastAPI] = {}


@pytest.fixture
def app(
    service_spec: ServiceSpec,
    settings: BaseServiceSettings,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FixedClock,
) -> FastAPI:
    """The plugin's ``app``, made once per service: a new app loads its keys on first use."""
    application = _APPS.get(service_spec.name)
    if application is None:
        application = _APPS[service_spec.name] = service_spec.create_app(settings)
    application.state.db = Database(engine, sessionmaker)
    application.state.clock = clock
    return application


async def _fingerprint_query(connection: AsyncConnection) -> str:
    tables = (
        await connection.execute(
            text(
                "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version' ORDER BY tablename"
            )
        )
    ).scalars()
    rows = " UNION ALL ".join(f"SELECT '{t}' || t::text AS r FROM {t} t" for t in tables)
    return f"SELECT md5(coalesce(string_agg(r, '|' ORDER BY r), '')) FROM ({rows}) AS every_row"


@dataclass
class Finding:
    variation: str
    status: int
    problem: str

    def __str__(self) -> str:
        return f"{self.variation} -> {self.status} {self.problem}"


def _check(response: httpx.Response, changed: bool) -> str | None:
    """What is wrong with one answer, if anything."""
    if response.status_code >= 500:
        return "server error"
    if response.status_code >= 400:
        if response.headers.get("content-type") != "application/problem+json":
            return f"not problem+json: {response.headers.get('content-type')}"
        if response.json().get("status") != response.status_code:
            return "problem status differs from the HTTP status"
        if changed:
            return "refused, yet the database changed"
    return None


def _refused_before_the_handler(response: httpx.Response) -> bool:
    """FastAPI's own 422: the request never reached the route, so it cannot have written."""
    try:
        problem = response.json()
    except ValueError:
        return False
    errors = problem.get("errors") if isinstance(problem, dict) else None
    return (
        response.status_code == 422
        and str(problem.get("type", "")).endswith("/validation-error")
        and isinstance(errors, list)
        and all(
            isinstance(e, dict) and e.get("loc", [None])[0] in ("body", "query", "path", "header")
            for e in errors
        )
    )


def _encode(body: Any) -> bytes:
    # ensure_ascii: a lone surrogate travels as its escape, as a client would send it.
    return json.dumps(body, ensure_ascii=True).encode()


@pytest.mark.parametrize(
    "service_spec", [pytest.param(op, id=op.id) for op in OPERATIONS], indirect=True
)
async def test_no_5xx_on_bad_input(
    request: pytest.FixtureRequest,
    service_spec: ServiceSpec,
    app: FastAPI,
    client: httpx.AsyncClient,
    connection: AsyncConnection,
    session: AsyncSession,
    make_token: TokenFactory,
) -> None:
    op: Operation = request.node.callspec.params["service_spec"]
    if op.internal:
        # Events come from their producer (the inbox binds source to sender): intake's here.
        # (assessment's to intake's inbox: intake's register projects them; and to
        # investigation's: a proposal opens its record).
        producer = "assessment-api" if op.service in ("intake", "investigation") else "intake-api"
        sender = producer if op.path == "/internal/events" else f"{op.service}-api"
        token = make_token(Role.service, sub=sender)
    else:
        token = make_token(*PUBLIC_ROLES[op.service], sub=IC)
    caller = Caller(client, {"Authorization": f"Bearer {token}"}, session, make_token)
    if op.service == "compliance":  # the staff directory it reads (CMP-113/127/129)
        install_staff_directory(app)
    if op.internal and op.service == "compliance" and op.path.startswith("/internal/risk"):
        world = await compliance_world(caller, op)
    else:
        world = await (_internal_world if op.internal else WORLDS[op.service])(caller, op)
    if op.service == "assessment":
        use_ratings(app)
    document = DOCUMENTS[op.service, op.internal]
    if op.body is not None and world.body is None:
        world.body = _with_ids(document.example(op.body), world.ids)
    if prepare := PREPARE.get(op.id):
        await prepare(caller, world)
    path_ids = {
        p["name"]: world.ids.get(p["name"], UNKNOWN_ID) for p in op.parameters if p["in"] == "path"
    }
    headers = {**caller.headers, **world.headers, "Content-Type": "application/json"}
    if op.method == "PATCH":
        current = await client.get(op.path.format(**path_ids), headers=caller.headers)
        headers["If-Match"] = current.headers["ETag"]
    fingerprint = await _fingerprint_query(connection)
    before = (await connection.execute(text(fingerprint))).scalar_one()

    async def send(variation: Variation) -> tuple[httpx.Response, bool]:
        url = op.path.format(**{**path_ids, **variation.path})
        content = None if op.body is None else _encode(variation.body)
        savepoint = await connection.begin_nested()
        try:
            query: list[tuple[str, str | int | float | bool | None]] = list(variation.query)
            response = await client.request(
                op.method, url, content=content, params=query, headers=headers
            )
            changed = False
            if response.status_code >= 400 and not _refused_before_the_handler(response):
                after = (await connection.execute(text(fingerprint))).scalar_one()
                changed = after != before
            return response, changed
        finally:
            await savepoint.rollback()

    base, _ = await send(Variation("base", body=world.body, query=world.query))
    assert base.status_code < 300, f"the base request is refused: {base.text[:1000]}"
    findings = []
    for variation in variations(op, world.body, world.query):
        response, changed = await send(variation)
        if problem := _check(response, changed):
            findings.append(Finding(variation.label, response.status_code, problem))
    assert not findings, "\n".join(map(str, findings))


# Each PATCH body and the table it changes: null is offered exactly where the column may be empty.
PATCHED_TABLES: dict[str, type[Any]] = {
    "CaseUpdate": Case,
    "PersonUpdate": Person,
    "OrganisationUpdate": Organisation,
    "CaseOrganisationUpdate": OrganisationOnCase,
    "ComplaintComponentUpdate": ComplaintComponent,
    "StaffUpdate": StaffRecord,
}


def test_patch_fields_are_nullable_exactly_where_their_column_is() -> None:
    patches = {
        op.body["$ref"].rsplit("/", 1)[-1]: DOCUMENTS[op.service, op.internal]
        for op in OPERATIONS
        if op.method == "PATCH" and op.body is not None
    }
    assert set(patches) == set(PATCHED_TABLES)
    wrong = []
    for name, document in patches.items():
        columns = PATCHED_TABLES[name].__table__.columns
        schema = document.resolve({"$ref": f"#/components/schemas/{name}"})
        for field_name, prop in schema["properties"].items():
            if field_name not in columns:
                continue  # not a column of its own (a reason, a nested officer)
            offered = any(b.get("type") == "null" for b in prop.get("anyOf", []))
            if offered != columns[field_name].nullable:
                wrong.append(f"{name}.{field_name}: null offered {offered}")
    assert not wrong, wrong
