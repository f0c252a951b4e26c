"""The test clock's instant, in the forms tests need (``from tests.helpers import TODAY``).

The plugin's ``clock`` fixture starts every test at ``DEFAULT_NOW``: Monday 2 November 2026,
10:00 UTC (GMT, so London time too).
"""

from __future__ import annotations

from datetime import date, datetime

from shared.testing.plugin import DEFAULT_NOW

NOW: datetime = DEFAULT_NOW
TODAY: date = DEFAULT_NOW.date()  # the business date (London) as well as the UTC one
NOW_ISO = NOW.isoformat()  # "2026-11-02T10:00:00+00:00", for JSON bodies
TODAY_ISO = TODAY.isoformat()  # "2026-11-02"
