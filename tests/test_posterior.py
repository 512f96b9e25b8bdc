"""Parameter sets drawn from a posterior: reproducible, in proportion to the weights, run as
an explicit-points sweep, recorded in the manifest, and every bad file refused on one line
naming it. The shipped posterior (the calibration's, ``posterior``) is the one drawn from."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from smugglesim.cli import main
from smugglesim.experiments import run_batch
from smugglesim.experiments.posterior import (
    POSTERIOR,
    posterior_source,
    posterior_sweep,
    read_particles,
)
from smugglesim.experiments.specs import Sweep, sha256_file
from smugglesim.model.scenario import ScenarioError
from smugglesim.multisim import MultiSim

ROOT = Path(__file__).resolve().parents[1]
TINY = ["-n", "1", "--years", "0.1", "--set", "run.warmup_years=0", "-j", "1", "--quiet"]
TINY_OVERRIDES = {"run.years": 0.1, "run.warmup_years": 0.0}


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def two_particles(path: Path, weights: tuple[float, float]) -> Path:
    """A posterior of two particles, told apart by ``demand.scale`` (1 and 2)."""
    header = "# test posterior\ndemand.scale,smugglers.arrest_pressure,weight\n"
    rows = f"1.0,1.5,{weights[0]}\n2.0,1.5,{weights[1]}\n"
    return write(path, header + rows)


def drawn(path: Path, draws: int, seed: int = 0) -> np.ndarray:
    return np.array(posterior_sweep(path, draws, seed).values)[:, 0]


def test_the_same_seed_draws_the_same_parameter_sets_and_more_draws_keep_the_first():
    first = posterior_sweep(POSTERIOR, 6, 3)
    assert posterior_sweep(POSTERIOR, 6, 3) == first
    assert posterior_sweep(POSTERIOR, 6, 4).values != first.values
    assert posterior_sweep(POSTERIOR, 10, 3).values[:6] == first.values  # as seeds extend
    particles = read_particles(POSTERIOR)
    names = [c for c in particles if c != "weight"]
    assert first.method == "points" and list(first.params) == names
    for row, values in zip(first.origin["rows"], first.values, strict=True):
        assert values == particles.loc[row, names].tolist()


def test_draws_follow_the_weights(tmp_path):
    assert set(drawn(two_particles(tmp_path / "a.csv", (1e-12, 1.0)), 500)) == {2.0}
    assert set(drawn(two_particles(tmp_path / "b.csv", (1.0, 1e-12)), 500)) == {1.0}
    share_of_second = (drawn(two_particles(tmp_path / "c.csv", (1.0, 3.0)), 4000) == 2.0).mean()
    assert share_of_second == pytest.approx(0.75, abs=0.03)


def test_a_shipped_posterior_is_found_by_name():
    assert posterior_source("posterior") == POSTERIOR
    assert posterior_source(str(POSTERIOR)) == POSTERIOR
    if POSTERIOR.exists():
        assert posterior_source("posterior") == POSTERIOR
    else:
        with pytest.raises(ScenarioError, match=r"calibration's posterior .* not there yet"):
            posterior_source("posterior")
    with pytest.raises(ScenarioError, match="did you mean posterior_quick"):
        posterior_source("posterior_qiuck")


def test_a_batch_at_posterior_draws_is_the_points_sweep_run_by_hand(tmp_path, capsys):
    scenarios = ["baseline", "financial_investigations"]
    argv = ["batch", *scenarios, *TINY, "--posterior", str(POSTERIOR), "--posterior-draws", "2"]
    assert main([*argv, "--posterior-seed", "5", "--out", str(tmp_path / "drawn")]) == 0
    assert f"2 parameter sets drawn from {POSTERIOR}" in capsys.readouterr().out
    manifest = json.loads((tmp_path / "drawn" / "manifest.json").read_text())
    origin = manifest["sweep"]["origin"]
    assert origin["posterior"] == str(POSTERIOR) and origin["sha256"] == sha256_file(POSTERIOR)
    assert (origin["draws"], origin["seed"], len(origin["rows"])) == (2, 5, 2)
    assert origin["label"] == POSTERIOR.read_text().splitlines()[0].lstrip("# ")

    sweep = posterior_sweep(POSTERIOR, 2, 5)
    by_hand = Sweep("points", sweep.params, values=sweep.values)
    files = [ROOT / "scenarios" / f"{name}.toml" for name in scenarios]
    runs = run_batch(
        files, 1, out=tmp_path / "hand", sweep=by_hand, overrides=TINY_OVERRIDES, progress=False
    )
    ran = pd.read_parquet(tmp_path / "drawn" / "runs.parquet")
    assert list(ran["scenario"]) == [
        "baseline[0]",
        "baseline[1]",
        *(f"{scenarios[1]}[{i}]" for i in (0, 1)),
    ]
    columns = ["scenario", "point", *sweep.params, "seed", "config_sha256", "confiscation_ratio"]
    pdt.assert_frame_equal(ran[columns], runs[columns])


def test_a_resumed_batch_refuses_a_changed_posterior(tmp_path, capsys):
    posterior = write(tmp_path / "p.csv", POSTERIOR.read_text())
    out = str(tmp_path / "out")
    argv = ["batch", "baseline", *TINY, "--posterior", str(posterior), "--posterior-draws", "2"]
    assert main([*argv, "--out", out]) == 0
    assert main([*argv, "--out", out]) == 0  # unchanged: resumes, running nothing again
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["runs_skipped_as_done"] == 2
    capsys.readouterr()
    *rows, last = posterior.read_text().splitlines()
    write(posterior, "\n".join([*rows, last.rsplit(",", 1)[0] + ",0.5"]) + "\n")  # a new weight
    assert main([*argv, "--out", out]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"error: {out}: its batch drew its parameter sets from {posterior}")
    assert "another output folder" in line


def test_compare_at_posterior_draws_ranks_the_scenarios(tmp_path, capsys):
    argv = ["compare", "baseline", "financial_investigations", "all_measures", *TINY]
    argv += ["--posterior", "posterior", "--posterior-draws", "2", "--out", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "drawn from" in out and "over 2 parameter draws" in out
    assert "Share of draws in which the row's change in confiscation ratio" in out
    shares = pd.read_csv(tmp_path / "ranking.csv", index_col=0)
    assert list(shares.index) == ["financial_investigations", "all_measures"]
    assert shares.loc["all_measures", "financial_investigations"] + shares.loc[
        "financial_investigations", "all_measures"
    ] == pytest.approx(1.0)
    # The folder ranks again on another outcome without running anything.
    assert main(["compare", str(tmp_path), "--ranking", "members_arrested"]) == 0
    assert "drawn from" in capsys.readouterr().out


def test_multisim_draws_from_a_posterior_and_ranks(tmp_path):
    ms = MultiSim(
        ["baseline", "financial_investigations"],
        replications=1,
        overrides=TINY_OVERRIDES,
        posterior="posterior",
        posterior_draws=2,
    )
    assert ms.sweep == posterior_sweep(POSTERIOR, 2, 0)  # the draws' seed: the multisim's
    effects = ms.run().effects_by_draw("confiscation_ratio")
    assert effects.shape == (2, 1)
    assert ms.ranking("confiscation_ratio").shape == (1, 1)
    with pytest.raises(ValueError, match="posterior_draws"):
        MultiSim(["baseline"], posterior="posterior")
    with pytest.raises(ValueError, match="need posterior"):
        MultiSim(["baseline"], posterior_draws=2)
    with pytest.raises(ValueError, match="the posterior draws set this parameter"):
        MultiSim(
            ["baseline"],
            overrides={"demand.departure_elasticity": 0.3},
            posterior="posterior",
            posterior_draws=2,
        )
    with pytest.raises(ValueError, match="not with sweep"):
        MultiSim(["baseline"], posterior="posterior", posterior_draws=2, sweep=ms.sweep)


HEADER = "demand.scale,smugglers.arrest_pressure,weight\n"
BAD_FILES = [
    # (file content, words in the line after the file's name); None: no file
    (None, "no such file"),
    ("", "cannot read as a posterior CSV file"),
    (b"\x00\xff garbage", "cannot read as a posterior CSV file"),
    ("# only a comment\n", "cannot read as a posterior CSV file"),
    ("demand.scale,smugglers.arrest_pressure\n1.0,1.5\n", "weight: no such column"),
    (HEADER, "no particles"),
    ("weight\n1\n", "no parameter columns"),
    (HEADER + "1.0,1.5,0\n", "weight: must be positive in every row; row 1 has 0"),
    (HEADER + "1.0,1.5,1\n1.0,1.5,-2\n", "weight: must be positive in every row; row 2 has -2"),
    (HEADER + "1.0,1.5,nan\n", "weight: must be positive in every row"),
    (HEADER + "1.0,high,1\n", "smugglers.arrest_pressure: must be a finite number"),
    (HEADER + "1.0,1.5\n", "weight: must be positive in every row; row 1 has nan"),
    (HEADER + "1.0,1.5,1,7\n", "a row has more values than the header"),
    ("demand.scael,weight\n1.0,1\n", "demand.scael: no such parameter; did you mean demand.scale?"),
    (HEADER + "1.0,-1.5,1\n", "(row 1): smugglers.arrest_pressure: Input should be greater"),
]


@pytest.mark.parametrize(("content", "words"), BAD_FILES, ids=[w[:40] for _, w in BAD_FILES])
def test_a_bad_posterior_file_is_refused_on_one_line_naming_it(tmp_path, capsys, content, words):
    path = tmp_path / "posterior.csv"
    if content is not None:
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    out = tmp_path / "out"
    argv = ["batch", "baseline", *TINY, "--out", str(out), "--posterior", str(path)]
    assert main([*argv, "--posterior-draws", "2"]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    (line,) = captured.err.strip().splitlines()
    assert line.startswith(f"error: {path}") and words in line, line
    assert not out.exists()
