"""Opening hours and calendars of a contact channel (ISO 18295-2, 5.4 and 6.3).

A client's customer access and contact strategy (ISO 18295-2, 5.4) says when
each channel is open to customers; the agreement with the CCC (6.3) carries
those hours. :class:`OpeningHours` holds them: a weekly schedule of local
wall-clock ranges in one IANA time zone, the dates closed all day (public
holidays), and dates with special hours (Christmas Eve, say). It is a frozen
pydantic model, as it becomes part of the client-CCC agreement.

The functions apply opening hours to interval frames (see DESIGN.md, "Frame
conventions"): :func:`is_open` and :func:`mark_open` say which intervals are
open, :func:`open_intervals` builds the open grid of a forecast horizon,
:func:`infer_opening_hours` reads a weekly schedule from a history, and
:func:`closed_volume` lists the contacts that arrived while closed (a
data-quality finding).

Conventions
-----------
* **An interval is open when it overlaps opening time at all**: the interval
  ``[start, start + freq)`` intersects an open range ``[open, close)``. With a
  centre open 08:00-20:00, the 15-minute interval 07:45-08:00 is closed and
  19:45-20:00 is open; a 60-minute interval 07:30-08:30 is open.
* Ranges are local wall-clock times on a local date, evaluated in physical time,
  so days of 23 or 25 hours (DST) are handled: 08:00-20:00 is 12 hours on
  every day, 00:00-06:00 is 5 hours on the spring-forward day in Europe/Berlin.
  A time in the skipped hour (spring) is moved to the end of the gap, as the
  clocks are; a time in the repeated hour (autumn) is taken at its first
  occurrence when it opens a range and at its second when it closes one, so
  the range is as long as the wall clock says.
* A date's hours are, in order of precedence: its ``special`` ranges, closed
  all day if it is in ``closed_dates``, otherwise the ``weekly`` ranges of its
  weekday. A day missing from ``weekly`` (or empty) is closed.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TypeAlias

import holidays as holidays_lib
import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.tseries.frequencies import to_offset
from pandas.tseries.offsets import BaseOffset
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cccplan.exceptions import InputError
from cccplan.frames._columns import KEY_COLUMNS
from cccplan.frames._lookup import SeriesLookup
from cccplan.frames.validate import infer_freq, parse_freq

__all__ = [
    "WEEKDAYS",
    "OpeningHours",
    "closed_volume",
    "infer_opening_hours",
    "is_open",
    "mark_open",
    "open_intervals",
]

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
#: Weekday keys of :attr:`OpeningHours.weekly`, Monday first (pandas ``dayofweek`` order).
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

#: One open range, local wall-clock ``("HH:MM", "HH:MM")``; the close may be "24:00".
TimeRange: TypeAlias = tuple[str, str]
TimeLike: TypeAlias = str | dt.time
#: What a day's hours may be given as: "08:00-20:00", "08:00-12:00, 13:00-17:00",
#: ("08:00", "20:00"), a list of those, or None / "closed" / [] for closed all day.
DayHours: TypeAlias = str | tuple[TimeLike, TimeLike] | Sequence[Any] | None
#: Lookup key of a series in a mapping of opening hours: queue, channel,
#: (queue, channel), or None for every series.
SeriesKey: TypeAlias = str | tuple[str, str] | None
Freq: TypeAlias = str | BaseOffset | pd.Timedelta | dt.timedelta

_MINUTES_PER_DAY = 1440
_NS_PER_MINUTE = 60_000_000_000
_NS_PER_DAY = 86_400_000_000_000
# 1970-01-01 was a Thursday: weekday (Monday = 0) of a day number since the epoch.
_EPOCH_WEEKDAY = 3
_TIME_PATTERN = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")
_MAX_SHOWN = 5


# ---------------------------------------------------------------------------
# Parsing of the model's fields (raise ValueError: pydantic wraps it)
# ---------------------------------------------------------------------------


_DAY_NUMBERS = {name: number for number, name in enumerate(WEEKDAYS)} | {
    name: number for number, name in enumerate(_FULL_NAMES)
}


def _weekday_index(name: object, where: str) -> int:
    if isinstance(name, int | np.integer) and not isinstance(name, bool) and 0 <= name <= 6:
        return int(name)
    if isinstance(name, str) and name.strip().lower() in _DAY_NUMBERS:
        return _DAY_NUMBERS[name.strip().lower()]
    raise ValueError(
        f"{where}: unknown weekday {name!r}; use mon, tue, wed, thu, fri, sat, sun "
        "(any case), full names such as 'Monday', 0-6 (Monday = 0), or a span 'mon-fri'"
    )


def _weekday_key(key: object) -> list[int]:
    """Weekday numbers named by a key of ``weekly``: a day or a span such as "mon-fri"."""
    where = f"weekly key {key!r}"
    if isinstance(key, str) and "-" in key:
        first, _, last = key.partition("-")
        start, stop = _weekday_index(first, where), _weekday_index(last, where)
        # A span may wrap round the week: "sat-mon" is Saturday, Sunday, Monday.
        return [(start + k) % 7 for k in range((stop - start) % 7 + 1)]
    return [_weekday_index(key, where)]


def _minutes(value: object, where: str, *, closing: bool) -> int:
    """Minutes after local midnight of a wall-clock time ("08:00", "24:00", a time)."""
    if isinstance(value, dt.time):
        if value.second or value.microsecond:
            raise ValueError(f"{where}: {value} is not a whole minute")
        minutes = value.hour * 60 + value.minute
    elif isinstance(value, str) and (match := _TIME_PATTERN.match(value)):
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
        if minute > 59 or second > 59 or second != 0 or hour > 24:
            raise ValueError(f"{where}: {value!r} is not a whole-minute time HH:MM")
        minutes = hour * 60 + minute
    else:
        raise ValueError(f"{where}: {value!r} is not a time; write it as 'HH:MM', e.g. '08:00'")
    if minutes > _MINUTES_PER_DAY or (minutes == _MINUTES_PER_DAY and not closing):
        raise ValueError(
            f"{where}: {value!r} is after the end of the day; times run from 00:00 to 23:59 "
            "('24:00' is allowed as a closing time)"
        )
    return minutes


def _format_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _is_time_like(value: object) -> bool:
    return isinstance(value, dt.time) or (isinstance(value, str) and "-" not in value)


def _parse_ranges(value: object, where: str) -> tuple[TimeRange, ...]:
    """Normalise a day's hours to sorted, non-overlapping ("HH:MM", "HH:MM") ranges.

    Touching ranges (08:00-12:00 and 12:00-20:00) are merged into one.
    """
    pieces: list[object]
    if value is None:
        pieces = []
    elif isinstance(value, str):
        text = value.strip()
        pieces = [] if text.lower() in ("", "closed") else [p for p in text.split(",") if p]
    elif (
        isinstance(value, tuple | list) and len(value) == 2 and all(_is_time_like(v) for v in value)
    ):
        pieces = [tuple(value)]
    elif isinstance(value, tuple | list):
        pieces = list(value)
    else:
        raise ValueError(
            f"{where}: {value!r} is not opening hours; give '08:00-20:00', "
            "('08:00', '20:00'), a list of those, or [] for closed"
        )
    ranges: list[tuple[int, int]] = []
    for piece in pieces:
        if isinstance(piece, str):
            opening, dash, closing = piece.partition("-")
            if not dash:
                raise ValueError(f"{where}: {piece!r} is not a range; write it as '08:00-20:00'")
            pair: tuple[object, object] = (opening, closing)
        elif isinstance(piece, tuple | list) and len(piece) == 2:
            pair = (piece[0], piece[1])
        else:
            raise ValueError(
                f"{where}: {piece!r} is not a range; write it as '08:00-20:00' or "
                "('08:00', '20:00')"
            )
        start = _minutes(pair[0], where, closing=False)
        stop = _minutes(pair[1], where, closing=True)
        if start >= stop:
            raise ValueError(
                f"{where}: range {_format_minutes(start)}-{_format_minutes(stop)} opens at or "
                "after it closes; a range must open before it closes on the same day (a range "
                "past midnight is two ranges: '22:00-24:00' and '00:00-06:00' the next day)"
            )
        ranges.append((start, stop))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for start, stop in ranges:
        if merged and start < merged[-1][1]:
            previous = merged[-1]
            raise ValueError(
                f"{where}: ranges {_format_minutes(previous[0])}-{_format_minutes(previous[1])} "
                f"and {_format_minutes(start)}-{_format_minutes(stop)} overlap"
            )
        if merged and start == merged[-1][1]:
            merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    return tuple((_format_minutes(a), _format_minutes(b)) for a, b in merged)


def _range_minutes(ranges: Iterable[TimeRange]) -> list[tuple[int, int]]:
    return [
        (_minutes(a, "range", closing=False), _minutes(b, "range", closing=True)) for a, b in ranges
    ]


def _zone_key(tz: object) -> str | None:
    """IANA name of a tzinfo (zoneinfo, pytz, dateutil or UTC), or None if it has none."""
    if isinstance(tz, str):
        return tz
    if tz is dt.UTC:
        return "UTC"
    for attribute in ("key", "zone"):
        name = getattr(tz, attribute, None)
        if isinstance(name, str):
            return name
    return None


def _zone_name(value: object) -> str:
    """The IANA zone name of `value` (a name or a tzinfo), or ValueError."""
    name = _zone_key(value)
    if name is not None:
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
            pass
        else:
            return name
    raise ValueError(
        f"tz: {value!r} is not an IANA time zone name; use a name such as "
        "'Europe/Berlin', 'America/New_York' or 'UTC'"
    )


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


class OpeningHours(BaseModel):
    """Opening hours of a channel: a weekly schedule, holidays and special days.

    Parameters
    ----------
    tz : str
        IANA time zone name of the wall-clock times, e.g. ``"Europe/Berlin"``
        (a :class:`zoneinfo.ZoneInfo` is accepted too).
    weekly : mapping
        Weekday -> open ranges in local wall-clock time. Keys: ``"mon"`` ..
        ``"sun"`` or full names, any case, 0-6 (Monday = 0), or spans such as
        ``"mon-fri"``. Values: ``"08:00-20:00"``, ``"08:00-12:00, 13:00-17:00"``
        (a lunch closure), ``("08:00", "20:00")``, a list of those, or ``[]`` /
        ``None`` / ``"closed"``. ``"24:00"`` is allowed as a closing time. A
        weekday that is missing or empty is closed all day. Stored normalised:
        all seven days, Monday first, sorted ranges, touching ranges merged.
    closed_dates : list of date, optional
        Local dates closed all day (public holidays). Stored sorted, unique.
    special : mapping of date to ranges, optional
        Local dates with their own hours (e.g. Christmas Eve 08:00-14:00), which
        replace the weekly hours on that date; an empty list closes the date.

    Raises
    ------
    pydantic.ValidationError
        (a ValueError) for an unknown zone or weekday, a range that does not
        open before it closes, overlapping ranges, or a date both in
        ``closed_dates`` and ``special``.

    See Also
    --------
    is_open, mark_open, open_intervals, infer_opening_hours

    Notes
    -----
    An interval ``[start, start + freq)`` is open when it intersects an open
    range (see the module docstring for DST).

    Examples
    --------
    >>> hours = OpeningHours(
    ...     tz="Europe/Berlin",
    ...     weekly={"mon-fri": "08:00-20:00", "sat": "09:00-13:00, 14:00-18:00"},
    ...     closed_dates=["2024-12-25", "2024-12-26"],
    ...     special={"2024-12-24": "08:00-14:00"},
    ... )
    >>> print(hours)
    OpeningHours in Europe/Berlin
      mon-fri  08:00-20:00
      sat      09:00-13:00, 14:00-18:00
      sun      closed
      closed   2024-12-25, 2024-12-26
      special  2024-12-24 08:00-14:00
    >>> hours.ranges_on("2024-12-24")
    (('08:00', '14:00'),)
    >>> starts = pd.date_range("2024-12-23 07:30", periods=4, freq="15min", tz="Europe/Berlin")
    >>> hours.is_open(starts, freq="15min").tolist()
    [False, False, True, True]
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    tz: str
    weekly: dict[Weekday, tuple[TimeRange, ...]]
    closed_dates: tuple[dt.date, ...] = ()
    special: dict[dt.date, tuple[TimeRange, ...]] = Field(default_factory=dict)

    @field_validator("tz", mode="before")
    @classmethod
    def _check_tz(cls, value: object) -> str:
        return _zone_name(value)

    @field_validator("weekly", mode="before")
    @classmethod
    def _parse_weekly(cls, value: object) -> dict[str, tuple[TimeRange, ...]]:
        if not isinstance(value, Mapping):
            raise ValueError(
                f"weekly: expected a mapping weekday -> hours such as "
                f"{{'mon-fri': '08:00-20:00'}}; got {value!r}"
            )
        days: dict[int, tuple[TimeRange, ...]] = {}
        for key, hours in value.items():
            ranges = _parse_ranges(hours, f"weekly[{key!r}]")
            for day in _weekday_key(key):
                if day in days:
                    raise ValueError(f"weekly: {WEEKDAYS[day]} is given twice (key {key!r})")
                days[day] = ranges
        return {WEEKDAYS[day]: days.get(day, ()) for day in range(7)}

    @field_validator("closed_dates", mode="before")
    @classmethod
    def _check_closed_dates(cls, value: object) -> object:
        if isinstance(value, str | dt.date):
            raise ValueError(f"closed_dates: expected a list of dates; got the single {value!r}")
        return value

    @field_validator("closed_dates", mode="after")
    @classmethod
    def _sort_closed_dates(cls, value: tuple[dt.date, ...]) -> tuple[dt.date, ...]:
        return tuple(sorted(set(value)))

    @field_validator("special", mode="before")
    @classmethod
    def _parse_special(cls, value: object) -> object:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise ValueError(
                f"special: expected a mapping date -> hours such as "
                f"{{'2024-12-24': '08:00-14:00'}}; got {value!r}"
            )
        return {key: _parse_ranges(hours, f"special[{key!r}]") for key, hours in value.items()}

    @field_validator("special", mode="after")
    @classmethod
    def _sort_special(
        cls, value: dict[dt.date, tuple[TimeRange, ...]]
    ) -> dict[dt.date, tuple[TimeRange, ...]]:
        return dict(sorted(value.items()))

    @model_validator(mode="after")
    def _check_dates_disjoint(self) -> OpeningHours:
        both = sorted(set(self.closed_dates) & set(self.special))
        if both:
            shown = ", ".join(d.isoformat() for d in both[:_MAX_SHOWN])
            raise ValueError(
                f"dates both in closed_dates and special: {shown}; give a date one or the "
                "other (special with [] closes a date)"
            )
        return self

    # -- constructors -------------------------------------------------------

    @classmethod
    def always(cls, tz: str) -> OpeningHours:
        """Open 24 hours a day, 7 days a week in zone ``tz``.

        Examples
        --------
        >>> print(OpeningHours.always("UTC"))
        OpeningHours in UTC
          mon-sun  00:00-24:00
        """
        return cls.model_validate({"tz": tz, "weekly": {"mon-sun": "00:00-24:00"}})

    @classmethod
    def from_weekly(
        cls,
        tz: str,
        weekly: Mapping[str | int, DayHours],
        *,
        closed_dates: Iterable[dt.date | str] = (),
        special: Mapping[dt.date | str, DayHours] | None = None,
    ) -> OpeningHours:
        """Build opening hours from positional ``tz`` and ``weekly`` (see the class).

        Examples
        --------
        >>> hours = OpeningHours.from_weekly("America/New_York", {"Monday-Friday": "09:00-17:00"})
        >>> hours.weekly["fri"], hours.weekly["sat"]
        ((('09:00', '17:00'),), ())
        """
        return cls.model_validate(
            {
                "tz": tz,
                "weekly": weekly,
                "closed_dates": list(closed_dates),
                "special": dict(special or {}),
            }
        )

    def with_holidays(
        self,
        country: str,
        subdiv: str | None = None,
        *,
        years: int | Iterable[int],
    ) -> OpeningHours:
        """A copy closed on the public holidays of a country (the ``holidays`` package).

        Parameters
        ----------
        country : str
            ISO 3166-1 alpha-2 country code, e.g. ``"DE"``, ``"US"``.
        subdiv : str, optional
            Subdivision (state, province) code, e.g. ``"BE"`` for Berlin.
        years : int or iterable of int
            Calendar years whose holidays to add.

        Returns
        -------
        OpeningHours
            With the holidays added to ``closed_dates``; a holiday that has
            ``special`` hours keeps them (the special hours are the more
            specific statement).

        Raises
        ------
        InputError
            If the country or subdivision is unknown, or ``years`` is empty.

        Examples
        --------
        >>> hours = OpeningHours.from_weekly("Europe/Berlin", {"mon-sat": "08:00-20:00"})
        >>> berlin = hours.with_holidays("DE", subdiv="BE", years=2024)
        >>> [d.isoformat() for d in berlin.closed_dates[:3]]
        ['2024-01-01', '2024-03-08', '2024-03-29']
        """
        year_list = [years] if isinstance(years, int) else list(years)
        if not year_list or not all(isinstance(y, int | np.integer) for y in year_list):
            raise InputError(f"with_holidays: `years` must be one or more years; got {years!r}")
        try:
            calendar = holidays_lib.country_holidays(
                country, subdiv=subdiv, years=[int(y) for y in year_list]
            )
        except NotImplementedError as exc:
            raise InputError(
                f"with_holidays: {exc}; `country` is an ISO 3166-1 alpha-2 code such as 'DE' "
                "and `subdiv` a subdivision code such as 'BE' "
                "(see holidays.list_supported_countries())"
            ) from exc
        added = {day for day in calendar if day not in self.special}
        return self._replace(closed_dates=sorted(set(self.closed_dates) | added))

    def _replace(self, **changes: object) -> OpeningHours:
        # model_copy(update=...) would skip validation; re-validate instead.
        return type(self).model_validate({**self.model_dump(), **changes})

    # -- queries --------------------------------------------------------------

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The time zone as a :class:`zoneinfo.ZoneInfo`."""
        return zoneinfo.ZoneInfo(self.tz)

    def ranges_on(self, date: dt.date | str) -> tuple[TimeRange, ...]:
        """Open ranges of one local date (special, else closed date, else weekly).

        Examples
        --------
        >>> OpeningHours.always("UTC").ranges_on("2024-02-29")
        (('00:00', '24:00'),)
        """
        day = pd.Timestamp(date).date()
        if day in self.special:
            return self.special[day]
        if day in self.closed_dates:
            return ()
        return self.weekly[WEEKDAYS[day.weekday()]]

    def is_open(self, interval_start: Any, *, freq: Freq) -> BoolArray:
        """Which intervals are open: see :func:`is_open`."""
        return is_open(self, interval_start, freq=freq)

    def open_intervals(
        self, start: dt.date | str | pd.Timestamp, end: dt.date | str | pd.Timestamp, *, freq: Freq
    ) -> pd.DatetimeIndex:
        """Open interval starts in ``[start, end)``: see :func:`open_intervals`."""
        return open_intervals(self, start, end, freq=freq)

    def __str__(self) -> str:
        lines = [f"OpeningHours in {self.tz}"]
        day = 0
        while day < 7:
            last = day
            while last + 1 < 7 and self.weekly[WEEKDAYS[last + 1]] == self.weekly[WEEKDAYS[day]]:
                last += 1
            label = WEEKDAYS[day] if last == day else f"{WEEKDAYS[day]}-{WEEKDAYS[last]}"
            lines.append(f"  {label:<8} {_describe(self.weekly[WEEKDAYS[day]])}")
            day = last + 1
        if self.closed_dates:
            shown = ", ".join(d.isoformat() for d in self.closed_dates[:_MAX_SHOWN])
            more = len(self.closed_dates) - _MAX_SHOWN
            lines.append(f"  closed   {shown}" + (f" and {more} more" if more > 0 else ""))
        for date, ranges in self.special.items():
            lines.append(f"  special  {date.isoformat()} {_describe(ranges)}")
        return "\n".join(lines)

    # -- vectorised tables ----------------------------------------------------

    def _minute_table(self, days: IntArray) -> tuple[IntArray, IntArray]:
        """Open and close minutes of each day (days since 1970-01-01), -1 where unused."""
        per_day = [_range_minutes(self.weekly[name]) for name in WEEKDAYS]
        special = {d: _range_minutes(r) for d, r in self.special.items()}
        width = max([1] + [len(r) for r in per_day] + [len(r) for r in special.values()])
        weekly_open = np.full((7, width), -1, dtype=np.int64)
        weekly_close = np.full((7, width), -1, dtype=np.int64)
        for day, ranges in enumerate(per_day):
            for slot, (start, stop) in enumerate(ranges):
                weekly_open[day, slot], weekly_close[day, slot] = start, stop
        weekday = (days + _EPOCH_WEEKDAY) % 7
        opens, closes = weekly_open[weekday], weekly_close[weekday]
        epoch = dt.date(1970, 1, 1)
        first = int(days[0]) if days.size else 0
        overrides: dict[dt.date, list[tuple[int, int]]] = {d: [] for d in self.closed_dates}
        overrides.update(special)
        for date, ranges in overrides.items():
            row = (date - epoch).days - first
            if 0 <= row < days.size:
                opens[row], closes[row] = -1, -1
                for slot, (start, stop) in enumerate(ranges):
                    opens[row, slot], closes[row, slot] = start, stop
        return opens, closes


def _describe(ranges: Sequence[TimeRange]) -> str:
    return ", ".join(f"{a}-{b}" for a, b in ranges) if ranges else "closed"


# ---------------------------------------------------------------------------
# Time helpers
# ---------------------------------------------------------------------------


def _parse_freq(freq: Any, where: str) -> BaseOffset:
    """A fixed-length offset (15min, h, ...) or whole calendar days (D, 2D)."""
    try:
        offset = to_offset(freq)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{where}: {freq!r} is not a frequency; use a pandas offset alias such as "
            "'15min', '30min', 'h' or 'D'"
        ) from exc
    if not isinstance(offset, pd.offsets.Day | pd.offsets.Tick) or offset.n <= 0:
        raise InputError(
            f"{where}: {freq!r} is not a fixed interval length; use '15min', '30min', 'h', "
            "or whole days such as 'D'"
        )
    return offset


def _calendar_days(offset: BaseOffset) -> int:
    """Number of calendar days of a day offset, 0 for a fixed-length one."""
    return int(offset.n) if isinstance(offset, pd.offsets.Day) else 0


def _fixed_ns(offset: Any) -> int:
    """Length in nanoseconds of a fixed-length (Tick) offset."""
    return int(pd.Timedelta(offset).value)


def _localize(naive_ns: IntArray, zone: str, *, first: bool) -> IntArray:
    """UTC nanoseconds of local wall-clock times (int64 ns; NaT stays NaT).

    Skipped wall times move to the end of the DST gap; repeated ones take their
    first (``first=True``) or second occurrence.
    """
    index = pd.DatetimeIndex(naive_ns.astype("datetime64[ns]"))
    ambiguous = np.full(naive_ns.shape, first, dtype=bool)
    # pandas' "shift_forward" assumes a one-hour jump (Lord Howe Island's is 30
    # minutes): take the last instant before the gap plus one nanosecond instead.
    exact = index.tz_localize(zone, ambiguous=ambiguous, nonexistent="NaT").as_unit("ns")
    before = index.tz_localize(zone, ambiguous=ambiguous, nonexistent="shift_backward")
    after = np.asarray(before.as_unit("ns").asi8, dtype=np.int64) + 1
    utc_ns = np.asarray(exact.asi8, dtype=np.int64)
    gap = exact.isna() & ~index.isna()
    return np.where(gap, after, utc_ns)


def _local_day(utc_ns: IntArray, zone: str) -> IntArray:
    """Local date (days since 1970-01-01) of UTC nanoseconds."""
    local = pd.to_datetime(utc_ns, unit="ns", utc=True).tz_convert(zone).tz_localize(None)
    return np.asarray(local.as_unit("ns").asi8 // _NS_PER_DAY, dtype=np.int64)


def _as_index(interval_start: Any, where: str) -> pd.DatetimeIndex:
    """Timezone-aware DatetimeIndex (ns) of interval starts, or InputError."""
    values = interval_start
    if isinstance(values, pd.Timestamp | dt.datetime):
        values = [values]
    try:
        index = pd.DatetimeIndex(values)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{where}: expected timezone-aware datetimes; got {values!r}") from exc
    if index.tz is None:
        raise InputError(
            f"{where}: interval starts are timezone-naive; localize them first, e.g. "
            "`.dt.tz_localize('Europe/Berlin')`"
        )
    if index.hasnans:
        rows = np.flatnonzero(index.isna())[:_MAX_SHOWN].tolist()
        raise InputError(f"{where}: missing interval starts (NaT) at positions {rows}")
    return index.as_unit("ns")


def _open_mask(hours: OpeningHours, index: pd.DatetimeIndex, offset: BaseOffset) -> BoolArray:
    """Vectorised core of :func:`is_open` on a valid, tz-aware ns index."""
    if index.size == 0:
        return np.zeros(0, dtype=bool)
    zone = hours.tz
    start_ns = np.asarray(index.asi8, dtype=np.int64)
    start_day = _local_day(start_ns, zone)
    days = _calendar_days(offset)
    if days:
        # A daily interval runs to the same wall-clock time `days` dates later (23/25 h on
        # DST days), not for a fixed 24 hours.
        local_ns = np.asarray(index.tz_convert(zone).tz_localize(None).asi8, dtype=np.int64)
        end_ns = _localize(local_ns + days * _NS_PER_DAY, zone, first=True)
    else:
        end_ns = start_ns + _fixed_ns(offset)
    last_day = _local_day(end_ns - 1, zone)
    first = int(start_day.min())
    calendar = np.arange(first, int(last_day.max()) + 1, dtype=np.int64)
    open_min, close_min = hours._minute_table(calendar)
    used = open_min >= 0
    midnight = (calendar * _NS_PER_DAY)[:, None]
    nat = np.iinfo(np.int64).min
    open_ns = _localize(
        np.where(used, midnight + open_min * _NS_PER_MINUTE, nat).ravel(), zone, first=True
    ).reshape(open_min.shape)
    close_ns = _localize(
        np.where(used, midnight + close_min * _NS_PER_MINUTE, nat).ravel(), zone, first=False
    ).reshape(close_min.shape)
    # A range wholly inside a skipped hour (02:00-02:30 on a spring-forward day) is empty.
    used &= open_ns < close_ns
    result = np.zeros(start_ns.size, dtype=bool)
    for k in range(int((last_day - start_day).max()) + 1):
        # Ranges of the k-th local date the interval touches (k > 0 only for intervals
        # that cross local midnight, e.g. hourly intervals at :30 in Asia/Kolkata).
        row = np.minimum(start_day - first + k, calendar.size - 1)
        reaches = start_day + k <= last_day
        hit = used[row] & (open_ns[row] < end_ns[:, None]) & (close_ns[row] > start_ns[:, None])
        result |= reaches & hit.any(axis=1)
    return result


# ---------------------------------------------------------------------------
# Frame helpers
# ---------------------------------------------------------------------------


def _key_columns(frame: pd.DataFrame) -> list[str]:
    return [column for column in KEY_COLUMNS if column in frame.columns]


def _frame_index(frame: pd.DataFrame, function: str) -> pd.DatetimeIndex:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{function}: `frame` must be a pandas DataFrame; got {type(frame)}")
    if "interval_start" not in frame.columns:
        raise InputError(
            f"{function}: `frame` has no column 'interval_start' (columns: "
            f"{list(frame.columns)}); read it with cccplan.read_volumes or rename the time column"
        )
    column = frame["interval_start"]
    if not isinstance(column.dtype, pd.DatetimeTZDtype):
        kind = "timezone-naive" if pd.api.types.is_datetime64_dtype(column) else str(column.dtype)
        raise InputError(
            f"{function}: column 'interval_start' must be timezone-aware datetimes; it is "
            f"{kind}. Localize it, e.g. frame['interval_start'].dt.tz_localize('Europe/Berlin')"
        )
    if column.isna().any():
        raise InputError(
            f"{function}: column 'interval_start' is missing (NaT) in rows "
            f"{_show_rows(frame, column.isna().to_numpy())}"
        )
    return pd.DatetimeIndex(column).as_unit("ns")


def _show_rows(frame: pd.DataFrame, mask: BoolArray) -> str:
    columns = [*_key_columns(frame), "interval_start"]
    rows = frame.loc[mask, [c for c in columns if c in frame.columns]].head(_MAX_SHOWN)
    shown = "; ".join(
        ", ".join(f"{c}={v!s}" for c, v in zip(rows.columns, record, strict=True))
        for record in rows.itertuples(index=False)
    )
    more = int(mask.sum()) - len(rows)
    return f"[{shown}]" + (f" and {more} more" if more > 0 else "")


def _frame_offset(
    frame: pd.DataFrame, freq: Freq | None, index: pd.DatetimeIndex, function: str
) -> BaseOffset:
    """The frame's frequency: `freq`, else inferred (frame.attrs["freq"] as a hint)."""
    del index  # inferred from the frame itself
    if freq is not None:
        return parse_freq(freq, argument=f"{function}: freq")
    return infer_freq(frame, argument=f"{function}: frame")


