"""Calibration by inference (smugglesim.experiments.abc): the prior, the summary statistics,
the distance and the posterior kept in the repository. Those that need pyabc skip without it
(it is the optional extra ``calibrate``, not in ``test``)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from smugglesim.experiments import abc
from smugglesim.experiments.sensitivity import assumption_params
from smugglesim.model.scenario import Scenario

OBSERVED = {name: target for name, (target, _) in abc.TARGETS.items()}


def test_fitted_parameters_are_assumptions_with_their_sensitivity_ranges():
    ranges = assumption_params()
    assert set(abc.PARAMETERS) <= set(ranges)
    assert abc.priors() == {name: ranges[name] for name in abc.PARAMETERS}


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
    assert math.isfinite(abc.distance(stats, OBSERVED))


def test_simulator_sets_the_particle_and_keeps_the_rest():
    sim = abc.Simulator(years=1, warmup_years=0)
    sc = sim.scenario({abc.key(n): lo for n, (lo, _) in abc.priors().items()})
    assert sc.finance.cash_seizure_share == abc.priors()["finance.cash_seizure_share"][0]
    assert sc.run.years == 1
    assert sc.smugglers.member_pay_eur_week == Scenario().smugglers.member_pay_eur_week


def test_distance_is_zero_at_the_targets_and_one_at_the_edge_of_every_band():
    assert abc.distance(OBSERVED, OBSERVED) == 0
    edge = {name: target + scale for name, (target, scale) in abc.TARGETS.items()}
    assert abc.distance(edge, OBSERVED) == pytest.approx(1.0)
    missing = OBSERVED | {"mean_fee_eur_central_med": math.nan}
    assert abc.distance(missing, OBSERVED) == pytest.approx(10 / math.sqrt(len(OBSERVED)))


@pytest.mark.parametrize("path", [abc.QUICK_POSTERIOR, abc.DATA / "posterior_pilot.csv"])
def test_kept_posteriors_load_are_labelled_and_lie_within_the_priors(path):
    assert "NOT a calibration, do not quote" in path.read_text().splitlines()[0]
    posterior = abc.read_posterior(path)
    assert list(posterior.columns) == [*abc.PARAMETERS, "weight"]
    assert len(posterior) > 0 and (posterior["weight"] > 0).all()
    for name, (low, high) in abc.priors().items():
        assert posterior[name].between(low, high).all(), name
    assert 1 <= abc.effective_sample_size(posterior) <= len(posterior)
    summary = abc.summarise(posterior)
    assert (summary["q05"] <= summary["mean"]).all() and (summary["mean"] <= summary["q95"]).all()


def test_a_tiny_fit_runs_one_generation(tmp_path):
    pytest.importorskip("pyabc", reason="pyabc is the optional extra 'calibrate'")
    fit = abc.fit(population=3, generations=1, years=2 / 52, warmup_years=0, workers=1)
    assert len(fit.posterior) == 3
    assert fit.simulations >= 3
    abc.write_posterior(fit, tmp_path / "p.csv", "test")
    assert abc.read_posterior(tmp_path / "p.csv").shape == fit.posterior.shape


def test_a_fit_on_one_worker_is_reproducible_from_its_seed():
    """With one worker the seed fixes every draw (with several, pyabc reseeds the workers)."""
    pytest.importorskip("pyabc", reason="pyabc is the optional extra 'calibrate'")
    runs = [
        abc.fit(population=3, generations=1, years=2 / 52, warmup_years=0, workers=1, seed=5)
        for _ in range(2)
    ]
    pd.testing.assert_frame_equal(runs[0].posterior, runs[1].posterior)
