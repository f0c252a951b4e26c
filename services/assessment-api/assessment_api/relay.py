"""Standalone relay: ``python -m assessment_api.relay``.

Run the API with ``ASSESSMENT_RELAY_IN_PROCESS=false`` when the relay runs on its own.
"""

from assessment_api.config import AssessmentSettings
from shared.outbox.runtime import run_standalone

if __name__ == "__main__":
    run_standalone(AssessmentSettings())
