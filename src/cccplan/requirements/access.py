"""Clauses 5.4 and 6.3: the customer access and contact strategy, its channels and goals.

The client decides how customers reach it (5.4) and arranges it with the CCC
(6.3): which channels are offered, when each is open (weekly hours in an IANA
time zone, public holidays, special days), how many contacts an agent handles
at once, and the service goal of each channel. A goal is one of

* :class:`ImmediateGoal` (voice, chat, video, callback: answered while the
  customer waits): service level within a threshold, ASA, maximum
  abandonment, occupancy bounds;
* :class:`DeferredGoal` (email, social, back-office: answered later): a share
  handled within a response window counted in business hours or calendar time;
* :class:`OutboundGoal` (calls the CCC places): abandonment of connected calls,
  attempts, contact rate.

Queues (:class:`Queue`) belong to a channel and may override its goal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal, TypeAlias

import holidays as holidays_lib
from pydantic import (
    BeforeValidator,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from cccplan.frames.hours import WEEKDAYS, OpeningHours, TimeRange
from cccplan.requirements._base import Clause
from cccplan.requirements._types import (
    Channel,
    Duration,
    FieldError,
    Fraction,
    MonthDay,
    PositiveDuration,
    Record,
    TimeOfDay,
    Timezone,
)

__all__ = [
    "AccessStrategy",
    "ChannelAccess",
    "DeferredGoal",
    "HolidayCalendar",
    "ImmediateGoal",
    "OutboundGoal",
    "Queue",
    "ServiceGoal",
    "WeeklyHours",
]

# ---------------------------------------------------------------------------
# Hours
# ---------------------------------------------------------------------------


def _parse_weekly(value: Any) -> Any:
    """The weekly hours normalised by :class:`OpeningHours` (spans, merged ranges)."""
    if value is None:
        return value
    try:
        return OpeningHours.model_validate({"tz": "UTC", "weekly": value}).weekly
    except ValueError as exc:
        errors = getattr(exc, "errors", None)
        if callable(errors):
            messages = [str(e["msg"]).removeprefix("Value error, ") for e in errors()]
            raise ValueError("; ".join(messages)) from None
        raise


def _parse_day(value: Any) -> Any:
    """One day's hours, e.g. ``"08:00-14:00"`` or ``[]`` (closed)."""
    return _parse_weekly({"mon": value})["mon"]


def _describe(ranges: tuple[TimeRange, ...]) -> str:
    return ", ".join(f"{a}-{b}" for a, b in ranges) if ranges else "closed"


def _weekly_text(weekly: Mapping[str, tuple[TimeRange, ...]]) -> dict[str, str]:
    return {day: _describe(ranges) for day, ranges in weekly.items()}


_DAY_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "description": "'08:00-20:00', '08:00-12:00, 13:00-17:00' or 'closed'"},
        {"type": "array"},
        {"type": "null"},
    ]
}

#: Weekly opening hours: weekday (``"mon"``, ``"mon-fri"``, ``"saturday"``) ->
#: ranges such as ``"08:00-20:00"``; written back as ``{"mon": "08:00-20:00", ...}``.
WeeklyHours: TypeAlias = Annotated[
    dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], tuple[TimeRange, ...]],
    BeforeValidator(_parse_weekly),
    PlainSerializer(_weekly_text, return_type=dict[str, str], when_used="json"),
    WithJsonSchema({"type": "object", "additionalProperties": _DAY_SCHEMA}),
]

#: One day's hours: ``"08:00-14:00"``, a list of ranges, or ``[]``/``"closed"``.
DayHours: TypeAlias = Annotated[
    tuple[TimeRange, ...],
    BeforeValidator(_parse_day),
    PlainSerializer(_describe, return_type=str, when_used="json"),
    WithJsonSchema(_DAY_SCHEMA),
]


