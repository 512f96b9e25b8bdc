"""The ``batch``, ``compare`` and ``sensitivity`` subcommands of ``smugglesim``.

Imported by :mod:`smugglesim.cli`; each command registers itself with
:func:`smugglesim.commands.command`. Bad scenario input exits 2 (handled by ``smugglesim.cli.main``);
a batch with failed runs exits 1 after all the others have run.
"""

from __future__ import annotations

import argparse
import ast
import functools
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smugglesim.commands import command, scenario_path

if TYPE_CHECKING:
    from experiments.specs import Sweep

# Written out rather than imported, so that `smugglesim --help` need not import the
# experiment layer (pandas, scipy); tests/test_cli.py checks them against it.
ENGINES = ("process", "dask")
METHODS = ("morris", "sobol")


def _value(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text  # a bare string


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    from model.scenario import ScenarioError

    overrides: dict[str, Any] = {}
    for item in args.set or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ScenarioError(f"--set {item}: expected KEY=VALUE")
        overrides[key] = _value(value)
    if args.years is not None:
        overrides["run.years"] = args.years
    return overrides


def _common(p: argparse.ArgumentParser, replications: int | None) -> None:
    if replications is None:
        p.add_argument(
            "--replications",
            "-n",
            type=int,
            required=True,
            help="replications per scenario, on the same seeds for every scenario",
        )
    else:
        p.add_argument(
            "--replications",
            "-n",
            type=int,
            default=replications,
            help=f"replications per scenario (default {replications})",
        )
    p.add_argument(
        "--workers",
        "-j",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes (default: the number of CPUs); 1 runs in this process",
    )
    p.add_argument("--engine", choices=ENGINES, default="process", help="default: process")
    p.add_argument(
        "--scheduler",
        default=None,
        help="address of a running Dask scheduler, e.g. tcp://host:8786 (engine dask)",
    )
    p.add_argument("--seed", type=int, default=0, help="root seed of the replication seeds")
    p.add_argument("--years", type=float, default=None, help="override run.years")
    p.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="override a parameter of every scenario (repeatable)",
    )
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")


def _command_line(name: str, args: argparse.Namespace) -> str:
    """The command, rebuilt from the parsed arguments (so it is right however main was called)."""
    words = ["smugglesim", name]
    options: list[str] = []
    for key, value in vars(args).items():
        if key in ("handler", "command") or value is None or value is False:
            continue
        if key in ("scenarios", "targets", "scenario"):
            words += [str(v) for v in (value if isinstance(value, list) else [value])]
            continue
        flag = "--" + key.replace("_", "-")
        for item in value if isinstance(value, list) else [value]:
            options += [flag] if item is True else [flag, str(item)]
    return shlex.join(words + options)


# -- batch -------------------------------------------------------------------------------
def _batch_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "scenarios",
        nargs="+",
        type=scenario_path,
        help="scenario TOML files or names of shipped scenarios (baseline, ...)",
    )
    _common(p, None)
    p.add_argument("--out", type=Path, required=True, help="output folder (resumable)")
    p.add_argument(
        "--sweep-param",
        action="append",
        metavar="NAME=SPEC",
        help="sweep NAME over V1,V2,... (factorial) or LOW:HIGH (lhs); repeatable",
    )
    p.add_argument("--sweep-method", choices=("factorial", "lhs"), default="factorial")
    p.add_argument("--sweep-samples", type=int, default=None, help="points of an lhs sweep")
    p.add_argument("--sweep-seed", type=int, default=None, help="lhs sampler seed")


def _sweep(args: argparse.Namespace) -> Sweep | None:
    from experiments.specs import Sweep, parse_sweep_param

    if not args.sweep_param:
        return None
    params = dict(parse_sweep_param(s) for s in args.sweep_param)
    return Sweep(args.sweep_method, params, samples=args.sweep_samples, seed=args.sweep_seed)


