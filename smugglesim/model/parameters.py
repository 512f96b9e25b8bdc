"""The parameters of the model, section by section: one pydantic class per table of a
scenario file (``[run]``, ``[demand]``, ``[smugglers]``, ``[enforcement]``, ``[finance]``,
``[justice]``), each field with its default (the calibrated status quo of 2018), its range
and a one-line meaning that ends with its source or ``ASSUMPTION``. The measures' own
parameters live with the measures (``smugglesim/model/measures/``); :mod:`smugglesim.model.scenario` puts the
sections and the measures together and reads scenario files.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from smugglesim.model.clock import Calendar, parse_month
from smugglesim.model.demand_schedule import ScheduleError, load_schedule
from smugglesim.model.key_players import Strategy
from smugglesim.model.routes import ROUTES, known

# Every table of a scenario: unknown keys are errors, and values are taken as they are
# written: no "yes" for true, no "5" for 5, no true for 1, no NaN or infinity. An integer
# where a float is expected is fine (TOML users write ``years = 5``).
STRICT = ConfigDict(
    extra="forbid", strict=True, allow_inf_nan=False, validate_assignment=True, frozen=False
)


class Section(BaseModel):
    """Base of every scenario table: unknown keys are errors, values are validated strictly."""

    model_config = STRICT


def cross_field_errors(model: BaseModel, problems: list[tuple[str, str]]) -> None:
    """Raise one validation error per ``(key, message)`` of ``problems``, each at its own
    key (dotted below ``model``), for the checks that involve several keys; nothing when
    there is none."""
    errors = []
    for key, message in problems:
        value: Any = model
        for part in key.split("."):
            value = value[int(part)] if isinstance(value, list) else getattr(value, part)
        errors.append(
            InitErrorDetails(
                type=PydanticCustomError("cross_field", "{message}", {"message": message}),
                loc=tuple(int(p) if p.isdigit() else p for p in key.split(".")),
                input=value,
            )
        )
    if errors:
        raise ValidationError.from_exception_data(type(model).__name__, errors)


class RunParams(Section):
    years: float = Field(
        5.0,
        ge=1 / 52,
        le=50,
        description="Horizon in years (52 weekly steps each; at least one week, 1/52).",
    )
    start_year: int = Field(
        2018,
        ge=2000,
        le=2100,
        description="Calendar year of week 0 (labels only); the year of run.start when that is given.",
    )
    start: str | None = Field(
        None,
        min_length=7,
        max_length=7,
        description="Month in which week 0 begins, YYYY-MM (2000-01 to 2100-12), placing the run in time: week w begins 7 w days after the month's first day, the weekly outputs carry the date, and dated inputs (demand.schedule, [[events]] with a date) apply from their weeks; none: the undated status quo of 2018.",
    )
    warmup_years: float = Field(
        1.0,
        ge=0,
        le=10,
        description="Status-quo years simulated before week 0 and not reported, rounded to whole weeks (the clock runs from minus these weeks; measures count weeks from week 0): the OCGs' money, investigations and court cases are under way at week 0, as in 2018, rather than starting from an empty system (ASSUMPTION: one year, longer than the mean investigation and prosecution delays, measured in docs/calibration.md).",
    )

    @field_validator("start")
    @classmethod
    def _a_month(cls, start: str | None) -> str | None:
        if start is not None:
            year = parse_month(start).year
            if not 2000 <= year <= 2100:
                raise ValueError(f"year {year} is not within 2000 to 2100")
        return start

    @model_validator(mode="before")
    @classmethod
    def _start_year_of_start(cls, data: Any) -> Any:
        """``start_year`` follows ``start`` unless written (then they must agree)."""
        start = data.get("start") if isinstance(data, dict) else None
        if isinstance(start, str) and "start_year" not in data and start[:4].isdigit():
            data = {**data, "start_year": int(start[:4])}
        return data

    @model_validator(mode="after")
    def _same_year(self) -> RunParams:
        if self.start is not None and int(self.start[:4]) != self.start_year:
            message = f"{self.start_year} is not the year of start ({self.start})"
            cross_field_errors(self, [("start_year", message)])
        return self

    @property
    def calendar(self) -> Calendar:
        """The dates of the run's weeks (undated without ``start``)."""
        return Calendar(parse_month(self.start) if self.start is not None else None)

    @property
    def first_day(self) -> dt.date:
        """The first day of week 0, as plots and pages label the weeks: ``start``'s first day
        for a dated run, else 1 January of ``start_year``."""
        return self.calendar.start or dt.date(self.start_year, 1, 1)


