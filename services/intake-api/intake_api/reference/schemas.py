"""Request and response bodies of the reference API (INT-040, ASM-028)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from intake_api.reference.signposting import NoMpDirection, NoMpSituation
from intake_api.reference.topics import JointWorkingTopic
from shared.schemas import IsoDate, absent, given, when


class JointWorkingTopicRead(BaseModel):
    """INT-040: one joint-working indicator topic of ¶1.51, offered as a prompt tag."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "hospital_discharge",
                    "label": "Hospital discharge",
                    "hint": "where actions which are the responsibility of the local authority "
                    "are complained about, usually in terms of actions to put in place "
                    "appropriate support in the community",
                },
                {"code": "safeguarding", "label": "Safeguarding", "hint": None},
            ]
        }
    )

    code: JointWorkingTopic = Field(description="Stable code, stored in joint_working_topics")
    label: str = Field(description="The topic as the guidance names it")
    hint: str | None = Field(description="The guidance's qualifier for the topic, if any")


class NoMpSignpostingRequest(BaseModel):
    """ASM-028: the complainant's situation. ``left_uk_on`` is required for a former UK resident,
    must be left out for someone who has never lived in the UK, and is optional (and ignored)
    when their own MP refuses. It may not be after today."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"situation": "never_lived_in_uk"},
                {"situation": "former_uk_resident", "left_uk_on": "2019-06-30"},
                {"situation": "own_mp_refuses"},
            ],
            # The rules of ``_left_uk_on`` below.
            "allOf": [
                when("situation", NoMpSituation.former_uk_resident.value, given("left_uk_on")),
                when("situation", NoMpSituation.never_lived_in_uk.value, absent("left_uk_on")),
            ],
        },
    )

    situation: NoMpSituation = Field(description="Why the complainant has no MP referral")
    left_uk_on: IsoDate | None = Field(
        default=None,
        description="The date the complainant left the UK (former UK residents; not future)",
    )

    @model_validator(mode="after")
    def _left_uk_on(self) -> NoMpSignpostingRequest:
        if self.situation is NoMpSituation.former_uk_resident and self.left_uk_on is None:
            raise ValueError("ASM-028: a former UK resident needs left_uk_on")
        if self.situation is NoMpSituation.never_lived_in_uk and self.left_uk_on is not None:
            raise ValueError("ASM-028: someone who has never lived in the UK has no left_uk_on")
        return self


class NoMpAdviceRead(BaseModel):
    """ASM-028: whom to direct the complainant to, the letter text and the caseworker's
    warnings."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "situation": "own_mp_refuses",
                    "direct_to": "house_of_commons_contact_details",
                    "signposting_detail": "We cannot require an MP to refer a complaint to us, "
                    "and we cannot ask an MP to refer it on your behalf. If you would like to "
                    "try to find another MP to support your complaint, you can contact the "
                    "House of Commons:\nHouse of Commons\nLondon\nSW1A 0AA\nPlease be aware "
                    "that MPs will not normally act on behalf of another MP's constituent.",
                    "warnings": [
                        "Do not direct the complainant to the Chair of PACAC (¶2.53).",
                        "We cannot require an MP to refer a complaint, and must not act on the "
                        "complainant's behalf to get an MP to refer it (¶2.54).",
                        "Tell the complainant that MPs will not normally act on behalf of "
                        "another MP's constituent (¶2.54).",
                    ],
                    "requirement": "ASM-028",
                }
            ]
        },
    )

    situation: NoMpSituation
    direct_to: NoMpDirection = Field(
        description="pacac_chair_via_pacac: the Chair of PACAC, contacted via the Committee "
        "(¶2.51); previous_constituency_mp: the MP where they last lived (¶2.51 fn 18); "
        "house_of_commons_contact_details: no MP named, House of Commons contact details only "
        "(¶2.53–2.54)"
    )
    signposting_detail: str = Field(description="Text for the letter to the complainant")
    warnings: list[str] = Field(description="For the caseworker, citing the guidance")
    requirement: str = Field(examples=["ASM-028"])
