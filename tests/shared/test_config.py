"""Service settings (docs/architecture.md; settings): env prefixes, secrets, placeholders."""

from __future__ import annotations

import os
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from intake_api.config import IntakeSettings
from shared.config import BaseServiceSettings, Environment

REAL_URL = "postgresql://intake_app:Xq7-long-real-secret@db.internal:5432/casework_intake"
JWKS = "https://login.microsoftonline.com/tenant-id/discovery/v2.0/keys"
# Intake delivers events, so production also needs client credentials for service tokens.
SERVICE_CREDENTIALS = {
    "service_token_url": "https://login.microsoftonline.com/tenant-id/oauth2/v2.0/token",
    "service_client_id": "intake-api",
    "service_client_secret": "Zr8-long-real-client-secret",
}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # ``make test`` exports ENV=testing; these tests choose ENV and prefixed variables themselves.
    for name in list(os.environ):
        if name == "ENV" or name.startswith(("INTAKE_", "CASEWORK_", "ASSESSMENT_")):
            monkeypatch.delenv(name)


def _production(cls: type[BaseServiceSettings] = BaseServiceSettings, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "database_url": REAL_URL,
        "ENV": "production",
        "jwt_jwks_url": JWKS,
        **SERVICE_CREDENTIALS,
    }
    values.update(overrides)
    return cls(**values)


@pytest.mark.parametrize("cls", [BaseServiceSettings, IntakeSettings])
@pytest.mark.parametrize("password", ["changeme", "postgres", "PASSWORD", "secret", "dev"])
def test_production_refuses_placeholder_database_password(
    cls: type[BaseServiceSettings], password: str
) -> None:
    url = f"postgresql://intake_app:{password}@db.internal:5432/casework_intake"
    with pytest.raises(ValidationError, match="weak password"):
        _production(cls, database_url=url)


def test_production_refuses_database_url_without_password() -> None:
    with pytest.raises(ValidationError, match=r"weak password \(it is empty\)"):
        _production(database_url="postgresql://intake_app@db.internal/casework_intake")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        (":", "it is empty"),  # an empty password after the colon
        ("Kx9-short", "it is shorter than 12 characters"),
        ("Password123!", "it is a common password"),
        ("QWERTYUIOP2024", "it is a common password"),
        ("123456789", "it is a common password"),
        ("Intake_App", "it is a common password"),  # the user name itself
        ("abababababab", "it repeats too few characters"),
    ],
)
def test_production_refuses_weak_database_passwords_without_showing_them(
    password: str, reason: str
) -> None:
    secret = "" if password == ":" else password
    url = f"postgresql://intake_app:{secret}@db.internal:5432/casework_intake"
    with pytest.raises(ValidationError) as exc:
        _production(database_url=url)
    shown = str(exc.value)
    assert f"database_url has a weak password ({reason})" in shown
    if secret:
        assert secret not in shown
        assert secret.lower() not in shown.lower()
    assert "db.internal" not in shown


def test_development_and_testing_accept_a_short_local_password() -> None:
    for env in ("development", "testing"):
        assert IntakeSettings(database_url="postgresql://app:pw@127.0.0.1/x", ENV=env)


def test_production_refuses_placeholder_secret_settings() -> None:
    with pytest.raises(ValidationError, match="service_client_secret is a placeholder"):
        _production(IntakeSettings, service_client_secret="changeme")


def test_production_refuses_missing_jwks_url_so_the_dev_issuer_cannot_be_used() -> None:
    with pytest.raises(ValidationError, match="jwt_jwks_url is required"):
        _production(IntakeSettings, jwt_jwks_url=None)


def test_production_refuses_event_delivery_without_service_credentials() -> None:
    # IntakeSettings subscribes assessment-api by default, so it must be able to get tokens.
    with pytest.raises(ValidationError, match="service_client_secret are required"):
        _production(IntakeSettings, service_client_secret=None)


def test_production_accepts_real_password_and_https_jwks() -> None:
    settings = _production(IntakeSettings)
    assert settings.env is Environment.production
    assert not settings.is_dev_or_test
    assert settings.database_url.get_secret_value() == REAL_URL
    assert settings.jwt_jwks_url == JWKS


@pytest.mark.parametrize("env", ["development", "testing"])
@pytest.mark.parametrize("password", ["changeme", "postgres"])
def test_development_and_testing_accept_placeholders(env: str, password: str) -> None:
    settings = IntakeSettings(
        database_url=f"postgresql://postgres:{password}@127.0.0.1/casework_intake", ENV=env
    )
    assert settings.is_dev_or_test
    assert settings.jwt_jwks_url is None


def test_env_is_read_from_the_unprefixed_env_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENV", "production")
    monkeypatch.setenv("INTAKE_DATABASE_URL", "postgresql://app:changeme@db/x")
    with pytest.raises(ValidationError, match="weak password"):
        IntakeSettings()


