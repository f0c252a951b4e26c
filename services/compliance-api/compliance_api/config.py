from pydantic_settings import SettingsConfigDict

from shared.config import BaseServiceSettings


class ComplianceSettings(BaseServiceSettings):
    """compliance-api settings; environment variables are prefixed ``COMPLIANCE_``."""

    model_config = SettingsConfigDict(env_prefix="COMPLIANCE_", extra="ignore")

    service_name: str = "compliance-api"
    jwt_audience: str = "compliance-api"
