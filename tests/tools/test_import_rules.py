"""The import rules of docs/architecture.md fail `make lint` when broken (import-linter)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def intake_copy(tmp_path: Path) -> Path:
    """A copy of intake_api that shadows the installed one when first on PYTHONPATH."""
    shutil.copytree(
        ROOT / "services/intake-api/intake_api",
        tmp_path / "intake_api",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return tmp_path


def _append(module: Path, line: str) -> None:
    module.write_text(module.read_text() + f"\n{line}\n")


def test_the_tree_keeps_every_import_rule() -> None:
    result = _lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        (
            "organisations/router.py",
            "from intake_api.organisations import repository as _repository  # noqa: F401",
            "A router imports its service, dependencies and schemas",
        ),
        (
            "organisations/service.py",
            "from intake_api.people import repository as _people_repository  # noqa: F401",
            "Other intake domains reach people only through people.service",
        ),
        (
            "organisations/repository.py",
            "from intake_api.organisations import service as _service  # noqa: F401",
            "router above dependencies above services above repository",
        ),
        (
            "organisations/service.py",
            "import assessment_api.config as _other_service  # noqa: F401",
            "No service package imports another service package",
        ),
    ],
    ids=["router-imports-repository", "domain-skips-service", "layer-upside-down", "cross-service"],
)
def test_a_broken_rule_fails_lint(intake_copy: Path, module: str, line: str, contract: str) -> None:
    _append(intake_copy / "intake_api" / module, line)
    result = _lint_imports(intake_copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert contract in " ".join(result.stdout.split())