class DemandParams(Section):
    scale: float = Field(
        1.0, ge=0, le=10, description="Multiplier on every origin's weekly departures."
    )
    season_peak_week: int = Field(
        26,
        ge=0,
        le=51,
        description="Week of the year in which departures peak; each origin's seasonality sets the amplitude (ASSUMPTION).",
    )
    price_sensitivity: float = Field(
        1.5,
        ge=0,
        le=20,
        description="Weight of price (per EUR 1,000) in migrants' choice of path and smuggler.",
    )
    risk_aversion: float = Field(
        20.0,
        ge=0,
        le=500,
        description="Weight of perceived death risk (probability) in the choice of path.",
    )
    find_prob_floor: float = Field(
        0.02,
        gt=0,
        le=1,
        description="Lowest chance of finding a smuggler (or going on alone) on a leg that a migrant choosing a path assumes (ASSUMPTION).",
    )
    self_travel_risk_level: float = Field(
        1.0,
        ge=0,
        le=1,
        description="Risk level (0-1, as an OCG's risk shift) of a migrant travelling a leg alone; 1 is the riskiest crossing (ASSUMPTION).",
    )
    upfront_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of a leg's fee paid upfront; the rest waits in hawala escrow until the leg ends.",
    )
    abandon_prob_week: float = Field(
        0.01,
        ge=0,
        le=1,
        description="Weekly probability that a migrant still searching for a smuggler gives up.",
    )
    reroute_after_weeks: int = Field(
        6,
        ge=1,
        le=104,
        description="Weeks of fruitless search at a hub after which a migrant reconsiders its path.",
    )
    departure_elasticity: float = Field(
        0.3,
        ge=0,
        le=2,
        description="Elasticity of departures from an origin with respect to the expected cost of the journey (fees over the chance of getting through, with death and detection risk in EUR); Gathmann 2008 (US-Mexico border: enforcement raised smuggling prices 30% and cut illegal migration about 10%, i.e. about 0.3; ASSUMPTION that it transfers to the routes into the EU).",
    )
    decision_prob_week: float = Field(
        0.5,
        gt=0,
        le=1,
        description="Weekly chance that a would-be migrant decides whether to set out now; the others postpone (ASSUMPTION).",
    )
    give_up_prob: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Chance that a would-be migrant who decides not to set out (the journey costing more than at the status quo) gives up rather than postpones, before any wait (ASSUMPTION).",
    )
    give_up_doubling_weeks: float = Field(
        26.0,
        ge=1,
        le=520,
        description="Weeks of waiting at the origin after which a would-be migrant's chance of giving up (when the journey costs more than at the status quo) has doubled (ASSUMPTION).",
    )
    detection_aversion: float = Field(
        0.5,
        ge=0,
        le=20,
        description="Weight of the chance of being detected (registered) at the EU border in the choice of path, as for risk_aversion; registration hinders onward movement (ASSUMPTION).",
    )
    interception_aversion: float = Field(
        2.0,
        ge=0,
        le=50,
        description="Weight of the chance of being intercepted and returned by a third country in the choice of path (ASSUMPTION).",
    )
    give_up_after_return_prob: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Probability that a migrant intercepted and returned by a third country gives up and goes home (ASSUMPTION; IOM assisted about 16,000 voluntary returns from Libya in 2018).",
    )
    secondary_movement_share: float = Field(
        0.25,
        ge=0,
        le=1,
        description="Share of the migrants entering the EU in Greece who move on through the Western Balkans (ASSUMPTION, calibrated to Frontex 2018 Western Balkans detections).",
    )
    secondary_movement_weeks: float = Field(
        26.0,
        ge=1,
        le=260,
        description="Mean weeks a migrant moving on spends in Greece before setting out again (ASSUMPTION).",
    )
    schedule: str | None = Field(
        None,
        min_length=1,
        max_length=64,
        description="Demand schedule shipped as smugglesim/model/data/demand_<name>.csv: each origin's flow by year or quarter, relative to its flow in the file's reference period (2018, the status quo of departures_per_week), from sourced figures named in the file; needs run.start and must cover the reported weeks; none: every origin keeps its status-quo flow.",
    )

    @field_validator("schedule")
    @classmethod
    def _shipped_schedule(cls, name: str | None) -> str | None:
        if name is not None:
            try:
                load_schedule(name)
            except ScheduleError as exc:
                raise ValueError(str(exc)) from None
        return name


# A new OCG runs one leg, or, with probability onward_leg_share, two (its own and the next
# one of the same route): model.ocg_lifecycle.OcgLifeCycle._found_initial.
MAX_LEGS_PER_OCG = 2
# Its smallest possible composition: organiser, coordinator, money handler, recruiter and
# a transporter (model.ocg_lifecycle.OcgLifeCycle._build_ocg).
SMALLEST_OCG = 5


