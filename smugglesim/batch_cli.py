"""The ``batch``, ``compare`` and ``sensitivity`` subcommands of ``smugglesim``.

Imported by :mod:`smugglesim.cli`; each command registers itself with
:func:`smugglesim.commands.command`. Bad scenario input exits 2 (handled by
``smugglesim.cli.main``); a batch with failed runs exits 1 after all the others have run.
``compare --dose-response`` and ``compare --equal-budget`` are ``smugglesim
dose-response``, with its options and handler (:mod:`smugglesim.dose_cli`).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import os
import shlex
import sys
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smugglesim import options, posterior_cli
from smugglesim.commands import command, report_options, scenario_path, user_errors

if TYPE_CHECKING:
    from smugglesim.experiments.specs import Sweep

# Written out rather than imported, so that `smugglesim --help` need not import the
# experiment layer (pandas, scipy); tests/test_cli.py checks them against it.
ENGINES = ("process", "dask")
METHODS = ("morris", "sobol")


def _value(text: str) -> Any:
    """A ``--set`` value as TOML reads it (``true``, ``5``, ``0.5``, ``"x"``, ``[1, 2]``);
    else as a Python literal (``True``); else the text itself."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        pass
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text  # a bare string


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for item in args.set or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise options.UsageError(f"--set {item}: expected KEY=VALUE")
        overrides[key] = _value(value)
    if args.years is not None:
        overrides["run.years"] = args.years
    return overrides


def _common(p: argparse.ArgumentParser, replications: int | str | None) -> None:
    """The options of the commands that run replications. ``replications``: None, a
    required option; a number, its default; a text, the help's words for a default the
    handler chooses (the option is None when not given)."""
    if replications is None:
        p.add_argument(
            "--replications",
            "-n",
            type=options.replications,
            required=True,
            help="replications per scenario, on the same seeds for every scenario",
        )
    else:
        p.add_argument(
            "--replications",
            "-n",
            type=options.replications,
            default=replications if isinstance(replications, int) else None,
            help=f"replications per scenario (default {replications})",
        )
    p.add_argument(
        "--workers",
        "-j",
        type=options.workers,
        default=os.cpu_count() or 1,
        help="worker processes (default: the number of CPUs; at most 4 per CPU, and never "
        "more than there are runs); 1 runs in this process",
    )
    p.add_argument("--engine", choices=ENGINES, default="process", help="default: process")
    p.add_argument(
        "--scheduler",
        default=None,
        help="address of a running Dask scheduler, e.g. tcp://host:8786 (engine dask)",
    )
    p.add_argument(
        "--seed", type=options.seed, default=0, help="root seed of the replication seeds"
    )
    p.add_argument("--years", type=options.years, help="override run.years")
    p.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="override a parameter of every scenario (repeatable), as TOML: "
        "measures.iru_takedowns.enabled=true",
    )
    options.add_extends_option(p)
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")


def _scenarios(args: argparse.Namespace, files: list[str | Path]):
    """Every scenario file read with the overrides, errors in an override naming it."""
    from smugglesim import batch_checks

    sources = options.override_sources(args.set, args.years is not None)
    return batch_checks.scenarios(files, _overrides(args), sources)


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
    p.add_argument(
        "--out", type=options.output_folder, required=True, help="output folder (resumable)"
    )
    p.add_argument(
        "--sweep-param",
        action="append",
        metavar="NAME=SPEC",
        help="sweep NAME over V1,V2,... (factorial) or LOW:HIGH (lhs); repeatable",
    )
    p.add_argument("--sweep-method", choices=("factorial", "lhs"), default="factorial")
    p.add_argument("--sweep-samples", type=options.count(1, 100_000), help="points of an lhs sweep")
    p.add_argument("--sweep-seed", type=options.seed, help="lhs sampler seed")
    posterior_cli.add_options(p)


def _sweep(args: argparse.Namespace) -> Sweep | None:
    from smugglesim.experiments.specs import Sweep, parse_sweep_param
    from smugglesim.model.scenario import ScenarioError

    if (drawn := posterior_cli.sweep(args)) is not None:
        return drawn
    if not args.sweep_param:
        for option in ("sweep_samples", "sweep_seed"):
            if getattr(args, option) is not None:
                flag = "--" + option.replace("_", "-")
                raise options.UsageError(f"{flag}: needs --sweep-param")
        return None
    if args.sweep_method == "lhs" and args.sweep_samples is None:
        raise options.UsageError("--sweep-samples: an lhs sweep needs the number of points")
    params = dict(parse_sweep_param(s) for s in args.sweep_param)
    try:
        return Sweep(args.sweep_method, params, samples=args.sweep_samples, seed=args.sweep_seed)
    except ScenarioError as exc:  # e.g. "sweep: params.x: lhs needs [low, high]..."
        raise options.UsageError(f"--sweep-param: {exc}") from None


