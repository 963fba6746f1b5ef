"""The layering is a contract a tool checks: the core never imports the edges (ui/) or the evals."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_a_forbidden_import_breaks_the_contract(tmp_path: Path) -> None:
    """The contract can fail: the same check over a copy of the core that imports the chat does."""
    copy = tmp_path / "repo"
    for package in ("assistant", "ingest", "ui", "evals", "state"):
        shutil.copytree(ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text("utf-8"), "utf-8")
    core = copy / "assistant" / "core.py"
    core.write_text("import ui.chat  # noqa\n" + core.read_text("utf-8"), "utf-8")
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=copy, capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"})
    assert result.returncode != 0 and "assistant.core -> ui.chat" in result.stdout
