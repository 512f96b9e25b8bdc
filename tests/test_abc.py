"""Calibration by inference (smugglesim.experiments.abc): the prior, the summary statistics,
the interval distance and the posteriors kept in the repository. Those that need pyabc skip
without it (the optional extra ``calibrate``, part of ``dev``)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from smugglesim.experiments import abc, calibration
from smugglesim.experiments import posterior as posterior_file
from smugglesim.experiments.sensitivity import assumption_params
from smugglesim.model.scenario import Scenario

MIDDLE = abc.observed()


def test_fitted_parameters_are_the_status_quos_assumptions_with_their_ranges():
    ranges = assumption_params()
    assert set(abc.PARAMETERS) == {n for n in ranges if not n.startswith("costs.")}
    assert abc.priors() == {name: ranges[name] for name in abc.PARAMETERS}
    assert {
        n
        for n in abc.PARAMETERS
        if isinstance(Scenario().model_dump()[n.split(".")[0]][n.split(".")[1]], int)
    } == abc.INTEGERS


def test_targets_are_the_fitted_calibration_targets_with_their_bands():
    kinds = {t.key: t.kind for t in calibration.TARGETS}
    assert set(abc.TARGETS) == {k for k, kind in kinds.items() if kind.startswith("fitted")}
    assert all(t.low < t.high for t in calibration.TARGETS)
    assert {t.kind for t in calibration.TARGETS} <= set(calibration.KINDS)


def test_prior_covers_exactly_the_ranges():
    pytest.importorskip("pyabc", reason="pyabc is the optional extra 'calibrate'")
    prior = abc.prior()
    for name, (low, high) in abc.priors().items():
        rv = prior[abc.key(name)]
        assert rv.pdf((low + high) / 2) == pytest.approx(1 / (high - low))
        assert rv.pdf(low - 1e-9) == 0 and rv.pdf(high + 1e-9) == 0


def test_statistics_of_one_tiny_run_are_the_fitted_targets():
    sim = abc.Simulator(years=4 / 52, warmup_years=0)
    middle = {abc.key(n): (lo + hi) / 2 for n, (lo, hi) in abc.priors().items()}
    stats = sim(middle)
    assert set(stats) == set(abc.TARGETS)
    assert all(isinstance(v, float) for v in stats.values())
    assert stats["detections_per_year_eastern_med"] > 0
    assert 0 <= stats["frozen_share"] < 1
    assert math.isfinite(abc.distance(stats))


def test_simulator_sets_the_particle_rounds_integers_and_keeps_the_rest():
    sim = abc.Simulator(years=1, warmup_years=0)
    particle = {abc.key(n): lo for n, (lo, _) in abc.priors().items()}
    particle[abc.key("smugglers.members_per_coordinator")] = 6.4
    sc = sim.scenario(particle)
    assert sc.finance.cash_seizure_share == abc.priors()["finance.cash_seizure_share"][0]
    assert sc.smugglers.members_per_coordinator == 6
    assert sc.run.years == 1
    assert sc.costs == Scenario().costs


def test_a_combination_the_schema_refuses_is_never_accepted():
    sim = abc.Simulator(years=1, warmup_years=0)
    particle = {abc.key(n): (lo + hi) / 2 for n, (lo, hi) in abc.priors().items()}
    particle[abc.key("smugglers.sold_out_share")] = 0.7
    particle[abc.key("smugglers.under_used_share")] = 0.74
    stats = sim(particle)
    assert all(math.isnan(v) for v in stats.values())
    assert abc.distance(stats) == pytest.approx(10.0)


def test_distance_is_zero_inside_every_band_and_one_a_half_width_beyond():
    assert abc.distance(MIDDLE) == 0
    edges = {name: t.high for name, t in abc.TARGETS.items()}
    assert abc.distance(edges) == 0
    beyond = {name: t.high + (t.high - t.low) / 2 for name, t in abc.TARGETS.items()}
    assert abc.distance(beyond) == pytest.approx(1.0)
    below = {name: t.low - (t.high - t.low) for name, t in abc.TARGETS.items()}
    assert abc.distance(below) == pytest.approx(2.0)
    missing = MIDDLE | {"mean_fee_eur_central_med": math.nan}
    assert abc.distance(missing) == pytest.approx(10 / math.sqrt(len(MIDDLE)))


@pytest.mark.parametrize("path", [posterior_file.QUICK_POSTERIOR, posterior_file.POSTERIOR])
def test_kept_posteriors_load_are_labelled_and_lie_within_the_priors(path):
    if not path.exists():
        pytest.skip(f"{path.name} is not in the repository")
    posterior = posterior_file.read_posterior(path)
    assert list(posterior.columns) == [*abc.PARAMETERS, "weight"]
    assert len(posterior) > 0 and (posterior["weight"] > 0).all()
    for name, (low, high) in abc.priors().items():
        assert posterior[name].between(low, high).all(), name
    assert 1 <= posterior_file.effective_sample_size(posterior) <= len(posterior) + 1e-9
    summary = abc.summarise(posterior)
    assert (summary["q05"] <= summary["mean"]).all() and (summary["mean"] <= summary["q95"]).all()
    assert summary["ks_p"].dropna().is_monotonic_increasing  # least like the prior first
    stats = pd.read_csv(abc.statistics_path(path))
    assert len(stats) == len(posterior)
    # every particle was accepted at epsilon 0: each statistic inside its band
    assert (abc.within_bands(stats)["share_within"] > 1 - 1e-9).all()


def test_the_quick_posterior_says_it_is_not_a_calibration():
    assert (
        "NOT a calibration, do not quote"
        in posterior_file.QUICK_POSTERIOR.read_text().splitlines()[0]
    )


def test_a_tiny_fit_runs_one_generation(tmp_path):
    pytest.importorskip("pyabc", reason="pyabc is the optional extra 'calibrate'")
    fit = abc.fit(population=3, generations=1, years=2 / 52, warmup_years=0, workers=1)
    assert len(fit.posterior) == 3
    assert fit.simulations >= 3
    assert list(fit.statistics.columns) == [*abc.TARGETS, "weight"]
    abc.write_posterior(fit, tmp_path / "p.csv", "test")
    assert posterior_file.read_posterior(tmp_path / "p.csv").shape == fit.posterior.shape


def test_a_fit_on_one_worker_is_reproducible_from_its_seed():
    """With one worker the seed fixes every draw (with several, pyabc reseeds the workers)."""
    pytest.importorskip("pyabc", reason="pyabc is the optional extra 'calibrate'")
    runs = [
        abc.fit(population=3, generations=1, years=2 / 52, warmup_years=0, workers=1, seed=5)
        for _ in range(2)
    ]
    pd.testing.assert_frame_equal(runs[0].posterior, runs[1].posterior)


@pytest.mark.slow
def test_the_quick_mode_runs_and_writes_its_posterior(tmp_path, capsys):
    """The quick mode CI runs (issue 12, item 7): a one-generation fit of 12 particles on
    1-year runs, about 15-30 s on 2 cores."""
    pytest.importorskip("pyabc", reason="pyabc is the optional extra 'calibrate'")
    out = tmp_path / "quick.csv"
    assert abc.main(["--quick", "--out", str(out)]) == 0
    posterior = posterior_file.read_posterior(out)
    # one generation at epsilon 0: every particle inside every band (below)
    assert "1 generations" in out.read_text() and "final epsilon 0," in out.read_text()
    assert len(posterior) == 12 and list(posterior.columns) == [*abc.PARAMETERS, "weight"]
    assert "share within the band" in capsys.readouterr().out
    assert (
        abc.within_bands(pd.read_csv(abc.statistics_path(out)))["share_within"] > 1 - 1e-9
    ).all()


def test_predictive_runs_are_reproducible_and_the_workers_do_not_matter():
    posterior = posterior_file.read_posterior(posterior_file.QUICK_POSTERIOR)
    runs = [
        abc.posterior_predictive(posterior, 2, 4 / 52, workers=w, seed=3, warmup_years=0)
        for w in (1, 2)
    ]
    pd.testing.assert_frame_equal(runs[0], runs[1])
    assert set(runs[0]["smugglers.arrest_pressure"]) <= set(posterior["smugglers.arrest_pressure"])
    shares = abc.rejections(runs[0])
    assert len(shares) == len(abc.TARGETS) and shares["outside"].between(0, 1).all()
    assert (shares["outside_alone"] <= shares["outside"]).all()


@pytest.mark.slow
def test_a_fit_runs_on_the_projects_dask_engine():
    """--engine dask: the project's Dask engine (here a local cluster of one worker) runs the
    simulations through pyabc's Dask sampler."""
    pytest.importorskip("pyabc", reason="pyabc is the optional extra 'calibrate'")
    pytest.importorskip("dask.distributed", reason="the Dask engine is the extra 'cluster'")
    fit = abc.fit(
        population=2, generations=1, years=2 / 52, warmup_years=0, workers=1, engine="dask"
    )
    assert len(fit.posterior) == 2 and fit.settings["engine"] == "dask"
    assert list(fit.statistics.columns) == [*abc.TARGETS, "weight"]


def test_a_scheduler_without_the_dask_engine_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stop:
        abc.main(["--scheduler", "tcp://127.0.0.1:8786"])
    assert stop.value.code == 2
    assert "--scheduler needs --engine dask" in capsys.readouterr().err
