"""The measures of Council document 15250/18, one module each, and their registry.

Every module of this package (other than ``base``) holds one :class:`Measure` subclass; the
registry ``MEASURES`` is built from them, keyed by ``Measure.key`` and in the document's
numbering (``Measure.number``). Adding a measure is writing its module (and a scenario file
that switches it on): nothing else lists the measures.
"""

from __future__ import annotations

import importlib
import pkgutil

from smugglesim.model.measures.base import Measure, MeasureParams


def _registry() -> dict[str, type[Measure]]:
    """Import every measure module of this package and collect its Measure subclasses.

    The modules are this package's own (the same layer): no plugin is loaded from outside.
    """
    found: list[type[Measure]] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        classes = [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type)
            and issubclass(obj, Measure)
            and obj is not Measure
            and obj.__module__ == module.__name__
        ]
        if len(classes) != 1:
            raise ImportError(
                f"smugglesim/model/measures/{info.name}.py must define one Measure subclass, "
                f"found {len(classes)}"
            )
        found.append(classes[0])
    numbers = [cls.number for cls in found]
    if len(set(numbers)) != len(numbers):
        raise ImportError(f"two measures share a number: {sorted(numbers)}")
    keys = [cls.key for cls in found]
    if len(set(keys)) != len(keys):
        raise ImportError(f"two measures share a key: {sorted(keys)}")
    return {cls.key: cls for cls in sorted(found, key=lambda c: c.number)}


MEASURES: dict[str, type[Measure]] = _registry()

__all__ = ["MEASURES", "Measure", "MeasureParams"]
