"""Measure each measure's and each package's effect on paired seeds, for docs/measures.md.

    python -m smugglesim.experiments.measure_effects            # prints the Markdown tables (about 12 minutes)
    python -m smugglesim.experiments.measure_effects --write    # and replaces them in docs/measures.md
    python -m smugglesim.experiments.measure_effects --tables downstream --write   # one table only

A measure's *first-moved figure* (``Measure.first_moved``, e.g. ``+assets_frozen_eur``) is
read from the weekly time series: summed over the run for flows, averaged for stocks and
ratios (the kind declared in :mod:`smugglesim.model.outputs`). The tests in
``tests/test_measures_all.py`` use :func:`figure` too. The third table judges every measure
and package on the same downstream outcomes (:data:`DOWNSTREAM`), whatever knob it turns.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
from scipy import stats

from smugglesim.experiments.outcomes import DOWNSTREAM, downstream, figure
from smugglesim.model.measures import MEASURES
from smugglesim.model.model import SmugglingModel
from smugglesim.model.outputs import WEEKLY, label, lookup
from smugglesim.model.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
DOC = ROOT / "docs" / "measures.md"

# Seeds of the slow tests (tests/test_measures_all.py) and of the tables they back.
LONG_SEEDS = 8  # each measure, 3 years
# Each package, 5 years. Six seeds resolved every package until the review fixes of 4 December
# 2026 cut the information-flows package's gain in confiscation ratio from about +0.16 to
# +0.10 points with a paired standard deviation of 0.17 (seeds 1-24): six seeds then show it
# at 5% (one-sided paired t-test) with a chance of about 0.35, 24 seeds of about 0.88.
PACKAGE_SEEDS = 24
PACKAGES = {
    "package_information_flows": "1–3",
    "package_operational_tools": "4–9",
    "package_online": "10",
    "package_external_action": "11–13",
    "all_measures": "1–13",
}


def figure_all(model: SmugglingModel) -> dict[str, float]:
    return {column: figure(model, column) for column in WEEKLY}


def one_sided_p(diffs: np.ndarray) -> float:
    """One-sided paired t-test: the chance of a mean difference at least this large if the
    measure changed nothing (``diffs`` are paired differences, signed so that the expected
    direction is positive)."""
    diffs = np.asarray(diffs, dtype=float)
    if np.ptp(diffs) == 0:  # no spread: the sign of the difference says it all
        return 0.0 if diffs[0] > 0 else 1.0
    return float(stats.ttest_1samp(diffs, 0.0, alternative="greater").pvalue)


def run(name: str, years: float, seed: int) -> SmugglingModel:
    return SmugglingModel(
        load_scenario(SCENARIOS / f"{name}.toml", {"run.years": years}), rng=seed
    ).run()


def _fmt(value: float, column: str) -> str:
    if lookup(column).unit == "EUR":
        return f"EUR {value / 1e6:,.1f} m"
    return f"{value:,.1f}" if abs(value) < 100 else f"{value:,.0f}"


def _signed(value: float, column: str) -> str:
    return ("+" if value >= 0 else "−") + _fmt(abs(value), column)


def measures_table(short_years: float, short_seeds: int, long_years: float, long_seeds: int) -> str:
    rows = [
        f"| # | first moved | baseline, {short_years:g} y | change, {short_years:g} y (seeds up) "
        f"| baseline, {long_years:g} y | change, {long_years:g} y (seeds up, one-sided p) |",
        "|---|---|---|---|---|---|",
    ]
    base_cache: dict[tuple[float, int], dict[str, float]] = {}
    for key, cls in MEASURES.items():
        column = cls.first_moved[1:]
        sign = 1.0 if cls.first_moved[0] == "+" else -1.0
        cells = [str(cls.number), f"`{column}` {'up' if sign > 0 else 'down'}"]
        for years, seeds in ((short_years, short_seeds), (long_years, long_seeds)):
            base_vals, diffs = [], []
            for seed in range(1, seeds + 1):
                if (years, seed) not in base_cache:
                    base_cache[(years, seed)] = figure_all(run("baseline", years, seed))
                b = base_cache[(years, seed)][column]
                base_vals.append(b)
                diffs.append(figure(run(key, years, seed), column) - b)
            d = np.array(diffs)
            up = int((sign * d > 0).sum())
            test = f", p {one_sided_p(sign * d):.3f}" if years == long_years else ""
            cells += [
                _fmt(float(np.mean(base_vals)), column),
                f"{_signed(float(d.mean()), column)} ({up}/{seeds}{test})",
            ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def packages_table(years: float, seeds: int) -> str:
    base = [run("baseline", years, s).summary() for s in range(1, seeds + 1)]
    ratio_b = np.mean([b["confiscation_ratio"] for b in base])
    arrested_b = np.mean([b["members_arrested"] for b in base])
    rows = [
        f"| package | measures | {label('confiscation_ratio')} (baseline {ratio_b:.2%}) "
        f"| {label('members_arrested')} (baseline {arrested_b:,.0f}) "
        f"| {label('hvts_arrested')} |",
        "|---|---|---|---|---|",
    ]
    for name, numbers in PACKAGES.items():
        pkg = [run(name, years, s).summary() for s in range(1, seeds + 1)]
        cells = [f"`{name}`", numbers]
        for key, scale, fmt in (
            ("confiscation_ratio", 100, "{:,.2f} points"),
            ("members_arrested", 1, "{:,.1f}"),
            ("hvts_arrested", 1, "{:,.1f}"),
        ):
            d = np.array([p[key] - b[key] for p, b in zip(pkg, base, strict=True)]) * scale
            sign = "+" if d.mean() >= 0 else "−"
            cells.append(
                f"{sign}{fmt.format(abs(d.mean()))} ({int((d > 0).sum())}/{seeds} up, "
                f"p {one_sided_p(d):.3f})"
            )
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def downstream_table(years: float, seeds: int) -> str:
    """Every measure and package against the baseline on the same outcomes: the mean
    paired change, and the two-sided paired t-test's p (``=`` when every seed gives the
    same value)."""
    base = [downstream(run("baseline", years, s)) for s in range(1, seeds + 1)]
    head = " | ".join(h for _, h, _ in DOWNSTREAM)
    rows = [f"| scenario | {head} |", "|---|" + "---|" * len(DOWNSTREAM)]
    names = [*MEASURES, *PACKAGES]
    for name in names:
        other = [downstream(run(name, years, s)) for s in range(1, seeds + 1)]
        cells = [f"{MEASURES[name].number}. `{name}`" if name in MEASURES else f"`{name}`"]
        for key, _, how in DOWNSTREAM:
            b = np.array([r[key] for r in base], dtype=float)
            o = np.array([r[key] for r in other], dtype=float)
            d = o - b
            if how == "percent":
                mean = 100 * d.mean() / b.mean()
                text = f"{mean:+.1f}%"
            elif how == "points":
                text = f"{100 * d.mean():+.2f} pts"
            else:
                text = f"{d.mean():+,.1f}"
            if np.ptp(d) == 0:
                p = "=" if d[0] == 0 else "all seeds"
            else:
                p = f"p {stats.ttest_1samp(d, 0.0).pvalue:.2f}"
            cells.append(f"{text.replace('-', '−')} ({p})")
        rows.append("| " + " | ".join(cells) + " |")
    baseline = ", ".join(
        f"{h} {np.mean([r[k] for r in base]):,.{4 if how == 'points' else 0}f}"
        for k, h, how in DOWNSTREAM
    )
    return "\n".join([f"Baseline means ({years:g} years, seeds 1–{seeds}): {baseline}.", "", *rows])


def replace_block(text: str, marker: str, block: str) -> str:
    """``text`` with what stands between ``<!-- marker -->`` and ``<!-- /marker -->``
    replaced by ``block`` (the generated parts of a hand-written page)."""
    pattern = re.compile(rf"<!-- {marker} -->\n.*?<!-- /{marker} -->", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{DOC}: marker <!-- {marker} --> not found")
    return pattern.sub(lambda _: f"<!-- {marker} -->\n{block}\n<!-- /{marker} -->", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--write", action="store_true", help="replace the tables in docs/measures.md"
    )
    parser.add_argument(
        "--tables",
        nargs="+",
        choices=("measures", "packages", "downstream"),
        default=["measures", "packages", "downstream"],
        help="which tables to compute (all by default)",
    )
    args = parser.parse_args(argv)
    makers = {
        "measures": ("measure-effects", lambda: measures_table(1.0, 3, 3.0, LONG_SEEDS)),
        "packages": ("package-effects", lambda: packages_table(5.0, PACKAGE_SEEDS)),
        "downstream": ("downstream-effects", lambda: downstream_table(3.0, LONG_SEEDS)),
    }
    tables = {}
    for name in args.tables:
        marker, make = makers[name]
        tables[marker] = make()
        print(tables[marker], "", sep="\n", flush=True)
    if args.write:
        text = DOC.read_text()
        for marker, block in tables.items():
            text = replace_block(text, marker, block)
        DOC.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
