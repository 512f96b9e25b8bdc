"""Check the baseline against its calibration targets (DESIGN.md §6).

    python -m model.calibration --seeds 20

runs the baseline for 20 seeds and prints a Markdown table of model against target, with
the source of each target; docs/calibration.md shows that table.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from model.model import SmugglingModel, default_routes
from model.scenario import load_scenario

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.toml"


def measure(seeds: int, scenario: Path = BASELINE) -> list[tuple[str, str, str, str, str]]:
    """Rows (figure, model mean [min-max over seeds], target, within, source)."""
    sc = load_scenario(scenario)
    routes = default_routes()
    runs = []
    for seed in range(1, seeds + 1):
        model = SmugglingModel(sc, rng=seed).run()
        s = model.summary()
        s["_poly"] = np.mean([o.poly_criminal for o in model.ocgs])
        # Deaths at sea on the Central Mediterranean: the last leg of its paths.
        j = model.journeys()
        cm = j[(j["route"] == "central_med")]
        at_sea = cm["legs_completed"] == routes.path_len[cm["path"].to_numpy()] - 1
        died = (cm["outcome"] == "died") & at_sea
        crossed = cm["outcome"].isin(["arrived", "detected"])
        s["_cm_death"] = died.sum() / max(1, died.sum() + crossed.sum())
        runs.append(s)
    years = sc.weeks / 52
    rows = []

    def stat(values: list[float]) -> tuple[float, str]:
        v = np.asarray(values, dtype=float)
        return float(v.mean()), f"[{v.min():,.4g} – {v.max():,.4g}]"

    for route, info in routes.routes.items():
        target = info["detections_2018"]
        mean, spread = stat([r["detections_by_route"][route] / years for r in runs])
        ok = abs(mean / target - 1) <= 0.3
        rows.append(
            (
                f"detections per year, {info['label']}",
                f"{mean:,.0f} {spread}",
                f"{target:,} ±30%",
                "yes" if ok else "NO",
                "Frontex, Risk Analysis for 2019",
            )
        )
    for route, info in routes.routes.items():
        lo, hi = info["fee_range_eur"]
        mean, spread = stat([r["mean_fee_eur_by_route"][route] for r in runs])
        rows.append(
            (
                f"mean journey fee (EUR), {info['label']}",
                f"{mean:,.0f} {spread}",
                f"{lo:,}–{hi:,}",
                "yes" if lo <= mean <= hi else "NO",
                "UNODC 2018; Europol–Interpol 2016",
            )
        )
    mean, spread = stat([r["facilitated_share"] for r in runs])
    rows.append(
        (
            "share of arrivals and detections facilitated",
            f"{mean:.3f} {spread}",
            "> 0.90",
            "yes" if mean > 0.9 else "NO",
            "Europol–Interpol 2016",
        )
    )
    mean, spread = stat([r["confiscation_ratio"] for r in runs])
    rows.append(
        (
            "confiscation ratio (confiscated / proceeds)",
            f"{mean:.4f} {spread}",
            "0.005–0.02",
            "yes" if 0.005 <= mean <= 0.02 else "NO",
            "Council doc 15250/18 (< 2%); Europol 2016 (1.1%)",
        )
    )
    mean, spread = stat([r["assets_frozen_eur"] / r["proceeds_eur"] for r in runs])
    rows.append(
        (
            "frozen share of proceeds",
            f"{mean:.4f} {spread}",
            "about 0.022",
            "yes" if 0.01 <= mean <= 0.04 else "NO",
            "Europol 2016 (2.2% frozen)",
        )
    )
    mean, spread = stat([r["_poly"] for r in runs])
    rows.append(
        (
            "poly-criminal share of OCGs",
            f"{mean:.3f} {spread}",
            "0.46",
            "yes" if abs(mean - 0.46) <= 0.08 else "NO",
            "Council doc 15250/18",
        )
    )
    mean, spread = stat([r["_cm_death"] for r in runs])
    rows.append(
        (
            "deaths per sea crossing, Central Med",
            f"{mean:.4f} {spread}",
            "0.01–0.03",
            "yes" if 0.01 <= mean <= 0.03 else "NO",
            "IOM Missing Migrants 2016–2018",
        )
    )
    mean, spread = stat([r["members_arrested"] / years for r in runs])
    rows.append(
        (
            "members arrested per year",
            f"{mean:,.0f} {spread}",
            "order of 10^2–10^3 (core members)",
            "yes" if 100 <= mean <= 5000 else "NO",
            "EMSC 2018: 53 action days, 600+ arrests; Frontex 2017: ~10,000 facilitators detected",
        )
    )
    return rows


def to_markdown(rows: list[tuple[str, str, str, str, str]], seeds: int) -> str:
    lines = [
        f"Baseline, 5 years, seeds 1–{seeds}: mean [min – max over seeds].",
        "",
        "| figure | model | target | within | source |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {' | '.join(r)} |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--scenario", type=Path, default=BASELINE)
    args = parser.parse_args(argv)
    rows = measure(args.seeds, args.scenario)
    print(to_markdown(rows, args.seeds))
    return 0 if all(r[3] == "yes" for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
