"""Sweeps, paired comparison (intervals, cost-effectiveness, plots) and sensitivity analysis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smugglesim.cli import main
from smugglesim.experiments import (
    Sweep,
    compare,
    confiscation_vs_line,
    read_scenario_file,
    sensitivity,
)
from smugglesim.experiments.sensitivity import title as sensitivity_title
from smugglesim.experiments.specs import apply_point, build_entries
from smugglesim.model import load_scenario
from smugglesim.model.scenario import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"
FIN = ROOT / "scenarios" / "financial_investigations.toml"
SHARE = "measures.financial_investigations.parallel_share"


# -- sweeps ------------------------------------------------------------------------------
def test_factorial_sweep_runs_every_combination():
    sweep = Sweep("factorial", {SHARE: [0.2, 0.5, 0.8], "enforcement.liaison_officers": [6, 24]})
    entries = build_entries([FIN], 0, sweep=sweep)
    assert len(entries) == 6
    assert [e.label for e in entries][:2] == [
        "financial_investigations[0]",
        "financial_investigations[1]",
    ]
    assert {(e.values[SHARE], e.values["enforcement.liaison_officers"]) for e in entries} == {
        (a, b) for a in (0.2, 0.5, 0.8) for b in (6, 24)
    }
    assert entries[3].scenario.measures.financial_investigations.parallel_share == 0.5


def test_latin_hypercube_sweep_stratifies_each_range_and_rounds_integers():
    sweep = Sweep("lhs", {SHARE: [0.0, 1.0], "enforcement.liaison_officers": [0, 40]}, samples=10)
    entries = build_entries([FIN], 3, sweep=sweep)
    shares = sorted(e.values[SHARE] for e in entries)
    # One point in each tenth of the range: the defining property of a Latin hypercube.
    assert [int(s * 10) for s in shares] == list(range(10))
    officers = [e.scenario.enforcement.liaison_officers for e in entries]
    assert all(isinstance(o, int) and 0 <= o <= 40 for o in officers)
    again = build_entries([FIN], 3, sweep=sweep)
    assert [e.values for e in again] == [e.values for e in entries]


def test_sweep_table_in_a_scenario_file_is_read_before_validation(tmp_path):
    path = tmp_path / "fin_sweep.toml"
    path.write_text(
        textwrap.dedent(f"""
        extends = "{FIN}"
        name = "fin_sweep"

        [sweep]
        method = "factorial"
        [sweep.params]
        "{SHARE}" = [0.3, 0.9]
        """)
    )
    with pytest.raises(ScenarioError, match="sweep"):
        load_scenario(path)  # the schema alone does not know the table
    scenario, sweep = read_scenario_file(path)
    assert scenario.name == "fin_sweep" and scenario.measures.financial_investigations.enabled
    assert sweep is not None and sweep.points(0) == [{SHARE: 0.3}, {SHARE: 0.9}]
    assert [e.label for e in build_entries([path], 0)] == ["fin_sweep[0]", "fin_sweep[1]"]


def test_bad_sweep_and_bad_parameter_name_the_file_and_key(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(f'extends = "{BASELINE}"\n[sweep]\nmethod = "grid"\n[sweep.params]\nx = [1]\n')
    with pytest.raises(ScenarioError, match=r"bad\.toml: sweep: method"):
        read_scenario_file(path)
    path.write_text(f'extends = "{BASELINE}"\n[demand]\nscale = -2\n[sweep.params]\nx = [1]\n')
    with pytest.raises(ScenarioError, match=r"bad\.toml: demand\.scale"):
        read_scenario_file(path)
    with pytest.raises(ScenarioError, match=r"no_such\.param: no such parameter"):
        build_entries([BASELINE], 0, sweep=Sweep("factorial", {"no_such.param": [1]}))


def test_batch_cli_sweep_records_the_parameter_values(tmp_path, capsys):
    args = ["batch", str(FIN), "-n", "2", "--years", "0.5", "--workers", "1"]
    args += ["--sweep-param", f"{SHARE}=0.1,0.9", "--out", str(tmp_path)]
    assert main(args) == 0
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    assert runs.groupby("point")[SHARE].first().tolist() == [0.1, 0.9]
    assert (
        runs.groupby("point")["seed"].apply(list).iloc[0]
        == runs.groupby("point")["seed"].apply(list).iloc[1]
    )
    frozen = runs.groupby("point")["assets_frozen_eur"].mean()
    assert frozen[1] > frozen[0]


# -- comparison --------------------------------------------------------------------------
def _synthetic(effect: float, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Paired runs: the scenario adds ``effect`` to each replication's baseline value."""
    shared = rng.normal(100.0, 20.0, n)  # what common random numbers share
    rows = []
    for r in range(n):
        for name, value in (("baseline", shared[r]), ("measure", shared[r] + effect)):
            rows.append(
                {
                    "scenario": name,
                    "replication": r,
                    "seed": 1000 + r,
                    "status": "ok",
                    "y": value + rng.normal(0, 1.0),
                    "measures_cost_eur": 2.0e6 if name == "measure" else 0.0,
                    "assets_confiscated_eur": 1e5
                    + (3e5 if name == "measure" else 0) * (1 + 0.1 * rng.normal()),
                    "members_arrested": 50.0,
                    "confiscation_ratio": 0.03 if name == "measure" else 0.01,
                }
            )
    return pd.DataFrame(rows)


