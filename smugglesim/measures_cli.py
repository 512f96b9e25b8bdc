"""``smugglesim measures``: the measures of Council document 15250/18 and their parameters.

Registered in the CLI by :func:`smugglesim.commands.command`; ``smugglesim.cli`` imports this module when
it builds its parser. The listing is :meth:`smugglesim.model.measures.Measure.describe` of every
measure in the registry, in the document's order.
"""

from __future__ import annotations

import argparse
import json

from smugglesim.commands import command


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the measures as a JSON list")


def _value(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, dict):  # a nested table, as TOML writes it inline
        return "{" + ", ".join(f"{k} = {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, float) and value >= 1000:
        return f"{value:,.0f}"
    return str(value).lower() if isinstance(value, bool) else str(value)


def format_measures(described: list[dict]) -> str:
    """The measures as readable text: one block per measure."""
    blocks = []
    for m in described:
        lines = [
            f"{m['number']:>2}. {m['key']}  ({m['heading']})",
            f"    {m['title']}: {m['summary']}",
            f"    source: {m['source_paragraph']}; moves first: {m['first_moved']}",
        ]
        if "cost_eur_per_year" in m:
            lines.append(
                f"    cost: EUR {m['cost_eur_per_year']:,.0f} a year at these defaults; "
                f"a budget sets {m['scaled']}"
            )
        width = max(len(name) for name in m["parameters"])
        for name, p in m["parameters"].items():
            lines.append(f"      {name:<{width}} = {_value(p['default']):<12} {p['description']}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


@command("measures", "list the measures of Council document 15250/18 and their parameters", _args)
def _measures(args: argparse.Namespace) -> int:
    from smugglesim.model.measures import MEASURES
    from smugglesim.model.scenario import Scenario

    status_quo = Scenario()
    described = [
        cls.describe() | {"cost_eur_per_year": cls.yearly_cost_eur(cls.Params(), status_quo)}
        for cls in MEASURES.values()
    ]
    print(json.dumps(described, indent=2) if args.json else format_measures(described))
    return 0
