"""The tree shows the pipeline: import-linter contracts (pyproject.toml) hold, and kg/ itself
holds only the few modules every stage shares."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _lint_imports() -> list[str]:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if exe is None:
        pytest.fail("lint-imports is not installed: pip install -e '.[test]'")
    return [exe, "--no-cache"]


def test_import_contracts_hold():
    proc = subprocess.run(_lint_imports(), cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    """The contract can fail: a copy of the package where extraction imports the build driver."""
    shutil.copytree(REPO / "kg", tmp_path / "kg", symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    bad = tmp_path / "kg" / "extract" / "upward.py"
    bad.write_text("from ..build import driver  # noqa: F401\n", encoding="utf-8")
    env = {"PYTHONPATH": str(tmp_path), "PATH": str(Path(sys.executable).parent)}
    proc = subprocess.run(_lint_imports(), cwd=tmp_path, capture_output=True, text=True, env=env)
    assert proc.returncode != 0
    assert "kg.extract.upward -> kg.build.driver" in proc.stdout


def test_kg_holds_only_shared_modules_and_stage_packages():
    modules = sorted(p.stem for p in (REPO / "kg").glob("*.py") if p.stem not in ("__init__", "__main__"))
    assert modules == ["errors", "fsutil", "model", "text"]
    stages = {"ingest", "extract", "resolve", "relate", "rdf", "query", "viz", "eval", "build", "cli", "data"}
    assert stages <= {p.name for p in (REPO / "kg").iterdir() if (p / "__init__.py").is_file()}
