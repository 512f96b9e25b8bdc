"""Parameter sets drawn from a posterior, run as a sweep: uncertainty that covers the
parameters as well as the seeds (issue 12, item 4).

A calibration by inference (:mod:`smugglesim.experiments.abc`) leaves its posterior as weighted
particles in a CSV file: ``#`` comment lines saying what it is, then one column per parameter
(its dotted name, as in docs/scenarios.md) and a ``weight`` column. :func:`posterior_sweep`
draws parameter sets from it by weighted resampling with replacement (each draw picks a
particle with probability proportional to its weight; numpy's ``Generator.choice`` seeded with
``seed``) and returns them as an explicit-points :class:`~smugglesim.experiments.specs.Sweep`,
so that a batch runs every scenario at the same draws, each on the same paired seeds, and
:mod:`smugglesim.experiments.ranking` can say in what share of the draws one scenario's effect
beats another's::

    smugglesim batch baseline financial_investigations all_measures -n 2 \\
        --posterior posterior --posterior-draws 8 --out results/post
    smugglesim compare results/post --ranking confiscation_ratio

The sweep's ``origin`` (the file, its SHA-256, its first comment line, the draws, their seed
and the particle each draw took) is recorded with the sweep in a batch's manifest, and a
batch resumed in a folder whose draws came from another content of the file refuses to run
(:func:`smugglesim.experiments.batch.run_batch`). The first draws do not change when
``draws`` grows (the generator's uniforms come in order), so more draws into the same folder
only add draws, as a larger ``replications`` only adds seeds.

A bare name is a posterior kept with smugglesim (:func:`shipped_posteriors`): ``posterior``
is the calibration's own, :data:`POSTERIOR`; ``posterior_quick``
the quick mode's smoke test, not to be quoted.
"""

from __future__ import annotations

import difflib
from itertools import takewhile
from pathlib import Path

import numpy as np
import pandas as pd

from smugglesim.experiments.specs import (
    Sweep,
    apply_point,
    no_such_parameter,
    parameter_names,
    sha256_file,
)
from smugglesim.model.scenario import Scenario, ScenarioError

WEIGHT = "weight"
"""The column of the particles' weights; every other column is a parameter."""

DATA = Path(__file__).resolve().parent / "data"
POSTERIOR = DATA / "posterior.csv"
"""The calibration's posterior (:mod:`smugglesim.experiments.abc`; docs/calibration.md)."""
QUICK_POSTERIOR = DATA / "posterior_quick.csv"
"""The quick mode's posterior: a smoke test of the method, not to be quoted."""


def read_posterior(path: Path) -> pd.DataFrame:
    """A posterior CSV file as written by :func:`smugglesim.experiments.abc.write_posterior`
    (``#`` comment lines, then one column per parameter and ``weight``), unchecked
    (:func:`read_particles` checks it)."""
    return pd.read_csv(path, comment="#")


def effective_sample_size(posterior: pd.DataFrame) -> float:
    """Kish's effective sample size of the weighted particles, (Σw)² / Σw²."""
    w = posterior[WEIGHT].to_numpy()
    return float(w.sum() ** 2 / np.square(w).sum())


def resample(posterior: pd.DataFrame, draws: int, rng: np.random.Generator) -> np.ndarray:
    """``draws`` row numbers of ``posterior``, drawn with replacement in proportion to the
    particles' weights."""
    weights = posterior[WEIGHT].to_numpy(dtype=float)
    return rng.choice(len(posterior), size=draws, p=weights / weights.sum())


def shipped_posteriors() -> dict[str, Path]:
    """The posteriors kept with smugglesim, by name (the file's stem): the CSV files
    ``posterior*.csv`` of ``smugglesim/experiments/data``."""
    return {path.stem: path for path in sorted(DATA.glob("posterior*.csv"))}


