"""shared/ is tested on intake-api's database, which has every shared table."""

from pathlib import Path

import pytest

from intake_api.config import IntakeSettings
from shared.testing.plugin import ServiceSpec

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
