from pydantic_settings import SettingsConfigDict

from shared.config import BaseServiceSettings


class AssessmentSettings(BaseServiceSettings):
    """assessment-api settings; environment variables are prefixed ``ASSESSMENT_``."""

    model_config = SettingsConfigDict(env_prefix="ASSESSMENT_", extra="ignore")

    service_name: str = "assessment-api"
    jwt_audience: str = "assessment-api"
