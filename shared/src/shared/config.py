"""Service settings.

Every service subclasses :class:`BaseServiceSettings` with its own env prefix (``INTAKE_``,
``ASSESSMENT_``, ...). Secrets are ``SecretStr`` without defaults; placeholder secrets are refused
unless ``ENV`` is ``development`` or ``testing``.

An unset ``ENV`` means ``production``: a process started any other way than by ``make run``
(which sets ``development``) or the tests (``testing``) gets every production check, so a
forgotten variable can never switch on the dev issuer or accept a placeholder password. In
production the database password must also be strong: not empty, at least
``MIN_DB_PASSWORD_CHARS`` long, not a common password. Errors name the setting, never its value.
"""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEV_ISSUER = "casework-dev-issuer"
# A dev token from ``make token`` is valid at every service: its aud lists all four.
DEV_TOKEN_AUDIENCES = ["intake-api", "assessment-api", "investigation-api", "compliance-api"]

PLACEHOLDER_SECRETS = frozenset(
    {
        "",
        "changeme",
        "change-me",
        "changethis",
        "secret",
        "password",
        "postgres",
        "placeholder",
        "dev",
    }
)


MIN_DB_PASSWORD_CHARS = 12
# Passwords tried first by anyone guessing, lower case; a password made of one of these plus
# digits and punctuation ("Password123!") is refused too.
COMMON_PASSWORDS = PLACEHOLDER_SECRETS | frozenset(
    {
        "123456", "12345678", "123456789", "1234567890", "qwerty", "qwertyuiop", "letmein",
        "welcome", "admin", "administrator", "root", "default", "test", "guest", "master",
        "passw0rd", "p@ssw0rd", "p@ssword", "iloveyou", "monkey", "dragon", "abc123",
        "trustno1", "sunshine", "football", "baseball", "superuser", "database", "casework",
        "intake", "assessment", "investigation", "compliance", "ombudsman",
    }
)  # fmt: skip


def weak_password_reason(password: str, *, user: str | None = None) -> str | None:
    """Why ``password`` is too weak for production, or None. The reason never quotes it."""
    if not password.strip():
        return "it is empty"
    lowered = password.lower()
    core = "".join(c for c in lowered if c.isalpha())
    if (
        lowered in COMMON_PASSWORDS
        or (core and core in COMMON_PASSWORDS)
        or (user and user.lower() in (lowered, core))
    ):
        return "it is a common password"
    if len(password) < MIN_DB_PASSWORD_CHARS:
        return f"it is shorter than {MIN_DB_PASSWORD_CHARS} characters"
    if len(set(password)) < 5:
        return "it repeats too few characters"
    return None


class Environment(StrEnum):
    development = "development"
    testing = "testing"
    production = "production"


class SubscriberSettings(BaseModel):
    """Where one subscriber receives this service's events, and which types it gets."""

    url: str
    audience: str
    event_types: list[str] = Field(min_length=1)


