"""Standalone relay: ``python -m intake_api.relay``.

Run the API with ``INTAKE_RELAY_IN_PROCESS=false`` when the relay runs on its own.
"""

from intake_api.config import IntakeSettings
from shared.outbox.runtime import run_standalone

if __name__ == "__main__":
    run_standalone(IntakeSettings())