def _series_codes(frame: pd.DataFrame) -> tuple[IntArray, list[tuple[str, ...]]]:
    """Series number of every row and the key values of each series (appearance order)."""
    keys = _key_columns(frame)
    if not keys:
        return np.zeros(len(frame), dtype=np.int64), [()]
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(frame[keys].astype(str)))
    return np.asarray(codes, dtype=np.int64), [tuple(u) for u in uniques]


def _hours_per_series(
    frame: pd.DataFrame,
    hours: OpeningHours | Mapping[SeriesKey, OpeningHours],
    function: str,
) -> tuple[IntArray, list[OpeningHours]]:
    """Which OpeningHours applies to each row: row -> index into the returned list."""
    codes, series = _series_codes(frame)
    if isinstance(hours, OpeningHours):
        return np.zeros(len(frame), dtype=np.int64), [hours]
    if not isinstance(hours, Mapping):
        raise InputError(
            f"{function}: `hours` must be an OpeningHours or a mapping of series key -> "
            f"OpeningHours; got {type(hours).__name__}"
        )
    for key, value in hours.items():
        if not isinstance(value, OpeningHours):
            raise InputError(
                f"{function}: hours[{key!r}] must be an OpeningHours; got {type(value).__name__}"
            )
    lookup = SeriesLookup(hours, function=function, argument="hours")
    keys = _key_columns(frame)
    chosen: list[OpeningHours] = []
    series_to_choice = np.zeros(len(series), dtype=np.int64)
    missing: list[str] = []
    for number, values in enumerate(series):
        named = dict(zip(keys, values, strict=True))
        found = lookup.get(named.get("queue"), named.get("channel"))
        if found is None:
            missing.append(", ".join(f"{k}={v!r}" for k, v in named.items()) or "the series")
            continue
        position = next((i for i, h in enumerate(chosen) if h is found), len(chosen))
        if position == len(chosen):
            chosen.append(found)
        series_to_choice[number] = position
    if missing:
        shown = "; ".join(missing[:_MAX_SHOWN])
        more = f" and {len(missing) - _MAX_SHOWN} more" if len(missing) > _MAX_SHOWN else ""
        raise InputError(
            f"{function}: no opening hours for {len(missing)} series: {shown}{more}. Keys are "
            "looked up as (queue, channel), then queue, then channel, then None (a default); "
            f"keys given: {list(hours)}"
        )
    return series_to_choice[codes], chosen


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------


