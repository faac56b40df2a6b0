"""Clause 6: the client's relationship with the CCC.

Roles and responsibilities (6.4), communication of information to the CCC
(6.5), operations (6.6), forecasting and planning (6.7), monitoring CCC
performance (6.8), customer feedback (6.9) and service terms (6.10). Clauses
6.2 and 6.3 share their objects with 5.3 and 5.4.

The structure follows ISO 18295-2:2017; no wording of the standard is
reproduced.
"""

from __future__ import annotations

import datetime as dt
import typing
from typing import Annotated, Any, ClassVar, Literal, TypeAlias

from pydantic import BeforeValidator, Field, WithJsonSchema, model_validator

from cccplan.exceptions import InputError
from cccplan.frames.validate import parse_freq
from cccplan.requirements._base import Clause
from cccplan.requirements._types import (
    Channel,
    Currency,
    Duration,
    FieldError,
    Fraction,
    Party,
    PositiveDuration,
    Record,
)

__all__ = [
    "EVENT_TYPES",
    "KPI_FORMULAS",
    "ChangeControl",
    "ChangeEvent",
    "Communication",
    "Contact",
    "Continuity",
    "CreditBand",
    "CustomerFeedback",
    "EscalationLevel",
    "ForecastHorizon",
    "ForecastingAndPlanning",
    "KpiDefinition",
    "Monitoring",
    "Operations",
    "QualityMonitoring",
    "ReportSpec",
    "Responsibility",
    "RolesAndResponsibilities",
    "ServiceCredits",
    "ServiceTerms",
    "Survey",
    "VolumeFloor",
]

Text = Annotated[str, Field(min_length=1)]
Period: TypeAlias = Literal["interval", "day", "week", "month"]


# ---------------------------------------------------------------------------
# 6.4 Roles and responsibilities
# ---------------------------------------------------------------------------


class Responsibility(Record):
    """One row of the responsibility (RACI) matrix.

    ``clause`` ties the activity to a clause, so that attestations of that
    clause name who attests them.
    """

    activity: Text
    clause: str | None = None
    responsible: Party
    accountable: Party
    consulted: tuple[Party, ...] = ()
    informed: tuple[Party, ...] = ()


class Contact(Record):
    """A named contact of either party."""

    role: Text
    party: Party
    name: Text
    email: str | None = None
    phone: str | None = None


class EscalationLevel(Record):
    """A level of the escalation path: whom to call (a contact's role) and how fast they answer."""

    level: Annotated[int, Field(ge=1)]
    contact: Text
    response_time: PositiveDuration