class HolidayCalendar(Record):
    """Public holidays of a country (and region), as the ``holidays`` package knows them.

    Parameters
    ----------
    country : str
        ISO 3166-1 alpha-2 code, e.g. ``"DE"``.
    subdiv : str, optional
        Region code, e.g. ``"BE"`` for Berlin.
    """

    country: str
    subdiv: str | None = None

    @field_validator("country", mode="before")
    @classmethod
    def _check_country(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(
                "country: YAML read the code as a yes/no value (NO and ON are booleans in "
                "YAML 1.1); write it in quotes, e.g. 'NO'"
            )
        return value

    @model_validator(mode="after")
    def _known(self) -> HolidayCalendar:
        supported = holidays_lib.list_supported_countries()
        if self.country not in supported:
            raise FieldError(
                "country",
                f"{self.country!r} is not a country code the holidays package knows "
                "(ISO 3166-1 alpha-2 such as 'DE', 'GB', 'US')",
            )
        regions = supported[self.country]
        if self.subdiv is not None and self.subdiv not in regions:
            shown = ", ".join(regions[:20])
            raise FieldError(
                "subdiv", f"{self.subdiv!r} is not a region of {self.country} (known: {shown})"
            )
        return self


# ---------------------------------------------------------------------------
# Goals
# ---------------------------------------------------------------------------


class ImmediateGoal(Record):
    """Service goal of a channel answered while the customer waits (voice, chat, video).

    Parameters
    ----------
    kind : "immediate"
    service_level : float, optional
        Share of offered contacts answered within ``threshold`` (0.8 = 80 %).
    threshold : duration, optional
        Answer-time threshold of the service level, e.g. ``"20s"``.
    asa : duration, optional
        Maximum average speed of answer.
    max_abandon : float, optional
        Maximum share of offered contacts that abandon (needs ``patience``).
    patience : duration, optional
        The customers' mean patience (a planning assumption for Erlang A).
    min_occupancy, max_occupancy : float, optional
        Bounds on agent occupancy (a fraction).
    sl_basis : {"offered", "answered"}, default "offered"
        Whether the service level counts abandoned contacts as missed.
    """

    kind: Literal["immediate"] = "immediate"
    service_level: Fraction | None = None
    threshold: Duration | None = None
    asa: Duration | None = None
    max_abandon: Fraction | None = None
    patience: PositiveDuration | None = None
    min_occupancy: Fraction | None = None
    max_occupancy: Annotated[float, Field(gt=0.0, le=1.0)] | None = None
    sl_basis: Literal["offered", "answered"] = "offered"

    @model_validator(mode="after")
    def _consistent(self) -> ImmediateGoal:
        if self.service_level is not None and self.threshold is None:
            raise FieldError(
                "threshold", "a service level needs its answer-time threshold, e.g. '20s'"
            )
        if self.threshold is not None and self.service_level is None:
            raise FieldError("service_level", "a threshold needs a service level, e.g. 0.8")
        if self.max_abandon is not None and self.patience is None:
            raise FieldError(
                "patience",
                "a maximum abandonment needs the customers' mean patience (e.g. '3min') "
                "to be planned for",
            )
        targets = (self.service_level, self.asa, self.max_abandon, self.max_occupancy)
        if all(value is None for value in targets):
            raise FieldError(
                "service_level",
                "an immediate goal needs a target: service_level with threshold, asa, "
                "max_abandon or max_occupancy",
            )
        if (
            self.min_occupancy is not None
            and self.max_occupancy is not None
            and self.min_occupancy > self.max_occupancy
        ):
            raise FieldError(
                "min_occupancy",
                f"the minimum occupancy {self.min_occupancy} is above the maximum "
                f"{self.max_occupancy}",
            )
        return self


class DeferredGoal(Record):
    """Service goal of deferred work (email, social, back-office): a share within a window.

    Parameters
    ----------
    kind : "deferred"
    share_within : float
        Share of contacts handled within ``response_window`` (0.9 = 90 %).
    response_window : duration
        E.g. ``"24h"``.
    basis : {"business_hours", "calendar"}, default "business_hours"
        Whether the window counts the channel's opening hours only or all time.
    """

    kind: Literal["deferred"] = "deferred"
    share_within: Fraction
    response_window: PositiveDuration
    basis: Literal["business_hours", "calendar"] = "business_hours"


class OutboundGoal(Record):
    """Goal of outbound calling: abandonment of connected calls, attempts, contact rate.

    Parameters
    ----------
    kind : "outbound"
    max_abandon : float, optional
        Maximum share of connected calls the dialler abandons (nuisance calls).
    max_attempts : int, optional
        Maximum call attempts per customer record.
    min_contact_rate : float, optional
        Share of records reached (right-party contact).
    max_occupancy : float, default 0.85
        Occupancy the dialler is paced for.
    jurisdiction : str, optional
        The jurisdiction whose calling window (clause 5.8) applies.
    """

    kind: Literal["outbound"] = "outbound"
    max_abandon: Fraction | None = None
    max_attempts: Annotated[int, Field(ge=1)] | None = None
    min_contact_rate: Fraction | None = None
    max_occupancy: Annotated[float, Field(gt=0.0, le=1.0)] = 0.85
    jurisdiction: str | None = None


#: One service goal, chosen by its ``kind``.
ServiceGoal: TypeAlias = Annotated[
    ImmediateGoal | DeferredGoal | OutboundGoal, Field(discriminator="kind")
]

# ---------------------------------------------------------------------------
# Channels and queues
# ---------------------------------------------------------------------------


class ChannelAccess(Record):
    """One channel the client offers: opening hours, capacity rules and service goal.

    Parameters
    ----------
    channel : str
        voice, chat, messaging, email, social, callback, video or backoffice.
    timezone : str
        IANA time zone of the opening hours, e.g. ``"Europe/Berlin"``.
    opening_hours : mapping
        Weekday -> ranges, e.g. ``{"mon-fri": "08:00-20:00", "sat": "09:00-14:00"}``;
        a weekday not given is closed. Overlapping ranges are an error.
    holidays : HolidayCalendar, optional
        Closed on these public holidays.
    closed_dates : list of date
        Further dates closed all day.
    special : mapping of date to hours
        Dates with their own hours (they win over holidays and weekly hours).
    early_closing : mapping of "MM-DD" to "HH:MM"
        Recurring dates on which the channel closes early (24 December at 14:00).
    concurrency : int, default 1
        Contacts an agent handles at once (chat: 2-3).
    concurrency_slowdown : float, optional
        Handle-time growth per extra concurrent session (default of ServiceTarget).
    min_agents : float, default 0
        Minimum productive agents in every open interval.
    languages : list of str
        Languages served (BCP 47 tags such as ``"de"``).
    address : str, optional
        How customers reach it: a number, an address, a URL.
    goal : ImmediateGoal, DeferredGoal or OutboundGoal
        The service goal.
    """

    channel: Channel
    timezone: Timezone
    opening_hours: WeeklyHours
    holidays: HolidayCalendar | None = None
    closed_dates: tuple[dt.date, ...] = ()
    special: dict[dt.date, DayHours] = Field(default_factory=dict)
    early_closing: dict[MonthDay, TimeOfDay] = Field(default_factory=dict)
    concurrency: Annotated[int, Field(ge=1)] = 1
    concurrency_slowdown: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] | None = None
    min_agents: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] = 0.0
    languages: tuple[str, ...] = ()
    address: str | None = None
    goal: ServiceGoal

    @model_validator(mode="after")
    def _consistent(self) -> ChannelAccess:
        both = sorted(set(self.closed_dates) & set(self.special))
        if both:
            raise FieldError(
                "special",
                f"{both[0].isoformat()} is both a closed date and a special day; give it once "
                "(special with 'closed' closes a date)",
            )
        if self.concurrency > 1 and self.channel in ("voice", "video", "callback"):
            raise FieldError(
                "concurrency",
                f"a {self.channel} agent handles one contact at a time; concurrency is for "
                "chat and messaging",
            )
        if isinstance(self.goal, DeferredGoal) and self.channel in ("voice", "video"):
            raise FieldError(
                "goal", f"{self.channel} is answered while the customer waits: use kind immediate"
            )
        return self

    def opening_hours_model(self, years: range) -> OpeningHours:
        """The channel's :class:`cccplan.OpeningHours` over the given calendar years."""
        special: dict[dt.date, tuple[TimeRange, ...]] = dict(self.special)
        holiday_dates: set[dt.date] = set()
        if self.holidays is not None:
            calendar = holidays_lib.country_holidays(
                self.holidays.country, subdiv=self.holidays.subdiv, years=list(years)
            )
            holiday_dates = set(calendar)
        closed = set(self.closed_dates) | holiday_dates
        for month_day, closing in self.early_closing.items():
            month, day = (int(part) for part in month_day.split("-"))
            for year in years:
                try:
                    date = dt.date(year, month, day)
                except ValueError:  # 29 February of a common year
                    continue
                if date in special or date in closed:
                    continue
                regular = self.opening_hours[WEEKDAYS[date.weekday()]]
                cut = tuple((a, min(b, closing)) for a, b in regular if a < closing)
                if cut != regular:
                    special[date] = cut
        hours = OpeningHours.model_validate(
            {
                "tz": self.timezone,
                "weekly": dict(self.opening_hours),
                "closed_dates": sorted(closed - set(special)),
                "special": special,
            }
        )
        return hours