def test_an_unset_env_means_production_with_all_its_checks() -> None:
    # What a process started by hand or by a deployment that forgot ENV gets.
    with pytest.raises(ValidationError, match="weak password"):
        IntakeSettings(database_url="postgresql://postgres@/x")
    with pytest.raises(ValidationError, match="jwt_jwks_url is required"):
        IntakeSettings(database_url=REAL_URL)
    values: dict[str, Any] = {"database_url": REAL_URL, "jwt_jwks_url": JWKS, **SERVICE_CREDENTIALS}
    settings = IntakeSettings(**values)
    assert settings.env is Environment.production
    assert not settings.is_dev_or_test


def test_intake_settings_read_the_intake_env_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_DATABASE_URL", REAL_URL)
    monkeypatch.setenv("INTAKE_CASE_REFERENCE_PREFIX", "PHSO")
    monkeypatch.setenv("INTAKE_JWT_JWKS_URL", JWKS)
    for name, value in SERVICE_CREDENTIALS.items():
        monkeypatch.setenv(f"INTAKE_{name.upper()}", value)
    monkeypatch.setenv("ENV", "production")
    settings = IntakeSettings()
    assert settings.database_url.get_secret_value() == REAL_URL
    assert settings.case_reference_prefix == "PHSO"
    assert settings.jwt_jwks_url == JWKS
    assert settings.service_name == "intake-api"
    assert settings.jwt_audience == "intake-api"


def test_intake_settings_ignore_another_services_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEWORK_DATABASE_URL", REAL_URL)
    monkeypatch.setenv("ASSESSMENT_DATABASE_URL", REAL_URL)
    with pytest.raises(ValidationError, match="database_url"):
        IntakeSettings()


@pytest.mark.parametrize("prefix", ["phso", "PHSO-1", "", "TOOLONGPREFIX"])
def test_case_reference_prefix_must_be_capital_letters(prefix: str) -> None:
    with pytest.raises(ValidationError, match="case_reference_prefix"):
        IntakeSettings(database_url=REAL_URL, case_reference_prefix=prefix)


def test_idempotency_retention_is_24_hours_by_default_and_cannot_go_below() -> None:
    # DESIGN §3: at least 24 h; the stored responses hold personal data, so no longer by default.
    assert IntakeSettings(database_url=REAL_URL, ENV="testing").idempotency_retention_hours == 24
    assert IntakeSettings(database_url=REAL_URL, ENV="testing", idempotency_retention_hours=48)
    with pytest.raises(ValidationError, match="idempotency_retention_hours"):
        IntakeSettings(database_url=REAL_URL, ENV="testing", idempotency_retention_hours=23)


def test_database_url_is_a_secret_never_shown() -> None:
    settings = _production(IntakeSettings)
    assert isinstance(settings.database_url, SecretStr)
    assert "Xq7-long-real-secret" not in repr(settings)
    assert "Xq7-long-real-secret" not in str(settings)
    assert "Xq7-long-real-secret" not in str(settings.model_dump())
    assert "Xq7-long-real-secret" not in settings.model_dump_json()
    assert "Zr8-long-real-client-secret" not in repr(settings)


def test_database_url_has_no_default() -> None:
    with pytest.raises(ValidationError, match="database_url"):
        IntakeSettings()


def _every_service_settings() -> list[type[BaseServiceSettings]]:
    from assessment_api.config import AssessmentSettings
    from compliance_api.config import ComplianceSettings
    from investigation_api.config import InvestigationSettings

    return [
        BaseServiceSettings,
        IntakeSettings,
        AssessmentSettings,
        InvestigationSettings,
        ComplianceSettings,
    ]


@pytest.mark.parametrize("cls", _every_service_settings(), ids=lambda c: c.__name__)
@pytest.mark.parametrize(
    "overrides",
    [
        # A refused placeholder password: the model validator's error.
        {"database_url": "postgresql://app:changeme@db.example:5432/x"},
        # A field error on a secret: pydantic would echo the input value.
        {"service_client_secret": ["Zr8-long-real-client-secret"]},
        # A field error beside a real URL: nothing of the URL may appear.
        {"db_pool_size": "Zr8-long-real-client-secret"},
    ],
    ids=["placeholder-password", "secret-of-wrong-type", "other-field"],
)
def test_a_refused_start_never_prints_a_configuration_value(
    cls: type[BaseServiceSettings], overrides: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError) as exc:
        _production(cls, **overrides)
    shown = str(exc.value)  # what a refused start prints in its traceback
    for secret in ("changeme", "db.example", "Zr8-long-real-client-secret", "Xq7-long-real"):
        assert secret not in shown
