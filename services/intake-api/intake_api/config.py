from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.config import BaseServiceSettings


class IntakeSettings(BaseServiceSettings):
    """intake-api settings; environment variables are prefixed ``INTAKE_``."""

    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    service_name: str = "intake-api"
    jwt_audience: str = "intake-api"
    case_reference_prefix: str = Field(default="CAS", pattern=r"^[A-Z]{1,8}$")
