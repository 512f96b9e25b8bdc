"""The ``run``, ``validate`` and ``side-by-side`` subcommands of ``smugglesim``.

Bad scenario input ends with one line on stderr naming the file and the key, and exit
status 2 (handled by :func:`smugglesim.cli.main`).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from model.scenario import ScenarioError, load_scenario
from smugglesim.commands import command


def _json_default(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def summary_json(summary: dict) -> str:
    """JSON for a summary: NaN (no journey on a route) becomes null."""
    clean = json.loads(json.dumps(summary, default=_json_default).replace("NaN", "null"))
    return json.dumps(clean, indent=2)


def format_summary(summary: dict) -> str:
    """A readable table of a run's summary."""
    lines = [
        f"scenario {summary['scenario']}  seed {summary['seed']}  weeks {summary['weeks']}",
        "",
    ]
    routes = list(summary["arrivals_by_route"])
    years = summary["weeks"] / 52
    lines.append(f"{'per year':<18}" + "".join(f"{r:>17}" for r in routes))
    for key, label in [
        ("detections_by_route", "detections"),
        ("arrivals_by_route", "arrivals"),
        ("deaths_by_route", "deaths"),
    ]:
        lines.append(f"{label:<18}" + "".join(f"{summary[key][r] / years:>17,.0f}" for r in routes))
    lines.append(
        f"{'mean fee (EUR)':<18}"
        + "".join(f"{summary['mean_fee_eur_by_route'][r]:>17,.0f}" for r in routes)
    )
    lines.append("")
    rows = [
        ("migrants departed", f"{summary['migrants_departed']:,}"),
        ("migrants smuggled", f"{summary['migrants_smuggled']:,}"),
        ("facilitated share", f"{summary['facilitated_share']:.1%}"),
        ("proceeds (EUR)", f"{summary['proceeds_eur']:,.0f}"),
        ("assets frozen (EUR)", f"{summary['assets_frozen_eur']:,.0f}"),
        ("assets confiscated (EUR)", f"{summary['assets_confiscated_eur']:,.0f}"),
        ("confiscation ratio", f"{summary['confiscation_ratio']:.2%}  (status quo: under 2%)"),
        ("OCGs active at end", f"{summary['ocgs_active_end']}"),
        ("OCGs dismantled", f"{summary['ocgs_dismantled']}"),
        ("members arrested", f"{summary['members_arrested']:,}"),
        ("HVTs arrested", f"{summary['hvts_arrested']}"),
        ("convictions", f"{summary['convictions']:,}"),
        ("measures", ", ".join(summary["measures"]) or "none"),
        ("cost of measures (EUR)", f"{summary['measures_cost_eur']:,.0f}"),
    ]
    lines += [f"{k:<26}{v}" for k, v in rows]
    return "\n".join(lines)


# -- run ---------------------------------------------------------------------------------
def _run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--years", type=float, default=None, help="override the horizon in years")
    p.add_argument(
        "--out", type=Path, default=None, help="write summary.json and timeseries.parquet here"
    )
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")


@command("run", "run one scenario once and print its summary", _run_args)
def _run(args: argparse.Namespace) -> int:
    from model.model import SmugglingModel

    overrides = {"run.years": args.years} if args.years is not None else None
    scenario = load_scenario(args.scenario, overrides)
    model = SmugglingModel(scenario, rng=args.seed).run()
    summary = model.summary()
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "summary.json").write_text(summary_json(summary) + "\n")
        model.timeseries().to_parquet(args.out / "timeseries.parquet", index=False)
    print(json.dumps(json.loads(summary_json(summary))) if args.json else format_summary(summary))
    return 0


# -- validate ----------------------------------------------------------------------------
def _validate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenarios", nargs="+", help="scenario TOML files")


@command("validate", "check scenario files; exit 0 when all are valid, 2 otherwise", _validate_args)
def _validate(args: argparse.Namespace) -> int:
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
    p.add_argument("scenarios", nargs="+", help="scenario TOML files, the first is the reference")
    p.add_argument("--seeds", type=int, default=3, help="seeds 1..N for each scenario (default 3)")
    p.add_argument("--years", type=float, default=None, help="override the horizon in years")


SIDE_BY_SIDE = [
    ("confiscation_ratio", "confiscation ratio", "{:.2%}"),
    ("assets_confiscated_eur", "confiscated (EUR m)", "{:.1f}", 1e-6),
    ("assets_frozen_eur", "frozen (EUR m)", "{:.1f}", 1e-6),
    ("members_arrested", "members arrested", "{:.0f}"),
    ("hvts_arrested", "HVTs arrested", "{:.1f}"),
    ("ocgs_dismantled", "OCGs dismantled", "{:.1f}"),
    ("ocgs_active_end", "OCGs active at end", "{:.1f}"),
    ("migrants_smuggled", "migrants smuggled", "{:,.0f}"),
    ("measures_cost_eur", "cost (EUR m)", "{:.1f}", 1e-6),
]


@command(
    "side-by-side", "run scenarios on the same seeds and print their means side by side", _sbs_args
)
def _side_by_side(args: argparse.Namespace) -> int:
    from model.model import SmugglingModel

    overrides = {"run.years": args.years} if args.years is not None else None
    scenarios = [load_scenario(p, overrides) for p in args.scenarios]
    means: list[dict[str, float]] = []
    for sc in scenarios:
        runs = [SmugglingModel(sc, rng=seed).run().summary() for seed in range(1, args.seeds + 1)]
        means.append({row[0]: sum(r[row[0]] for r in runs) / len(runs) for row in SIDE_BY_SIDE})
    width = max(16, *(len(s.name) + 2 for s in scenarios))
    print(
        f"mean of seeds 1..{args.seeds}".ljust(22)
        + "".join(f"{s.name:>{width}}" for s in scenarios)
    )
    for key, label, fmt, *scale in SIDE_BY_SIDE:
        k = scale[0] if scale else 1.0
        print(f"{label:<22}" + "".join(f"{fmt.format(m[key] * k):>{width}}" for m in means))
    return 0
