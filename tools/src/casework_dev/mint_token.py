"""``make token ROLE=<role> [SUB=<sub>] [TEAMS=<team,...>] [TTL=<seconds>]``: a dev bearer token for
every service.

It imports only what minting needs (``casework_dev.layout`` and ``shared.auth``), never the
``make run`` module with Alembic and SQLAlchemy: a token is printed in under a second."""

from __future__ import annotations

import argparse

from casework_dev.layout import KEYS_DIR
from shared.auth import Role, mint_dev_token
from shared.config import DEV_ISSUER, DEV_TOKEN_AUDIENCES


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--role", required=True, action="append", help="repeat or comma-separate")
    parser.add_argument("--sub", default=None, help="subject (default: dev-<role>)")
    parser.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds")
    parser.add_argument(
        "--teams", default="", help="comma-separated casework teams (the 'teams' claim)"
    )
    args = parser.parse_args(argv)
    roles = [r.strip() for chunk in args.role for r in chunk.split(",") if r.strip()]
    known = {r.value for r in Role}
    unknown = [r for r in roles if r not in known]
    if unknown:
        parser.error(f"unknown role(s) {unknown}; choose from {sorted(known)}")
    teams = [t.strip() for t in args.teams.split(",") if t.strip()]
    print(
        mint_dev_token(
            keys_dir=KEYS_DIR,
            issuer=DEV_ISSUER,
            audience=DEV_TOKEN_AUDIENCES,
            sub=args.sub or f"dev-{roles[0]}",
            roles=roles,
            ttl_seconds=args.ttl,
            extra_claims={"teams": teams} if teams else None,
        )
    )


if __name__ == "__main__":
    main()
