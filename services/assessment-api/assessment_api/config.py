from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import SettingsConfigDict

from assessment_api.decision_approvals.rules import ApprovalTable, DecisionKind, Level
from shared.auth import Role
from shared.config import BaseServiceSettings, SubscriberSettings


class ApprovalLevelSetting(BaseModel):
    """One level of the Delegation Scheme: its name and the roles that approve at it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100)
    roles: frozenset[Role] = Field(min_length=1)


_SENIOR = {Role.senior_caseworker, Role.operations_manager, Role.assistant_director, Role.director}
_MANAGER = {Role.operations_manager, Role.assistant_director, Role.director}
_BY_REQUESTER = {Role.caseworker: "senior_caseworker", Role.senior_caseworker: "operations_manager"}


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
    # ASM-172, XC-ROL-002 (¶3.108; G-21: the Delegation Scheme is not in the guidance, so its
    # levels are data): the levels, lowest first, each with the roles that approve at it; per
    # decision kind, the level that approves a requester holding a role (the most senior level
    # any of their roles names wins); the level for anyone else. By default a senior caseworker
    # or a manager approves a caseworker's decision, a manager a senior caseworker's.
    decision_approval_levels: tuple[ApprovalLevelSetting, ...] = (
        ApprovalLevelSetting(name="senior_caseworker", roles=frozenset(_SENIOR)),
        ApprovalLevelSetting(name="operations_manager", roles=frozenset(_MANAGER)),
    )
    decision_approval_by_requester: dict[DecisionKind, dict[Role, str]] = Field(
        default_factory=lambda: {kind: dict(_BY_REQUESTER) for kind in DecisionKind}
    )
    decision_approval_default_level: str = "operations_manager"
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

    @model_validator(mode="after")
    def _approval_table_complete(self) -> Self:
        problems = self.decision_approval_table().problems()
        if problems:
            raise ValueError("decision approval levels: " + "; ".join(problems))
        return self

    def decision_approval_table(self) -> ApprovalTable:
        """The Delegation Scheme's table for declines and proposals (ASM-172)."""
        return ApprovalTable(
            levels=tuple(Level(name=s.name, roles=s.roles) for s in self.decision_approval_levels),
            by_requester={
                kind: {role.value: level for role, level in mapping.items()}
                for kind, mapping in self.decision_approval_by_requester.items()
            },
            default_level=self.decision_approval_default_level,
        )
