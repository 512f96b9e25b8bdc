"""The built package: the shipped scenarios inside it, found by name from any folder, and
its outputs' provenance without a git checkout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from smugglesim import model

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(
    ".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "results", "out"
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel built from this tree, unpacked: an installed package without the checkout."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(ROOT, source, symlinks=True, ignore=IGNORE)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp.glob("smugglesim-*.whl")
    site = tmp / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    return site


def _smugglesim(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [sys.executable, "-m", "smugglesim.cli", *args],
        cwd=cwd, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_the_wheel_carries_every_shipped_scenario(installed):
    shipped = {
        p.name for p in (installed / "smugglesim" / "model" / "data" / "scenarios").glob("*.toml")
    }
    assert shipped == {p.name for p in (ROOT / "scenarios").glob("*.toml")}
    dist_info = next(installed.glob("smugglesim-*.dist-info"))
    assert dist_info.name == f"smugglesim-{model.__version__}.dist-info"


@pytest.mark.slow
def test_the_wheel_installs_one_top_level_name(installed):
    """Only ``smugglesim``: a user's own ``model.py`` or ``experiments.py`` next to a notebook
    cannot shadow the layers, and the package does not shadow theirs."""
    top = {p.name for p in installed.iterdir() if not p.name.endswith(".dist-info")}
    assert top == {"smugglesim"}
    assert (installed / "smugglesim" / "model" / "__init__.py").is_file()
    assert (installed / "smugglesim" / "experiments" / "__init__.py").is_file()


@pytest.mark.slow
def test_installed_package_runs_a_shipped_scenario_by_name_from_any_folder(installed, tmp_path):
    proc = _smugglesim(installed, tmp_path, "run", "baseline", "--years", "0.1", "--out", "o")
    assert proc.returncode == 0, proc.stderr
    record = json.loads((tmp_path / "o" / "summary.json").read_text())["provenance"]
    assert record["git"] is None  # not a checkout: no commit claimed
    assert record["scenarios"]["baseline"]["config"]["name"] == "baseline"
    assert str(installed) in record["command"]  # the file read is the installed one
    version = _smugglesim(installed, tmp_path, "--version")
    assert version.stdout.strip() == f"smugglesim {model.__version__}"
    assert _smugglesim(installed, tmp_path, "validate", "all_measures").returncode == 0
