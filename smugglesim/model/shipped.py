"""The scenarios shipped with the package, found by their bare names.

In a checkout they are the files of ``scenarios/``; ``smugglesim/model/data/scenarios`` links there,
so that an installed package carries them as package data (``pyproject.toml``). A command
given ``baseline`` (or ``baseline.toml``) where no such file exists reads the shipped one,
from whichever folder it runs in.
"""

from __future__ import annotations

from pathlib import Path

SHIPPED_DIR = Path(__file__).resolve().parent / "data" / "scenarios"


def shipped_names() -> list[str]:
    """The names of the shipped scenarios (file names without ``.toml``), sorted."""
    return sorted(p.stem for p in SHIPPED_DIR.glob("*.toml"))


def resolve(path_or_name: str | Path) -> Path:
    """The file a scenario argument means.

    An existing file is taken as it is. Otherwise a bare name (no folder), with or without
    ``.toml``, is looked up among the shipped scenarios. Anything else comes back
    unchanged, for the loader to report as missing.
    """
    path = Path(path_or_name)
    if path.exists() or path.parent != Path("."):
        return path
    shipped = SHIPPED_DIR / (path.name if path.suffix == ".toml" else f"{path.name}.toml")
    return shipped if shipped.is_file() else path
