"""tests/deploy: the deployment files (deploy/) rendered, validated and run.

The database tests use intake-api's test database, which has every shared table.
"""

from pathlib import Path

import pytest

from intake_api.config import IntakeSettings
from shared.testing.plugin import ServiceSpec

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def service_spec() -> ServiceSpec:
    from intake_api.main import create_app

    return ServiceSpec(
        name="intake",
        alembic_ini=ROOT / "services/intake-api/alembic.ini",
        settings_cls=IntakeSettings,
        create_app=create_app,
    )
