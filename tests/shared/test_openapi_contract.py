"""Every public route of every service is documented for integrators: a summary, its problem
responses, and an example for each request body that validates against the body's schema."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import BaseModel

from assessment_api.main import create_app as assessment
from compliance_api.main import create_app as compliance
from intake_api.main import create_app as intake
from investigation_api.main import create_app as investigation
from shared.config import BaseServiceSettings

FACTORIES = {"intake": intake, "assessment": assessment, "investigation": investigation,
             "compliance": compliance}  # fmt: skip


def _app(name: str) -> FastAPI:
    module = importlib.import_module(f"{name}_api.config")
    cls: type[BaseServiceSettings] = getattr(module, f"{name.capitalize()}Settings")
    settings = cls(database_url="postgresql://x@localhost/x", ENV="testing")
    factory: Any = FACTORIES[name]
    app: FastAPI = factory(settings)
    return app


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_every_public_route_has_a_summary_and_documented_problems(name: str) -> None:
    spec = _app(name).openapi()
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            where = f"{name} {method.upper()} {path}"
            assert op.get("summary"), f"{where}: no summary"
            if path.startswith("/v1/"):
                for status in ("401", "403", "422"):
                    assert status in op["responses"], f"{where}: {status} not documented"
                    content = op["responses"][status].get("content", {})
                    assert "application/problem+json" in content, f"{where}: {status} not problem"


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_every_schema_has_a_plain_name(name: str) -> None:
    # Two models or enums of one name in two modules are published under their module paths
    # ('assessment_api__triage__rules__Outcome'), which client generators and CRMs turn into
    # unreadable type names: each published name is a plain, unique one.
    names = _app(name).openapi()["components"]["schemas"]
    qualified = sorted(n for n in names if "__" in n or "." in n)
    assert qualified == [], f"{name}: module-qualified schema names {qualified}"


def _models(name: str) -> dict[str, type[BaseModel]]:
    """Every pydantic model defined in the service's package, by class name."""
    package = importlib.import_module(f"{name}_api")
    found: dict[str, type[BaseModel]] = {}
    for info in pkgutil.walk_packages(package.__path__, f"{name}_api."):
        if info.name.endswith((".relay", ".seed")):
            continue
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ == info.name:
                found[obj.__name__] = obj
    return found


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_every_request_body_has_an_example_that_validates(name: str) -> None:
    spec = _app(name).openapi()
    schemas = spec["components"]["schemas"]
    models = _models(name)
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            body = op.get("requestBody")
            if not body:
                continue
            ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
            examples: list[Any] = schemas[ref].get("examples", [])
            assert examples, f"{name} {method.upper()} {path}: {ref} has no example"
            for example in examples:
                models[ref].model_validate(example)
