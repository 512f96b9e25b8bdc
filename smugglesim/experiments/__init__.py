"""The experiment layer: batch runs, paired comparisons and sensitivity analysis.

>>> from smugglesim.experiments import run_batch, compare, sensitivity            # doctest: +SKIP
>>> runs = run_batch(["scenarios/baseline.toml", "scenarios/lo_coordination.toml"],
...                  replications=20, workers=2, out="results/lo")    # doctest: +SKIP
>>> compare("results/lo", baseline="baseline")                        # doctest: +SKIP

Each stage takes the previous stage's tables: scenario files -> :func:`run_batch` (Parquet
results and a manifest) -> :func:`compare` (paired effects; :func:`write_report` adds the
CSV files and plots) or :func:`sensitivity` (SALib indices).
"""

from smugglesim.experiments.batch import run_batch
from smugglesim.experiments.compare import compare, confiscation_vs_line, write_report
from smugglesim.experiments.posterior import posterior_sweep
from smugglesim.experiments.sensitivity import sensitivity
from smugglesim.experiments.specs import Sweep, read_scenario_file, replication_seeds

__all__ = [
    "Sweep",
    "compare",
    "confiscation_vs_line",
    "posterior_sweep",
    "read_scenario_file",
    "replication_seeds",
    "run_batch",
    "sensitivity",
    "write_report",
]