@command("batch", "run scenarios (and sweeps) on paired seeds; results as Parquet", _batch_args)
@user_errors
def _batch(args: argparse.Namespace) -> int:
    from smugglesim import batch_checks
    from smugglesim.experiments.batch import run_batch

    batch_checks.engine(args)
    sweep = _sweep(args)
    batch_checks.sweep_values(_scenarios(args, args.scenarios), sweep, args.sweep_param)
    if sweep is not None and sweep.origin is not None:
        print(posterior_cli.drawn_from(sweep.origin))
    runs_total = batch_checks.runs(
        args.scenarios, args.replications, args.seed, _overrides(args), sweep
    )
    args.workers = options.cap_workers(args.workers, runs_total)
    runs = run_batch(
        args.scenarios,
        args.replications,
        out=args.out,
        workers=args.workers,
        engine=args.engine,
        scheduler=args.scheduler,
        seed=args.seed,
        sweep=sweep,
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
REPLICATIONS = 20
"""Replications per scenario of ``compare`` when none are asked for."""
MODES = {
    "a batch folder or scenarios": "targets",
    "--dose-response TARGET": "dose_response",
    "--equal-budget EUR": "equal_budget",
}
"""What ``compare`` compares, one of these (by the option that gives it)."""
NOT_WITH_BUDGETS = {
    "--baseline": None,
    "--set": None,
    "--engine": "process",
    "--scheduler": None,
    "--ranking": None,
    "--posterior": None,
    "--posterior-draws": None,
    "--posterior-seed": None,
}
"""Options of ``compare`` that the budget modes do not use, with their defaults."""
RANKING = "confiscation_ratio"
"""The outcome ``compare --posterior`` ranks the scenarios on unless ``--ranking`` names one."""


def _compare_args(p: argparse.ArgumentParser) -> None:
    # Imported here and in the handler, not above, so that dose-response keeps its place
    # in the help (smugglesim.cli imports the command modules in the help's order).
    from smugglesim import dose_cli

    p.add_argument(
        "targets",
        nargs="*",
        help="a batch output folder, or BASELINE.toml OTHER.toml... to run first",
    )
    p.add_argument(
        "--dose-response",
        metavar="TARGET",
        help="instead: the effects of a measure (its key) or a package (a scenario with "
        f"measures on) at yearly budgets (--levels), paired seeds (default -n {dose_cli.SEEDS}, "
        f"--years {dose_cli.YEARS:g}, as with --equal-budget); short form: smugglesim "
        "dose-response TARGET",
    )
    dose_cli.budget_options(p)
    p.add_argument(
        "--ranking",
        metavar="OUTCOME",
        help="instead, for a batch folder whose scenarios share a sweep of parameter draws "
        "(or for scenarios run with --posterior, default confiscation_ratio): each scenario's "
        "effect on OUTCOME over the draws, and the share of draws in which one's effect is "
        "larger than another's (docs/experiments.md)",
    )
    p.add_argument(
        "--baseline",
        default=None,
        help="scenario to compare against (default: 'baseline', else the first)",
    )
    _common(p, f"{REPLICATIONS}; {dose_cli.SEEDS} with --dose-response or --equal-budget")
    posterior_cli.add_options(p)
    p.add_argument(
        "--out",
        type=options.output_folder,
        default=None,
        help="where to write (default: the folder; for files: ./smugglesim-compare; "
        "--dose-response and --equal-budget: only when given)",
    )
    report_options(p)


def _budget_mode(args: argparse.Namespace) -> bool:
    """Whether ``compare`` runs a dose-response or every measure at one budget (the work of
    ``smugglesim dose-response``), its arguments then set for :func:`dose_cli.run`; a
    mixture of modes, or an option the mode does not use, ends in one line."""
    from smugglesim import dose_cli

    mode = dose_cli.one_mode("compare", {k: getattr(args, v) for k, v in MODES.items()})
    if mode == next(iter(MODES)):
        if args.levels:
            raise options.UsageError("--levels: only with --dose-response TARGET")
        return False
    for flag, default in NOT_WITH_BUDGETS.items():
        if getattr(args, flag.removeprefix("--").replace("-", "_")) != default:
            raise options.UsageError(f"{flag}: not used with {mode}")
    args.target = args.dose_response
    args.seeds = args.replications or dose_cli.SEEDS
    args.years = args.years or dose_cli.YEARS
    if args.seeds < 2:
        raise options.UsageError(f"--replications/-n: {mode} needs at least 2, got {args.seeds}")
    return True


@command(
    "compare",
    "paired differences against a baseline, with confidence intervals and plots; or a "
    "measure's effects against its budget (--dose-response), or all at one (--equal-budget)",
    _compare_args,
)
@user_errors
def _compare(args: argparse.Namespace) -> int:
    from smugglesim import batch_checks, dose_cli

    if _budget_mode(args):
        return dose_cli.run(args)
    args.replications = args.replications or REPLICATIONS
    from smugglesim.experiments.batch import run_batch
    from smugglesim.experiments.compare import write_report
    from smugglesim.experiments.compare_table import format_comparison
    from smugglesim.model.scenario import ScenarioError

    status = 0
    # CSV on stdout must parse: the other lines go to stderr then.
    notes = sys.stderr if args.format == "csv" else sys.stdout
    is_folder = len(args.targets) == 1 and Path(args.targets[0]).is_dir()
    if args.ranking is not None and not is_folder and args.posterior is None:
        raise options.UsageError(
            "--ranking: give one batch folder (run the draws first: smugglesim batch A.toml "
            "B.toml --sweep-method lhs --sweep-samples N --sweep-param NAME=LOW:HIGH ...), "
            "or scenarios with --posterior"
        )
    if is_folder and args.posterior is not None:
        raise options.UsageError(
            "--posterior: runs scenarios at posterior draws; a batch folder has run already "
            "(rank its draws with --ranking OUTCOME)"
        )
    if is_folder:
        folder = Path(args.targets[0])
        if not (folder / "runs.parquet").is_file():
            raise ScenarioError(f"{folder}: runs.parquet: not a batch output folder")
        out = args.out or folder
        if args.ranking is not None:
            return _ranking(folder, out, args)
        options.check_output_folder(out)
        batch_checks.baseline(args.baseline, batch_checks.batch_scenarios(folder))
    else:
        files = [scenario_path(t) for t in args.targets]
        if len(files) < 2:
            raise ScenarioError(f"{files[0]}: compare needs a folder or at least two scenarios")
        folder = out = args.out or Path("smugglesim-compare")
        options.check_output_folder(out)
        batch_checks.engine(args)
        sweep = posterior_cli.sweep(args)
        bases = _scenarios(args, files)
        batch_checks.baseline(args.baseline, [s.name for s in bases])
        batch_checks.sweep_values(bases, sweep, None)
        if sweep is not None:
            args.ranking = args.ranking or RANKING
            batch_checks.outcome(bases[0], args.ranking, "--ranking")
        runs_total = batch_checks.runs(files, args.replications, args.seed, _overrides(args), sweep)
        args.workers = options.cap_workers(args.workers, runs_total)
        runs = run_batch(
            files,
            args.replications,
            out=folder,
            workers=args.workers,
            engine=args.engine,
            scheduler=args.scheduler,
            seed=args.seed,
            sweep=sweep,
            overrides=_overrides(args),
            command=_command_line("compare", args),
            progress=not args.quiet,
        )
        with contextlib.redirect_stdout(notes):
            status = _report_failures(runs, folder)
        if sweep is not None:  # a table per draw would say little: rank over the draws
            print()
            return _ranking(folder, out, args) or status
        if args.baseline is None:
            args.baseline = runs["scenario"].iloc[0]
    effects, confiscation, plots = write_report(folder, out, args.baseline)
    print(format_comparison(effects, confiscation, args.format, args.explain))
    print(
        f"\nwritten: {out / 'compare.csv'}, {out / 'confiscation.csv'}, "
        + ", ".join(str(p) for p in plots),
        file=notes,
    )
    return status


def _ranking(folder: Path, out: Path, args: argparse.Namespace) -> int:
    """``compare FOLDER --ranking OUTCOME``: effects over the parameter draws, and how often
    each scenario's beats each other's (:mod:`smugglesim.experiments.ranking`)."""
    from smugglesim.experiments.compare import _pick_baseline, load_runs
    from smugglesim.experiments.ranking import beats, effects_by_draw, summary
    from smugglesim.model import outputs

    options.check_output_folder(out)
    runs, manifest = load_runs(folder)
    if origin := ((manifest or {}).get("sweep") or {}).get("origin"):
        print(posterior_cli.drawn_from(origin) + "\n")
    names = list(dict.fromkeys(runs["scenario_name"]))
    baseline = _pick_baseline(names, args.baseline)
    effects = effects_by_draw(runs, args.ranking, baseline)
    spread, shares = summary(effects), beats(effects)
    label = outputs.label(args.ranking)
    draws = len(effects)
    print(
        f"Change in {label} against {baseline} over {draws} parameter draw"
        f"{'s' if draws != 1 else ''} (each the mean of its paired replications):\n"
    )
    print(spread.to_string(float_format=lambda v: f"{v:.4g}"))
    print(f"\nShare of draws in which the row's change in {label} is larger than the column's:\n")
    print(shares.to_string(float_format=lambda v: f"{v:.2f}", na_rep="-"))
    if draws == 1:
        print("\n(one draw: the batch has no sweep, so this ranks seeds, not parameters)")
    effects.to_csv(out / "ranking_effects.csv")
    shares.to_csv(out / "ranking.csv")
    print(f"\nwritten: {out / 'ranking_effects.csv'}, {out / 'ranking.csv'}")
    return 0


# -- sensitivity -------------------------------------------------------------------------
def _sa_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "scenario", type=scenario_path, help="scenario TOML file or name of a shipped scenario"
    )
    p.add_argument("--method", choices=METHODS, default="morris")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=LOW:HIGH",
        help="a dotted parameter and its range (repeatable)",
    )
    p.add_argument(
        "--assumptions",
        action="store_true",
        help="add every parameter of the status quo's mechanisms tagged ASSUMPTION in the "
        "schema, over its default ±50%% within its range (docs/experiments.md)",
    )
    p.add_argument(
        "--outcome", required=True, help="metric of runs.parquet, e.g. confiscation_ratio"
    )
    p.add_argument(
        "--against",
        type=scenario_path,
        metavar="SCENARIO",
        help="a reference scenario (e.g. baseline): the indices are of the paired difference, "
        "scenario minus reference, at the same parameter values and seeds",
    )
    p.add_argument(
        "--samples",
        type=options.count(1, 100_000),
        default=8,
        help="morris: trajectories; sobol: base samples, a power of 2 (default 8)",
    )
    p.add_argument(
        "--levels", type=options.even_levels, default=4, help="morris grid levels (default 4)"
    )
    _common(p, 2)
    p.add_argument(
        "--out",
        type=options.output_folder,
        default="smugglesim-sensitivity",  # a string, so that argparse checks it too
        help="output folder (default ./smugglesim-sensitivity)",
    )


