"""Compare the speed of two versions of the model, side by side.

    python -m smugglesim.experiments.compare_speed REV_A [REV_B] [--trials 12] [--years 3]
        [--warm-up {as-it-comes,own,kept}] [--set KEY=VALUE ...]

A revision is anything ``git`` names (a commit, a branch, ``HEAD~3``); ``WORKTREE`` (the
default for REV_B) is the working tree as it is; a revision from before the move of the
core under ``smugglesim/`` runs too (:mod:`smugglesim.experiments.revisions`). Each version
runs in its own persistent process; the two take turns, one replication each per trial
(seeds 1–5 in turn, the same seed for both), so that the drift of a shared machine's speed
falls on both alike. Prints
the median CPU seconds per replication of each and the median of the per-trial ratios.

A version with a warm-up (``run.warmup_years``) keeps each seed's warm state in its
process (``smugglesim.model.model``). ``--warm-up`` says which replications are timed:
``as-it-comes`` (the default) times the first five trials warming up and the later ones
taking over the kept state; ``own``, every replication warming up itself (the kept states
are forgotten before each); ``kept``, every replication taking over a kept state (seeds 1–5
are run once, untimed, before the trials). A version without warm-up runs the same in all
three. ``--set`` overrides a parameter of REV_B's scenario only, as TOML reads the value
(``--set run.warmup_years=0``, ``--set enforcement.action_days_per_year=0``): a parameter
REV_A may not have, to see what a mechanism costs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import tomllib
from contextlib import ExitStack
from pathlib import Path

from smugglesim.experiments.revisions import IMPORT_CORE, ROOT, WORKTREE, checkout

BASELINE = ROOT / "scenarios" / "baseline.toml"

WARM_UP = ("as-it-comes", "own", "kept")

# Runs in the version's own tree: argv = tree, core package, scenario file, years,
# overrides (JSON), warm-up mode (WARM_UP).
CHILD = (
    IMPORT_CORE
    + r"""
import json, time
scenario = load_scenario(sys.argv[3], {"run.years": float(sys.argv[4]), **json.loads(sys.argv[5])})
mode = sys.argv[6]
# A version without warm states (before issue 10) has nothing to forget.
forget = getattr(importlib.import_module(sys.argv[2] + ".model"), "forget_warm_states", None)
SmugglingModel(scenario, rng=99).run()  # the first run's one-off costs (imports, caches)
if mode == "kept":
    for seed in range(1, 6):  # every seed's warm state kept before the trials
        SmugglingModel(scenario, rng=seed).run()
for line in sys.stdin:
    if mode == "own" and forget is not None:
        forget()
    start = time.process_time()
    SmugglingModel(scenario, rng=int(line)).run()
    print(time.process_time() - start, flush=True)
"""
)


def override(text: str) -> tuple[str, object]:
    """``KEY=VALUE`` as a scenario override, the value as TOML reads it."""
    key, sep, value = text.partition("=")
    try:
        if not sep or not key:
            raise ValueError("expected KEY=VALUE")
        return key, tomllib.loads(f"v = {value}")["v"]
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise argparse.ArgumentTypeError(f"{text}: {exc}") from None


def versions_parser(doc: str) -> argparse.ArgumentParser:
    """A command-line parser for two versions, REV_A and REV_B (the working tree by
    default), with ``--set KEY=VALUE`` overrides of REV_B's scenario."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("rev_a")
    parser.add_argument("rev_b", nargs="?", default=WORKTREE)
    add_overrides(parser, "REV_B's scenario")
    return parser


def scenario_parser(doc: str) -> argparse.ArgumentParser:
    """A command-line parser for runs of one scenario: ``--scenario`` (the baseline by
    default), ``--years`` (5) and ``--set KEY=VALUE`` overrides of it; ``doc`` is the
    command's description."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenario", type=Path, default=BASELINE)
    parser.add_argument("--years", type=float, default=5.0)
    add_overrides(parser, "the scenario")
    return parser


def add_overrides(parser: argparse.ArgumentParser, whose: str) -> None:
    """``--set KEY=VALUE`` (repeatable): overrides of ``whose`` parameters, as :func:`override`
    reads them, collected in ``args.set`` as (key, value) pairs."""
    parser.add_argument(
        "--set",
        type=override,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help=f"override a parameter of {whose} (repeatable), the value as TOML",
    )


def settings(args: argparse.Namespace) -> tuple[list[str], str]:
    """The overrides of each version's scenario as JSON (none for REV_A), and how the
    report names them."""
    changes = "".join(f", {k} = {v!r} in {args.rev_b}" for k, v in args.set)
    return ["{}", json.dumps(dict(args.set))], changes


def main() -> int:
    parser = versions_parser(__doc__)
    parser.add_argument("--trials", type=int, default=12)
    parser.add_argument("--years", type=float, default=3.0)
    parser.add_argument("--warm-up", choices=WARM_UP, default="as-it-comes")
    args = parser.parse_args()
    overrides, changes = settings(args)
    with ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="smugglesim-speed-"))
        trees = [checkout(rev, Path(tmp)) for rev in (args.rev_a, args.rev_b)]
        # Each closed, and waited for, on the way out: a child ends when its input closes.
        procs = [
            stack.enter_context(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        CHILD,
                        str(tree),
                        package,
                        str(BASELINE),
                        str(args.years),
                        setting,
                        args.warm_up,
                    ],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
            )
            for (tree, package), setting in zip(trees, overrides, strict=True)
        ]
        seconds: list[list[float]] = [[], []]
        for trial in range(args.trials):
            for k in (0, 1) if trial % 2 == 0 else (1, 0):
                procs[k].stdin.write(f"{trial % 5 + 1}\n")
                procs[k].stdin.flush()
                line = procs[k].stdout.readline()
                if not line:  # it stopped: an override it refused, say (its error above)
                    rev = (args.rev_a, args.rev_b)[k]
                    raise SystemExit(f"compare_speed: the run of {rev} stopped; see above")
                seconds[k].append(float(line))
    ratios = [b / a for a, b in zip(*seconds, strict=True)]
    print(
        f"{args.years:g}-year baseline replications, {args.trials} trials, warm-up "
        f"{args.warm_up}{changes}; CPU seconds"
    )
    for rev, s in zip((args.rev_a, args.rev_b), seconds, strict=True):
        print(f"  {rev}: median {statistics.median(s):.3f}  (min {min(s):.3f}, max {max(s):.3f})")
    print(
        f"  {args.rev_b} / {args.rev_a}: median ratio {statistics.median(ratios):.3f} "
        f"(min {min(ratios):.3f}, max {max(ratios):.3f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
