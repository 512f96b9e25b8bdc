"""One-off arrest operations: an experiment's intervention at a given week.

An ``[[operations]]`` table of a scenario (``smugglesim.model.parameters.Operation``) names a
week, a target (one OCG, or every OCG of a route) and a strategy; at the start of that week
the police arrest ``members_per_ocg`` members of each target OCG, chosen by the strategy
(``smugglesim/model/key_players.py``; ``random``: at random, stream ``operations``), through
the arrest operation every actor uses (``Arrests.operation``: cash seized, a case opened,
the members gone from their OCG, whose replacement search starts). The operation draws on
the police unit of each target's route: it takes ``enforcement.operation_routine_work_share``
of the unit's investigative work that week for every OCG it targets there
(:meth:`smugglesim.model.police.PoliceUnit.divert`). Nothing else is changed: what the group
loses afterwards comes out of its ties and money.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from smugglesim.model.key_players import priority

if TYPE_CHECKING:
    import numpy as np

    from smugglesim.model.ocg_lifecycle import OcgLifeCycle
    from smugglesim.model.parameters import Operation
    from smugglesim.model.police import Arrests, PoliceUnit


class OneOffOperation:
    """One ``[[operations]]`` table, run once (a Mesa event at its week).

    Args:
        spec: The operation's table.
        lifecycle: The OCGs (targets) and their members.
        arrests: The arrest operation.
        police_units: The units whose work it takes, by route.
        routine_work_share: The share of a unit's week it takes for each OCG it targets.
        rng: The operations' random stream (the order of members alike under a strategy).
    """

    def __init__(
        self,
        spec: Operation,
        lifecycle: OcgLifeCycle,
        arrests: Arrests,
        police_units: dict[str, PoliceUnit],
        routine_work_share: float,
        rng: np.random.Generator,
    ) -> None:
        self.spec = spec
        self.lifecycle = lifecycle
        self.arrests = arrests
        self.police_units = police_units
        self.routine_work_share = routine_work_share
        self.rng = rng
        self.arrested = 0  # members it arrested

    def targets(self) -> list:
        spec = self.spec
        ocgs = [o for o in self.lifecycle.ocgs if not o.dismantled]
        if spec.ocg is not None:
            return [o for o in ocgs if o.ocg_id == spec.ocg]
        return [o for o in ocgs if spec.route in ("all", o.route)]

    def run(self) -> None:
        spec = self.spec
        for ocg in self.targets():
            members = list(ocg.members)
            order = self.rng.permutation(len(members)).tolist()
            ranked = sorted(
                range(len(members)), key=lambda i: (priority(members[i], spec.strategy), order[i])
            )
            chosen = [members[i] for i in ranked[: spec.members_per_ocg]]
            if chosen:
                self.police_units[ocg.route].divert(self.routine_work_share)
                self.arrests.operation(None, chosen, chosen)
                self.arrested += len(chosen)
