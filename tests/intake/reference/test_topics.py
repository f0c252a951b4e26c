"""INT-040 (¶1.51, requirements §D.5): the joint-working (LGSCO) topics offered as prompt tags."""

from __future__ import annotations

from pathlib import Path

from intake_api.reference.topics import JOINT_WORKING_TOPICS, JointWorkingTopic

GUIDANCE = Path(__file__).resolve().parents[4] / "shared/spec/service-model-guidance-v22.txt"

IN_GUIDANCE_ORDER = [
    "community_mental_health_teams",
    "integrated_mental_health_care_teams",
    "care_act_assessments_with_health_involvement",
    "children_in_transition",
    "learning_disabilities",
    "special_educational_needs",
    "speech_and_language_therapy",
    "camhs",
    "care_programme_approach",
    "safeguarding",
    "deprivation_of_liberty",
    "section_117",
    "continuing_care",
    "hospital_discharge",
    "social_care",
    "jointly_funded_home_care",
    "jointly_funded_residential_placements",
    "residential_placements_poor_gp_service",
    "carers_assessments",
    "people_in_local_authority_care",
    "direct_payments",
]


def test_topics_are_the_21_of_d5__INT_040() -> None:
    assert len(JointWorkingTopic) == 21
    assert [t.value for t in JointWorkingTopic] == IN_GUIDANCE_ORDER
    assert list(JOINT_WORKING_TOPICS) == list(JointWorkingTopic)


def test_codes_are_snake_case_and_labels_unique__INT_040() -> None:
    for topic in JointWorkingTopic:
        assert topic.value == topic.name
        assert topic.value.isidentifier()
        assert topic.value == topic.value.lower()
    labels = [t.label for t in JointWorkingTopic]
    assert len(set(labels)) == 21
    assert all(label.strip() == label and label for label in labels)


def test_qualifiers_are_hints_in_the_guidance_wording__INT_040() -> None:
    assert JointWorkingTopic.hospital_discharge.label == "Hospital discharge"
    hint = JointWorkingTopic.hospital_discharge.hint
    assert hint is not None
    assert hint.startswith("where actions which are the responsibility of the local authority")
    assert JointWorkingTopic.care_act_assessments_with_health_involvement.hint == (
        "often arises in mental health cases"
    )
    assert JointWorkingTopic.safeguarding.hint is None
    # Abbreviations stay in the label; they are not qualifiers.
    assert JointWorkingTopic.deprivation_of_liberty.label == "Deprivation of Liberty (DOLs)"
    assert JointWorkingTopic.deprivation_of_liberty.hint is None


# ¶1.51's 21 topics as the guidance writes them (quoted, so the test runs without ../shared).
PARAGRAPH_1_51 = (
    "- Community Mental Health Teams (CMHTs)",
    "- Integrated mental health care teams (Partnership Trusts)",
    (
        "- Assessments under the Care Act where there is also health involvement (often arises in "
        "mental health cases)"
    ),
    "- Children in transition",
    "- Learning Disabilities",
    (
        "- Special Educational Needs (cases may involve children whose SEN includes the provision "
        "of support from NHS services)"
    ),
    "- Speech and language therapy (SALT)",
    "- CAMHS (Child and Adolescent Mental Health Services)",
    "- Care Programme Approach (mental health cases)",
    "- Safeguarding",
    "- Deprivation of Liberty (DOLs)",
    "- Section 117- funding or provision of services",
    "- Continuing Care (possible overlap with joint working)",
    (
        "- Hospital discharge (where actions which are the responsibility of the local authority "
        "are complained about, usually in terms of actions to put in place appropriate support in "
        "the community)"
    ),
    "- Social care - housing, benefits etc",
    "- Jointly funded home care arrangements",
    (
        "- Care in residential home placements that is jointly funded e.g. FNC (Funded Nursing "
        "Contributions) + self-funder or FNC + Council"
    ),
    "- Care in residential placements where there is an element of poor GP service",
    "- Carer's assessments",
    "- People in the care of a local authority",
    "- Direct Payments",
)


def test_every_label_and_hint_is_worded_as_in_the_guidance__INT_040() -> None:
    text = " ".join(" ".join(PARAGRAPH_1_51).split())
    for topic in JointWorkingTopic:
        label = topic.label.replace("Section 117", "Section 117-")
        assert label.split(" (")[0] in text, topic
        if topic.hint is not None:
            assert topic.hint in text, topic


def test_the_quoted_paragraph_is_the_guidances__INT_040() -> None:
    """Where the guidance sits beside the repository (as in development), the quote matches it."""
    if GUIDANCE.exists():
        guidance = " ".join(GUIDANCE.read_text(encoding="utf-8").split())
        for line in PARAGRAPH_1_51:
            assert " ".join(line.split()) in guidance, line
    assert len([line for line in PARAGRAPH_1_51 if line.startswith("-")]) == 21