@command("sensitivity", "Morris or Sobol' sensitivity indices with SALib", _sa_args)
@user_errors
def _sensitivity(args: argparse.Namespace) -> int:
    from smugglesim import batch_checks
    from smugglesim.experiments.sensitivity import assumption_params, parse_param, sensitivity
    from smugglesim.experiments.specs import read_scenario_file

    params = assumption_params() if args.assumptions else {}
    params |= dict(parse_param(p) for p in args.param)
    if not params:
        raise options.UsageError("give --param NAME=LOW:HIGH (repeatable) or --assumptions")
    batch_checks.engine(args)
    if args.method == "sobol" and args.samples & (args.samples - 1):
        raise options.UsageError(
            f"--samples: sobol needs a power of 2 (e.g. 8, 16), got {args.samples}"
        )
    _scenarios(args, [args.scenario, *([args.against] if args.against else [])])
    base, _ = read_scenario_file(args.scenario, _overrides(args))
    labels = dict.fromkeys(params, "command line (--assumptions)")
    labels |= batch_checks.option_labels(args.param, "--param")
    checked = [base]
    if args.against:
        checked.append(read_scenario_file(args.against, _overrides(args))[0])
    batch_checks.swept(checked, params, labels)
    batch_checks.outcome(base, args.outcome)
    points = (len(params) + (1 if args.method == "morris" else 2)) * args.samples
    runs = points * args.replications * (2 if args.against else 1)
    args.workers = options.cap_workers(args.workers, runs)
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
        against=args.against,
    )
    from smugglesim.experiments.sensitivity import title

    print(title(table))
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print(f"\nwritten: {args.out / 'sensitivity.csv'}, {args.out / 'sensitivity.png'}")
    return 0