def posterior_source(source: str | Path) -> Path:
    """A path as it is; a bare name that is no file here: the shipped posterior of that name.

    Raises:
        ScenarioError: a bare name that is neither (with the shipped names).
    """
    path = Path(source)
    if path.exists() or path.suffix or len(path.parts) > 1:
        return path
    shipped = shipped_posteriors()
    if str(source) in shipped:
        return shipped[str(source)]
    listed = f"(shipped: {', '.join(shipped) or 'none'})"
    if str(source) == POSTERIOR.stem:
        raise ScenarioError(
            f"{source}: no such file, and the calibration's posterior ({POSTERIOR}) is "
            f"not there yet {listed}"
        )
    close = difflib.get_close_matches(str(source), shipped, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    raise ScenarioError(
        f"{source}: no such file, and no shipped posterior of that name{hint} {listed}"
    )


def read_particles(path: Path) -> pd.DataFrame:
    """The particles of a posterior CSV file, checked: one float column per parameter of the
    scenario schema and a ``weight`` column, every value finite, every weight positive, and
    every particle a set of values the schema accepts.

    Raises:
        ScenarioError: one line naming the file (and the column).
    """
    if not path.is_file():
        raise ScenarioError(f"{path}: {'not a file' if path.exists() else 'no such file'}")
    try:
        table = read_posterior(path)
    except (OSError, ValueError) as exc:  # pandas' parser and empty-file errors are ValueErrors
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ScenarioError(f"{path}: cannot read as a posterior CSV file: {reason}") from None
    if not isinstance(table.index, pd.RangeIndex):
        raise ScenarioError(f"{path}: a row has more values than the header has columns")
    if WEIGHT not in table:
        raise ScenarioError(
            f"{path}: {WEIGHT}: no such column (a posterior has one column per parameter, "
            f"its dotted name, and a {WEIGHT} column)"
        )
    names = [c for c in table.columns if c != WEIGHT]
    if not names or table.empty:
        raise ScenarioError(f"{path}: no {'particles' if names else 'parameter columns'}")
    known = parameter_names(Scenario().model_dump(mode="json"))
    for name in names:
        if name not in known:
            raise ScenarioError(no_such_parameter(str(path), name, known))
    for name in table.columns:
        values = pd.to_numeric(table[name], errors="coerce").astype(float)
        bad = ~np.isfinite(values) | ((values <= 0) if name == WEIGHT else False)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            value = table[name].iloc[row]
            must = "positive" if name == WEIGHT else "a finite number"
            raise ScenarioError(
                f"{path}: {name}: must be {must} in every row; row {row + 1} has "
                + (repr(value) if isinstance(value, str) else str(value))
            )
        table[name] = values
    default = Scenario()
    for row, particle in enumerate(table[names].to_dict("records")):
        apply_point(default, particle, f"{path} (row {row + 1})")  # a value the schema refuses
    return table


def posterior_sweep(source: str | Path, draws: int, seed: int) -> Sweep:
    """``draws`` parameter sets drawn from a posterior file, as an explicit-points sweep.

    Args:
        source: A posterior CSV file, or the name of a shipped one (:func:`shipped_posteriors`).
        draws: How many parameter sets to draw (with replacement, in proportion to the
            particles' weights).
        seed: Seed of the draws (``smugglesim batch`` uses its ``--seed`` unless given
            ``--posterior-seed``).

    Returns:
        A ``"points"`` sweep over the posterior's parameters (``params``: each one's range
        over the particles), ``origin`` saying where its points came from.

    Raises:
        ScenarioError: a missing or bad file, one line naming it (and the column).
        ValueError: ``draws`` or ``seed`` that is not a whole number in range.
    """
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise ValueError(f"posterior draws: must be a whole number from 1, not {draws!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"posterior seed: must be a whole number from 0, not {seed!r}")
    path = posterior_source(source)
    table = read_particles(path)
    names = [c for c in table.columns if c != WEIGHT]
    rows = resample(table, draws, np.random.default_rng(seed))
    with path.open(encoding="utf-8", errors="replace") as f:
        comments = [line[1:].strip() for line in takewhile(lambda s: s.startswith("#"), f)]
    return Sweep(
        "points",
        {n: [float(table[n].min()), float(table[n].max())] for n in names},
        values=table.loc[rows, names].to_numpy().tolist(),
        origin={
            "posterior": str(path.resolve()),
            "sha256": sha256_file(path),
            "label": comments[0] if comments else "",
            "particles": len(table),
            "effective_sample_size": round(effective_sample_size(table), 2),
            "draws": draws,
            "seed": seed,
            "rows": rows.tolist(),
        },
    )