class BaseServiceSettings(BaseSettings):
    """Settings every service has. Subclasses set ``model_config`` with their own ``env_prefix``."""

    # hide_input_in_errors: a refused start-up must never print a configuration value (a
    # database URL with its password, a client secret); errors name the setting, not its value.
    model_config = SettingsConfigDict(
        env_prefix="CASEWORK_", extra="ignore", populate_by_name=True, hide_input_in_errors=True
    )

    service_name: str = "service"
    # Unset means production: only `make run` and the tests set development and testing.
    env: Environment = Field(default=Environment.production, validation_alias="ENV")
    database_url: SecretStr
    # One worker's connections, opened once and kept (docs/operations.md): the pool is the most
    # requests a worker serves at once. No overflow by default: an overflow connection is opened
    # for a burst and closed after it, a new PostgreSQL session each time; a request beyond the
    # pool waits up to db_pool_timeout_s instead, then answers 503.
    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_max_overflow: int = Field(default=0, ge=0, le=200)
    # A kept connection is replaced after this long (its server-side caches stay bounded).
    db_pool_recycle_s: int = Field(default=3600, ge=60)
    db_statement_timeout_ms: int = Field(default=15_000, ge=100)
    # Well under a client's patience: a request that cannot get a connection or a row lock in
    # time answers 503 with Retry-After instead of hanging until the statement timeout.
    db_lock_timeout_ms: int = Field(default=3_000, ge=10)
    db_pool_timeout_s: float = Field(default=3.0, gt=0, le=60)
    ready_timeout_s: float = Field(default=0.5, gt=0, le=10)
    max_body_bytes: int = Field(default=256 * 1024, ge=1024)
    rate_limit_per_minute: int = Field(default=600, ge=1)
    rate_limit_burst: int = Field(default=120, ge=1)
    # The one replay window of Idempotency-Key (DESIGN §3: at least 24 h); the stored responses
    # hold personal data, so no longer than that. The purge runs every interval.
    idempotency_retention_hours: int = Field(default=24, ge=24, le=24 * 30)
    idempotency_purge_interval_s: float = Field(default=600.0, gt=0, le=24 * 3600)
    # Bad bearer tokens (a failed signature or claim check) per client address: after
    # auth_failure_limit in auth_failure_window_s the address gets 429 with Retry-After.
    auth_failure_limit: int = Field(default=20, ge=1)
    auth_failure_window_s: float = Field(default=60.0, gt=0)
    log_level: str = "INFO"
    # /metrics counts the work queues at each scrape, in one transaction cut off after this.
    metrics_queue_timeout_s: float = Field(default=2.0, gt=0, le=30)

    # CORS, for front ends served from another origin: the origins (scheme://host[:port]) whose
    # pages may call this API from a browser, as a JSON list or comma-separated
    # (`<P>_CORS_ORIGINS=https://casework.example.org`). Empty, the default in every
    # environment, allows none. "*" is refused in production, and everywhere with credentials.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Bearer tokens are sent by the page itself; credentials (cookies) are not needed.
    cors_allow_credentials: bool = False
    cors_max_age_s: int = Field(default=600, ge=0, le=24 * 3600)

    # JWT verification (DESIGN §4). Production: jwks_url with RS256/ES256.
    jwt_issuer: str = DEV_ISSUER
    jwt_audience: str = "casework"
    jwt_algorithm: str = Field(default="RS256", pattern="^(RS256|ES256)$")
    jwt_jwks_url: str | None = None
    jwt_leeway_s: int = Field(default=30, ge=0, le=30)
    dev_keys_dir: Path = Path(".local/keys")

    office_closure_dates: list[date] = Field(default_factory=list)

    # Events (DESIGN §2). Subscribers: name -> where and what; defaults match `make run`.
    subscribers: dict[str, SubscriberSettings] = Field(default_factory=dict)
    relay_in_process: bool = True
    relay_max_attempts: int = Field(default=10, ge=1, le=1000)
    relay_batch_size: int = Field(default=200, ge=1, le=1000)
    relay_poll_interval_s: float = Field(default=1.0, gt=0, le=60)
    relay_request_timeout_s: float = Field(default=10.0, gt=0, le=120)
    relay_metrics_port: int | None = None
    # Where the standalone relay serves /metrics: loopback unless a deployment scrapes it from
    # outside the pod (deploy/k8s sets 0.0.0.0; a NetworkPolicy limits who reaches it).
    relay_metrics_host: str = "127.0.0.1"
    outbox_warn_age_s: float = Field(default=60.0, gt=0)
    # Readiness warns when no relay holds the leadership and an event has waited this long.
    outbox_leaderless_warn_s: float = Field(default=15.0, gt=0)
    # The inbox binds an event's ``source`` to the caller's token ``sub``: producer name -> the
    # ``sub`` of its relay's service token (production: its client's id at the identity
    # provider). In development and testing an unlisted producer's ``sub`` is its own name.
    event_producer_subjects: dict[str, str] = Field(default_factory=dict)

    # Production service tokens: OAuth2 client credentials (Entra ID style).
    service_token_url: str | None = None
    service_client_id: str | None = None
    service_client_secret: SecretStr | None = None

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _check_origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            if origin == "*":
                continue
            parts = urlsplit(origin)
            if (
                parts.scheme not in ("http", "https")
                or not parts.hostname
                or origin != f"{parts.scheme}://{parts.netloc}"
            ):
                # A browser sends its Origin as scheme://host[:port]: anything else never matches.
                raise ValueError(
                    "cors_origins holds an entry that is not an origin: write each as "
                    "scheme://host[:port], without a path or a trailing slash"
                )
        return origins

    @model_validator(mode="after")
    def _refuse_open_cors(self) -> BaseServiceSettings:
        if "*" in self.cors_origins and self.cors_allow_credentials:
            # Starlette would echo any origin back with credentials allowed.
            raise ValueError("cors_origins '*' cannot be combined with cors_allow_credentials")
        if "*" in self.cors_origins and self.env is Environment.production:
            raise ValueError(
                "cors_origins '*' is not allowed in production: list the front ends' origins"
            )
        return self

    @property
    def is_dev_or_test(self) -> bool:
        return self.env in (Environment.development, Environment.testing)

    @model_validator(mode="after")
    def _refuse_placeholders_outside_dev(self) -> BaseServiceSettings:
        if self.is_dev_or_test:
            return self
        for name, value in self:
            if isinstance(value, SecretStr) and value.get_secret_value().strip().lower() in (
                PLACEHOLDER_SECRETS
            ):
                raise ValueError(f"{name} is a placeholder; set a real secret in {self.env}")
        parts = urlsplit(self.database_url.get_secret_value())
        reason = weak_password_reason(parts.password or "", user=parts.username)
        if reason is not None:
            raise ValueError(
                f"database_url has a weak password ({reason}); not allowed in {self.env}"
            )
        if self.jwt_jwks_url is None:
            raise ValueError(
                f"jwt_jwks_url is required in {self.env}: the dev issuer is not allowed"
            )
        if self.subscribers and not (
            self.service_token_url and self.service_client_id and self.service_client_secret
        ):
            raise ValueError(
                f"service_token_url, service_client_id and service_client_secret are required "
                f"in {self.env} to deliver events"
            )
        return self
