"""Key players of an OCG, derived from its network each time they matter.

An OCG's **command** is its organiser and coordinators: they hold the contacts with the
suppliers of boats and vehicles, with corrupt officials and with the next leg's smugglers,
and they coordinate the crossings (Campana 2018, European Journal of Criminology 15(4):
the ring of the 2013 Lampedusa case was made of localized, rudimentary hierarchies, with
coordination running vertically, organisers to aides, and a few high-centrality actors at
each stage of the route). A member works for the group only while a chain of ties links
them to the command (:func:`structure`, ``reach``): a transporter cut off sits idle, and
the group's capacity on that leg falls, until a replacement with the lost member's ties
joins (``smugglesim/model/ocg_lifecycle.py``).

Whose loss costs what follows from the ties, not from a flag:

- **leaders**: the organiser and the coordinators (the command);
- **brokers**: members whose removal would cut at least one other member off from the
  command, more the more they would cut off (:func:`brokerage`; in a group running two
  legs, typically whoever links the onward leg's crew to the leaders). Ties to other OCGs
  carry no resource in the model (only leads, §7.8 of docs/ODD.md), so they make nobody a
  broker;
- **money handlers**: they hold the laundering channel (without one, cash goes into
  assets only at ``smugglers.crude_laundering_share`` of the rate, docs/ODD.md §7.5).

The High Value Targets (HVTs) are the organisers, the brokers and the money handlers.

Targeting strategies (``enforcement.targeting``, a one-off operation's ``strategy``)
order members by :func:`priority`: lower first. Bright et al. (2017, Global Crime 18(4):
424-441) found, on a simulated drug-trafficking network, removal by betweenness the most
disruptive and removal of those who hold money second, both ahead of random removal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from smugglesim.model.smugglers import Role

if TYPE_CHECKING:
    import networkx as nx

    from smugglesim.model.smugglers import OrganisedCrimeGroup, Smuggler

Strategy = Literal["random", "hvt_first", "leaders_first", "broker_first", "money_first"]
STRATEGIES: tuple[str, ...] = Strategy.__args__  # type: ignore[attr-defined]

COMMAND = (Role.ORGANISER, Role.COORDINATOR)
_TRANSPORTER = Role.TRANSPORTER  # looked up once: the checks below run at every join and loss


class Structure:
    """What an OCG's ties give it now: the members linked to its command (``reach``) and,
    by leg, the transporters among them (``reachable_by_leg``); each member's brokerage
    is worked out on demand and kept until the OCG's members or ties change, with the
    reach without that member (the next reach if that member is lost: :func:`after_loss`)."""

    __slots__ = ("_brokerage", "_reach_without", "reach", "reachable_by_leg")

    def __init__(self, reach: set[Smuggler], reachable_by_leg: dict[int, int]) -> None:
        self.reach = reach
        self.reachable_by_leg = reachable_by_leg
        self._brokerage: dict[Smuggler, int] = {}
        self._reach_without: dict[Smuggler, set[Smuggler]] = {}  # same keys as _brokerage

    def _forget_brokerage(self) -> None:
        """The OCG's members or ties changed: the brokerage worked out before may not hold."""
        # Emptied in place: most changes find nothing kept, and a new pair of dicts for
        # each of them cost more than this test.
        if self._brokerage:
            self._brokerage.clear()
            self._reach_without.clear()

    def _count(self, members: Iterable[Smuggler], change: int) -> None:
        """``members`` joined (``change`` +1) or left (-1) the reach: count their transporters."""
        by_leg = self.reachable_by_leg
        for m in members:
            if m.role == _TRANSPORTER:
                by_leg[m.leg] = by_leg.get(m.leg, 0) + change


def _reach(ocg: OrganisedCrimeGroup, social: nx.Graph, without: Smuggler | None) -> set[Smuggler]:
    """The members of ``ocg`` (less ``without``) linked by a chain of ties among its
    present members to a member of its command; all of them if it has no command (nobody
    to be cut off from: the group does not operate, docs/ODD.md §7.12)."""
    left = set(ocg.members)
    left.discard(without)  # type: ignore[arg-type]
    todo = [m for m in left if m.role in COMMAND]
    if not todo:
        return left
    adj = social._adj  # networkx's own adjacency dict: read-only use, for speed
    left.difference_update(todo)
    seen = set(todo)
    while todo and left:
        nxt = [other for m in todo for other in adj[m] if other in left]
        left.difference_update(nxt)
        seen.update(nxt)
        todo = nxt
    return seen


def structure(ocg: OrganisedCrimeGroup) -> Structure:
    """The OCG's :class:`Structure`, worked out again only after its members or ties
    changed in a way not followed by :func:`after_join` or :func:`after_loss`."""
    found = ocg.structure
    if found is None:
        reach = _reach(ocg, ocg.social, None)
        by_leg: dict[int, int] = {}
        for m in reach:
            if m.role == Role.TRANSPORTER:
                by_leg[m.leg] = by_leg.get(m.leg, 0) + 1
        found = ocg.structure = Structure(reach, by_leg)
    return found


