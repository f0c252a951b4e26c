from pydantic_settings import SettingsConfigDict

from shared.config import BaseServiceSettings


class InvestigationSettings(BaseServiceSettings):
    """investigation-api settings; environment variables are prefixed ``INVESTIGATION_``."""

    model_config = SettingsConfigDict(env_prefix="INVESTIGATION_", extra="ignore")

    service_name: str = "investigation-api"
    jwt_audience: str = "investigation-api"
