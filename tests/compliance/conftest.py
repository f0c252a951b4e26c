import uuid
from pathlib import Path

import pytest

from compliance_api.config import ComplianceSettings
from compliance_api.main import create_app
from shared.testing.plugin import ServiceSpec

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def service_spec() -> ServiceSpec:
    return ServiceSpec(
        name="compliance",
        alembic_ini=ROOT / "services/compliance-api/alembic.ini",
        settings_cls=ComplianceSettings,
        create_app=create_app,
    )


@pytest.fixture
def case_id() -> uuid.UUID:
    """A case of this test (compliance-api holds no case record: any UUID is a case)."""
    return uuid.uuid4()
