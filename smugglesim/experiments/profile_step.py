"""Where a replication's time goes: CPU seconds per phase of the weekly step.

    python -m smugglesim.experiments.profile_step [--years 5] [--seed 1] [--scenario scenarios/baseline.toml]
        [--set KEY=VALUE ...]

Wraps each phase that ``SmugglingModel.step`` calls with a CPU timer, runs one replication
and prints the phases, costliest first. ``--set`` overrides a parameter of the scenario, the
value as TOML reads it, as for :mod:`smugglesim.experiments.compare_speed` (``--set
demand.scale=10``: where the time goes at ten times the 2018 volume). For finer detail use
a profiler (cProfile, line_profiler) on the phase that dominates.
"""

from __future__ import annotations

import time
from collections import defaultdict

from smugglesim.experiments.compare_speed import scenario_parser
from smugglesim.model import SmugglingModel, load_scenario


def main() -> int:
    parser = scenario_parser(__doc__)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    changes = {"run.years": args.years, **dict(args.set)}
    model = SmugglingModel(load_scenario(args.scenario, changes), rng=args.seed)
    spent: dict[str, float] = defaultdict(float)

    def timed(name, fn):
        def wrapper(*a, **k):
            start = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent[name] += time.process_time() - start

        return wrapper

    migrants = model.migrants
    for name in ("depart", "search", "travel", "compact"):
        setattr(migrants, name, timed(f"migrants.{name}", getattr(migrants, name)))
    market, lifecycle = model.market, model.ocg_lifecycle
    market.refresh = timed("market refresh", market.refresh)
    lifecycle.entry = timed("entry of OCGs", lifecycle.entry)
    lifecycle.finances = timed("OCG finances", lifecycle.finances)
    model.recorder.record = timed("recorder", model.recorder.record)
    model.border_guards.act_on_detections = timed(
        "border guards", model.border_guards.act_on_detections
    )
    for name in ("emsc", "prosecution", "action_days"):
        actor = getattr(model, name)
        actor.step = timed(name, actor.step)
    for _, source in model.lead_sources:
        source.step = timed("lead sources", source.step)
    for unit in model.police_units.values():
        unit.step = timed("police units", unit.step)
    lifecycle.adapt = timed("OCG adaptation", lifecycle.adapt)
    start = time.process_time()
    model.run()
    total = time.process_time() - start
    overrides = "".join(f", {k} = {v!r}" for k, v in args.set)
    print(
        f"{args.scenario.name}, {args.years:g} years{overrides}, seed {args.seed}: {total:.2f} s CPU"
    )
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<20}{seconds:7.3f} s  {seconds / total:6.1%}")
    rest = total - sum(spent.values())
    print(f"  {'rest of the step':<20}{rest:7.3f} s  {rest / total:6.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