def is_open(hours: OpeningHours, interval_start: Any, *, freq: Freq) -> BoolArray:
    """Which intervals overlap opening time.

    Parameters
    ----------
    hours : OpeningHours
        The opening hours.
    interval_start : DatetimeIndex, Series or sequence of Timestamp
        Timezone-aware interval starts, in any zone (converted to ``hours.tz``).
    freq : str, DateOffset or Timedelta
        Interval length, e.g. ``"15min"``, ``"h"``, or ``"D"`` (a local
        calendar day, 23 or 25 hours on DST days).

    Returns
    -------
    numpy.ndarray of bool
        One element per interval: True when ``[start, start + freq)``
        intersects an open range (any overlap, however short).

    Raises
    ------
    InputError
        If the starts are not datetimes, are timezone-naive or missing (NaT),
        or ``freq`` is not a fixed length or whole days.

    Notes
    -----
    Vectorised: the local date of each interval picks that date's ranges from a
    small per-date table (weekly, closed and special dates), whose wall-clock
    opening and closing times are localised once per date; the intersection is
    then tested on int64 nanoseconds with numpy.

    Examples
    --------
    >>> hours = OpeningHours(tz="Europe/Berlin", weekly={"mon-fri": "08:00-20:00"})
    >>> starts = pd.to_datetime(
    ...     ["2024-06-03 07:45", "2024-06-03 08:00", "2024-06-03 19:45", "2024-06-03 20:00"]
    ... ).tz_localize("Europe/Berlin")
    >>> is_open(hours, starts, freq="15min").tolist()
    [False, True, True, False]

    An hourly interval 07:30-08:30 overlaps the opening, and a whole day is open
    if any of it is (Saturday 2024-06-08 is not):

    >>> is_open(hours, starts[:1] - pd.Timedelta("15min"), freq="h").tolist()
    [True]
    >>> days = pd.date_range("2024-06-07", periods=2, freq="D", tz="Europe/Berlin")
    >>> is_open(hours, days, freq="D").tolist()
    [True, False]
    """
    offset = _parse_freq(freq, "is_open: freq")
    index = _as_index(interval_start, "is_open: interval_start")
    return _open_mask(hours, index, offset)


