"""Outputs that read like a report: intervals inside the range of each figure, tables as
text, markdown and CSV labelled from the output registry, cost per EUR million, the forest
plot with one panel per outcome, run length and replications in every title."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smugglesim.cli import main
from smugglesim.experiments import intervals, plots
from smugglesim.experiments.compare import compare, confiscation_vs_line
from smugglesim.experiments.compare_table import comparison_report
from smugglesim.experiments.tables import difference, run_length
from smugglesim.model import outputs

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "scenarios" / "baseline.toml")
IRU = str(ROOT / "scenarios" / "iru_takedowns.toml")


# -- intervals ---------------------------------------------------------------------------
def test_interval_of_a_figure_that_cannot_be_negative_never_goes_below_zero():
    rng = np.random.default_rng(11)
    for n in (2, 3, 5, 10):
        for _ in range(200):
            # Mostly zeros with a rare large value: a t-interval goes far below zero here.
            x = (rng.random(n) < 0.3) * rng.lognormal(0, 2, n)
            mean, low, high = intervals.mean_interval(x, 0.95, intervals.bounds("hvts_arrested"))
            assert math.isnan(low) or 0 <= low <= mean <= high
    assert intervals.t_interval(np.array([0.0, 0.0, 5.0]))[1] < 0  # what the old one gave


def test_interval_of_a_share_stays_between_zero_and_one():
    rng = np.random.default_rng(12)
    assert intervals.bounds("confiscation_ratio") == intervals.UNIT_INTERVAL
    for _ in range(300):
        x = rng.beta(0.3, 0.3, rng.integers(2, 8))
        mean, low, high = intervals.mean_interval(x, 0.95, intervals.bounds("confiscation_ratio"))
        assert 0 <= low <= mean <= high <= 1


def test_log_interval_covers_the_mean_of_skewed_data_better_than_the_t_interval():
    rng = np.random.default_rng(13)
    for draw, truth, floor in (
        (lambda: rng.gamma(2.0, 1.0, 10), 2.0, 0.93),
        (lambda: rng.lognormal(0, 1, 10), math.exp(0.5), 0.86),  # heavy right tail
    ):
        log_hits = t_hits = 0
        for _ in range(1000):
            x = draw()
            _, low, high = intervals.mean_interval(x, 0.95, intervals.NON_NEGATIVE)
            log_hits += low <= truth <= high
            _, low, high = intervals.t_interval(x, 0.95)
            t_hits += low <= truth <= high
        assert floor <= log_hits / 1000 <= 0.99
        assert log_hits > t_hits


def test_relative_change_is_never_below_minus_100_percent():
    rng = np.random.default_rng(14)
    for _ in range(300):
        base = rng.lognormal(3, 1, 4)
        other = base * rng.lognormal(-2, 1.5, 4)  # a large, noisy fall
        ratio, low, high = intervals.ratio_interval(base, other)
        assert 0 < low <= ratio <= high


def _runs(base: list[float], other: list[float], metric: str = "hvts_arrested") -> pd.DataFrame:
    rows = [
        {"scenario": name, "replication": r, "seed": r, "status": "ok", "weeks": 156, metric: v}
        for name, values in (("baseline", base), ("measure", other))
        for r, v in enumerate(values)
    ]
    return pd.DataFrame(rows)


def test_no_percentage_change_when_the_baseline_is_zero_or_not_told_from_zero():
    zero = compare(_runs([0, 0, 0], [3, 5, 4])).iloc[0]
    assert math.isnan(zero.rel_change) and zero.rel_note == intervals.BASELINE_ZERO
    near = compare(_runs([0, 1, 0], [9, 12, 10])).iloc[0]
    assert math.isnan(near.rel_change) and near.rel_note == intervals.BASELINE_NEAR_ZERO
    clear = compare(_runs([40, 44, 42], [50, 55, 52])).iloc[0]
    assert clear.rel_note == "" and clear.rel_ci_low < clear.rel_change < clear.rel_ci_high
    text = comparison_report(compare(_runs([0, 1, 0], [9, 12, 10]))).render()
    assert "n/a: baseline not distinguishable from 0" in text
    assert "read the difference instead" in text


# -- tables ------------------------------------------------------------------------------
def test_a_share_reads_the_same_in_every_table_and_differences_in_points():
    ratio = outputs.lookup("confiscation_ratio")
    assert ratio.format(0.0002218) == "0.02%"
    assert difference(ratio, 0.0006) == "+0.06 pp"
    effects = compare(
        _runs([0.0002, 0.0003, 0.0002], [0.0005, 0.0006, 0.0007], "confiscation_ratio")
    )
    text = comparison_report(effects).render()
    assert "0.02%" in text and "0.06%" in text and "+0.04 pp" in text
    assert "e-0" not in text


def test_the_command_offers_every_format_a_report_renders():
    from smugglesim.commands import REPORT_FORMATS
    from smugglesim.experiments.tables import FORMATS

    assert REPORT_FORMATS == FORMATS


def test_run_length_reads_in_years_or_weeks():
    assert [run_length(w) for w in (52, 156, 26, 13, 260)] == [
        "1 year",
        "3 years",
        "0.5 years",
        "13 weeks",
        "5 years",
    ]


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    """A small comparison: the baseline and IRU takedowns, 3 paired replications, 13 weeks."""
    out = tmp_path_factory.mktemp("cmp")
    args = ["compare", BASELINE, IRU, "-n", "3", "--years", "0.25", "-j", "1", "--out", str(out)]
    assert main([*args, "--format", "csv"]) == 0
    return out


def test_compare_csv_parses_with_labels_units_and_cost_per_eur_million(batch, capsys):
    assert main(["compare", str(batch), "--format", "csv", "--explain"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert {"output", "label", "unit", "years", "replications", "difference_low"} <= set(table)
    assert set(table["years"]) == {0.25} and set(table["replications"]) == {3}
    row = table.set_index("output").loc["members_arrested_per_eur_million"]
    assert row.label == "members arrested per EUR million of measures"
    assert row.definition.startswith("The extra members arrested")
    assert table.set_index("output").loc["proceeds_eur", "unit"] == "EUR"


def test_compare_markdown_is_a_table_with_the_run_length_in_every_title(batch, capsys):
    assert main(["compare", str(batch), "--format", "md", "--explain"]) == 0
    out = capsys.readouterr().out
    titles = [line for line in out.splitlines() if line.startswith("**") and "vs" in line]
    assert titles and all("13 weeks, 3 paired replications" in t for t in titles)
    rows = [line for line in out.splitlines() if line.startswith("|")]
    assert {line.count("|") - line.count("\\|") for line in rows} == {6, 5}  # two tables
    assert "per EUR million of measures (EUR)" in out
    assert f"**HVTs arrested**: {outputs.lookup('hvts_arrested').definition}" in out


def test_run_csv_has_every_summary_figure_and_md_has_its_title(capsys):
    assert main(["run", BASELINE, "--years", "0.25", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    by_key = {r["output"]: r for r in rows}
    assert by_key["arrivals_central_med"]["label"] == "undetected entries, central_med"
    assert by_key["proceeds_eur"]["unit"] == "EUR" and float(by_key["proceeds_eur"]["value"]) > 0
    assert {r["years"] for r in rows} == {"0.25"}
    assert main(["run", BASELINE, "--years", "0.25", "--format", "md", "--explain"]) == 0
    out = capsys.readouterr().out
    assert "**baseline, seed 1: 13 weeks; whole run**" in out
    assert "- **confiscation ratio**:" in out and "docs/glossary.md" in out


def test_side_by_side_text_gives_seeds_and_run_length(capsys):
    assert main(["side-by-side", BASELINE, IRU, "--seeds", "1", "--years", "0.25"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("means over the same 1 seeds (1): 13 weeks")
    assert "confiscation ratio" in out and "proceeds (EUR)" in out
    assert "cost of measures (EUR)" in out and "591,667" in out  # EUR 2.37 million a year


# -- plots -------------------------------------------------------------------------------
def test_forest_plot_has_one_axis_per_outcome_in_its_unit(batch):
    effects = compare(batch)
    figure = plots.forest_figure(effects)
    shown = [m for m in plots.HEADLINE if m != "measures_cost_eur"]
    axes = [ax for ax in figure.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == [outputs.label(m) for m in shown]
    by_title = {ax.get_title(): ax for ax in axes}
    assert by_title["confiscation ratio"].get_xlabel() == "difference (percentage points)"
    assert by_title["members arrested"].get_xlabel() == "difference (members)"
    assert "13 weeks, 3 paired replications" in figure.get_suptitle()


def test_series_and_confiscation_titles_give_run_length_and_replications(batch):
    ts = pd.read_parquet(batch / "timeseries.parquet")
    figure = plots.series_figure(ts)
    assert "13 weeks, 3 replications" in figure.get_suptitle()
    titles = [ax.get_title() for ax in figure.axes if ax.get_visible()]
    assert "members arrested per week" in titles
    assert "undetected entries per week (migrants)" in titles
    line = plots.confiscation_figure(confiscation_vs_line(batch))
    assert "13 weeks, 3 replications" in line.axes[0].get_title()
    band = plots.bands(ts, "confiscation_ratio")
    assert (band["low"] <= band["median"]).all() and (band["median"] <= band["high"]).all()
    assert (band["low"] >= 0).all()


def test_glossary_defines_the_terms_of_the_tables():
    text = (ROOT / "docs" / "glossary.md").read_text()
    for term in (
        "HVT",
        "OCG",
        "crossing",
        "detection",
        "entry",
        "undetected entry",
        "interception",
        "confiscation ratio",
        "percentage point",
        "paired",
        "replication",
        "per EUR million",
    ):
        assert f"**{term}" in text, term
