"""``make token``'s minting: roles, subject and the optional ``teams`` claim (issue #15 item 14)."""

from __future__ import annotations

import pytest
from jose import jwt

from casework_dev import mint_token


def _claims(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    mint_token.main(list(argv))
    claims: dict[str, object] = jwt.get_unverified_claims(capsys.readouterr().out.strip())
    return claims


def test_teams_go_into_the_token(capsys: pytest.CaptureFixture[str]) -> None:
    claims = _claims(capsys, "--role", "intake_caseworker", "--teams", "intake-north, intake-south")
    assert claims["teams"] == ["intake-north", "intake-south"]
    assert claims["sub"] == "dev-intake_caseworker"


def test_no_teams_no_claim(capsys: pytest.CaptureFixture[str]) -> None:
    assert "teams" not in _claims(capsys, "--role", "caseworker", "--sub", "cw-1")
