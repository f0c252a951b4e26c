"""Standalone relay: ``python -m compliance_api.relay``.

Run the API with ``COMPLIANCE_RELAY_IN_PROCESS=false`` when the relay runs on its own.
"""

from compliance_api.config import ComplianceSettings
from shared.outbox.runtime import run_standalone

if __name__ == "__main__":
    run_standalone(ComplianceSettings())
