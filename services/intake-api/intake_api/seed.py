"""Load the fictional organisation seed: ``python -m intake_api.seed``.

Reads ``INTAKE_DATABASE_URL`` (through ``IntakeSettings``) and inserts each row of
``organisations/seed.json`` whose id is not there yet. A row already present is left exactly as
it is, so edits made through the API survive a rerun. Every inserted row is audited.

The seed is made-up reference data for development and demos; it is refused outside
``ENV=development`` or ``ENV=testing`` so it can never reach a real register.
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from pathlib import Path

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from intake_api.config import IntakeSettings
from intake_api.organisations import service
from intake_api.organisations.schemas import OrganisationSeed
from shared.auth import Principal
from shared.db import Database, create_engine

SEED_FILE = Path(__file__).resolve().parent / "organisations" / "seed.json"
SEED_ACTOR = Principal(sub="seed:intake_api.seed", roles=frozenset())
SEED_REASON = "Fictional development seed (python -m intake_api.seed)"


def read_seed(path: Path = SEED_FILE) -> list[OrganisationSeed]:
    """The seed rows, validated like a create request (plus a fixed id)."""
    return TypeAdapter(list[OrganisationSeed]).validate_json(path.read_bytes())


async def load_seed(session: AsyncSession, *, path: Path = SEED_FILE) -> list[uuid.UUID]:
    """Insert the missing seed rows in the caller's transaction; returns the ids inserted."""
    return await service.seed_organisations(
        session, rows=read_seed(path), actor=SEED_ACTOR, reason=SEED_REASON
    )


async def _load(database_url: str) -> tuple[int, int]:
    rows = len(read_seed())
    db = Database.from_engine(
        create_engine(database_url, application_name="intake-seed", pool_size=1)
    )
    try:
        async with db.sessionmaker() as session, session.begin():
            inserted = await load_seed(session)
    finally:
        await db.dispose()
    return len(inserted), rows


def main() -> None:
    """Entry point of ``python -m intake_api.seed``."""
    settings = IntakeSettings()  # reads INTAKE_DATABASE_URL
    if not settings.is_dev_or_test:
        raise SystemExit(f"Refusing to load the fictional seed with ENV={settings.env.value}")
    inserted, rows = asyncio.run(_load(settings.database_url.get_secret_value()))
    sys.stdout.write(f"Organisation seed: {inserted} inserted, {rows - inserted} already present\n")


if __name__ == "__main__":
    main()
