"""What an integrator reads in the OpenAPI: tags, summaries, problems and examples (DESIGN §3)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from shared.http_api.problems import PROBLEM_JSON

EXPECTED_PROBLEMS = {
    ("post", "/v1/organisations"): {"401", "403", "409", "413", "422", "429"},
    ("get", "/v1/organisations"): {"400", "401", "403", "422", "429"},
    ("get", "/v1/organisations/{organisation_id}"): {"401", "403", "404", "422", "429"},
    ("patch", "/v1/organisations/{organisation_id}"): {
        "401", "403", "404", "412", "413", "422", "428", "429",
    },
    ("post", "/v1/organisations/{organisation_id}/pv-opt-out"): {
        "401", "403", "404", "409", "412", "413", "422", "429",
    },
    ("post", "/v1/organisations/{organisation_id}/pv-opt-out/withdraw"): {
        "401", "403", "404", "409", "412", "413", "422", "429",
    },
}  # fmt: skip


@pytest.fixture
def spec(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def test_the_tag_is_described(spec: dict[str, Any]) -> None:
    tags = {t["name"]: t for t in spec["tags"]}
    assert "organisations" in tags
    assert "Victims' Code" in tags["organisations"]["description"]


@pytest.mark.parametrize(("method", "path"), list(EXPECTED_PROBLEMS))
def test_each_route_has_a_summary_its_tag_and_its_problems(
    spec: dict[str, Any], method: str, path: str
) -> None:
    operation = spec["paths"][path][method]
    assert operation["tags"] == ["organisations"]
    assert operation["summary"]
    assert "\n" not in operation["summary"]
    problems = {s for s in operation["responses"] if s[0] in "45"}
    assert problems == EXPECTED_PROBLEMS[(method, path)]
    for status in problems:
        assert PROBLEM_JSON in operation["responses"][status]["content"]


@pytest.mark.parametrize(
    "schema",
    ["OrganisationCreate", "OrganisationUpdate", "PvOptOutRecord", "PvOptOutWithdrawal"],
)
def test_input_schemas_forbid_extra_fields_and_carry_examples(
    spec: dict[str, Any], schema: str
) -> None:
    component = spec["components"]["schemas"][schema]
    assert component["additionalProperties"] is False
    assert component["examples"]


def test_the_read_schema_carries_an_example_and_the_derived_flags(spec: dict[str, Any]) -> None:
    read = spec["components"]["schemas"]["OrganisationRead"]
    assert read["examples"]
    assert {"in_jurisdiction", "remit_only_for_victims_code", "pv_opt_out"} <= set(read["required"])


def test_patch_schema_does_not_offer_null_for_required_fields(spec: dict[str, Any]) -> None:
    props = spec["components"]["schemas"]["OrganisationUpdate"]["properties"]
    for name in ("name", "aliases", "active", "kind"):
        assert "anyOf" not in props[name], name
    assert {"type": "null"} in props["jurisdiction"]["anyOf"]
