"""Errors of the legal module.

NotFound
├── ReferralNotFound (404, legal-referral-not-found)
└── RiskPromptNotFound (404, risk-prompt-not-found)
UnprocessableContent
├── ReferralTimeOutOfRange (422, referral-time-out-of-range; before receipt or in the future)
└── AssessmentDoesNotAnswerPrompt (422, assessment-does-not-answer-prompt)
Conflict
└── RiskPromptAlreadyAddressed (409, risk-prompt-already-addressed)

Recording the referral or dismissing it twice is the casework kit's 409 task-already-done; an
unknown assessment is risk's 404 risk-assessment-not-found.
"""

from shared.errors import Conflict, NotFound, UnprocessableContent


class ReferralNotFound(NotFound):
    type = "legal-referral-not-found"
    title = "Legal referral not found"


class RiskPromptNotFound(NotFound):
    type = "risk-prompt-not-found"
    title = "Risk prompt not found"


class ReferralTimeOutOfRange(UnprocessableContent):
    type = "referral-time-out-of-range"
    title = "A referral is made after the correspondence was received, and not in the future"


class AssessmentDoesNotAnswerPrompt(UnprocessableContent):
    type = "assessment-does-not-answer-prompt"
    title = "The assessment is of another case or was recorded before the prompt"


class RiskPromptAlreadyAddressed(Conflict):
    type = "risk-prompt-already-addressed"
    title = "The risk prompt is already addressed"