class SmugglerParams(Section):
    members_min: int = Field(
        6,
        ge=SMALLEST_OCG,
        le=100,
        description="Fewest members of an organised crime group (OCG) at creation.",
    )
    members_max: int = Field(
        16, ge=SMALLEST_OCG, le=200, description="Most members of an OCG at creation."
    )
    members_per_coordinator: int = Field(
        8,
        ge=1,
        le=200,
        description="Members per coordinator in a new OCG (size // this, at least one) (ASSUMPTION).",
    )
    second_money_handler_from_members: int = Field(
        12,
        ge=1,
        le=1000,
        description="Size of a new OCG from which it has a second money handler (ASSUMPTION).",
    )
    forger_prob: float = Field(
        0.6,
        ge=0,
        le=1,
        description="Probability that a new OCG has a document forger (ASSUMPTION).",
    )
    recruiters_per_member: float = Field(
        0.2,
        ge=0,
        le=1,
        description="Recruiters per member of a new OCG (rounded, at least one) (ASSUMPTION).",
    )
    extra_tie_prob: float = Field(
        0.08,
        ge=0,
        le=1,
        description="Probability that two members of a new OCG are tied beyond its hierarchy (ASSUMPTION).",
    )
    onward_leg_share: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Share of the initial OCGs that also run the onward leg of their route (ASSUMPTION).",
    )
    poly_criminal_share: float = Field(
        0.46,
        ge=0,
        le=1,
        description="Share of OCGs also active in other crime (source document: 46%).",
    )
    other_income_eur_week: float = Field(
        3000.0,
        ge=0,
        le=1e6,
        description="Weekly income of a poly-criminal OCG from its other crimes.",
    )
    operating_cost_share: float = Field(
        0.35,
        ge=0,
        le=1,
        description="Variable cost per place sold, as a share of its fee, spent when the fee is taken (boats, fuel, per-trip pay of drivers and pilots; UNODC 2018: a dinghy USD 1,000-2,000 on the Libyan coast).",
    )
    member_pay_eur_week: float = Field(
        300.0,
        ge=0,
        le=1e5,
        description="Weekly pay of each member other than the organiser, paid from cash; unpaid members may leave (ASSUMPTION: a few hundred euros a trip for low-level members, UNODC 2018).",
    )
    transporter_cost_eur_week: float = Field(
        1000.0,
        ge=0,
        le=1e6,
        description="Weekly running cost of a transporter put to work (vehicle or boat upkeep, bribes), paid from cash before the week's sales; an OCG works only the transporters it can pay (ASSUMPTION).",
    )
    unpaid_leave_prob_week: float = Field(
        0.25,
        ge=0,
        le=1,
        description="Weekly probability that a member of an OCG that paid none of its members' pay leaves; it scales with the unpaid share (ASSUMPTION).",
    )
    cash_reserve_weeks: float = Field(
        8.0,
        ge=0,
        le=104,
        description="Weeks of fixed costs (members' pay and the running cost of all its transporters) an OCG keeps in cash: it launders only cash above this reserve, sells assets when below it, and takes on a transporter only if its cash stays above it (ASSUMPTION).",
    )
    asset_sale_weeks: float = Field(
        12.0,
        ge=1,
        le=520,
        description="An OCG short of cash sells at most 1/this of its assets a week (property and businesses take months to sell) (ASSUMPTION).",
    )
    asset_sale_discount: float = Field(
        0.3,
        ge=0,
        lt=1,
        description="Share of the value of assets lost when they are sold in a hurry through intermediaries (ASSUMPTION).",
    )
    asset_drawdown_share_week: float = Field(
        0.02,
        ge=0,
        le=1,
        description="Weekly share of its assets the members draw (consumption, remittances home, investments outside the model): assets settle in about a year (ASSUMPTION).",
    )
    startup_capital_eur: float = Field(
        150_000.0,
        ge=0,
        le=1e8,
        description="Cash a new OCG starts with, from outside smuggling (other crime, investors): about 12 weeks of a mid-sized group's fixed costs, to carry it until its first fares (ASSUMPTION).",
    )
    initial_assets_eur: float = Field(
        6_000_000.0,
        ge=0,
        le=1e9,
        description="Laundered assets each OCG present at the start (2018) already holds, split like new assets (assets_in_eu_share, assets_in_cooperating_share), booked as capital; near the model's steady state (about EUR 430 million over 69 groups, docs/calibration.md), so that freezing does not start from empty (ASSUMPTION).",
    )
    consumption_share_week: float = Field(
        0.02, ge=0, le=1, description="Share of cash the members spend each week on themselves."
    )
    laundering_share_week: float = Field(
        0.08,
        ge=0,
        le=1,
        description="Share of cash a money handler launders into assets each week.",
    )
    crude_laundering_share: float = Field(
        0.25,
        ge=0,
        le=1,
        description="Laundering rate without a money handler (cash purchases), as a share of laundering_share_week (ASSUMPTION).",
    )
    assets_in_eu_share: float = Field(
        0.35,
        ge=0,
        le=1,
        description="Share of laundered assets placed in the EU (reachable by EU asset recovery).",
    )
    assets_in_cooperating_share: float = Field(
        0.25,
        ge=0,
        le=1,
        description="Share placed in cooperating third countries; the rest is out of reach.",
    )
    eu_presence: float = Field(
        0.25,
        ge=0,
        le=1,
        description="Probability that an organiser, coordinator, forger or money handler lives in the EU.",
    )
    transporters_at_eu_end_share: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Share of transporters on a leg into the EU who live at its EU end, collecting there (ASSUMPTION).",
    )
    online_reach_per_advert: float = Field(
        0.06,
        ge=0,
        le=1,
        description="Contribution of one live online advert to the share of searching migrants who find the OCG.",
    )
    word_of_mouth_reach: float = Field(
        0.10, ge=0, le=1, description="Contribution of one recruiter's word of mouth to that share."
    )
    adverts_per_recruiter: int = Field(
        3, ge=0, le=50, description="Online adverts each recruiter keeps live."
    )
    advert_repost_weeks: float = Field(
        3.0, ge=1, le=52, description="Mean weeks before a taken-down advert is posted again."
    )
    replacement_weeks: float = Field(
        8.0,
        ge=1,
        le=104,
        description="Mean weeks for one of a lost member's contacts still linked to the command to find a replacement through their own ties; k such contacts search at once, each week with probability 1 - (1 - 1/this)^k, so a redundant network recovers faster (Duijn et al. 2014: networks recover through the neighbours of the removed; the rate is an ASSUMPTION).",
    )
    replacement_cold_weeks: float = Field(
        26.0,
        ge=1,
        le=520,
        description="Mean weeks to find a replacement when none of the lost member's contacts is left linked to the command: the group recruits without anyone who knew the lost member's contacts (ASSUMPTION: months, DESIGN.md section 7 after Duijn et al. 2014).",
    )
    command_reach: bool = Field(
        True,
        description="Transporters work only while a chain of ties links them to the organiser or a coordinator, who hold the suppliers, officials and onward contacts (Campana 2018: localized hierarchies, coordination from organisers to aides); false: every transporter can work.",
    )
    expansion_prob_week: float = Field(
        0.25,
        ge=0,
        le=1,
        description="Weekly probability that an OCG sold out on a leg takes on another transporter there (paying replacement_cost_eur, if its cash reserve allows), and that one under-used on a leg lets one go (keeping one); smugglers scaled up quickly in 2015 (Europol-Interpol 2016), the rate is an ASSUMPTION.",
    )
    replacement_cost_eur: float = Field(
        15_000.0,
        ge=0,
        le=1e7,
        description="Cash an OCG spends to recruit a replacement member: an advance, intermediaries, a vehicle or boat; about 20 weeks of member_pay_eur_week, so that it binds for groups short of cash (ASSUMPTION).",
    )
    replacement_retry_weeks: int = Field(
        4,
        ge=1,
        le=52,
        description="Weeks before an OCG that cannot pay for a due replacement tries again (ASSUMPTION).",
    )
    recruit_second_tie_prob: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Probability that a replacement is tied to two existing members rather than one (ASSUMPTION).",
    )
    arrest_pressure: float = Field(
        2.0,
        ge=0,
        le=20,
        description="Pressure an arrest adds to its OCG, divided by the members left plus one (ASSUMPTION).",
    )
    risk_premium: float = Field(
        0.6, ge=0, le=5, description="Fractional price rise at full enforcement pressure on an OCG."
    )
    price_floor_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Lowest price an OCG asks on a leg, as a share of the leg's price_min_eur (ASSUMPTION).",
    )
    price_ceiling_factor: float = Field(
        2.0,
        ge=1,
        le=10,
        description="Highest price an OCG asks on a leg, as a multiple of the leg's price_max_eur (ASSUMPTION).",
    )
    markup_step: float = Field(
        0.02,
        ge=0,
        le=0.5,
        description="Weekly change in an OCG's demand markup per leg it sold out or left under-used (ASSUMPTION).",
    )
    sold_out_share: float = Field(
        0.9,
        ge=0,
        le=1,
        description="Share of its capacity on a leg above which an OCG's week counts as sold out (ASSUMPTION).",
    )
    under_used_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of its capacity on a leg below which an OCG's week counts as under-used (ASSUMPTION).",
    )
    markup_min: float = Field(
        -0.3, ge=-1, le=0, description="Lowest demand markup on an OCG's base prices (ASSUMPTION)."
    )
    markup_max: float = Field(
        0.5, ge=0, le=5, description="Highest demand markup on an OCG's base prices (ASSUMPTION)."
    )
    risk_shift: float = Field(
        0.8,
        ge=0,
        le=1,
        description="How far an OCG under full pressure moves to riskier, cheaper crossings (0-1).",
    )
    risky_death_multiplier: float = Field(
        2.0,
        ge=1,
        le=10,
        description="Death-risk multiplier of the riskiest crossings (unseaworthy boats, remote paths).",
    )
    risky_detection_evasion: float = Field(
        0.15,
        ge=0,
        le=1,
        description="Fall in detection probability of the riskiest crossings (night, remote paths).",
    )
    forger_detection_reduction: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Fall in detection probability for migrants of an OCG with a document forger.",
    )
    pressure_decay_week: float = Field(
        0.95,
        ge=0,
        le=1,
        description="Weekly persistence of an OCG's perceived enforcement pressure.",
    )
    reroute_pressure: float = Field(
        0.5,
        ge=0,
        le=10,
        description="Pressure above which an OCG may move to an adjacent, less policed leg.",
    )
    move_prob_week: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Weekly probability that an OCG above reroute_pressure tries to move one of its legs (ASSUMPTION).",
    )
    move_pressure_ratio: float = Field(
        0.5,
        ge=0,
        le=1,
        description="An OCG moves only to a leg whose mean pressure is below this share of its own (ASSUMPTION).",
    )
    move_waiting_ratio: float = Field(
        0.5,
        ge=0,
        le=10,
        description="It moves only where at least this share as many migrants wait as on the leg it leaves (ASSUMPTION).",
    )
    entry_prob_month: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Expected new OCGs a month on a leg with unmet demand (more where more is unmet).",
    )
    entry_interval_weeks: int = Field(
        4,
        ge=1,
        le=52,
        description="Weeks between entry rounds (the 'month' of entry_prob_month) (ASSUMPTION).",
    )
    entry_normal_wait_share: float = Field(
        0.5,
        ge=0,
        le=10,
        description="Migrants unserved per week on a leg that count as normal, as a share of its capacity (ASSUMPTION).",
    )
    entry_normal_wait_migrants: float = Field(
        20.0,
        ge=0,
        le=100000,
        description="Migrants unserved per week counted as normal on top of that share; beyond both, demand is unmet (ASSUMPTION).",
    )
    entry_max_multiplier: float = Field(
        5.0,
        ge=1,
        le=100,
        description="Cap on the factor by which unmet demand multiplies entry_prob_month (ASSUMPTION).",
    )
    inactive_exit_weeks: int = Field(
        52,
        ge=1,
        le=520,
        description="Weeks an OCG can stay unable to operate before it is dismantled.",
    )

    def founding_roles(self, size: int) -> tuple[int, int, int]:
        """Coordinators, money handlers and recruiters of a new OCG of ``size`` members
        (besides its organiser, an optional forger and its transporters)."""
        coordinators = max(1, size // self.members_per_coordinator)
        money_handlers = 1 + int(size >= self.second_money_handler_from_members)
        recruiters = max(1, round(self.recruiters_per_member * size))
        return coordinators, money_handlers, recruiters

    @model_validator(mode="after")
    def _consistent(self) -> SmugglerParams:
        problems: list[tuple[str, str]] = []
        if self.members_min > self.members_max:
            problems.append(
                (
                    "members_min",
                    f"must not exceed members_max ({self.members_max}), got {self.members_min}",
                )
            )
        elif (crowded := self._crowded_size()) is not None:
            size, roles, legs = crowded
            key = "members_min" if size == self.members_min else "recruiters_per_member"
            problems.append(
                (
                    key,
                    f"a new OCG of {size} members has {roles} organiser, coordinators, money "
                    f"handlers and recruiters, leaving no room for a transporter on each of its "
                    f"{legs} leg(s); raise members_min or lower recruiters_per_member",
                )
            )
        # A little room for rounding: 0.35 + 0.65 must pass whatever the float sum gives.
        if (total := self.assets_in_eu_share + self.assets_in_cooperating_share) > 1 + 1e-9:
            problems.append(
                (
                    "assets_in_cooperating_share",
                    f"assets_in_eu_share + assets_in_cooperating_share must not exceed 1 "
                    f"(the rest is out of reach), got {total:g}",
                )
            )
        if self.under_used_share > self.sold_out_share:
            problems.append(
                (
                    "under_used_share",
                    f"must not exceed sold_out_share ({self.sold_out_share:g}): a week cannot "
                    f"count as both sold out and under-used, got {self.under_used_share:g}",
                )
            )
        cross_field_errors(self, problems)
        return self

    def _crowded_size(self) -> tuple[int, int, int] | None:
        """The smallest size of a new OCG whose organiser, coordinators, money handlers and
        recruiters leave no room for a transporter on each leg it may run, with the number
        of those members and of legs; None if every size from members_min to members_max
        has room. (The model would then make the OCG larger than its drawn size.)"""
        legs = MAX_LEGS_PER_OCG if self.onward_leg_share > 0 else 1
        for size in range(self.members_min, self.members_max + 1):
            roles = 1 + sum(self.founding_roles(size))
            if size - roles < legs:
                return size, roles, legs
        return None


def _role_weight(default: float, role: str) -> Any:
    return Field(default, gt=0, le=20, description=f"Relative weight of {role} (ASSUMPTION).")


class RoleWeights(Section):
    """Weights by member role (one key per ``smugglesim.model.smugglers.Role``): the chance that the
    member named is of a role is proportional to the role's weight times its members."""


class VisibilityToMigrants(RoleWeights):
    """Whom a debriefed migrant names: the roles the migrants meet (recruiters, transporters)
    are the most visible."""

    organiser: float = _role_weight(0.3, "an organiser (the leader)")
    coordinator: float = _role_weight(1.5, "a coordinator")
    recruiter: float = _role_weight(4.0, "a recruiter, whom migrants meet")
    transporter: float = _role_weight(4.0, "a transporter (driver, boat pilot)")
    document_forger: float = _role_weight(0.5, "a document forger")
    money_handler: float = _role_weight(0.5, "a money handler")


class VisibilityToLiaison(RoleWeights):
    """Whom a liaison officer's lead names, within the OCG: coordinators are the most
    visible."""

    organiser: float = _role_weight(1.0, "an organiser (the leader)")
    coordinator: float = _role_weight(2.0, "a coordinator")
    recruiter: float = _role_weight(1.0, "a recruiter")
    transporter: float = _role_weight(1.0, "a transporter (driver, boat pilot)")
    document_forger: float = _role_weight(1.0, "a document forger")
    money_handler: float = _role_weight(1.0, "a money handler")


class EnforcementParams(Section):
    debrief_share: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Share of migrants detected at the border who are debriefed (Frontex).",
    )
    lead_per_debriefing: float = Field(
        0.02,
        ge=0,
        le=1,
        description="Probability that a debriefing names a member of the OCG that moved the migrant.",
    )
    visibility_to_migrants: VisibilityToMigrants = Field(
        default_factory=VisibilityToMigrants,
        description="Relative chance, by role, that a debriefing names a member of that role (ASSUMPTION).",
    )
    third_country_interception_factor: float = Field(
        1.0,
        ge=0,
        le=3,
        description="Multiplier on every leg's interception_prob in the route data (third countries' coast guards and border police at their 2018 level: UNHCR 2018, Turkish Coast Guard 2018; 1 is the status quo).",
    )
    flagrante_arrest_prob: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Weekly probability per OCG with migrants detected that a transporter is arrested on the spot.",
    )
    action_days_per_year: float = Field(
        53.0,
        ge=0,
        le=365,
        description="Joint action days (EU Policy Cycle/EMPACT) against migrant smuggling per year, every police unit acting at once (status quo: 53 in 2018, EMSC 2018; DESIGN.md §6).",
    )
    action_day_arrest_prob: float = Field(
        0.2,
        ge=0,
        le=1,
        description="Probability that a member identified by an open investigation is arrested on an action day (ASSUMPTION; with the next, about 10 arrests a day, EMSC 2018: over 600 arrests on 53 days).",
    )
    action_day_control_catch_prob: float = Field(
        0.07,
        ge=0,
        le=1,
        description="Probability that an action day's controls catch in the act a transporter at work on the EU side of the route that week (ASSUMPTION; about 4 a day, with the arrests above about 10 a day, EMSC 2018).",
    )
    operation_routine_work_share: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Share of a police unit's investigative work of the week that a one-off operation ([[operations]]) takes for each OCG it targets on the unit's route (ASSUMPTION: half a working day per group).",
    )
    action_day_routine_work_share: float = Field(
        0.2,
        ge=0,
        le=1,
        description="Share of a police unit's investigative work of the week that an action day takes (ASSUMPTION: one working day in five).",
    )
    platform_routes: list[str] = Field(
        ["western_balkans"],
        description="Routes with a regional joint operational platform in the status quo: the Joint Operational Office in Vienna, on the Western Balkans (15250/18, Annex II.6).",
    )
    platform_cross_border_factor: float = Field(
        0.8,
        ge=0,
        le=1,
        description="Multiplier on investigation success for cross-border cases on a route with a platform, in place of cross_border_success_factor (ASSUMPTION).",
    )
    platform_investigation_mean_weeks: float = Field(
        24.0,
        ge=1,
        le=520,
        description="Mean duration of an investigation on a route with a platform, in place of investigation_mean_weeks (ASSUMPTION).",
    )
    csdp_leads_per_week: float = Field(
        0.5,
        ge=0,
        le=1000,
        description="Leads on boat pilots of the central Mediterranean sea legs from the crime information cell pilot in EUNAVFOR MED Sophia, in the status quo (15250/18, Annex IV.11; ASSUMPTION on the rate).",
    )
    reliability_csdp: float = Field(
        0.55,
        ge=0,
        le=1,
        description="Mean reliability of a lead from a CSDP mission (ASSUMPTION).",
    )
    partner_seizure_prob: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Probability that a cooperating country's police, arresting members there, seize the OCG's assets traced in that country, in the status quo (ASSUMPTION: joint investigation teams with partners, as the JIT in Niger, 15250/18, Annex IV.13).",
    )
    emsc_leads_per_week: float = Field(
        15.0,
        ge=0,
        le=10000,
        description="Leads the Europol EMSC and national analysts can analyse per week.",
    )
    lead_max_age_weeks: int = Field(
        26, ge=1, le=520, description="Weeks after which an unanalysed lead is stale and dropped."
    )
    lead_reliability_threshold: float = Field(
        0.4, ge=0, le=1, description="Reliability below which an analysed lead is not acted on."
    )
    third_country_observed_share: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Share of third-country intelligence that reaches EU analysis (ICH partners).",
    )
    partner_leads_per_week: float = Field(
        4.0,
        ge=0,
        le=10000,
        description="Leads third-country partners report per week before the observed-share filter.",
    )
    lead_reliability_concentration: float = Field(
        6.0,
        ge=0.1,
        le=1000,
        description="Concentration (alpha + beta) of the Beta distribution of a lead's reliability around its source's mean (ASSUMPTION).",
    )
    reliability_debriefing: float = Field(
        0.5, ge=0, le=1, description="Mean reliability of a lead from a debriefing."
    )
    reliability_liaison: float = Field(
        0.6, ge=0, le=1, description="Mean reliability of a lead from a liaison officer."
    )
    reliability_online: float = Field(
        0.55, ge=0, le=1, description="Mean reliability of a lead from IRU infrastructure mapping."
    )
    reliability_partner: float = Field(
        0.45, ge=0, le=1, description="Mean reliability of a lead from a third-country partner."
    )
    reliability_investigation: float = Field(
        0.75,
        ge=0,
        le=1,
        description="Mean reliability of a lead found by an investigation or an arrest.",
    )
    investigations_per_unit: int = Field(
        12,
        ge=0,
        le=1000,
        description="Investigations one Member State police unit can run at once.",
    )
    investigation_mean_weeks: float = Field(
        30.0, ge=1, le=520, description="Mean duration of a criminal investigation."
    )
    hvt_investigation_factor: float = Field(
        1.5,
        ge=1,
        le=5,
        description="How many times longer, on average, an investigation opened on a High Value Target (an organiser, broker or money handler) lasts: the cost of targeting them (ASSUMPTION).",
    )
    investigation_duration_shape: float = Field(
        3.0,
        ge=0.1,
        le=100,
        description="Shape of the Gamma distribution of an investigation's duration (ASSUMPTION).",
    )
    investigation_min_weeks: int = Field(
        4, ge=1, le=104, description="Shortest criminal investigation (ASSUMPTION)."
    )
    mapping_prob_week: float = Field(
        0.06,
        ge=0,
        le=1,
        description="Weekly probability that investigators identify a contact of an identified member.",
    )
    investigation_success: float = Field(
        0.7,
        ge=0,
        le=1,
        description="Probability that an investigation ends in arrests (single-country case).",
    )
    cross_border_success_factor: float = Field(
        0.6,
        ge=0,
        le=1,
        description="Multiplier on that probability when identified members live in several jurisdictions.",
    )
    arrest_prob_eu: float = Field(
        0.9,
        ge=0,
        le=1,
        description="Probability that an identified member living in the EU is arrested at the end.",
    )
    arrest_prob_cooperating: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Same, for a member in a cooperating third country (through its police).",
    )
    liaison_officers: int = Field(
        12,
        ge=0,
        le=1000,
        description="EU liaison officers posted in third countries along the routes.",
    )
    lo_leads_per_officer_week: float = Field(
        0.25,
        ge=0,
        le=50,
        description="Leads one liaison officer gathers per week without duplication.",
    )
    visibility_to_liaison: VisibilityToLiaison = Field(
        default_factory=VisibilityToLiaison,
        description="Relative chance, by role, that a liaison officer's lead names a member of that role (ASSUMPTION).",
    )
    lo_duplication: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of liaison officers' leads that duplicate another officer's (uncoordinated).",
    )
    targeting: Strategy = Field(
        "random",
        description="Whose leads the analysts take and the police units open first when they cannot take all: random (the oldest lead, whoever it names; the status quo), hvt_first (organisers, then coordinators and brokers, then money handlers), leaders_first, broker_first (members whose arrest cuts the most off the command), money_first (Bright et al. 2017 compare such strategies).",
    )
    iru_referrals_per_week: float = Field(
        5.0,
        ge=0,
        le=10000,
        description="Smuggling adverts the EU Internet Referral Unit refers per week.",
    )
    iru_takedown_success: float = Field(
        0.6,
        ge=0,
        le=1,
        description="Probability that a referred advert is taken down by the service provider.",
    )
    iru_mapping_lead_prob: float = Field(
        0.05,
        ge=0,
        le=1,
        description="Probability that a takedown's infrastructure mapping yields a lead on the recruiter.",
    )
    iru_pressure_per_takedown: float = Field(
        0.02,
        ge=0,
        le=1,
        description="Enforcement pressure an OCG feels per advert of its taken down (ASSUMPTION).",
    )

    @field_validator("platform_routes")
    @classmethod
    def _known_routes(cls, routes: list[str]) -> list[str]:
        return known(routes, ROUTES, "route")

    @model_validator(mode="after")
    def _consistent(self) -> EnforcementParams:
        problems: list[tuple[str, str]] = []
        if self.investigation_min_weeks > self.investigation_mean_weeks:
            problems.append(
                (
                    "investigation_min_weeks",
                    f"must not exceed investigation_mean_weeks "
                    f"({self.investigation_mean_weeks:g}), got {self.investigation_min_weeks}",
                )
            )
        elif self.investigation_min_weeks > self.platform_investigation_mean_weeks:
            problems.append(
                (
                    "platform_investigation_mean_weeks",
                    f"must not be below investigation_min_weeks "
                    f"({self.investigation_min_weeks}), "
                    f"got {self.platform_investigation_mean_weeks:g}",
                )
            )
        cross_field_errors(self, problems)
        return self


