from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.config import BaseServiceSettings, SubscriberSettings


class ComplianceSettings(BaseServiceSettings):
    """compliance-api settings; environment variables are prefixed ``COMPLIANCE_``."""

    model_config = SettingsConfigDict(env_prefix="COMPLIANCE_", extra="ignore")

    service_name: str = "compliance-api"
    jwt_audience: str = "compliance-api"
    # CMP-104 / XC-RSK-001: a transition needs an assessment recorded on the same day (0) or
    # up to this many days before.
    risk_assessment_window_days: int = Field(default=0, ge=0, le=365)
    # CMP-113/127/128/129: the staff directory (assessment-api's ``/internal/staff``), read with a
    # service token for the AD, the oversight holder and who attends a meeting.
    staff_directory_url: str = "http://127.0.0.1:8002"
    # CMP-101 / CMP-120: assessment keeps the case's current rating, and a change leaves it a
    # "consider reallocation or supervision" task. The defaults match `make run`.
    subscribers: dict[str, SubscriberSettings] = Field(
        default_factory=lambda: {
            "assessment-api": SubscriberSettings(
                url="http://127.0.0.1:8002/internal/events",
                audience="assessment-api",
                event_types=["compliance.risk.assessed", "compliance.risk.rating_changed"],
            )
        }
    )