def open_intervals(
    hours: OpeningHours,
    start: dt.date | str | pd.Timestamp,
    end: dt.date | str | pd.Timestamp,
    *,
    freq: Freq,
) -> pd.DatetimeIndex:
    """The open intervals between two times: the grid of a forecast horizon.

    Parameters
    ----------
    hours : OpeningHours
        The opening hours.
    start, end : date, str or Timestamp
        The grid covers ``[start, end)``. Naive values (and dates) are local
        wall-clock times in ``hours.tz``; aware ones are converted to it. The
        grid is aligned to ``start``.
    freq : str, DateOffset or Timedelta
        Interval length, e.g. ``"15min"``; ``"D"`` steps by local calendar days.

    Returns
    -------
    pandas.DatetimeIndex
        Starts of the open intervals (see :func:`is_open`), in ``hours.tz``,
        named ``interval_start``.

    Raises
    ------
    InputError
        If ``end`` is before ``start`` or ``freq`` is not a fixed length or
        whole days.

    Examples
    --------
    >>> hours = OpeningHours(tz="America/New_York", weekly={"mon-fri": "09:00-17:00"})
    >>> grid = open_intervals(hours, "2024-03-08", "2024-03-12", freq="h")
    >>> len(grid), str(grid[0]), str(grid[-1])
    (16, '2024-03-08 09:00:00-05:00', '2024-03-11 16:00:00-04:00')
    """
    offset = _parse_freq(freq, "open_intervals: freq")
    first = _boundary(start, hours.tz, "start")
    last = _boundary(end, hours.tz, "end")
    if last < first:
        raise InputError(f"open_intervals: `end` ({last}) is before `start` ({first})")
    days = _calendar_days(offset)
    if days:
        naive = pd.date_range(
            first.tz_localize(None), last.tz_localize(None), freq=f"{days}D", inclusive="left"
        )
        ns = np.asarray(naive.as_unit("ns").asi8, dtype=np.int64)
        grid = pd.DatetimeIndex(pd.to_datetime(_localize(ns, hours.tz, first=True), utc=True))
        grid = grid[grid < last]
    else:
        grid = pd.date_range(
            first.tz_convert("UTC"), last.tz_convert("UTC"), freq=offset, inclusive="left"
        )
    grid = grid.tz_convert(hours.tz).as_unit("ns")
    grid = grid[_open_mask(hours, grid, offset)]
    return grid.rename("interval_start")