class Queue(Record):
    """A queue of the agreement: a name, its channel and optional overrides.

    Parameters
    ----------
    name : str
        The queue's name as it appears in forecasts, plans and actuals.
    channel : str
        Its channel; the access strategy must offer it.
    description : str, optional
    goal : ImmediateGoal, DeferredGoal or OutboundGoal, optional
        Replaces the channel's goal for this queue.
    min_agents : float, optional
        Replaces the channel's minimum cover.
    concurrency : int, optional
        Replaces the channel's concurrency.
    """

    name: Annotated[str, Field(min_length=1, pattern=r"^\S(.*\S)?$")]
    channel: Channel
    description: str | None = None
    goal: ServiceGoal | None = None
    min_agents: Annotated[float, Field(ge=0.0, allow_inf_nan=False)] | None = None
    concurrency: Annotated[int, Field(ge=1)] | None = None


class AccessStrategy(Clause):
    """Customer access and contact strategy (clauses 5.4 and 6.3).

    Parameters
    ----------
    channels : list of ChannelAccess
        The channels offered, each once.
    published : list of str
        Where customers find the channels and hours (website, IVR, invoices).
    accessibility : list of str
        Arrangements for customers with disabilities (relay service, large print).
    max_ivr_levels : int, optional
        Depth of the IVR menu the client accepts.
    """

    clause: ClassVar[str] = "5.4"
    also: ClassVar[tuple[str, ...]] = ("6.3",)
    title: ClassVar[str] = "Customer access and contact strategy"

    channels: Annotated[tuple[ChannelAccess, ...], Field(min_length=1)]
    published: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    max_ivr_levels: Annotated[int, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _unique(self) -> AccessStrategy:
        seen: set[str] = set()
        for number, access in enumerate(self.channels):
            if access.channel in seen:
                raise FieldError(
                    f"channels[{number}].channel",
                    f"channel {access.channel!r} is defined twice; give each channel once "
                    "(queues of a channel can override its goal)",
                )
            seen.add(access.channel)
        return self

    @property
    def offered(self) -> tuple[str, ...]:
        """The channels offered, in the order given."""
        return tuple(access.channel for access in self.channels)

    def channel(self, name: str) -> ChannelAccess | None:
        """The definition of one channel, or None when it is not offered."""
        return next((a for a in self.channels if a.channel == name.lower()), None)