def brokerage(member: Smuggler) -> int:
    """How many other members of its OCG would be cut off from the command without
    ``member`` (0 for a member gone, and for the last of the command: without a command
    the group does not operate at all, and :func:`_reach` counts everyone)."""
    if member.gone:
        return 0
    ocg = member.ocg
    s = structure(ocg)
    value = s._brokerage.get(member)
    if value is None:
        if member.role not in COMMAND:
            # Ties to present members of the group, counted up to two (a loop: cheaper
            # than sum()); members gone keep their ties in the graph but link nobody.
            in_group = 0
            for c in ocg.social._adj[member]:
                if c.ocg is ocg and not c.gone:
                    in_group += 1
                    if in_group > 1:
                        break
            if in_group <= 1:
                # One tie at most: nobody reaches the command through this member. A
                # member of the command with one tie may still be the only link of the
                # crew behind it to the command: worked out below.
                return 0
        before = len(s.reach) - (member in s.reach)
        without = s._reach_without[member] = _reach(ocg, ocg.social, member)
        value = s._brokerage[member] = max(before - len(without), 0)
    return value


def after_join(
    ocg: OrganisedCrimeGroup, new: Smuggler, found: Structure | None
) -> Structure | None:
    """The OCG's :class:`Structure` once ``new`` joined it with its ties, updated from
    ``found``, the structure before (None if not known; None is returned when it must be
    worked out again).

    The recruit's ties are the only new ones, so the members newly linked to the command
    are those linked through the recruit: if the recruit joins the command or is tied to a
    member already linked, a search from the recruit into the members not linked adds
    them; else nobody is added. The first member of a command makes the group's ties
    count where none did (see :func:`_reach`): worked out again."""
    if found is None:
        return None
    roles, i = ocg.table.roles, ocg.ocg_id
    leads = roles.item(i, Role.ORGANISER) + roles.item(i, Role.COORDINATOR)  # with the recruit
    leading = new.role in COMMAND
    if leading and leads == 1:
        return None
    reach = found.reach
    adj = ocg.social._adj  # networkx's own adjacency dict: read-only use, for speed
    if leads and not leading and reach.isdisjoint(adj[new]):
        found._forget_brokerage()  # its contacts' ties changed (see brokerage)
        return found
    added = [new]
    reach.add(new)
    if leads:  # without a command every member counts as linked: nobody to search for
        for m in added:  # grows while the search goes on
            for other in adj[m]:
                if other not in reach and other.ocg is ocg and not other.gone:
                    reach.add(other)
                    added.append(other)
    found._count(added, +1)
    found._forget_brokerage()
    return found


def after_loss(
    ocg: OrganisedCrimeGroup, lost: Smuggler, found: Structure | None
) -> Structure | None:
    """The OCG's :class:`Structure` once ``lost`` left it, updated from ``found``, the
    structure before (None if not known; None is returned when it must be worked out
    again).

    A member not linked to the command linked nobody else to it: nothing changes. A linked
    member with one tie in the group, outside the command, links nobody else either: only
    they leave the reach. Otherwise the reach without them, if it was worked out for their
    brokerage (typically at their arrest), is the new reach."""
    if found is None:
        return None
    reach = found.reach
    if lost not in reach:
        return found  # the brokerage worked out before stays true
    without = found._reach_without.get(lost)
    if without is None:
        contacts = ocg.social._adj[lost]
        ties = len(reach.intersection(contacts)) - (lost in contacts)  # a self-tie is none
        if lost.role in COMMAND or ties > 1:
            return None
        # A leaf of the reach: nobody is linked through them, so only they leave it (in
        # place: nothing else holds the set).
        reach.remove(lost)
        found._count((lost,), -1)
        found._forget_brokerage()
        return found
    found._count(reach - without, -1)
    found._count(without - reach, +1)  # without the last of the command: everyone
    found.reach = without
    found._forget_brokerage()
    return found


def is_broker(member: Smuggler) -> bool:
    return brokerage(member) > 0


def is_hvt(member: Smuggler) -> bool:
    """A High Value Target: the organiser, a money handler or a broker."""
    return member.role in (Role.ORGANISER, Role.MONEY_HANDLER) or is_broker(member)


def priority(member: Smuggler, strategy: str) -> tuple[int, int]:
    """Sort key of ``member`` under ``strategy`` (lower first; equal keys keep their order,
    the oldest lead first or a random order): ``hvt_first`` the organiser, then
    coordinators and brokers, then money handlers, then the rest; ``leaders_first`` the
    organiser, then coordinators; ``broker_first`` brokers, those who would cut off the
    most first; ``money_first`` money handlers; ``random`` everyone alike."""
    role = member.role
    if strategy == "hvt_first":
        if role == Role.ORGANISER:
            return 0, 0
        if role == Role.COORDINATOR or is_broker(member):
            return 1, 0
        return (2 if role == Role.MONEY_HANDLER else 3), 0
    if strategy == "leaders_first":
        return {Role.ORGANISER: 0, Role.COORDINATOR: 1}.get(role, 2), 0
    if strategy == "broker_first":
        cut = brokerage(member)
        return (0, -cut) if cut > 0 else (1, 0)
    if strategy == "money_first":
        return (0 if role == Role.MONEY_HANDLER else 1), 0
    return 0, 0
