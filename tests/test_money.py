"""Money is the OCGs' operating constraint: what their cash pays for is what they can do."""

from __future__ import annotations

import numpy as np
import pytest

from smugglesim.model import SmugglingModel
from smugglesim.model.smugglers import OcgTable, Role
from tests.conftest import short


def offered(model: SmugglingModel, ocg_id: int) -> int:
    """Refresh the market (which pays this week's transporters); the places ``ocg_id``
    offers."""
    model.market.refresh()
    offers = model.market.offers
    return int(offers.capacity[offers.ocg_ids == ocg_id].sum())


def test_seizing_an_ocgs_cash_lowers_the_capacity_it_offers():
    model = SmugglingModel(short("baseline", 0.5), rng=5)
    for _ in range(4):
        model.step()
    ocg = next(o for o in model.ocgs if o.operating and o.table.transporters[o.ocg_id].sum() > 1)
    cost = model.config.smugglers.transporter_cost_eur_week
    full = offered(model, ocg.ocg_id)
    assert full > 0 and model.market.short_of_cash == 0
    ocg.cash = 1.5 * cost  # enough for one transporter
    one = offered(model, ocg.ocg_id)
    assert 0 < one < full
    assert ocg.cash == pytest.approx(0.5 * cost)  # the one at work was paid
    assert model.market.short_of_cash == 1
    ocg.cash = 0.0
    assert offered(model, ocg.ocg_id) == 0


def test_transporters_the_cash_pays_for_are_spread_over_the_legs():
    table = OcgTable(n_legs=3)
    for _ in range(3):
        table.add()
    table.transporters[:3] = [[3, 1, 0], [2, 2, 0], [0, 0, 4]]
    table.reachable[:3] = table.transporters[:3]  # every crew linked to the command
    table.cash[:3] = [2500.0, 1000.0, 1e6]
    short = table.put_to_work(np.arange(3), cost_eur_week=1000.0)
    assert short.tolist() == [True, True, False]
    assert table.working[:3].tolist() == [[2, 0, 0], [1, 0, 0], [0, 0, 4]]
    assert table.cash[:3].tolist() == [500.0, 0.0, 1e6 - 4000.0]
    assert table.spent[:3].tolist() == [2000.0, 1000.0, 4000.0]


def test_unpaid_members_leave_without_being_arrested_and_are_replaced():
    model = SmugglingModel(short("baseline", 0.5), rng=6)
    model.step()
    lifecycle = model.ocg_lifecycle
    ocg = next(o for o in model.ocgs if o.operating)
    arrested = model.members_arrested
    members = len(ocg.members)
    for _ in range(8):  # no cash, no assets, no other income: nobody is paid
        ocg.cash = 0.0
        ocg.assets_eu = ocg.assets_cooperating = ocg.assets_out_of_reach = 0.0
        ocg.poly_criminal = False
        lifecycle.finances()
    left = members - len(ocg.members)
    assert left > 0 and lifecycle.members_left_unpaid >= left
    assert model.members_arrested == arrested
    assert len(ocg.pending_replacements) >= left
    assert ocg.count(Role.ORGANISER) == 1  # the organiser is not paid, and stays
    gone = [m for m in model.social if m.ocg is ocg and m.left_week is not None]
    assert len(gone) == left and all(m.gone and not m.arrested for m in gone)


def test_an_ocg_short_of_cash_sells_assets_at_a_discount():
    model = SmugglingModel(short("baseline", 0.5), rng=7)
    model.step()
    params = model.config.smugglers
    ocg = next(o for o in model.ocgs if o.operating)
    ocg.cash = 0.0
    ocg.poly_criminal = False  # no other income
    ocg.assets_eu, ocg.assets_cooperating, ocg.assets_out_of_reach = 6e6, 3e6, 3e6
    spent = ocg.spent
    ids = np.array([ocg.ocg_id])
    reserve = params.cash_reserve_weeks * ocg.table.fixed_costs_week(ids, params).item()
    discount = params.asset_sale_discount
    model.ocg_lifecycle.finances()
    # enough to bring the cash back to its reserve, within the weekly cap
    sold = min(12e6 / params.asset_sale_weeks, reserve / (1 - discount))
    assert model.ocg_lifecycle.assets_sold_eur >= sold * (1 - 1e-9)  # (others may sell too)
    assert ocg.cash == pytest.approx(sold * (1 - discount))
    drawn = (12e6 - sold) * params.asset_drawdown_share_week
    assert ocg.assets == pytest.approx(12e6 - sold - drawn)
    assert ocg.assets_eu / ocg.assets == pytest.approx(0.5)  # sold and drawn in proportion
    assert ocg.spent - spent == pytest.approx(sold * discount + drawn)


def test_frozen_assets_cannot_carry_an_ocg_through_a_shortage():
    """Two copies of a run; in one an OCG's assets are frozen. When both lose their cash,
    the one that kept its assets sells them and keeps more transporters at work."""
    runs = []
    for frozen in (False, True):
        model = SmugglingModel(short("baseline", 0.5), rng=8)
        for _ in range(10):
            model.step()
        ocg = next(o for o in model.ocgs if o.operating and o.assets > 0)
        if frozen:
            ocg.frozen_out += ocg.assets
            ocg.assets_eu = ocg.assets_cooperating = ocg.assets_out_of_reach = 0.0
        ocg.cash = 0.0
        ocg.poly_criminal = False
        model.ocg_lifecycle.finances()
        runs.append(offered(model, ocg.ocg_id))
    kept, lost = runs
    assert kept > lost == 0
