"""Standalone relay: ``python -m investigation_api.relay``.

Run the API with ``INVESTIGATION_RELAY_IN_PROCESS=false`` when the relay runs on its own.
"""

from investigation_api.config import InvestigationSettings
from shared.outbox.runtime import run_standalone

if __name__ == "__main__":
    run_standalone(InvestigationSettings())
