from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.config import BaseServiceSettings, SubscriberSettings


class IntakeSettings(BaseServiceSettings):
    """intake-api settings; environment variables are prefixed ``INTAKE_``."""

    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    service_name: str = "intake-api"
    jwt_audience: str = "intake-api"
    case_reference_prefix: str = Field(default="CAS", pattern=r"^[A-Z]{1,8}$")
    # Where a front end asks assessment-api for a case intake passed on (GET /v1/cases/{id}
    # links to it). `make run` moves the port.
    assessment_url: str = Field(default="http://127.0.0.1:8002", pattern=r"^https?://[^\s]+$")
    subscribers: dict[str, SubscriberSettings] = Field(
        default_factory=lambda: {
            "assessment-api": SubscriberSettings(
                url="http://127.0.0.1:8002/internal/events",
                audience="assessment-api",
                event_types=["intake.case.referred", "intake.party.details_corrected"],
            ),
            # XC-RSK-004: correspondence with legal-action wording, for the Legal Team referral.
            "compliance-api": SubscriberSettings(
                url="http://127.0.0.1:8004/internal/events",
                audience="compliance-api",
                event_types=["intake.correspondence.legal_terms_found"],
            ),
        }
    )
