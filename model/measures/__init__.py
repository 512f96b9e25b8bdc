"""The measures of Council document 15250/18, one module each, and their registry.

Adding a measure: write its module (a :class:`Measure` subclass with ``Params``) and add one
line to ``MEASURES`` below. Registry order is the document's numbering.
"""

from model.measures.base import Measure, MeasureParams
from model.measures.financial_investigations import FinancialInvestigations
from model.measures.iru_takedowns import IruTakedowns
from model.measures.lo_coordination import LoCoordination

MEASURES: dict[str, type[Measure]] = {
    cls.key: cls
    for cls in sorted(
        [
            FinancialInvestigations,
            IruTakedowns,
            LoCoordination,
        ],
        key=lambda c: c.number,
    )
}

__all__ = ["MEASURES", "Measure", "MeasureParams"]
