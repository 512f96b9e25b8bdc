"""A user's own ``model.py`` or ``experiments.py`` does not shadow smugglesim's layers.

The layers are ``smugglesim.model`` and ``smugglesim.experiments``: the only top-level name
smugglesim imports is ``smugglesim``. Jupyter and ``python -m`` put the current folder first
on ``sys.path``; here that folder holds a ``model.py`` and an ``experiments.py`` that fail
when imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
USERS_OWN = 'raise ImportError("user\'s own file was imported")\n'

# One week of the status quo (no warm-up), the experiment layer imported, and neither of the
# user's files among the imported modules.
RUN = """
import sys
import smugglesim
import smugglesim.experiments
sim = smugglesim.run("baseline", seed=1, years=1 / 52, overrides={"run.warmup_years": 0})
assert len(sim.timeseries) == 1, sim.timeseries
assert sim.summary["migrants_departed"] > 0
assert not {"model", "experiments"} & set(sys.modules), "a user's file was imported"
print("ran", smugglesim.__version__)
"""


@pytest.fixture
def users_folder(tmp_path) -> Path:
    (tmp_path / "model.py").write_text(USERS_OWN)
    (tmp_path / "experiments.py").write_text(USERS_OWN)
    return tmp_path


def python(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """``python *args`` run in ``folder``, which comes first on ``sys.path`` (``-c`` and
    ``-m`` put the current folder there), with this checkout importable after it."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    return subprocess.run(
        [sys.executable, *args],
        cwd=folder,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_users_files_would_shadow_a_top_level_name(users_folder):
    """The trap is set: ``import model`` in that folder reaches the user's file."""
    proc = python(users_folder, "-c", "import model")
    assert "user's own file was imported" in proc.stderr


def test_a_run_from_python_ignores_the_users_model_and_experiments(users_folder):
    proc = python(users_folder, "-c", RUN)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ran ")


@pytest.mark.parametrize(
    ("args", "starts"),
    [
        (["smugglesim.cli", "--help"], "usage:"),
        (["smugglesim.cli", "--version"], "smugglesim "),  # reads smugglesim.model's version
        (["smugglesim.experiments.calibration", "--help"], "usage:"),
        (["smugglesim.experiments.abc", "--help"], "usage:"),  # named like the stdlib abc
    ],
)
def test_python_m_ignores_the_users_model_and_experiments(users_folder, args, starts):
    proc = python(users_folder, "-m", *args)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(starts)
    # nothing imports the module before it runs (runpy warns, and it would run twice)
    assert "RuntimeWarning" not in proc.stderr


def test_no_package_imports_a_module_that_python_m_runs(users_folder):
    """Importing the packages leaves out every module with a command line: ``python -m`` on
    such a module would find it imported already, warn (``RuntimeWarning``, runpy) and run it
    twice. ``smugglesim.experiments.measure_effects`` was imported by the package (through
    ``compare``) and warned on every run of its documented command."""
    commands = sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in (ROOT / "smugglesim").rglob("*.py")
        if 'if __name__ == "__main__":' in path.read_text()
    )
    assert "smugglesim.experiments.measure_effects" in commands
    code = (
        "import sys, smugglesim, smugglesim.model, smugglesim.experiments\n"
        f"print(sorted(set({commands!r}) & set(sys.modules)))"
    )
    proc = python(users_folder, "-c", code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
