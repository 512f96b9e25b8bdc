"""The tables of one run and of scenarios side by side, for the command and the Python API.

Labels, units and formats come from the output declarations (``smugglesim/model/outputs.py``);
every table's title gives the scenario, the seeds and the run length. A
:class:`~smugglesim.experiments.tables.Report` renders as text, markdown or CSV.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from smugglesim.experiments.tables import Report, Table, run_length
from smugglesim.model.outputs import HEADLINE, OUTPUTS, Output

HEADER = ("scenario", "seed", "weeks")
NOTES = {"confiscation_ratio": "confiscation ratio: 15250/18 puts the status quo under 2%."}


def _flat(summary: dict[str, Any]) -> list[tuple[str, Output, str | None, Any]]:
    """(key, output, member, value) of every figure of a summary, families one per member."""
    found = []
    for o in OUTPUTS:
        if not o.summary or o.summary_key not in summary or o.name in HEADER:
            continue
        value = summary[o.summary_key]
        if o.family:
            for member, v in value.items():
                found.append((o.name.replace(o.family, member), o, member, v))
        else:
            found.append((o.name, o, None, value))
    return found


def summary_report(summary: dict[str, Any]) -> Report:
    """A run's summary: flows by route per year, then every other figure over the run; the
    data (``--format csv``) has every figure over the whole run, one row each."""
    where = f"{summary['scenario']}, seed {summary['seed']}: {run_length(summary['weeks'])}"
    years = summary["weeks"] / 52
    figures = _flat(summary)
    found: list[Table] = []
    by_route = [o for o in OUTPUTS if o.family == "<route>" and o.summary_key in summary]
    if by_route:
        routes = list(summary[by_route[0].summary_key])
        rows = []
        for o in by_route:
            scale = 1 / years if o.kind == "flow" else 1.0
            values = summary[o.summary_key]
            rows.append([o.rate_heading("year"), *(o.format(values[r] * scale) for r in routes)])
        found.append(Table(f"{where}; by route (flows per year)", ["", *routes], rows))
    rows, notes = [], []
    for key, o, member, value in figures:
        if o.family == "<route>":
            continue
        if isinstance(value, list):  # the measures: a note, not a cell as wide as the page
            notes.append(f"{o.label}: {o.format(value)}")
        elif member:
            rows.append([f"{o.heading}, {member}", o.format(value)])
        else:
            rows.append([o.heading, o.format(value)])
        notes += [NOTES[key]] if key in NOTES else []
    found.append(Table(f"{where}; whole run", ["", "value"], rows, notes))
    data = pd.DataFrame(
        [
            {
                "scenario": summary["scenario"],
                "seed": summary["seed"],
                "years": years,
                "output": key,
                "label": f"{o.label}, {member}" if member else o.label,
                "unit": o.unit,
                "value": ",".join(map(str, value)) if isinstance(value, list) else value,
            }
            for key, o, member, value in figures
        ]
    )
    return Report(found, data, [o.name for _, o, _, _ in figures])


def side_by_side_report(
    names: list[str], means: list[dict[str, float]], seeds: list[int], weeks: list[int]
) -> Report:
    """The headline figures of several scenarios: means over the same seeds."""
    if len(set(weeks)) == 1:
        length = run_length(weeks[0])
    else:
        length = ", ".join(f"{n} {run_length(w)}" for n, w in zip(names, weeks, strict=True))
    title = f"means over the same {len(seeds)} seeds ({_seeds_text(seeds)}): {length}"
    rows = [[o.heading, *(o.format(m[o.name], mean=True) for m in means)] for o in HEADLINE]
    data = pd.DataFrame(
        [
            {
                "scenario": name,
                "seeds": len(seeds),
                "years": w / 52,
                "output": o.name,
                "label": o.label,
                "unit": o.unit,
                "mean": m[o.name],
            }
            for name, m, w in zip(names, means, weeks, strict=True)
            for o in HEADLINE
        ]
    )
    return Report([Table(title, ["", *names], rows)], data, [o.name for o in HEADLINE])


def _seeds_text(seeds: list[int]) -> str:
    if seeds == list(range(seeds[0], seeds[0] + len(seeds))) and len(seeds) > 2:
        return f"{seeds[0]}..{seeds[-1]}"
    return ", ".join(map(str, seeds))
