"""The databases ``make run`` creates keep row contents out of PostgreSQL's log (#15)."""

from __future__ import annotations

import os

from sqlalchemy import text

from casework_dev.pg import ensure_databases
from shared.db import create_engine
from shared.testing.plugin import drop_database, server_url


async def test_a_failing_statement_logs_neither_its_row_nor_its_text() -> None:
    name = f"pg_log_settings_test_{os.getpid()}"
    await drop_database(name)
    urls = await ensure_databases(server_url(), [name])
    engine = create_engine(urls[name], application_name="pytest-pg-log-settings")
    try:
        async with engine.connect() as conn:
            shown = {
                setting: (await conn.execute(text(f"SHOW {setting}"))).scalar_one()
                for setting in (
                    "log_error_verbosity",
                    "log_min_error_statement",
                    "log_parameter_max_length_on_error",
                )
            }
    finally:
        await engine.dispose()
        await drop_database(name)
    assert shown == {
        "log_error_verbosity": "terse",
        "log_min_error_statement": "panic",
        "log_parameter_max_length_on_error": "0",
    }
