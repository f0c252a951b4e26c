"""INT-040 (¶1.51, requirements §D.5): topics that may indicate joint working with the LGSCO.

The guidance lists 21 topics; the system offers them as prompt tags. Each has a short, stable
code (stored on cases) and the label as the guidance writes it. Where the guidance qualifies a
topic (in brackets, after a dash, or with "e.g."), the qualifier is the topic's ``hint``;
abbreviations in brackets (CMHTs, SALT, DOLs, CAMHS) stay part of the label.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class JointWorkingTopic(StrEnum):
    """The 21 topics of ¶1.51, in the guidance's order."""

    community_mental_health_teams = "community_mental_health_teams"
    integrated_mental_health_care_teams = "integrated_mental_health_care_teams"
    care_act_assessments_with_health_involvement = "care_act_assessments_with_health_involvement"
    children_in_transition = "children_in_transition"
    learning_disabilities = "learning_disabilities"
    special_educational_needs = "special_educational_needs"
    speech_and_language_therapy = "speech_and_language_therapy"
    camhs = "camhs"
    care_programme_approach = "care_programme_approach"
    safeguarding = "safeguarding"
    deprivation_of_liberty = "deprivation_of_liberty"
    section_117 = "section_117"
    continuing_care = "continuing_care"
    hospital_discharge = "hospital_discharge"
    social_care = "social_care"
    jointly_funded_home_care = "jointly_funded_home_care"
    jointly_funded_residential_placements = "jointly_funded_residential_placements"
    residential_placements_poor_gp_service = "residential_placements_poor_gp_service"
    carers_assessments = "carers_assessments"
    people_in_local_authority_care = "people_in_local_authority_care"
    direct_payments = "direct_payments"

    @property
    def label(self) -> str:
        """The topic as the guidance names it."""
        return JOINT_WORKING_TOPICS[self].label

    @property
    def hint(self) -> str | None:
        """The guidance's qualifier for the topic, if it gives one."""
        return JOINT_WORKING_TOPICS[self].hint


@dataclass(frozen=True, slots=True)
class TopicText:
    """How the guidance words a topic."""

    label: str
    hint: str | None = None


_T = JointWorkingTopic

# In the order of ¶1.51. Wording is the guidance's; "Section 117- funding" is spaced as a dash.
JOINT_WORKING_TOPICS: MappingProxyType[JointWorkingTopic, TopicText] = MappingProxyType(
    {
        _T.community_mental_health_teams: TopicText("Community Mental Health Teams (CMHTs)"),
        _T.integrated_mental_health_care_teams: TopicText(
            "Integrated mental health care teams", "Partnership Trusts"
        ),
        _T.care_act_assessments_with_health_involvement: TopicText(
            "Assessments under the Care Act where there is also health involvement",
            "often arises in mental health cases",
        ),
        _T.children_in_transition: TopicText("Children in transition"),
        _T.learning_disabilities: TopicText("Learning Disabilities"),
        _T.special_educational_needs: TopicText(
            "Special Educational Needs",
            "cases may involve children whose SEN includes the provision of support from NHS "
            "services",
        ),
        _T.speech_and_language_therapy: TopicText("Speech and language therapy (SALT)"),
        _T.camhs: TopicText("CAMHS (Child and Adolescent Mental Health Services)"),
        _T.care_programme_approach: TopicText("Care Programme Approach", "mental health cases"),
        _T.safeguarding: TopicText("Safeguarding"),
        _T.deprivation_of_liberty: TopicText("Deprivation of Liberty (DOLs)"),
        _T.section_117: TopicText("Section 117", "funding or provision of services"),
        _T.continuing_care: TopicText("Continuing Care", "possible overlap with joint working"),
        _T.hospital_discharge: TopicText(
            "Hospital discharge",
            "where actions which are the responsibility of the local authority are complained "
            "about, usually in terms of actions to put in place appropriate support in the "
            "community",
        ),
        _T.social_care: TopicText("Social care", "housing, benefits etc"),
        _T.jointly_funded_home_care: TopicText("Jointly funded home care arrangements"),
        _T.jointly_funded_residential_placements: TopicText(
            "Care in residential home placements that is jointly funded",
            "e.g. FNC (Funded Nursing Contributions) + self-funder or FNC + Council",
        ),
        _T.residential_placements_poor_gp_service: TopicText(
            "Care in residential placements where there is an element of poor GP service"
        ),
        _T.carers_assessments: TopicText("Carer's assessments"),
        _T.people_in_local_authority_care: TopicText("People in the care of a local authority"),
        _T.direct_payments: TopicText("Direct Payments"),
    }
)

if list(JOINT_WORKING_TOPICS) != list(JointWorkingTopic):  # pragma: no cover - import-time guard
    raise RuntimeError("JOINT_WORKING_TOPICS must word every topic, in the enum's order")
