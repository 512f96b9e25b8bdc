"""The measures of Council document 15250/18, one module each, and their registry.

Adding a measure: write its module (a :class:`Measure` subclass with ``Params``) and add one
line to ``MEASURES`` below. Registry order is the document's numbering.
"""

from model.measures.base import Measure, MeasureParams
from model.measures.csdp_links import CsdpLinks
from model.measures.empact_action_days import EmpactActionDays
from model.measures.emsc_capacity import EmscCapacity
from model.measures.financial_investigations import FinancialInvestigations
from model.measures.frontline_information import FrontlineInformation
from model.measures.information_clearing_house import InformationClearingHouse
from model.measures.iru_takedowns import IruTakedowns
from model.measures.joint_liaison_task_force import JointLiaisonTaskForce
from model.measures.joint_operational_platforms import JointOperationalPlatforms
from model.measures.judicial_cooperation import JudicialCooperation
from model.measures.lo_coordination import LoCoordination
from model.measures.operational_partnerships import OperationalPartnerships
from model.measures.training import Training

MEASURES: dict[str, type[Measure]] = {
    cls.key: cls
    for cls in sorted(
        [
            EmscCapacity,
            InformationClearingHouse,
            FrontlineInformation,
            EmpactActionDays,
            JointLiaisonTaskForce,
            JointOperationalPlatforms,
            FinancialInvestigations,
            JudicialCooperation,
            Training,
            IruTakedowns,
            CsdpLinks,
            LoCoordination,
            OperationalPartnerships,
        ],
        key=lambda c: c.number,
    )
}

__all__ = ["MEASURES", "Measure", "MeasureParams"]
