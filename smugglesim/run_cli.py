"""The ``run``, ``validate`` and ``side-by-side`` subcommands of ``smugglesim``.

Bad scenario input ends with one line on stderr naming the file and the key, and exit
status 2 (handled by :func:`smugglesim.cli.main`). The model is imported inside the
handlers, so that ``smugglesim --help`` does not wait for it.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from smugglesim import options
from smugglesim.commands import command, report_options, scenario_path

if TYPE_CHECKING:
    from smugglesim.experiments.tables import Format


def _json_default(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def summary_json(summary: dict) -> str:
    """JSON for a summary: NaN (no journey on a route) becomes null."""
    clean = json.loads(json.dumps(summary, default=_json_default).replace("NaN", "null"))
    return json.dumps(clean, indent=2)


def format_summary(summary: dict, fmt: Format = "text", explain: bool = False) -> str:
    """A run's summary as a table (text, markdown or CSV): every output in it, with the
    label, unit and format declared in :mod:`smugglesim.model.outputs`; flows by route per year;
    ``explain`` adds the outputs' definitions."""
    from smugglesim.reports import summary_report

    return summary_report(summary).render(fmt, explain)


# -- run ---------------------------------------------------------------------------------
SCENARIO_HELP = "scenario TOML file, or the name of a shipped scenario (baseline, ...)"


def _quiet(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


DELAY_S = 2.0  # a command done sooner shows no bar


def _progress(args: argparse.Namespace, total: int, unit: str):
    """A progress bar on a terminal's stderr after ``DELAY_S``; none otherwise or with --quiet."""
    from smugglesim.experiments.progress import Progress

    stream = io.StringIO() if args.quiet else None  # not a terminal: no bar
    return Progress(total, desc=args.command, unit=unit, lines=False, delay=DELAY_S, stream=stream)


def _run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", type=scenario_path, help=SCENARIO_HELP)
    p.add_argument("--seed", type=options.seed, default=1, help="random seed (default 1)")
    p.add_argument("--years", type=options.years, help="override the horizon in years")
    p.add_argument(
        "--out",
        type=options.output_folder,
        default=None,
        help="write summary.json and timeseries.parquet here",
    )
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    report_options(p)
    options.add_extends_option(p)
    _quiet(p)


def _years_override(args: argparse.Namespace) -> dict:
    """``--years`` as keyword arguments of :func:`load_scenario` (errors blame the option)."""
    if args.years is None:
        return {}
    return {"overrides": {"run.years": args.years}, "overrides_source": "command line (--years)"}


def run_provenance(scenario, seed: int, command: str) -> dict:
    """The provenance of one run (:func:`smugglesim.model.provenance.provenance`), its command
    and its seed."""
    from smugglesim.model.provenance import provenance

    record = provenance({scenario.name: scenario.to_dict()})
    return {"command": command, "seed": seed, **record}


def write_run(out: Path, model, record: dict) -> None:
    """summary.json (the summary and its ``provenance``) and timeseries.parquet (with the
    provenance in its metadata) in ``out``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from smugglesim.model.provenance import with_provenance

    summary = model.summary()
    out.mkdir(parents=True, exist_ok=True)
    data = {**json.loads(summary_json(summary)), "provenance": record}
    (out / "summary.json").write_text(json.dumps(data, indent=2) + "\n")
    table = pa.Table.from_pandas(model.timeseries(), preserve_index=False)
    pq.write_table(with_provenance(table, record), out / "timeseries.parquet")


@command("run", "run one scenario once and print its summary", _run_args)
def _run(args: argparse.Namespace) -> int:
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.scenario import load_scenario

    scenario = load_scenario(args.scenario, **_years_override(args))
    if args.out is not None:
        for name in ("summary.json", "timeseries.parquet"):
            if (args.out / name).is_dir():
                raise options.UsageError(f"--out: {args.out / name} is a folder")
    model = SmugglingModel(scenario, rng=args.seed)
    bar = _progress(args, scenario.weeks, "week")
    while model.running:  # SmugglingModel.run(), week by week for the bar
        model.step()
        bar.update()
    bar.close()
    summary = model.summary()
    if args.out is not None:
        words = ["smugglesim", "run", str(args.scenario), "--seed", str(args.seed)]
        words += ["--years", str(args.years)] if args.years is not None else []
        write_run(args.out, model, run_provenance(scenario, args.seed, shlex.join(words)))
    if args.json:
        print(json.dumps(json.loads(summary_json(summary))))
    else:
        print(format_summary(summary, args.format, args.explain))
    return 0


# -- validate ----------------------------------------------------------------------------
def _validate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenarios", nargs="+", type=scenario_path, help="scenario TOML files or names")
    options.add_extends_option(p)


@command("validate", "check scenario files; exit 0 when all are valid, 2 otherwise", _validate_args)
def _validate(args: argparse.Namespace) -> int:
    from smugglesim.model.scenario import ScenarioError, load_scenario

    status = 0
    for path in args.scenarios:
        try:
            load_scenario(path)
            print(f"{path}: ok")
        except ScenarioError as exc:
            print("\n".join(exc.errors), file=sys.stderr)
            status = 2
    return status


# -- compare (plain side by side; the experiments layer makes it paired) -----------------
def _sbs_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "scenarios",
        nargs="+",
        type=scenario_path,
        help="scenario TOML files or names of shipped scenarios; the first is the reference",
    )
    p.add_argument(
        "--seeds", type=options.count(1), default=3, help="seeds 1..N for each scenario (default 3)"
    )
    p.add_argument("--years", type=options.years, help="override the horizon in years")
    options.add_extends_option(p)
    report_options(p)
    _quiet(p)


@command(
    "side-by-side", "run scenarios on the same seeds and print their means side by side", _sbs_args
)
def _side_by_side(args: argparse.Namespace) -> int:
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.outputs import HEADLINE
    from smugglesim.model.scenario import ScenarioError, load_scenario
    from smugglesim.reports import side_by_side_report

    scenarios, errors = [], []
    for path in args.scenarios:  # every file's errors at once
        try:
            scenarios.append(load_scenario(path, **_years_override(args)))
        except ScenarioError as exc:
            errors += [e for e in exc.errors if e not in errors]  # an override: once
    if errors:
        raise ScenarioError(*errors)
    seeds = list(range(1, args.seeds + 1))
    means: list[dict[str, float]] = []
    bar = _progress(args, len(scenarios) * args.seeds, "run")
    for sc in scenarios:
        runs = []
        for seed in seeds:
            runs.append(SmugglingModel(sc, rng=seed).run().summary())
            bar.update()
        means.append({o.name: sum(r[o.name] for r in runs) / len(runs) for o in HEADLINE})
    bar.close()
    report = side_by_side_report(
        [s.name for s in scenarios], means, seeds, [s.weeks for s in scenarios]
    )
    print(report.render(args.format, args.explain))
    return 0