def test_paired_interval_covers_a_known_difference():
    rng = np.random.default_rng(7)
    row = compare(_synthetic(5.0, 30, rng)).set_index("metric").loc["y"]
    assert row.diff_ci_low < 5.0 < row.diff_ci_high
    assert row.diff_ci_low > 0  # pairing removes the shared noise (sd 20) from the interval
    assert row.rel_change == pytest.approx(row.diff_mean / row.baseline_mean)
    # Over many synthetic batches the 95% interval covers the truth about 95% of the time.
    hits = 0
    for _ in range(300):
        r = compare(_synthetic(5.0, 8, rng), metrics=["y"]).iloc[0]
        hits += r.diff_ci_low <= 5.0 <= r.diff_ci_high
    assert 0.91 <= hits / 300 <= 0.99


def test_cost_effectiveness_is_extra_output_per_extra_eur_million():
    effects = compare(_synthetic(0.0, 20, np.random.default_rng(1)), baseline="baseline")
    per_eur = effects.set_index("metric").loc["confiscated_eur_per_eur_million"]
    assert per_eur.kind == "per_eur_million"
    assert per_eur.diff_ci_low < 150_000 < per_eur.diff_ci_high  # 3e5 extra per 2e6 spent
    arrests = effects.set_index("metric").loc["members_arrested_per_eur_million"]
    assert arrests.diff_mean == 0.0


def test_confiscation_ratio_is_judged_against_the_2_percent_line():
    table = confiscation_vs_line(_synthetic(0.0, 10, np.random.default_rng(2)))
    verdicts = dict(zip(table["scenario"], table["vs_2pct_line"], strict=True))
    assert verdicts == {"baseline": "below", "measure": "above"}


def test_compare_refuses_unpaired_runs_and_unknown_baseline():
    runs = _synthetic(1.0, 5, np.random.default_rng(3))
    with pytest.raises(ValueError, match="baseline 'nope'"):
        compare(runs, baseline="nope")
    runs.loc[runs["scenario"] == "measure", "seed"] += 1
    with pytest.raises(ValueError, match="same seeds"):
        compare(runs)