def _user_errors(
    handler: Callable[[argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    """Bad arguments (ValueError, RuntimeError) end in one line and exit status 2;
    scenario errors go on to ``smugglesim.cli.main``, which words them the same way."""

    @functools.wraps(handler)
    def wrapped(args: argparse.Namespace) -> int:
        from experiments.batch import BatchCancelled, BatchInterruptedError
        from model.scenario import ScenarioError

        try:
            return handler(args)
        except (BatchInterruptedError, BatchCancelled) as exc:  # the manifest says so too
            print(f"error: {exc}", file=sys.stderr)
            return exc.exit_status
        except ScenarioError:
            raise
        except (ValueError, RuntimeError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2

    return wrapped


@command("batch", "run scenarios (and sweeps) on paired seeds; results as Parquet", _batch_args)
@_user_errors
def _batch(args: argparse.Namespace) -> int:
    from experiments.batch import run_batch

    runs = run_batch(
        args.scenarios,
        args.replications,
        out=args.out,
        workers=args.workers,
        engine=args.engine,
        scheduler=args.scheduler,
        seed=args.seed,
        sweep=_sweep(args),
        overrides=_overrides(args),
        command=_command_line("batch", args),
        progress=not args.quiet,
    )
    return _report_failures(runs, args.out)


def _report_failures(runs, out: Path) -> int:
    failed = runs[runs["status"] != "ok"]
    print(f"{len(runs) - len(failed)} runs done, {len(failed)} failed; results in {out}")
    for _, row in failed.head(5).iterrows():
        print(
            f"  failed: {row.scenario} replication {row.replication}: {row.error}", file=sys.stderr
        )
    return 1 if len(failed) else 0


# -- compare -----------------------------------------------------------------------------
def _compare_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "targets",
        nargs="+",
        help="a batch output folder, or BASELINE.toml OTHER.toml... to run first",
    )
    p.add_argument(
        "--baseline",
        default=None,
        help="scenario to compare against (default: 'baseline', else the first)",
    )
    _common(p, 20)
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where to write (default: the folder; for files: ./smugglesim-compare)",
    )


@command(
    "compare",
    "paired differences against a baseline, with confidence intervals and plots",
    _compare_args,
)
@_user_errors
def _compare(args: argparse.Namespace) -> int:
    from experiments.batch import run_batch
    from experiments.compare import format_comparison, write_report
    from model.scenario import ScenarioError

    status = 0
    if len(args.targets) == 1 and Path(args.targets[0]).is_dir():
        folder = Path(args.targets[0])
        if not (folder / "runs.parquet").exists():
            raise ScenarioError(f"{folder}: runs.parquet: not a batch output folder")
        out = args.out or folder
    else:
        files = [scenario_path(t) for t in args.targets]
        if len(files) < 2:
            raise ScenarioError(f"{files[0]}: compare needs a folder or at least two scenarios")
        folder = out = args.out or Path("smugglesim-compare")
        runs = run_batch(
            files,
            args.replications,
            out=folder,
            workers=args.workers,
            engine=args.engine,
            scheduler=args.scheduler,
            seed=args.seed,
            overrides=_overrides(args),
            command=_command_line("compare", args),
            progress=not args.quiet,
        )
        status = _report_failures(runs, folder)
        if args.baseline is None:
            args.baseline = runs["scenario"].iloc[0]
    effects, confiscation, plots = write_report(folder, out, args.baseline)
    print(format_comparison(effects, confiscation))
    print(
        f"\nwritten: {out / 'compare.csv'}, {out / 'confiscation.csv'}, "
        + ", ".join(str(p) for p in plots)
    )
    return status


# -- sensitivity -------------------------------------------------------------------------
def _sa_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "scenario", type=scenario_path, help="scenario TOML file or name of a shipped scenario"
    )
    p.add_argument("--method", choices=METHODS, default="morris")
    p.add_argument(
        "--param",
        action="append",
        required=True,
        metavar="NAME=LOW:HIGH",
        help="a dotted parameter and its range (repeatable)",
    )
    p.add_argument(
        "--outcome", required=True, help="metric of runs.parquet, e.g. confiscation_ratio"
    )
    p.add_argument(
        "--samples",
        type=int,
        default=8,
        help="morris: trajectories; sobol: base samples, a power of 2 (default 8)",
    )
    p.add_argument("--levels", type=int, default=4, help="morris grid levels (default 4)")
    _common(p, 2)
    p.add_argument(
        "--out",
        type=Path,
        default=Path("smugglesim-sensitivity"),
        help="output folder (default ./smugglesim-sensitivity)",
    )


@command("sensitivity", "Morris or Sobol' sensitivity indices with SALib", _sa_args)
@_user_errors
def _sensitivity(args: argparse.Namespace) -> int:
    from experiments.sensitivity import parse_param, sensitivity

    params = dict(parse_param(p) for p in args.param)
    table = sensitivity(
        args.scenario,
        params,
        args.outcome,
        args.method,
        args.samples,
        args.replications,
        num_levels=args.levels,
        seed=args.seed,
        workers=args.workers,
        engine=args.engine,
        scheduler=args.scheduler,
        overrides=_overrides(args),
        out=args.out,
        progress=not args.quiet,
    )
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print(f"\nwritten: {args.out / 'sensitivity.csv'}, {args.out / 'sensitivity.png'}")
    return 0
