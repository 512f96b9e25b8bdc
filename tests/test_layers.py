"""The layers inside ``smugglesim`` point one way: the interfaces (every other module of
``smugglesim/``) -> ``smugglesim.experiments`` -> ``smugglesim.model``.

The contract is declared in ``pyproject.toml`` (``[tool.importlinter]``) and checked by
import-linter, which reads every import statement, including those inside functions. It is
exhaustive: a module of ``smugglesim/`` that no layer lists breaks it too.
"""

from __future__ import annotations

import shutil
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


def copy_with_contract(tmp_path: Path) -> Path:
    """A copy of the ``smugglesim`` package under ``tmp_path`` with the real contract (the
    ``[tool.importlinter]`` part of ``pyproject.toml``, word for word) beside it."""
    shutil.copytree(
        ROOT / "smugglesim", tmp_path / "smugglesim", ignore=shutil.ignore_patterns("__pycache__")
    )
    pyproject = (ROOT / "pyproject.toml").read_text()
    contract = pyproject[pyproject.index("[tool.importlinter]") : pyproject.index("[tool.ruff]")]
    (tmp_path / "pyproject.toml").write_text(contract)
    return tmp_path


def test_layers_contract_holds():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_layers_contract_holds_on_the_copy(tmp_path):
    """The copy the tests below break is itself valid: they fail for their change only."""
    result = lint_imports(copy_with_contract(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_layers_contract_fails_on_an_upward_import(tmp_path):
    """The same contract on a copy of the package where the core imports the interfaces."""
    root = copy_with_contract(tmp_path)
    (root / "smugglesim" / "model" / "core.py").write_text(
        textwrap.dedent("""
            def f():
                from smugglesim import cli  # upward: the core reaches for the interface
                return cli
        """)
    )
    result = lint_imports(root)
    assert result.returncode != 0
    assert "smugglesim.model is not allowed to import smugglesim.cli" in result.stdout
    assert "smugglesim.model.core -> smugglesim.cli" in result.stdout


def test_layers_contract_fails_on_a_module_no_layer_lists(tmp_path):
    """Exhaustive: a new module of ``smugglesim/`` must be placed in a layer."""
    root = copy_with_contract(tmp_path)
    (root / "smugglesim" / "new_interface.py").write_text("from smugglesim.model import shipped\n")
    result = lint_imports(root)
    assert result.returncode != 0
    assert "The following modules are not listed as layers" in result.stdout
    assert "- smugglesim.new_interface" in result.stdout
