"""Checks of ``batch``, ``compare`` and ``sensitivity`` before any run starts.

The options that argparse can check alone are in :mod:`smugglesim.options`; these need the
scenarios: every file read with the overrides (all errors at once, those of an override
naming the option), the swept parameters and their values, the outcome, the baseline, and
the number of runs (no more workers than runs). Each raises
:class:`~smugglesim.model.scenario.ScenarioError` (one line per error) or
:class:`~smugglesim.options.UsageError` (one line), which :func:`smugglesim.cli.main`
prints with exit status 2.
"""

from __future__ import annotations

import argparse
import difflib
from pathlib import Path
from typing import Any

from smugglesim.experiments.specs import (
    Sweep,
    apply_point,
    build_entries,
    no_such_parameter,
    parameter_names,
)
from smugglesim.model.scenario import Scenario, ScenarioError, read_scenario
from smugglesim.options import UsageError


def engine(args: argparse.Namespace) -> None:
    """Options that must go together."""
    if args.scheduler and args.engine != "dask":
        raise UsageError("--scheduler: needs --engine dask")


def scenarios(
    files: list[str | Path], overrides: dict[str, Any], sources: dict[str, str]
) -> list[Scenario]:
    """Every file read with the overrides; all their errors at once (an error in an
    override, the same for every file, once)."""
    found, errors = [], []
    for path in files:
        try:
            found.append(read_scenario(path, overrides, ("sweep",), overrides_source=sources)[0])
        except ScenarioError as exc:
            errors += [e for e in exc.errors if e not in errors]
    if errors:
        raise ScenarioError(*errors)
    return found


def swept(bases: list[Scenario], values: dict[str, list[Any]], labels: dict[str, str]) -> None:
    """Every value of every swept parameter, set alone on each scenario: an unknown
    parameter (with the closest one) or a value the schema refuses, naming the option
    (``labels``: parameter -> its option as typed)."""
    errors: list[str] = []
    for base in bases:
        known = parameter_names(base.model_dump(mode="json"))
        for name, spec in values.items():
            label = labels[name]
            if name not in known:
                line = no_such_parameter(label, name, known)
                errors += [line] if line not in errors else []
                continue
            for value in spec:
                try:
                    apply_point(base, {name: value}, label)
                except ScenarioError as exc:
                    errors += [e for e in exc.errors if e not in errors]
    if errors:
        raise ScenarioError(*errors)


def sweep_values(
    bases: list[Scenario], sweep: Sweep | None, sweep_params: list[str] | None
) -> None:
    """:func:`swept` for a batch's sweep, its errors naming the ``--sweep-param`` option given
    (``sweep_params``) or, for posterior draws, the posterior file (checking the ends of
    each parameter's range over the particles)."""
    if sweep is None:
        return
    if sweep.origin is not None:
        labels = dict.fromkeys(sweep.params, sweep.origin["posterior"])
    else:
        labels = option_labels(sweep_params, "--sweep-param")
    swept(bases, sweep.params, labels)


def option_labels(items: list[str] | None, option: str) -> dict[str, str]:
    """Parameter name -> ``command line (OPTION NAME=SPEC)``, for :func:`swept`."""
    return {i.partition("=")[0]: f"command line ({option} {i})" for i in items or []}


def outcome(base: Scenario, name: str, option: str = "--outcome") -> None:
    """The outcome (given by ``option``) must be a column a run produces."""
    from smugglesim.experiments.sensitivity import outcomes

    known = outcomes(base)
    if name not in known:
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise UsageError(
            f"{option}: unknown outcome {name!r}; {hint}choose one of {', '.join(known)}"
        )


def baseline(name: str | None, names: list[str]) -> None:
    if name is not None and name not in names:
        raise UsageError(f"--baseline: {name!r} is not among the scenarios ({', '.join(names)})")


def batch_scenarios(folder: Path) -> list[str]:
    """The scenario labels of a batch output folder."""
    import pandas as pd

    try:
        table = pd.read_parquet(folder / "runs.parquet", columns=["scenario"])
    except Exception as exc:  # pyarrow's errors share no base class narrower than Exception
        raise ScenarioError(f"{folder / 'runs.parquet'}: cannot read: {exc}") from None
    return sorted(set(table["scenario"]))


def runs(
    files: list[str | Path],
    replications: int,
    seed: int,
    overrides: dict[str, Any],
    sweep: Sweep | None = None,
) -> int:
    """How many runs a batch of ``files`` makes (every sweep point, every replication)."""
    return len(build_entries(list(files), seed, overrides, sweep)) * replications
