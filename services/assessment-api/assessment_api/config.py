from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.config import BaseServiceSettings, SubscriberSettings


class AssessmentSettings(BaseServiceSettings):
    """assessment-api settings; environment variables are prefixed ``ASSESSMENT_``."""

    model_config = SettingsConfigDict(env_prefix="ASSESSMENT_", extra="ignore")

    service_name: str = "assessment-api"
    jwt_audience: str = "assessment-api"
    # XC-RSK-001: where the risk guard asks compliance-api for a qualifying assessment (and
    # where the refusal's link sends the caseworker to record one). `make run` moves the port.
    compliance_url: str = Field(default="http://127.0.0.1:8004", pattern=r"^https?://[^\s]+$")
    # Where assessment reads a case's parties (ids and roles, no personal data) to say who a
    # closing decision goes to (ASM-173). `make run` moves the port.
    intake_url: str = Field(default="http://127.0.0.1:8001", pattern=r"^https?://[^\s]+$")
    # Intake's case register projects where each case stands at assessment (DESIGN §1). The
    # defaults match `make run`.
    subscribers: dict[str, SubscriberSettings] = Field(
        default_factory=lambda: {
            "intake-api": SubscriberSettings(
                url="http://127.0.0.1:8001/internal/events",
                audience="intake-api",
                event_types=[
                    "assessment.case.status_changed",
                    "assessment.case.closed",
                    "assessment.investigation.proposed",
                ],
            )
        }
    )
