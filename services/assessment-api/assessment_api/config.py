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
    # The complex teams: the only teams allocated 'complex & significant' cases (ASM-085).
    # A JSON list in ASSESSMENT_COMPLEX_TEAMS, matched against the staff directory's team.
    complex_teams: frozenset[str] = frozenset({"complex-1", "complex-2"})
    # ASM-048, ASM-050, ASM-173: where triage and the closing decisions ask intake-api for the
    # case's parties (ids and roles) and their reasonable adjustments (DESIGN §1: people live
    # at intake). `make run` moves the port.
    intake_url: str = Field(default="http://127.0.0.1:8001", pattern=r"^https?://[^\s]+$")
    # Intake's case register projects where each case stands at assessment (DESIGN §1);
    # legal-action wording in what a party told assessment goes to compliance-api, which opens
    # the Legal Team referral (XC-RSK-004), as does an agreed resolution (its resolution item,
    # ¶3.66); a proposal to investigate opens investigation's record at M1 (INV-003). The
    # defaults match `make run`.
    subscribers: dict[str, SubscriberSettings] = Field(
        default_factory=lambda: {
            "compliance-api": SubscriberSettings(
                url="http://127.0.0.1:8004/internal/events",
                audience="compliance-api",
                event_types=[
                    "assessment.correspondence.legal_terms_found",
                    "assessment.resolution.agreed",
                ],
            ),
            "intake-api": SubscriberSettings(
                url="http://127.0.0.1:8001/internal/events",
                audience="intake-api",
                event_types=[
                    "assessment.case.status_changed",
                    "assessment.case.closed",
                    "assessment.proposal.issued",
                ],
            ),
            "investigation-api": SubscriberSettings(
                url="http://127.0.0.1:8003/internal/events",
                audience="investigation-api",
                event_types=[
                    "assessment.proposal.issued",
                    "assessment.proposal.comment_deadline_extended",
                ],
            ),
        }
    )
