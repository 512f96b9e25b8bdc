"""Does whom the police remove matter? One operation, four strategies, paired seeds.

    python -m smugglesim.experiments.targeting                  # 16 seeds, about 2 minutes
    python -m smugglesim.experiments.targeting --seeds 32 --members-per-ocg 2

On each seed the baseline runs without an operation, and once per strategy with one
operation (``[[operations]]``, ``smugglesim/model/operations.py``) at ``--week`` against every
OCG (``route = "all"``), arresting the same number of members in each (``--members-per-ocg``)
chosen at random, leaders first, brokers first (those whose arrest cuts the most members off
the command) or money handlers first (``smugglesim/model/key_players.py``). Outcomes, each
against the paired run without the operation: the places offered (``capacity_offered``)
lost over the following 26 and 52 weeks, as a share of the paired run's; the loss in the
operation's own week; the weeks until the places offered (4-week means) are back
within 95% of the paired run's (52 if never); and, inside the groups, the share of
transporters linked to their command by ties in the operation's week and the weeks until
it is back within 95% of the paired run's. Each strategy is compared with random
removal, seed by seed (Wilcoxon signed-rank test; intervals: 2.5-97.5% of 2,000 bootstrap
means of the paired differences). Bright et al. (2017) rank removal by betweenness first,
of those who hold money second, both ahead of random removal.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from scipy import stats

from smugglesim.model.model import SmugglingModel
from smugglesim.model.scenario import load_scenario

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.toml"
STRATEGIES = ("random", "leaders_first", "broker_first", "money_first")
RECOVERED = 0.95  # back within 95% of the paired run's places offered
SMOOTH_WEEKS = 4


def capacity(seed: int, years: float, operation: dict | None) -> tuple[np.ndarray, int]:
    """Per reported week, the places offered and the share of the transporters linked to
    their command (rows 0 and 1); and the members the operation arrested."""
    overrides: dict = {"run.years": years}
    if operation is not None:
        overrides["operations"] = [operation]
    model = SmugglingModel(load_scenario(BASELINE, overrides), rng=seed)
    linked = []
    while model.running:
        model.step()
        table = model.ocg_table
        live = table.existing()
        linked.append(table.reachable[live].sum() / max(1, table.transporters[live].sum()))
    arrested = model.operations[0].arrested if model.operations else 0
    places = model.timeseries()["capacity_offered"].to_numpy(dtype=float)
    return np.vstack([places, linked]), arrested


def _weeks_back(base: np.ndarray, hit: np.ndarray) -> float:
    """Weeks until the 4-week mean of ``hit`` is back within 95% of ``base``'s."""
    kernel = np.ones(SMOOTH_WEEKS) / SMOOTH_WEEKS
    b = np.convolve(base, kernel, mode="valid")
    h = np.convolve(hit, kernel, mode="valid")
    back = np.flatnonzero(h >= RECOVERED * b)
    return float(back[0]) if back.size else float(len(b))


def outcomes(base: np.ndarray, hit: np.ndarray, week: int) -> dict[str, float]:
    """Loss of places offered after ``week`` (percent of the paired run's), the weeks for
    them to recover, the crews linked to their command in the operation's week and the
    weeks for those to recover (``base``, ``hit``: :func:`capacity`'s rows)."""

    def lost(weeks: int) -> float:
        b, h = base[0, week : week + weeks], hit[0, week : week + weeks]
        return 100.0 * (b - h).sum() / b.sum()

    return {
        "lost_week": 100.0 * (base[0, week] - hit[0, week]) / base[0, week],
        "lost_26": lost(26),
        "lost_52": lost(52),
        "recovery_weeks": _weeks_back(base[0, week:], hit[0, week:]),
        "linked_week": 100.0 * hit[1, week],
        "linked_recovery_weeks": _weeks_back(base[1, week:], hit[1, week:]),
    }


def run(seeds: int, week: int, members_per_ocg: int) -> tuple[dict, dict]:
    years = (week + 52 + SMOOTH_WEEKS) / 52
    results: dict[str, list[dict[str, float]]] = {s: [] for s in STRATEGIES}
    arrested: dict[str, list[int]] = {s: [] for s in STRATEGIES}
    for seed in range(1, seeds + 1):
        base, _ = capacity(seed, years, None)
        for strategy in STRATEGIES:
            op = {"week": week, "route": "all", "strategy": strategy}
            op["members_per_ocg"] = members_per_ocg
            hit, n = capacity(seed, years, op)
            results[strategy].append(outcomes(base, hit, week))
            arrested[strategy].append(n)
    return results, arrested


def table(results: dict, arrested: dict, rng: np.random.Generator) -> str:
    keys = (
        "lost_week",
        "lost_26",
        "lost_52",
        "recovery_weeks",
        "linked_week",
        "linked_recovery_weeks",
    )
    heads = (
        "places lost in the week (%)",
        "places lost, 26 weeks (%)",
        "places lost, 52 weeks (%)",
        "weeks until places recover",
        "crews linked to the command in the week (%)",
        "weeks until crews recover",
    )
    lines = [
        "| strategy | members arrested | " + " | ".join(heads) + " |",
        "|---|---|" + "---|" * len(heads),
    ]
    rand = {k: np.array([r[k] for r in results["random"]]) for k in keys}
    for strategy, rows in results.items():
        cells = [strategy.replace("_", " "), f"{np.mean(arrested[strategy]):.0f}"]
        for k in keys:
            x = np.array([r[k] for r in rows])
            cell = f"{x.mean():.1f}"
            if strategy != "random":
                d = x - rand[k]
                boot = rng.choice(d, (2000, d.size)).mean(axis=1)
                lo, hi = np.percentile(boot, [2.5, 97.5])
                p = stats.wilcoxon(d).pvalue if np.any(d != 0) else 1.0
                cell += f" ({d.mean():+.1f} [{lo:+.1f}, {hi:+.1f}], p {p:.3f})"
            cells.append(cell)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=16)
    parser.add_argument("--week", type=int, default=26, help="week of the operation")
    parser.add_argument("--members-per-ocg", type=int, default=1)
    args = parser.parse_args(argv)
    start = time.time()
    results, arrested = run(args.seeds, args.week, args.members_per_ocg)
    print(
        f"Baseline, one operation in week {args.week} against every OCG, "
        f"{args.members_per_ocg} member(s) each; seeds 1-{args.seeds}. Mean; for each "
        "strategy, its difference from random removal (mean [95% bootstrap interval], "
        "Wilcoxon signed-rank p)."
    )
    print()
    print(table(results, arrested, np.random.default_rng(0)))
    print()
    print(f"({time.time() - start:.0f} s)")


if __name__ == "__main__":
    main()
