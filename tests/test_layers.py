"""The package layers point one way: ``smugglesim`` -> ``experiments`` -> ``model``.

The contract is declared in ``pyproject.toml`` (``[tool.importlinter]``) and checked by
import-linter, which reads every import statement, including those inside functions.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` on the packages found under ``cwd``, with its configuration there."""
    code = (
        "import sys; sys.path.insert(0, '.'); from importlinter.cli import lint_imports; "
        "sys.exit(lint_imports(no_cache=True))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_layers_contract_holds():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_layers_contract_fails_on_an_upward_import(tmp_path):
    """The same contract on a copy of the packages where the core imports the interfaces."""
    for package in ("model", "experiments", "smugglesim"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "model" / "core.py").write_text(
        textwrap.dedent("""
            def f():
                from smugglesim import cli  # upward: the core reaches for the interface
                return cli
        """)
    )
    pyproject = (ROOT / "pyproject.toml").read_text()
    contract = pyproject[pyproject.index("[tool.importlinter]") : pyproject.index("[tool.ruff]")]
    (tmp_path / "pyproject.toml").write_text(contract)
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "model is not allowed to import smugglesim" in result.stdout
    assert "model.core -> smugglesim" in result.stdout