def _boundary(value: Any, zone: str, name: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"open_intervals: `{name}` {value!r} is not a date or time") from exc
    if pd.isna(stamp):
        raise InputError(f"open_intervals: `{name}` is missing (NaT)")
    if stamp.tz is None:
        exact = stamp.tz_localize(zone, ambiguous=True, nonexistent="NaT")
        if pd.isna(exact):  # in a DST gap: the first instant after it
            before = stamp.as_unit("ns").tz_localize(
                zone, ambiguous=True, nonexistent="shift_backward"
            )
            return before + pd.Timedelta(1, unit="ns")
        return exact
    return stamp.tz_convert(zone)


def mark_open(
    frame: pd.DataFrame,
    hours: OpeningHours | Mapping[SeriesKey, OpeningHours],
    *,
    freq: Freq | None = None,
) -> pd.DataFrame:
    """Add a boolean ``open`` column: does each interval overlap opening time.

    Parameters
    ----------
    frame : pandas.DataFrame
        An interval frame with a timezone-aware ``interval_start`` and optional
        ``queue`` / ``channel`` key columns.
    hours : OpeningHours or mapping
        One OpeningHours for every series, or a mapping from series key to
        OpeningHours. A series ``(queue, channel)`` takes the first key found
        among: the tuple ``(queue, channel)``, the ``queue`` name (exact), the
        ``channel`` name (any case), and ``None`` (a default for every other
        series). Keys that match no series are ignored.
    freq : str, DateOffset or Timedelta, optional
        Interval length; defaults to ``frame.attrs["freq"]``, else the smallest
        step between consecutive intervals of a series (23-25 hours is ``"D"``).

    Returns
    -------
    pandas.DataFrame
        A copy of ``frame`` with a boolean column ``open`` (last, or in place of
        an existing ``open`` column); attrs are kept.

    Raises
    ------
    InputError
        If ``interval_start`` is missing, naive or NaT, a series has no
        opening hours in the mapping (the message names it), or the frequency
        cannot be determined.

    Examples
    --------
    >>> frame = pd.DataFrame({
    ...     "queue": ["sales", "sales", "support", "support"],
    ...     "interval_start": pd.to_datetime(
    ...         ["2024-06-03 07:30", "2024-06-03 08:00"] * 2).tz_localize("Europe/Berlin"),
    ...     "volume": [1.0, 4.0, 2.0, 3.0],
    ... })
    >>> hours = {
    ...     "sales": OpeningHours(tz="Europe/Berlin", weekly={"mon-fri": "08:00-18:00"}),
    ...     None: OpeningHours.always("Europe/Berlin"),
    ... }
    >>> mark_open(frame, hours, freq="30min")["open"].tolist()
    [False, True, True, True]
    """
    index = _frame_index(frame, "mark_open")
    offset = _frame_offset(frame, freq, index, "mark_open")
    mask = _mark(frame, hours, index, offset, "mark_open")
    out = frame.copy()
    out["open"] = mask
    return out


