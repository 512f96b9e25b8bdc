"""Where a result came from: the version, the commit, the resolved scenarios and their hashes.

One function, :func:`provenance`, gives the record that every output carries: the
``summary.json`` of ``smugglesim run --out``, a batch's ``manifest.json``, and the
key-value metadata of the Parquet files of both (:func:`with_provenance`). It lives in
the core so that both upper layers share it, and imports only the standard library, so that
``smugglesim --version`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import platform
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

# The packages whose versions can change a result or the files it is written to.
PACKAGES = (
    "smugglesim",
    "mesa",
    "numpy",
    "pandas",
    "pyarrow",
    "scipy",
    "pydantic",
    "SALib",
    "dask",
    "distributed",
)
METADATA_KEY = b"smugglesim.provenance"


def version() -> str:
    """The version of the model source that is imported (``smugglesim.model.__version__``)."""
    from smugglesim.model import __version__

    return __version__


def git_commit() -> dict[str, Any] | None:
    """The commit of the source tree the model was imported from, when it is a git checkout.

    None for an installed package: a site-packages folder inside some other repository
    (a virtual environment in a checkout) does not count.
    """
    root = Path(__file__).resolve().parents[2]

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()

    try:
        if Path(git("rev-parse", "--show-toplevel")).resolve() != root:
            return None
        head = git("rev-parse", "HEAD")
        dirty = git("status", "--porcelain", "--", "smugglesim/model", "scenarios")
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": head, "model_dirty": bool(dirty)}


def package_versions() -> dict[str, str | None]:
    """The installed version of each of :data:`PACKAGES` (None when not installed)."""
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def config_sha256(config: Mapping[str, Any]) -> str:
    """SHA-256 of a resolved scenario (every parameter), independent of key order."""
    return hashlib.sha256(json.dumps(config, sort_keys=True).encode()).hexdigest()


def now() -> str:
    """The current time in UTC, to the second, ISO 8601."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def provenance(configs: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The record of where a result came from.

    Args:
        configs: Each resolved scenario (``Scenario.to_dict()``) by the label the output
            uses for it.

    Returns:
        ``smugglesim_version``, ``git`` (commit and whether ``smugglesim/model/`` or ``scenarios/``
        had uncommitted changes; None outside a checkout), ``python``, ``platform``,
        ``versions`` (of :data:`PACKAGES`), ``created`` and ``scenarios``: for each label
        its ``config_sha256`` and the full ``config``. Callers add the seeds.
    """
    return {
        "smugglesim_version": version(),
        "git": git_commit(),
        "python": sys.version,
        "platform": platform.platform(),
        "versions": package_versions(),
        "created": now(),
        "scenarios": {
            label: {"config_sha256": config_sha256(config), "config": dict(config)}
            for label, config in configs.items()
        },
    }


def with_provenance(table: pa.Table, record: Mapping[str, Any]) -> pa.Table:
    """``table`` with ``record`` as JSON under the schema metadata key ``smugglesim.provenance``.

    Read it back with ``json.loads(pq.read_schema(path).metadata[b"smugglesim.provenance"])``.
    """
    metadata = dict(table.schema.metadata or {})
    metadata[METADATA_KEY] = json.dumps(record, default=str).encode()
    return table.replace_schema_metadata(metadata)