def test_compare_shortcut_runs_both_scenarios_and_writes_table_csv_and_plots(tmp_path, capsys):
    args = ["compare", str(BASELINE), str(FIN), "-n", "3", "--years", "0.5", "--workers", "1"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "financial_investigations vs baseline" in out and "2% line" in out
    effects = pd.read_csv(tmp_path / "compare.csv")
    assert {"diff_ci_low", "diff_ci_high", "rel_change"} <= set(effects.columns)
    assert "confiscated_eur_per_eur_million" in set(effects["metric"])
    for png in ("timeseries.png", "forest.png", "confiscation_ratio.png"):
        assert (tmp_path / png).read_bytes()[:4] == b"\x89PNG"
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["command"].startswith("smugglesim compare")
    # The same folder compared again, without rerunning anything.
    assert main(["compare", str(tmp_path), "--baseline", "baseline"]) == 0


# -- sensitivity -------------------------------------------------------------------------
def test_morris_sensitivity_runs_end_to_end_and_ranks_the_driving_parameter(tmp_path):
    table = sensitivity(
        BASELINE,
        {"demand.scale": (0.5, 1.5), "justice.conviction_prob": (0.5, 0.9)},
        outcome="migrants_departed",
        method="morris",
        samples=2,
        replications=1,
        overrides={"run.years": 0.25},
        out=tmp_path,
        progress=False,
    )
    by = table.set_index("parameter")
    assert list(by.columns[:2]) == ["outcome", "method"]
    # Departures scale with demand and cannot depend on the courts.
    assert by.loc["demand.scale", "mu_star"] > 0
    assert by.loc["justice.conviction_prob", "mu_star"] == 0
    assert (tmp_path / "sensitivity.csv").exists() and (tmp_path / "sensitivity.png").exists()
    # What was measured is named in the table and its title: run length, points, replications.
    assert (table["weeks"] == 13).all() and (table["replications"] == 1).all()
    assert sensitivity_title(table) == (
        "Morris sensitivity of migrants departed: 13 weeks, 6 points x 1 replications each"
    )


def test_the_assumptions_screen_every_assumed_mechanism_parameter_within_its_range():
    from smugglesim.experiments.sensitivity import assumption_params
    from smugglesim.model.scenario import Scenario

    params = assumption_params()
    # the mechanisms of issue 10 are in: money, demand, secondary movement, capacity
    for name in (
        "smugglers.member_pay_eur_week",
        "smugglers.transporter_cost_eur_week",
        "smugglers.asset_drawdown_share_week",
        "smugglers.initial_assets_eur",
        "smugglers.expansion_prob_week",
        "demand.departure_elasticity",
        "demand.give_up_doubling_weeks",
        "demand.secondary_movement_share",
    ):
        assert name in params, name
    base = Scenario()
    for name, (low, high) in params.items():
        assert low < high, name
        apply_point(base, {name: low}, "low")  # both ends valid in the schema
        apply_point(base, {name: high}, "high")
        section, key = name.split(".")
        assert "ASSUMPTION" in type(getattr(base, section)).model_fields[key].description


def test_sensitivity_against_a_reference_reads_the_paired_differences(tmp_path, capsys):
    """Against a reference, each point runs both scenarios with the same values and seeds:
    a twin of the scenario under another name differs by exactly nothing at every point;
    a package against the baseline gives the indices of its effect, named as such."""
    short = {"run.years": 0.1, "run.warmup_years": 0.1}
    base = apply_point(load_scenario(BASELINE), short, "baseline")
    twin = base.model_copy(update={"name": "twin"})
    with pytest.raises(ValueError, match="same at every point"):
        sensitivity(
            base,
            {"demand.scale": (0.5, 1.5)},
            "migrants_departed",
            samples=2,
            replications=1,
            progress=False,
            against=twin,
        )
    with pytest.raises(ValueError, match="is the scenario itself"):
        sensitivity(base, {"demand.scale": (0.5, 1.5)}, "migrants_departed", against=base)
    args = ["sensitivity", str(ROOT / "scenarios" / "all_measures.toml"), "--against"]
    args += ["baseline", "--param", "demand.scale=0.5:1.5", "--outcome", "members_arrested"]
    args += ["--samples", "2", "-n", "1", "--years", "0.1", "--out", str(tmp_path), "-q"]
    args += ["--set", "run.warmup_years=0.1"]
    assert main(args) == 0
    assert "the change in members arrested against baseline (paired)" in capsys.readouterr().out
    table = pd.read_csv(tmp_path / "sensitivity.csv")
    assert (table["against"] == "baseline").all()
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    assert set(runs["scenario_name"]) == {"all_measures", "baseline"}


def test_sensitivity_rejects_unknown_outcome_and_non_power_of_two_sobol():
    with pytest.raises(ValueError, match="unknown outcome"):
        sensitivity(BASELINE, {"demand.scale": (0.5, 1.5)}, "no_metric", samples=2)
    with pytest.raises(ValueError, match="power of 2"):
        sensitivity(BASELINE, {"demand.scale": (0.5, 1.5)}, "proceeds_eur", "sobol", samples=6)


@pytest.mark.slow
def test_sobol_sensitivity_cli_end_to_end(tmp_path, capsys):
    args = ["sensitivity", str(BASELINE), "--method", "sobol", "--param", "demand.scale=0.5:1.5"]
    args += ["--param", "justice.conviction_prob=0.5:0.9", "--outcome", "migrants_departed"]
    args += ["--samples", "8", "-n", "1", "--years", "0.25", "--out", str(tmp_path)]
    assert main(args) == 0
    table = pd.read_csv(tmp_path / "sensitivity.csv").set_index("parameter")
    assert table.loc["demand.scale", "ST"] > table.loc["justice.conviction_prob", "ST"]


@pytest.mark.slow
def test_unguarded_script_with_threads_runs_a_process_batch(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(
        textwrap.dedent(f"""
        import threading, time
        from smugglesim.experiments import run_batch
        threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
        runs = run_batch([{str(BASELINE)!r}], 2, workers=2, out={str(tmp_path / "out")!r},
                         overrides={{"run.years": 0.25}}, progress=False)
        print(runs["status"].tolist())
        """)
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['ok', 'ok']"


# -- ranking over parameter draws ---------------------------------------------------------
def _draw_runs() -> pd.DataFrame:
    """Three scenarios at three draws, two replications each: A's effect is 2, 2, 2 and B's
    1, 3, 2 (one tie), paired by draw and replication."""
    rows = []
    effect = {"A": [2.0, 2.0, 2.0], "B": [1.0, 3.0, 2.0]}
    for point in range(3):
        for rep in range(2):
            level = 10.0 * point + rep  # what the draw and the seed do to every scenario
            rows.append(("baseline", point, rep, level))
            for name in ("A", "B"):
                rows.append((name, point, rep, level + effect[name][point]))
    runs = pd.DataFrame(rows, columns=["scenario_name", "point", "replication", "x"])
    runs["status"] = "ok"
    return runs


def test_ranking_reads_each_draws_paired_effect_and_how_often_one_beats_another():
    from smugglesim.experiments.ranking import beats, effects_by_draw, summary

    effects = effects_by_draw(_draw_runs(), "x", "baseline")
    assert effects["A"].tolist() == [2.0, 2.0, 2.0]
    assert effects["B"].tolist() == [1.0, 3.0, 2.0]
    shares = beats(effects)
    assert shares.loc["A", "B"] == pytest.approx(0.5)  # larger once, tied once (half)
    assert shares.loc["A", "B"] + shares.loc["B", "A"] == pytest.approx(1.0)
    assert summary(effects).loc["B", "share_above_zero"] == 1.0
    with pytest.raises(ValueError, match="unknown outcome"):
        effects_by_draw(_draw_runs(), "y", "baseline")
    with pytest.raises(ValueError, match="baseline 'C'"):
        effects_by_draw(_draw_runs(), "x", "C")


def test_compare_ranking_prints_the_shares_for_a_batch_folder(tmp_path, capsys):
    _draw_runs().to_parquet(tmp_path / "runs.parquet")
    assert main(["compare", str(tmp_path), "--ranking", "x"]) == 0
    out = capsys.readouterr().out
    assert "over 3 parameter draws" in out and "Share of draws" in out
    assert pd.read_csv(tmp_path / "ranking.csv", index_col=0).loc["A", "B"] == 0.5
    assert main(["compare", str(BASELINE), str(BASELINE), "--ranking", "x"]) == 2
    assert "--ranking: give one batch folder" in capsys.readouterr().err
