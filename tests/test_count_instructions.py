"""Counting two versions' instructions (the count itself is a benchmark under valgrind, run
by hand): reading cachegrind's totals, the parts of a replication, the report, the whole
command with a stand-in for valgrind (each version's processes, a failing one), and the
error without valgrind."""

import sys

import pytest

from smugglesim.experiments import count_instructions
from smugglesim.experiments.count_instructions import (
    per_run,
    read_counts,
    report,
)

OUTPUT = """\
desc: I1 cache:         32768 B, 64 B, 8-way associative
cmd: python -c ...
events: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw Bc Bcm Bi Bim
fl=???
fn=main
1 10 1 0 4 1 0 2 0 0 3 1 1 0
summary: 100 10 2 40 4 1 20 3 1 30 5 6 2
"""


def test_the_totals_are_read_by_event_name():
    counts = read_counts(OUTPUT)
    assert counts["Ir"] == 100
    assert counts["D1mw"] == 3
    assert counts["Bim"] == 2
    assert len(counts) == 13


@pytest.mark.parametrize(
    "text, message",
    [("events: Ir\n", "no events: or summary: line"), ("events: Ir Dr\nsummary: 5\n", "2 events")],
)
def test_a_file_that_is_not_cachegrinds_is_refused_naming_it(text, message):
    with pytest.raises(ValueError, match=f"^f.out: {message}"):
        read_counts(text, "f.out")


def _totals(imports, first, second):
    return {0: {"Ir": imports}, 1: {"Ir": imports + first}, 2: {"Ir": imports + first + second}}


def test_a_replication_is_the_difference_of_two_processes():
    parts = per_run(_totals(5, 11, 9))
    assert [p["Ir"] for p in parts.values()] == [5, 11, 9]
    assert list(parts)[2].startswith("second run")


def test_the_report_gives_each_version_and_the_ratio_and_skips_counts_not_simulated():
    old, new = per_run(_totals(5e9, 7e9, 7.5e9)), per_run(_totals(5e9, 11e9, 9.0e9))
    lines = report(("54dbe7a", "WORKTREE"), [old, new])
    second = lines[lines.index("second run (takes over the kept state)") + 1]
    assert second.split() == ["instructions", "7.500", "G", "9.000", "G", "1.200"]
    assert not any("misses" in line for line in lines)  # no cache simulation: Ir only


FAKE_VALGRIND = """
import subprocess, sys
options = [a for a in sys.argv[1:] if a.startswith("--")]
command = sys.argv[1 + len(options):]
out = next(a.partition("=")[2] for a in options if a.startswith("--cachegrind-out-file="))
done = subprocess.run(command)
if out != "/dev/null":  # not the priming run (revisions.prime)
    runs = int(command[-2])
    with open(out, "w") as f:
        f.write(f"events: Ir\\nsummary: {10**10 + 3 * 10**9 * runs}\\n")
sys.exit(done.returncode)
"""


@pytest.fixture
def fake_valgrind(tmp_path, monkeypatch):
    """A stand-in for valgrind that runs the command and writes a cachegrind file whose
    count is 10 G plus 3 G per run (none for the priming run, which writes to /dev/null):
    the whole command, fast, without valgrind."""
    tool = tmp_path / "valgrind"
    tool.write_text(f"#!{sys.executable}\n{FAKE_VALGRIND}")
    tool.chmod(0o755)
    monkeypatch.setattr(count_instructions.shutil, "which", lambda name: str(tool))


def test_the_whole_command_counts_both_versions_in_three_processes_each(
    fake_valgrind, monkeypatch, capsys
):
    argv = ["count_instructions", "WORKTREE", "WORKTREE", "--years", "0.02", "--jobs", "2"]
    monkeypatch.setattr("sys.argv", [*argv, "--set", "run.warmup_years=0.02"])
    assert count_instructions.main() == 0
    out = capsys.readouterr().out
    assert "run.warmup_years = 0.02 in WORKTREE" in out
    lines = out.splitlines()
    at = {line: lines[k + 1].split() for k, line in enumerate(lines) if not line[0].isspace()}
    assert at["imports and scenario"] == ["instructions", "10.000", "G", "10.000", "G", "1.000"]
    assert at["first run (warms up itself)"][1:4] == ["3.000", "G", "3.000"]
    assert at["second run (takes over the kept state)"][1:4] == ["3.000", "G", "3.000"]


def test_a_version_that_fails_stops_the_count_with_one_line(fake_valgrind, monkeypatch):
    argv = ["count_instructions", "WORKTREE", "WORKTREE", "--years", "0.02"]
    monkeypatch.setattr("sys.argv", [*argv, "--set", "run.warmup_years=-1"])
    with pytest.raises(SystemExit, match=r"^count_instructions: WORKTREE with \d runs failed: "):
        count_instructions.main()


def test_without_valgrind_it_stops_with_one_line(monkeypatch, capsys):
    monkeypatch.setattr(count_instructions.shutil, "which", lambda name: None)
    monkeypatch.setattr("sys.argv", ["count_instructions", "HEAD"])
    assert count_instructions.main() == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "valgrind not found" in err


def test_a_tree_is_primed_with_its_compiled_loops_before_it_is_counted(tmp_path, monkeypatch):
    """The first run compiles numba's loops into the cache; every counted process then
    loads them from there alike (else the first to run pays the compilation)."""
    from smugglesim.experiments.revisions import ROOT, prime

    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    prime(ROOT, "smugglesim.model", ROOT / "scenarios" / "baseline.toml")
    cached = {p.name.split("-")[0] for p in tmp_path.rglob("*.nbi")}
    assert {"kernels.pick_offers", "kernels.board", "kernels.leg_outcomes"} <= cached


def test_a_tree_that_cannot_run_stops_the_priming_with_one_line(tmp_path):
    from smugglesim.experiments.revisions import ROOT, prime

    with pytest.raises(SystemExit, match=r": a first run to compile its loops failed: .+"):
        prime(ROOT, "smugglesim.model", tmp_path / "missing.toml")
