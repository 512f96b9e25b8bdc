"""The experiment layer: batch runs, paired comparisons and sensitivity analysis.

>>> from experiments import run_batch, compare, sensitivity            # doctest: +SKIP
>>> runs = run_batch(["scenarios/baseline.toml", "scenarios/lo_coordination.toml"],
...                  replications=20, workers=2, out="results/lo")    # doctest: +SKIP
>>> compare("results/lo", baseline="baseline")                        # doctest: +SKIP

Each stage takes the previous stage's tables: scenario files -> :func:`run_batch` (Parquet
results and a manifest) -> :func:`compare` (paired effects; :func:`write_report` adds the
CSV files and plots) or :func:`sensitivity` (SALib indices).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from experiments.batch import run_batch
    from experiments.compare import compare, confiscation_vs_line, write_report
    from experiments.sensitivity import sensitivity
    from experiments.specs import Sweep, read_scenario_file, replication_seeds

# Imported on first use (PEP 562), so that a light module of this package (provenance,
# progress) can be imported without pandas and scipy.
_WHERE = {
    "Sweep": "experiments.specs",
    "compare": "experiments.compare",
    "confiscation_vs_line": "experiments.compare",
    "read_scenario_file": "experiments.specs",
    "replication_seeds": "experiments.specs",
    "run_batch": "experiments.batch",
    "sensitivity": "experiments.sensitivity",
    "write_report": "experiments.compare",
}
__all__ = [
    "Sweep",
    "compare",
    "confiscation_vs_line",
    "read_scenario_file",
    "replication_seeds",
    "run_batch",
    "sensitivity",
    "write_report",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'experiments' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