def _mark(
    frame: pd.DataFrame,
    hours: OpeningHours | Mapping[SeriesKey, OpeningHours],
    index: pd.DatetimeIndex,
    offset: BaseOffset,
    function: str,
) -> BoolArray:
    choice, chosen = _hours_per_series(frame, hours, function)
    mask = np.zeros(len(frame), dtype=bool)
    for number, opening in enumerate(chosen):
        rows = choice == number
        mask[rows] = _open_mask(opening, index[rows], offset)
    return mask


def closed_volume(
    frame: pd.DataFrame,
    hours: OpeningHours | Mapping[SeriesKey, OpeningHours],
    *,
    freq: Freq | None = None,
) -> pd.DataFrame:
    """Volume that arrived while closed: a data-quality finding, nothing is dropped.

    Contacts recorded in a closed interval point at wrong opening hours, a time
    zone mix-up, or contacts queued out of hours (email, callbacks); the caller
    decides what to do with them.

    Parameters
    ----------
    frame : pandas.DataFrame
        An interval frame with ``interval_start`` and ``volume``.
    hours : OpeningHours or mapping
        As in :func:`mark_open`.
    freq : str, DateOffset or Timedelta, optional
        As in :func:`mark_open`.

    Returns
    -------
    pandas.DataFrame
        The rows with ``volume > 0`` in intervals that do not overlap opening
        time: key columns, ``interval_start``, ``volume``; RangeIndex, in the
        frame's order. Empty when all volume arrived while open.

    Raises
    ------
    InputError
        As :func:`mark_open`, or if ``frame`` has no ``volume`` column.

    Examples
    --------
    >>> frame = pd.DataFrame({
    ...     "queue": ["sales"] * 4,
    ...     "interval_start": pd.date_range(
    ...         "2024-06-03 19:00", periods=4, freq="30min", tz="Europe/Berlin"),
    ...     "volume": [5.0, 3.0, 2.0, 0.0],
    ... })
    >>> hours = OpeningHours(tz="Europe/Berlin", weekly={"mon-fri": "08:00-20:00"})
    >>> found = closed_volume(frame, hours)
    >>> found
       queue            interval_start  volume
    0  sales 2024-06-03 20:00:00+02:00     2.0
    >>> found.groupby("queue")["volume"].agg(["size", "sum"])
           size  sum
    queue
    sales     1  2.0
    """
    index = _frame_index(frame, "closed_volume")
    if "volume" not in frame.columns:
        raise InputError(
            f"closed_volume: `frame` has no column 'volume' (columns: {list(frame.columns)})"
        )
    offset = _frame_offset(frame, freq, index, "closed_volume")
    opened = _mark(frame, hours, index, offset, "closed_volume")
    volume = pd.to_numeric(frame["volume"], errors="coerce").to_numpy(dtype=np.float64)
    rows = ~opened & (volume > 0)
    columns = [*_key_columns(frame), "interval_start", "volume"]
    return frame.loc[rows, columns].reset_index(drop=True)


