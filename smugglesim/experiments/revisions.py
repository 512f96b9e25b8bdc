"""A revision of the repository, extracted so that it runs beside another one
(:mod:`smugglesim.experiments.compare_speed`, :mod:`smugglesim.experiments.same_results`).

A revision is anything ``git`` names (a commit, a branch, ``HEAD~3``), or ``WORKTREE``: the
working tree as it is. The simulation core moved from the top-level ``model/`` to
``smugglesim/model/``; a revision from before the move is imported as ``model``, one after it
as ``smugglesim.model``, each from its own extracted tree.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKTREE = "WORKTREE"

IMPORT_CORE = r"""
import importlib, sys
sys.path.insert(0, sys.argv[1])
_core = importlib.import_module(sys.argv[2])
SmugglingModel, load_scenario = _core.SmugglingModel, _core.load_scenario
"""
"""The start of a child process's code (``python -c``): ``argv[1]`` is the tree of
:func:`checkout`, ``argv[2]`` the name of its core package; the child's own arguments follow."""


def core_package(rev: str) -> str:
    """``"smugglesim.model"``, or ``"model"`` for a revision from before the move."""
    if rev == WORKTREE:
        moved = (ROOT / "smugglesim" / "model").is_dir()
    else:
        listed = subprocess.run(
            ["git", "-C", str(ROOT), "ls-tree", "--name-only", rev, "smugglesim/model"],
            capture_output=True,
            text=True,
        )
        if listed.returncode != 0:  # the commands that take a revision stop on one line
            said = (listed.stderr.strip().splitlines() or ["no message"])[0]
            raise SystemExit(f"{rev}: not a revision of {ROOT} (git: {said})")
        moved = bool(listed.stdout.strip())
    return "smugglesim.model" if moved else "model"


def checkout(rev: str, into: Path) -> tuple[Path, str]:
    """The tree of ``rev`` (its core package, with the package above it after the move, and
    its ``scenarios``) extracted under ``into``, and the name to import its core by. The
    working tree itself for ``WORKTREE``."""
    package = core_package(rev)
    if rev == WORKTREE:
        return ROOT, package
    top = package.partition(".")[0]
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, top, "scenarios"],
        capture_output=True,
        check=True,
    ).stdout
    target = into / rev.replace("/", "_")
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target, package


_PRIME = (
    IMPORT_CORE
    + r"""
SmugglingModel(load_scenario(sys.argv[3], {"run.years": 0.02}), rng=1).run()
"""
)


def prime(tree: Path, package: str, scenario: Path, under: Sequence[str] = ()) -> None:
    """Run ``scenario`` for a week (after its warm-up) in ``tree``, unmeasured, so that the
    loops numba compiles on their first call (smugglesim.model.kernels, about 4 s) are in
    the cache beside the tree's package before anything is measured: every measured process
    then loads them from there (about 0.25 s), as every process after the first does in
    use. ``under``: the command the measured processes run under (valgrind's, whose virtual
    processor numba's cache tells apart from the machine's, so that it keeps loops compiled
    for each). A revision from before numba runs its week for nothing."""
    done = subprocess.run(
        [*under, sys.executable, "-c", _PRIME, str(tree), package, str(scenario)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise SystemExit(f"{tree}: a first run to compile its loops failed: {tail}")
