from pathlib import Path

import pytest

from assessment_api.config import AssessmentSettings
from assessment_api.main import create_app
from shared.testing.plugin import ServiceSpec

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def service_spec() -> ServiceSpec:
    return ServiceSpec(
        name="assessment",
        alembic_ini=ROOT / "services/assessment-api/alembic.ini",
        settings_cls=AssessmentSettings,
        create_app=create_app,
    )