class Operation(Section):
    """A one-off arrest operation (an ``[[operations]]`` table): at the start of ``week``,
    ``members_per_ocg`` members of each target OCG, chosen by ``strategy``, are arrested
    through the arrest operation (``Arrests.operation``: cash seized, a case opened); the
    experiment's intervention, not a measure of 15250/18."""

    week: int = Field(
        ..., ge=0, le=2600, description="Week of the operation (from week 0, before its step)."
    )
    ocg: int | None = Field(
        None, ge=0, description="The target OCG's id (ocg_id); or give route instead."
    )
    route: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="Every OCG not dismantled whose route is this one ('all': every OCG); or give ocg instead.",
    )
    strategy: Strategy = Field(
        "random",
        description="Whom it arrests in each OCG: random, hvt_first, leaders_first, broker_first or money_first (smugglesim/model/key_players.py).",
    )
    members_per_ocg: int = Field(
        1, ge=1, le=1000, description="Members arrested in each target OCG (at most all)."
    )

    @field_validator("route")
    @classmethod
    def _known_route(cls, route: str | None) -> str | None:
        if route is not None and route != "all":
            known([route], ROUTES, "route")
        return route

    @model_validator(mode="after")
    def _one_target(self) -> Operation:
        if (self.ocg is None) == (self.route is None):
            cross_field_errors(self, [("week", "give exactly one target: ocg or route")])
        return self


