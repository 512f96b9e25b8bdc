"""The experiment layer: batch runs, paired comparisons and sensitivity analysis.

>>> from experiments import run_batch, compare, sensitivity            # doctest: +SKIP

Each stage takes the previous stage's tables: scenario files -> :func:`run_batch` (Parquet
results and a manifest) -> :func:`compare` (paired effects, plots) or
:func:`sensitivity` (SALib indices).
"""

from experiments.batch import run_batch
from experiments.specs import Sweep, replication_seeds

__all__ = ["Sweep", "replication_seeds", "run_batch"]
