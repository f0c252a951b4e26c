from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from intake_api.config import IntakeSettings
from shared.testing.plugin import ServiceSpec
from tests.intake.api import Api
from tests.intake.builders import IC

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def service_spec() -> ServiceSpec:
    # Imported here, not above: the app (every router and schema) is built only for the tests
    # that use it, so the database-free rule tests (and `make mutate`) start fast.
    from intake_api.main import create_app

    return ServiceSpec(
        name="intake",
        alembic_ini=ROOT / "services/intake-api/alembic.ini",
        settings_cls=IntakeSettings,
        create_app=create_app,
    )


@pytest.fixture
def caseworker() -> str:
    """Who ``api`` acts as; a module overrides it to own its cases (a queue filtered by owner)."""
    return IC


@pytest.fixture
def api(
    client: httpx.AsyncClient, auth_headers: Callable[..., dict[str, str]], caseworker: str
) -> Api:
    """intake-api over HTTP as the intake caseworker ``caseworker``."""
    return Api(client, auth_headers("intake_caseworker", sub=caseworker))