class FinanceParams(Section):
    parallel_financial_share: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Share of criminal investigations for which the police ask for a parallel financial investigation (it starts when the financial investigators have room for it).",
    )
    financial_investigators: float = Field(
        120.0,
        ge=0,
        le=100_000,
        description="Member State financial investigators and asset-recovery officers working on migrant-smuggling cases in the status quo (ASSUMPTION: the cost model's 400 per unit share of investigations with a financial strand, at the 2018 share 0.3).",
    )
    strands_per_investigator: float = Field(
        0.1,
        ge=0,
        le=10,
        description="Financial strands one financial investigator runs at once (ASSUMPTION: they give most of their time to other crime; the 120 of the status quo run 12 strands, a little above the 10 the status quo's investigations ask for on average, so that requests wait in busy weeks).",
    )
    tracing_rate_week: float = Field(
        0.03,
        ge=0,
        le=1,
        description="Weekly share of an OCG's untraced assets that a financial investigation traces.",
    )
    cross_border_recovery: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Probability that traced assets in a cooperating third country are frozen there.",
    )
    cash_seizure_share: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Share of an OCG's cash seized at an arrest operation that takes the whole group (ASSUMPTION; fitted with the joint action days of 2018 to about 2% of proceeds frozen, Europol 2016; 0.5 before they were in the status quo).",
    )
    cash_seizure_arrest_multiplier: float = Field(
        2.0,
        ge=0,
        le=20,
        description="Cash seized = cash_seizure_share × min(1, this × share of members arrested) × cash (ASSUMPTION).",
    )


class JusticeParams(Section):
    prosecution_mean_weeks: float = Field(
        45.0, ge=1, le=520, description="Mean delay from arrest to judgment."
    )
    prosecution_delay_shape: float = Field(
        4.0,
        ge=0.1,
        le=100,
        description="Shape of the Gamma distribution of the delay from arrest to judgment (ASSUMPTION).",
    )
    conviction_prob: float = Field(
        0.7, ge=0, le=1, description="Probability that a prosecuted member is convicted."
    )
    prosecutors: float = Field(
        40.0,
        ge=0,
        le=100_000,
        description="Prosecutors working on migrant-smuggling cases in the Member States in the status quo (ASSUMPTION; with judgments_per_prosecutor_year, the courts judge 1,000 cases a year, about 1.6 times the 620 cases the status quo opens a year, measured in docs/calibration.md).",
    )
    judgments_per_prosecutor_year: float = Field(
        25.0,
        ge=0,
        le=1000,
        description="Cases one prosecutor brings to judgment a year (ASSUMPTION). Cases due for judgment beyond the week's capacity wait, oldest first.",
    )
    confiscation_given_conviction: float = Field(
        0.55,
        ge=0,
        le=1,
        description="Share of a case's frozen assets confiscated when it ends in a conviction.",
    )
