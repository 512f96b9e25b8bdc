"""Reading scenario files safely: one file, and the chain of files it ``extends``.

A scenario file may come from someone else, so reading it must neither hang, nor exhaust
memory or the stack, nor reach outside the folders it belongs to. Only regular files are
read (not a device such as ``/dev/zero``, a pipe or a folder), at most
:data:`MAX_FILE_BYTES` of UTF-8 text; tables and arrays may nest :data:`MAX_NESTING`
levels; a chain of ``extends`` may hold :data:`MAX_EXTENDS` files. A file named by
``extends`` must lie in the folder of the scenario being loaded (or below it) or in the
shipped ``scenarios/`` folder, unless extends are allowed anywhere: with
:func:`extends_anywhere`, the ``--allow-extends-anywhere`` option of the ``smugglesim``
command, or the environment variable ``SMUGGLESIM_ALLOW_EXTENDS_ANYWHERE=1``.

Every problem raises :class:`ScenarioFileError` with one line that names the file and says what
is wrong; :mod:`smugglesim.model.scenario` turns it into a :class:`~smugglesim.model.scenario.ScenarioError`.
"""

from __future__ import annotations

import errno
import os
import stat
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 1 << 20  # 1 MiB: the largest shipped scenario is under 2 KiB
MAX_EXTENDS = 32  # files in one chain of extends, the scenario itself included
MAX_NESTING = 32  # levels of tables and arrays; the schema needs four
ALLOW_ANYWHERE_ENV = "SMUGGLESIM_ALLOW_EXTENDS_ANYWHERE"

_allow_anywhere: ContextVar[bool | None] = ContextVar("extends_anywhere", default=None)


class ScenarioFileError(ValueError):
    """A scenario file cannot be read; the message is one line naming the file."""


def shipped_scenarios() -> Path:
    """The folder of the scenarios shipped with the model: ``scenarios/`` in a checkout,
    the package data of an installed package (:data:`smugglesim.model.shipped.SHIPPED_DIR`)."""
    from smugglesim.model.shipped import SHIPPED_DIR

    return SHIPPED_DIR.resolve()


@contextmanager
def extends_anywhere(allowed: bool = True) -> Iterator[None]:
    """Within the block, ``extends`` may (or, with ``allowed=False``, may not) name a file
    anywhere, whatever ``SMUGGLESIM_ALLOW_EXTENDS_ANYWHERE`` says."""
    token = _allow_anywhere.set(allowed)
    try:
        yield
    finally:
        _allow_anywhere.reset(token)


def extends_allowed_anywhere() -> bool:
    """Whether ``extends`` may leave the scenario's folder and the shipped scenarios."""
    allowed = _allow_anywhere.get()
    if allowed is not None:
        return allowed
    return os.environ.get(ALLOW_ANYWHERE_ENV, "").strip().lower() in ("1", "true", "yes")


def display(path: Path) -> str:
    """A path as errors show it: relative to the working folder when it is below it."""
    try:
        text = str(path.relative_to(Path.cwd()))
    except ValueError:
        text = str(path)
    return text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text


def read_toml(path: Path) -> dict[str, Any]:
    """The TOML table of one scenario file, read with every limit of this module.

    Raises:
        ScenarioFileError: the file is missing, not a regular file, too large, not UTF-8,
            not TOML, or nested too deeply.
    """
    name = display(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ScenarioFileError(f"{name}: file not found") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ScenarioFileError(f"{name}: symbolic link loop") from None
        raise ScenarioFileError(f"{name}: cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise ScenarioFileError(f"{name}: is a folder, not a scenario file")
    if not stat.S_ISREG(info.st_mode):
        raise ScenarioFileError(f"{name}: not a regular file (a device, pipe or socket)")
    if info.st_size > MAX_FILE_BYTES:
        raise ScenarioFileError(
            f"{name}: larger than {MAX_FILE_BYTES // 1024} KiB ({info.st_size} bytes)"
        )
    try:
        # O_NONBLOCK: should the path have become a pipe since the stat, opening it must
        # not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise ScenarioFileError(f"{name}: not a regular file (a device, pipe or socket)")
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioFileError(f"{name}: cannot read: {exc.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioFileError(f"{name}: larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")  # a byte-order mark is harmless
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScenarioFileError(
            f"{name}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at line {line}, "
            f"column {column}); save the file as UTF-8"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioFileError(f"{name}: TOML syntax error: {exc}") from None
    except RecursionError:
        raise ScenarioFileError(f"{name}: nested more than {MAX_NESTING} levels deep") from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise ScenarioFileError(f"{name}: TOML value error: {exc}") from None
    if (depth := nesting(data)) > MAX_NESTING:
        raise ScenarioFileError(
            f"{name}: nested {depth} levels deep; at most {MAX_NESTING} are allowed"
        )
    return data


def nesting(value: Any) -> int:
    """Levels of tables and arrays in ``value`` (0 for a scalar), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_NESTING:
            return deepest  # deep enough to refuse; no need to walk the rest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def read_chain(path: Path) -> list[tuple[Path, dict[str, Any]]]:
    """The scenario at ``path`` and every file it ``extends``, child first, each with its
    table (``extends`` taken out).

    Raises:
        ScenarioFileError: any file of the chain cannot be read (see :func:`read_toml`), an
            ``extends`` is not a string, names a file outside the allowed folders, makes a
            cycle, or the chain is longer than :data:`MAX_EXTENDS` files.
    """
    try:
        path = path.resolve()
    except (OSError, RuntimeError):
        raise ScenarioFileError(f"{display(path)}: symbolic link loop") from None
    roots = [path.parent, shipped_scenarios()]
    chain: list[tuple[Path, dict[str, Any]]] = []
    current: Path | None = path
    while current is not None:
        try:
            data = read_toml(current)
        except ScenarioFileError as exc:
            if not chain:
                raise
            # Name the file that extends it, and where: that is the line to change.
            raise ScenarioFileError(f"{display(chain[-1][0])}: extends: {exc}") from None
        chain.append((current, data))
        parent = data.pop("extends", None)
        if parent is None:
            break
        current = _extended(current, parent, [p for p, _ in chain], roots)
    return chain


def _extended(child: Path, parent: Any, chain: list[Path], roots: list[Path]) -> Path:
    """The file ``child`` extends, after every check on its ``extends`` value."""
    where = f"{display(child)}: extends"
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioFileError(
            f'{where}: must be a file path string, e.g. extends = "baseline.toml"'
        )
    try:
        target = (child.parent / parent).resolve()
    except (OSError, RuntimeError):
        raise ScenarioFileError(f"{where}: {parent}: symbolic link loop") from None
    if target in chain:
        cycle = " -> ".join(display(p) for p in (*chain, target))
        raise ScenarioFileError(f"{where}: cyclic extends ({cycle})")
    if len(chain) >= MAX_EXTENDS:
        raise ScenarioFileError(
            f"{where}: the chain of extends from {display(chain[0])} is longer than "
            f"{MAX_EXTENDS} files"
        )
    if not extends_allowed_anywhere() and not any(target.is_relative_to(r) for r in roots):
        raise ScenarioFileError(
            f"{where}: {display(target)} is outside the scenario's folder ({display(roots[0])}) "
            f"and the shipped scenarios; to allow it, pass --allow-extends-anywhere or set "
            f"{ALLOW_ANYWHERE_ENV}=1"
        )
    return target
