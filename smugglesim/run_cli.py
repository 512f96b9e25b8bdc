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

from smugglesim.commands import command, scenario_path


def _json_default(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def summary_json(summary: dict) -> str:
    """JSON for a summary: NaN (no journey on a route) becomes null."""
    clean = json.loads(json.dumps(summary, default=_json_default).replace("NaN", "null"))
    return json.dumps(clean, indent=2)


HEADER = ("scenario", "seed", "weeks")
NOTES = {"confiscation_ratio": "(status quo: under 2%)"}


def format_summary(summary: dict) -> str:
    """A readable table of a run's summary: every output in it, with the label, unit and
    format declared in :mod:`model.outputs`; flows by route per year."""
    from model.outputs import OUTPUTS

    lines = [f"scenario {summary['scenario']}  seed {summary['seed']}  weeks {summary['weeks']}"]
    shown = [o for o in OUTPUTS if o.summary and o.summary_key in summary]
    by_route = [o for o in shown if o.family == "<route>"]
    years = summary["weeks"] / 52
    if by_route:
        routes = list(summary[by_route[0].summary_key])
        lines += ["", f"{'':<30}" + "".join(f"{r:>17}" for r in routes)]
        for o in by_route:
            values = summary[o.summary_key]
            scale = 1 / years if o.kind == "flow" else 1.0
            cells = "".join(f"{o.format(values[r] * scale):>17}" for r in routes)
            lines.append(f"{o.rate_heading('year'):<30}{cells}")
    lines.append("")
    for o in shown:
        if o.family == "<route>" or o.name in HEADER:
            continue
        value = summary[o.summary_key]
        if o.family:
            text = ", ".join(f"{k} {o.format(v)}" for k, v in value.items())
            heading = f"{o.heading} by {o.family.strip('<>')}"
        else:
            text, heading = o.format(value), o.heading
        lines.append(f"{heading:<30}{text}  {NOTES.get(o.name, '')}".rstrip())
    return "\n".join(lines)


# -- run ---------------------------------------------------------------------------------
SCENARIO_HELP = "scenario TOML file, or the name of a shipped scenario (baseline, ...)"


def _quiet(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


DELAY_S = 2.0  # a command done sooner shows no bar


def _progress(args: argparse.Namespace, total: int, unit: str):
    """A progress bar on a terminal's stderr after ``DELAY_S``; none otherwise or with --quiet."""
    from experiments.progress import Progress

    stream = io.StringIO() if args.quiet else None  # not a terminal: no bar
    return Progress(total, desc=args.command, unit=unit, lines=False, delay=DELAY_S, stream=stream)


def _run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", type=scenario_path, help=SCENARIO_HELP)
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--years", type=float, default=None, help="override the horizon in years")
    p.add_argument(
        "--out", type=Path, default=None, help="write summary.json and timeseries.parquet here"
    )
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    _quiet(p)


def run_provenance(scenario, seed: int, command: str) -> dict:
    """The provenance of one run (:func:`model.provenance.provenance`), its command
    and its seed."""
    from model.provenance import provenance

    record = provenance({scenario.name: scenario.to_dict()})
    return {"command": command, "seed": seed, **record}


def write_run(out: Path, model, record: dict) -> None:
    """summary.json (the summary and its ``provenance``) and timeseries.parquet (with the
    provenance in its metadata) in ``out``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from model.provenance import with_provenance

    summary = model.summary()
    out.mkdir(parents=True, exist_ok=True)
    data = {**json.loads(summary_json(summary)), "provenance": record}
    (out / "summary.json").write_text(json.dumps(data, indent=2) + "\n")
    table = pa.Table.from_pandas(model.timeseries(), preserve_index=False)
    pq.write_table(with_provenance(table, record), out / "timeseries.parquet")


@command("run", "run one scenario once and print its summary", _run_args)
def _run(args: argparse.Namespace) -> int:
    from model.model import SmugglingModel
    from model.scenario import load_scenario

    overrides = {"run.years": args.years} if args.years is not None else None
    scenario = load_scenario(args.scenario, overrides)
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
    print(json.dumps(json.loads(summary_json(summary))) if args.json else format_summary(summary))
    return 0


# -- validate ----------------------------------------------------------------------------
def _validate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenarios", nargs="+", type=scenario_path, help="scenario TOML files or names")


@command("validate", "check scenario files; exit 0 when all are valid, 2 otherwise", _validate_args)
def _validate(args: argparse.Namespace) -> int:
    from model.scenario import ScenarioError, load_scenario

    status = 0
    for path in args.scenarios:
        try:
            load_scenario(path)
            print(f"{path}: ok")
        except ScenarioError as exc:
            print(str(exc), file=sys.stderr)
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
    p.add_argument("--seeds", type=int, default=3, help="seeds 1..N for each scenario (default 3)")
    p.add_argument("--years", type=float, default=None, help="override the horizon in years")
    _quiet(p)


@command(
    "side-by-side", "run scenarios on the same seeds and print their means side by side", _sbs_args
)
def _side_by_side(args: argparse.Namespace) -> int:
    from model.model import SmugglingModel
    from model.outputs import HEADLINE
    from model.scenario import load_scenario

    overrides = {"run.years": args.years} if args.years is not None else None
    scenarios = [load_scenario(p, overrides) for p in args.scenarios]
    means: list[dict[str, float]] = []
    bar = _progress(args, len(scenarios) * args.seeds, "run")
    for sc in scenarios:
        runs = []
        for seed in range(1, args.seeds + 1):
            runs.append(SmugglingModel(sc, rng=seed).run().summary())
            bar.update()
        means.append({o.name: sum(r[o.name] for r in runs) / len(runs) for o in HEADLINE})
    bar.close()
    width = max(16, *(len(s.name) + 2 for s in scenarios))
    print(
        f"mean of seeds 1..{args.seeds}".ljust(28)
        + "".join(f"{s.name:>{width}}" for s in scenarios)
    )
    for o in HEADLINE:
        cells = "".join(f"{o.format(m[o.name], mean=True):>{width}}" for m in means)
        print(f"{o.heading:<28}{cells}")
    return 0