class RolesAndResponsibilities(Clause):
    """Roles and responsibilities (clause 6.4).

    Parameters
    ----------
    matrix : list of Responsibility
        Who is responsible and accountable for each activity.
    contacts : list of Contact
        Named contacts; roles are unique.
    escalation : list of EscalationLevel
        Levels in increasing order, each naming a contact's role.
    """

    clause: ClassVar[str] = "6.4"
    title: ClassVar[str] = "Roles and responsibilities"

    matrix: tuple[Responsibility, ...] = ()
    contacts: Annotated[tuple[Contact, ...], Field(min_length=1)]
    escalation: tuple[EscalationLevel, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> RolesAndResponsibilities:
        roles: set[str] = set()
        for number, contact in enumerate(self.contacts):
            if contact.role in roles:
                raise FieldError(
                    f"contacts[{number}].role", f"role {contact.role!r} is given twice"
                )
            roles.add(contact.role)
        activities: set[str] = set()
        for number, row in enumerate(self.matrix):
            if row.activity in activities:
                raise FieldError(
                    f"matrix[{number}].activity", f"activity {row.activity!r} is given twice"
                )
            activities.add(row.activity)
        previous = 0
        for number, level in enumerate(self.escalation):
            if level.contact not in roles:
                raise FieldError(
                    f"escalation[{number}].contact",
                    f"{level.contact!r} is not the role of a contact (roles: "
                    f"{', '.join(sorted(roles))})",
                )
            if level.level <= previous:
                raise FieldError(
                    f"escalation[{number}].level", "escalation levels must increase (1, 2, 3, ...)"
                )
            previous = level.level
        return self

    def contact_for(self, party: str) -> Contact | None:
        """The first contact of a party."""
        return next((c for c in self.contacts if c.party == party), None)


# ---------------------------------------------------------------------------
# 6.5 Communication of information to the CCC
# ---------------------------------------------------------------------------

EventType: TypeAlias = Literal[
    "campaign",
    "price_change",
    "product_launch",
    "mailing",
    "outage",
    "regulatory",
    "seasonal",
    "other",
]
#: The kinds of change event the client notifies.
EVENT_TYPES: tuple[str, ...] = typing.get_args(EventType)


def _moment(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    return value


#: A date (local midnight) or a date and time; naive times are in the agreement's zone.
Moment: TypeAlias = Annotated[
    dt.datetime,
    BeforeValidator(_moment),
    WithJsonSchema({"type": "string", "description": "A date or an ISO 8601 date and time"}),
]


class ChangeEvent(Record):
    """A change the client tells the CCC about: a campaign, a price change, an outage.

    Parameters
    ----------
    type : str
        One of :data:`EVENT_TYPES`.
    description : str, optional
    queue : str, optional
        The queue affected (None: all).
    channels : list of str
        The channels affected (empty: all of the queue).
    expected_uplift : float
        Relative change of volume: 0.4 = +40 %, -0.2 = -20 %.
    start, end : date or datetime
        ``end`` exclusive.
    notified_at : date or datetime
        When the CCC was told.
    """

    type: EventType
    description: str | None = None
    queue: str | None = None
    channels: tuple[Channel, ...] = ()
    expected_uplift: Annotated[float, Field(ge=-1.0, allow_inf_nan=False)]
    start: Moment
    end: Moment
    notified_at: Moment

    @model_validator(mode="after")
    def _consistent(self) -> ChangeEvent:
        if _naive(self.end) <= _naive(self.start):
            raise FieldError("end", f"the event ends ({self.end}) before it starts ({self.start})")
        return self


def _naive(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


class Communication(Clause):
    """Communication of information to the CCC (clause 6.5).

    Parameters
    ----------
    minimum_notice : duration
        How far ahead the client notifies an event, e.g. ``"14D"``.
    notice_by_type : mapping
        Other notice for some event types (an outage: ``"1h"``).
    material_uplift : float, optional
        Events whose expected change of volume is smaller (in absolute value)
        need no minimum notice.
    notify_via : list of str
        How notices are given (planning portal, e-mail to the planning team).
    information : list of str
        What the client shares (marketing calendar, product changes, ...).
    events : list of ChangeEvent
        Events already known when the agreement is written (the live calendar
        is passed to :meth:`Agreement.check` as ``events``).
    """

    clause: ClassVar[str] = "6.5"
    title: ClassVar[str] = "Communication of information to the CCC"

    minimum_notice: Duration
    notice_by_type: dict[EventType, Duration] = Field(default_factory=dict)
    material_uplift: Fraction | None = None
    notify_via: tuple[str, ...] = ()
    information: tuple[str, ...] = ()
    events: tuple[ChangeEvent, ...] = ()

    def notice_for(self, event_type: str | None) -> float:
        """The notice in seconds required for an event type."""
        if event_type is not None and event_type in self.notice_by_type:
            return self.notice_by_type[event_type]
        return self.minimum_notice


# ---------------------------------------------------------------------------
# 6.6 Operations
# ---------------------------------------------------------------------------


class QualityMonitoring(Record):
    """How contact quality is monitored."""

    evaluations_per_agent_month: Annotated[int, Field(ge=0)]
    calibration_every: PositiveDuration | None = None
    scorecard: str | None = None


class ReportSpec(Record):
    """A report the CCC delivers: how often, how soon after the period, to whom."""

    name: Text
    frequency: Literal["daily", "weekly", "monthly", "quarterly"]
    due_after: Duration
    recipient: Text


class Continuity(Record):
    """The business continuity plan and its tests."""

    plan: Text
    tested: dt.date | None = None
    test_every: PositiveDuration


class Operations(Clause):
    """Operations (clause 6.6).

    Parameters
    ----------
    sites : list of str
    languages : list of str
    quality_monitoring : QualityMonitoring, optional
    reports : list of ReportSpec
    incident_notification : duration, optional
        How fast the CCC tells the client of an incident.
    training_lead_time : duration, optional
        Time the CCC needs to train agents for a change.
    business_continuity : Continuity, optional
    """

    clause: ClassVar[str] = "6.6"
    title: ClassVar[str] = "Operations"

    sites: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    quality_monitoring: QualityMonitoring | None = None
    reports: tuple[ReportSpec, ...] = ()
    incident_notification: Duration | None = None
    training_lead_time: Duration | None = None
    business_continuity: Continuity | None = None


# ---------------------------------------------------------------------------
# 6.7 Forecasting and planning
# ---------------------------------------------------------------------------


def _granularity(value: Any) -> Any:
    try:
        return parse_freq(value, argument="granularity").freqstr
    except InputError as exc:
        raise ValueError(str(exc)) from None


#: An interval length such as ``"15min"``, ``"30min"``, ``"h"`` or ``"D"``.
Granularity: TypeAlias = Annotated[
    str,
    BeforeValidator(_granularity),
    WithJsonSchema({"type": "string", "description": "interval length: 15min, 30min, h, D"}),
]


class ForecastHorizon(Record):
    """A longer-range forecast (capacity planning): its horizon, granularity and cadence."""

    name: Text
    horizon: PositiveDuration
    granularity: Literal["D", "W", "M"]
    cadence: PositiveDuration


class ForecastingAndPlanning(Clause):
    """Forecasting and planning (clause 6.7).

    Parameters
    ----------
    horizon : duration, default "6W"
        How far ahead the operational forecast reaches.
    granularity : str, default "15min"
        Its interval length.
    cadence : duration, default "1W"
        How often a new forecast is submitted.
    forecast_lead_time : duration, default "2W"
        How long before the first forecast interval the client submits it.
    frozen_period : duration, default "1W"
        The last stretch before an interval in which its forecast no longer changes.
    plan_lead_time : duration, default "1W"
        How long before the first planned interval the CCC submits its plan.
    long_range : list of ForecastHorizon
        Capacity-planning forecasts (months ahead, daily or weekly).
    accuracy_tolerance : mapping {"interval", "day", "week"} -> float
        Largest relative forecast error accepted at each level (0.10 = 10 %).
    accuracy_denominator : {"actual", "forecast"}, default "actual"
        The error is ``|forecast - actual| / actual`` or ``... / forecast``.
    accuracy_min_volume : float, default 0
        Periods whose denominator is below this are not judged (noise).
    shrinkage : float, optional
        The planning shrinkage assumption, a fraction in [0, 1).
    shrinkage_components : mapping of str to float
        Its parts (breaks, training, absence, ...); when given they add up to
        ``shrinkage`` (which is filled from them when missing).
    forecast_includes : list of {"volume", "aht"}
    """

    clause: ClassVar[str] = "6.7"
    title: ClassVar[str] = "Forecasting and planning"

    horizon: PositiveDuration = 6 * 604_800.0
    granularity: Granularity = "15min"
    cadence: PositiveDuration = 604_800.0
    forecast_lead_time: Duration = 2 * 604_800.0
    frozen_period: Duration = 604_800.0
    plan_lead_time: Duration = 604_800.0
    long_range: tuple[ForecastHorizon, ...] = ()
    accuracy_tolerance: dict[Literal["interval", "day", "week"], Fraction] = Field(
        default_factory=dict
    )
    accuracy_denominator: Literal["actual", "forecast"] = "actual"
    accuracy_min_volume: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] = 0.0
    shrinkage: Annotated[float, Field(ge=0.0, lt=1.0, allow_inf_nan=False)] | None = None
    shrinkage_components: dict[str, Fraction] = Field(default_factory=dict)
    forecast_includes: tuple[Literal["volume", "aht"], ...] = ("volume", "aht")

    @model_validator(mode="before")
    @classmethod
    def _fill_shrinkage(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("shrinkage") is None:
            parts = data.get("shrinkage_components")
            if isinstance(parts, dict) and parts:
                try:
                    total = sum(float(v) for v in parts.values())
                except (TypeError, ValueError):
                    return data
                return {**data, "shrinkage": round(total, 10)}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> ForecastingAndPlanning:
        if self.frozen_period > self.horizon:
            raise FieldError(
                "frozen_period",
                f"the frozen period ({_days(self.frozen_period)}) is longer than the forecast "
                f"horizon ({_days(self.horizon)}): nothing of the forecast could change",
            )
        if self.forecast_lead_time >= self.horizon:
            raise FieldError(
                "forecast_lead_time",
                f"the forecast lead time ({_days(self.forecast_lead_time)}) is not shorter than "
                f"the horizon ({_days(self.horizon)})",
            )
        if self.cadence > self.horizon:
            raise FieldError(
                "cadence",
                f"forecasts every {_days(self.cadence)} with a horizon of "
                f"{_days(self.horizon)} leave weeks without a forecast",
            )
        if self.shrinkage_components and self.shrinkage is not None:
            total = sum(self.shrinkage_components.values())
            if abs(total - self.shrinkage) > 0.0005:
                raise FieldError(
                    "shrinkage_components",
                    f"the components add up to {total:.3f}, not to the shrinkage "
                    f"{self.shrinkage:.3f}",
                )
        return self


def _days(seconds: float) -> str:
    days = seconds / 86_400
    return f"{days:g} days" if days >= 1 else f"{seconds / 3600:g} hours"


# ---------------------------------------------------------------------------
# 6.8 Monitoring CCC performance
# ---------------------------------------------------------------------------

Metric: TypeAlias = Literal[
    "service_level",
    "response_within_window",
    "asa",
    "abandon_rate",
    "occupancy",
    "aht",
    "forecast_error",
    "first_contact_resolution",
    "customer_satisfaction",
    "net_promoter_score",
    "quality_score",
    "schedule_adherence",
    "complaint_rate",
]

#: The formula variants of each metric; the first is the default.
KPI_FORMULAS: dict[str, tuple[str, ...]] = {
    "service_level": ("offered", "answered", "offered_less_short_abandons"),
    "response_within_window": ("offered",),
    "asa": ("answered",),
    "abandon_rate": ("offered", "offered_less_short_abandons"),
    "occupancy": ("busy_over_available",),
    "aht": ("mean",),
    "forecast_error": ("over_actual", "over_forecast"),
    "first_contact_resolution": ("reported",),
    "customer_satisfaction": ("reported",),
    "net_promoter_score": ("reported",),
    "quality_score": ("reported",),
    "schedule_adherence": ("reported",),
    "complaint_rate": ("reported",),
}
_FRACTION_METRICS = {
    "service_level",
    "response_within_window",
    "abandon_rate",
    "occupancy",
    "first_contact_resolution",
    "schedule_adherence",
    "complaint_rate",
    "forecast_error",
}

Exclusion: TypeAlias = Literal[
    "closed_intervals", "surplus_relief", "short_abandons", "force_majeure", "client_outage"
]


class KpiDefinition(Record):
    """A KPI the client monitors the CCC on.

    Parameters
    ----------
    name : str
        Unique; referred to by objectives (5.3) and service credits (6.10).
    metric : str
        What is measured (service_level, asa, abandon_rate, occupancy, aht,
        forecast_error, customer_satisfaction, ...).
    formula : str, optional
        The variant of the formula (see :data:`KPI_FORMULAS`), e.g. a service
        level over offered or over answered contacts.
    target : float
        In the metric's unit (fractions for rates, seconds for times).
    comparator : {">=", "<=", ">", "<"}
        How the measured value must compare with the target.
    period : {"interval", "day", "week", "month"}
        The period the KPI is measured over.
    channel, queue : str, optional
        Restrict the KPI to a channel or queue (None: each queue).
    short_abandon : duration, optional
        Contacts abandoned sooner are not counted (formulas ``*_less_short_abandons``).
    exclusions : list
        What is left out: closed intervals, periods under surplus relief, ...
    source : str, optional
        The report or system the value comes from.
    """

    name: Text
    metric: Metric
    formula: str | None = None
    target: Annotated[float, Field(allow_inf_nan=False)]
    comparator: Literal[">=", "<=", ">", "<"]
    period: Period = "month"
    channel: Channel | None = None
    queue: str | None = None
    short_abandon: Duration | None = None
    exclusions: tuple[Exclusion, ...] = ()
    source: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> KpiDefinition:
        allowed = KPI_FORMULAS[self.metric]
        if self.formula is not None and self.formula not in allowed:
            raise FieldError(
                "formula",
                f"{self.formula!r} is not a formula of {self.metric}; use one of "
                f"{', '.join(allowed)}",
            )
        if self.metric in _FRACTION_METRICS and not 0.0 <= self.target <= 1.0:
            raise FieldError(
                "target",
                f"the target of {self.metric} is a fraction in [0, 1] (0.8 for 80 %); "
                f"got {self.target}",
            )
        if (self.formula or "").endswith("short_abandons") and self.short_abandon is None:
            raise FieldError(
                "short_abandon", f"formula {self.formula} needs short_abandon, e.g. '5s'"
            )
        return self

    @property
    def variant(self) -> str:
        """The formula variant in force (the metric's default when not given)."""
        return self.formula or KPI_FORMULAS[self.metric][0]

    def met(self, value: float) -> bool:
        """Whether a measured value meets the target."""
        return {
            ">=": value >= self.target,
            "<=": value <= self.target,
            ">": value > self.target,
            "<": value < self.target,
        }[self.comparator]


class Monitoring(Clause):
    """Monitoring CCC performance (clause 6.8): the KPI definitions."""

    clause: ClassVar[str] = "6.8"
    title: ClassVar[str] = "Monitoring CCC performance"

    kpis: Annotated[tuple[KpiDefinition, ...], Field(min_length=1)]
    review_meetings: Literal["weekly", "monthly", "quarterly"] | None = None

    @model_validator(mode="after")
    def _unique(self) -> Monitoring:
        seen: set[str] = set()
        for number, kpi in enumerate(self.kpis):
            if kpi.name in seen:
                raise FieldError(f"kpis[{number}].name", f"KPI {kpi.name!r} is defined twice")
            seen.add(kpi.name)
        return self

    def kpi(self, name: str) -> KpiDefinition | None:
        """The KPI of that name, or None."""
        return next((k for k in self.kpis if k.name == name), None)


# ---------------------------------------------------------------------------
# 6.9 Customer feedback
# ---------------------------------------------------------------------------


class Survey(Record):
    """A customer survey: how it is sent, how often, the minimum sample per period."""

    name: Text
    channel: Literal["sms", "email", "ivr", "web", "in_app", "phone"]
    metric: Literal["csat", "nps", "ces", "fcr"]
    cadence: Literal["day", "week", "month", "quarter"]
    min_sample: Annotated[int, Field(ge=1)]
    queues: tuple[str, ...] = ()


class CustomerFeedback(Clause):
    """Customer feedback (clause 6.9).

    Parameters
    ----------
    surveys : list of Survey
    complaint_response_days : int
        Working days within which a complaint is answered.
    complaint_acknowledge_days : int, optional
    shared_with_ccc : {"weekly", "monthly", "quarterly"}, optional
        How often feedback is passed on to the CCC.
    """

    clause: ClassVar[str] = "6.9"
    title: ClassVar[str] = "Customer feedback"

    surveys: tuple[Survey, ...] = ()
    complaint_response_days: Annotated[int, Field(ge=1)]
    complaint_acknowledge_days: Annotated[int, Field(ge=0)] | None = None
    shared_with_ccc: Literal["weekly", "monthly", "quarterly"] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> CustomerFeedback:
        if (
            self.complaint_acknowledge_days is not None
            and self.complaint_acknowledge_days > self.complaint_response_days
        ):
            raise FieldError(
                "complaint_acknowledge_days",
                "a complaint is acknowledged before it is answered",
            )
        return self


# ---------------------------------------------------------------------------
# 6.10 Service terms
# ---------------------------------------------------------------------------


class CreditBand(Record):
    """A row of the service-credits table.

    When the KPI misses its target by at least ``shortfall_from`` (in the
    KPI's unit: 0.05 = five percentage points of a service level, 10 = ten
    seconds of ASA) in a period of the SLA window, the CCC owes ``credit``
    (a share of the monthly fee). The band with the largest
    ``shortfall_from`` reached applies.
    """

    kpi: Text
    shortfall_from: Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
    credit: Fraction


class ServiceCredits(Record):
    """The service-credits table: bands, the fee they are a share of, a cap."""

    monthly_fee: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] | None = None
    currency: Currency | None = None
    cap: Fraction = 1.0
    bands: Annotated[tuple[CreditBand, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> ServiceCredits:
        if self.monthly_fee is not None and self.currency is None:
            raise FieldError("currency", "a monthly fee needs its currency, e.g. 'EUR'")
        return self


class VolumeFloor(Record):
    """A minimum volume billed per period, whatever arrives."""

    period: Literal["day", "week", "month"]
    volume: Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
    queue: str | None = None


class ChangeControl(Record):
    """How the agreement is changed."""

    notice: Duration
    approvers: Annotated[tuple[Party, ...], Field(min_length=1)] = ("client", "ccc")
    emergency_notice: Duration | None = None
    record: str | None = None


class ServiceTerms(Clause):
    """Service terms (clause 6.10).

    Parameters
    ----------
    sla_window : {"day", "week", "month"}, default "month"
        The period service goals are measured over.
    service_credits : ServiceCredits, optional
    variance_band : float, optional
        Where actual volume exceeds the forecast by more than this fraction
        (at ``variance_level``), the CCC is released from the service-level
        obligation there (surplus relief).
    variance_level : {"interval", "day"}, default "day"
    surplus_relief : bool, default False
        Whether the release applies (needs ``variance_band``).
    minimum_volume : VolumeFloor, optional
    change_control : ChangeControl, optional
    termination_notice : duration, optional
    """

    clause: ClassVar[str] = "6.10"
    title: ClassVar[str] = "Service terms"

    sla_window: Literal["day", "week", "month"] = "month"
    service_credits: ServiceCredits | None = None
    variance_band: Fraction | None = None
    variance_level: Literal["interval", "day"] = "day"
    surplus_relief: bool = False
    minimum_volume: VolumeFloor | None = None
    change_control: ChangeControl | None = None
    termination_notice: Duration | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ServiceTerms:
        if self.surplus_relief and self.variance_band is None:
            raise FieldError(
                "variance_band",
                "surplus relief needs the variance band it starts at, e.g. 0.10",
            )
        return self
