from pathlib import Path

import pytest

from investigation_api.config import InvestigationSettings
from investigation_api.main import create_app
from shared.testing.plugin import ServiceSpec

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def service_spec() -> ServiceSpec:
    return ServiceSpec(
        name="investigation",
        alembic_ini=ROOT / "services/investigation-api/alembic.ini",
        settings_cls=InvestigationSettings,
        create_app=create_app,
    )