def infer_opening_hours(
    history: pd.DataFrame,
    *,
    min_share: float = 0.5,
    freq: Freq | None = None,
    tz: str | None = None,
) -> dict[SeriesKey, OpeningHours]:
    """Infer a weekly schedule per series from the intervals that had contacts.

    Parameters
    ----------
    history : pandas.DataFrame
        An interval frame with ``interval_start`` and ``volume``, several weeks
        long; optional ``queue`` / ``channel`` keys.
    min_share : float, default 0.5
        Share of the evidence (see Notes) an interval needs to count as open,
        in (0, 1].
    freq : str, DateOffset or Timedelta, optional
        Interval length (whole minutes, at most a day); defaults as in
        :func:`mark_open`.
    tz : str, optional
        IANA zone of the wall-clock schedule; defaults to the zone of
        ``interval_start`` (required when that is a fixed UTC offset).

    Returns
    -------
    dict
        Series key -> OpeningHours with contiguous ranges per weekday and no
        closed or special dates. Keys as :func:`mark_open` looks them up: the
        queue (or channel) name when the frame has one key column, a
        ``(queue, channel)`` tuple when it has both, ``None`` when it has
        neither. So ``mark_open(history, infer_opening_hours(history))`` works.

    Raises
    ------
    InputError
        If ``interval_start`` or ``volume`` is missing or invalid, ``min_share``
        is outside (0, 1], the frequency is not whole minutes up to a day, or
        the zone is not an IANA zone.

    Notes
    -----
    The rule, per series, with local dates and wall-clock times in ``tz``:

    1. A weekday is open if the series had volume (> 0) on at least
       ``min_share`` of the occurrences of that weekday between its first and
       last date. A few holidays or outages do not close a weekday.
    2. On an open weekday, an interval (time of day) is open if it had volume
       on at least ``min_share`` of the days of that weekday that had any
       volume. Days without volume (holidays, missing exports) are left out,
       so they do not count against a time of day.
    3. Consecutive open intervals are joined into ranges ``[first, last + freq)``.

    Rows present with zero volume are not evidence of opening (many exports
    write zeros for every interval). A sparse series (an overnight email queue
    with a contact every few days) looks closed where contacts are rare: lower
    ``min_share`` or state its hours. A weekday absent from a short history is
    closed.

    Examples
    --------
    >>> starts = pd.date_range("2024-06-03", "2024-06-30", freq="h", tz="Europe/Berlin")
    >>> history = pd.DataFrame({"interval_start": starts, "volume": 1.0})
    >>> working = (starts.day_of_week < 5) & (starts.hour >= 8) & (starts.hour < 18)
    >>> history = history[working].reset_index(drop=True)
    >>> print(infer_opening_hours(history, freq="h")[None])
    OpeningHours in Europe/Berlin
      mon-fri  08:00-18:00
      sat-sun  closed
    """
    index = _frame_index(history, "infer_opening_hours")
    if "volume" not in history.columns:
        raise InputError(
            "infer_opening_hours: `history` has no column 'volume' "
            f"(columns: {list(history.columns)})"
        )
    if not isinstance(min_share, int | float) or not 0.0 < float(min_share) <= 1.0:
        raise InputError(f"infer_opening_hours: `min_share` must be in (0, 1]; got {min_share!r}")
    zone = tz if tz is not None else _zone_key(index.tz)
    try:
        zone = _zone_name(zone)
    except ValueError as exc:
        raise InputError(
            f"infer_opening_hours: the zone of interval_start ({index.tz}) is not an IANA zone; "
            "pass tz=, e.g. tz='Europe/Berlin'"
        ) from exc
    offset = _frame_offset(history, freq, index, "infer_opening_hours")
    if _calendar_days(offset) == 1:
        step = _MINUTES_PER_DAY
    elif not _calendar_days(offset) and _fixed_ns(offset) % _NS_PER_MINUTE == 0:
        step = _fixed_ns(offset) // _NS_PER_MINUTE
    else:
        step = 0
    if not 0 < step <= _MINUTES_PER_DAY:
        raise InputError(
            f"infer_opening_hours: the interval length {offset.freqstr!r} must be whole minutes "
            "and at most one day"
        )

    local_ns = np.asarray(index.tz_convert(zone).tz_localize(None).asi8, dtype=np.int64)
    codes, series = _series_codes(history)
    volume = pd.to_numeric(history["volume"], errors="coerce").to_numpy(dtype=np.float64)
    rows = pd.DataFrame(
        {
            "series": codes,
            "day": local_ns // _NS_PER_DAY,
            "minute": (local_ns % _NS_PER_DAY) // _NS_PER_MINUTE,
        }
    )
    span = rows.groupby("series")["day"].agg(["min", "max"]).reindex(range(len(series)))
    positive = rows[volume > 0]
    active_days = positive[["series", "day"]].drop_duplicates()
    active_days = active_days.assign(weekday=(active_days["day"] + _EPOCH_WEEKDAY) % 7)
    days_with_volume = active_days.groupby(["series", "weekday"]).size()
    slots = positive.drop_duplicates()
    slots = slots.assign(weekday=(slots["day"] + _EPOCH_WEEKDAY) % 7)
    slot_days = slots.groupby(["series", "weekday", "minute"]).size().rename("days").reset_index()

    # Occurrences of each weekday between a series' first and last date: days d in
    # [a, b] with d = r (mod 7), r the day number of that weekday.
    first_day = span["min"].to_numpy(dtype=np.int64)[:, None]
    last_day = span["max"].to_numpy(dtype=np.int64)[:, None]
    residue = (np.arange(7) - _EPOCH_WEEKDAY) % 7
    occurrences = (last_day - residue) // 7 - (first_day - 1 - residue) // 7

    slot_days["active"] = days_with_volume.reindex(
        pd.MultiIndex.from_frame(slot_days[["series", "weekday"]])
    ).to_numpy()
    slot_days["occurs"] = occurrences[
        slot_days["series"].to_numpy(dtype=np.int64), slot_days["weekday"].to_numpy(dtype=np.int64)
    ]
    # A share exactly at min_share counts (7 of 10 days at 0.7): compare with a tolerance.
    tolerance = 1e-9
    open_slots = slot_days[
        (slot_days["active"] >= min_share * slot_days["occurs"] - tolerance)
        & (slot_days["days"] >= min_share * slot_days["active"] - tolerance)
    ].sort_values(["series", "weekday", "minute"])

    ranges: list[list[list[int]]] = [[] for _ in range(7 * len(series))]
    for number, weekday, minute in open_slots[["series", "weekday", "minute"]].to_numpy(
        dtype=np.int64
    ):
        day_ranges = ranges[7 * int(number) + int(weekday)]
        stop = min(int(minute) + step, _MINUTES_PER_DAY)
        if day_ranges and minute <= day_ranges[-1][1]:
            day_ranges[-1][1] = stop
        else:
            day_ranges.append([int(minute), stop])
    weekly = [
        {
            WEEKDAYS[day]: [
                (_format_minutes(a), _format_minutes(b)) for a, b in ranges[7 * number + day]
            ]
            for day in range(7)
        }
        for number in range(len(series))
    ]
    keys = _key_columns(history)
    result: dict[SeriesKey, OpeningHours] = {}
    for number, values in enumerate(series):
        key: SeriesKey
        if len(keys) == 2:
            key = (values[0], values[1])
        elif keys:
            key = values[0]
        else:
            key = None
        result[key] = OpeningHours.model_validate({"tz": zone, "weekly": weekly[number]})
    return result
