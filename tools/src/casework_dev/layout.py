"""Where the developer commands keep things and which ports ``make run`` uses.

Standard library only: ``make token`` and ``make walkthrough`` import this, not the ``make run``
module (which brings Alembic and SQLAlchemy), so they start in well under a second.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SERVICES = ("intake", "assessment", "investigation", "compliance")
# CASEWORK_BASE_PORT moves all four ports (the end-to-end tests use it to stay off 8001–8004).
BASE_PORT = int(os.environ.get("CASEWORK_BASE_PORT", "8001"))
PORTS = {s: BASE_PORT + i for i, s in enumerate(SERVICES)}
KEYS_DIR = ROOT / ".local" / "keys"
