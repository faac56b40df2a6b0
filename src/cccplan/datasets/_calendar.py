"""Opening hours and the Berlin public-holiday calendar of the example centre.

One description of the hours per channel feeds both outputs, so they cannot
disagree: the plain-data opening hours handed to the user, and the boolean
(day, 15-minute wall-clock slot) table that decides which intervals exist in
the simulated history.

Times are local wall-clock minutes after midnight; a window is a half-open
pair ``(start, end)`` with ``end`` up to 1440 (written ``"24:00"``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TypedDict

import holidays
import numpy as np
import numpy.typing as npt

TZ = "Europe/Berlin"
"""Time zone of the example centre (IANA name)."""

SLOT_MINUTES = 15
SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Window = tuple[int, int]
Windows = tuple[Window, ...]
BoolArray = npt.NDArray[np.bool_]


class OpeningHoursData(TypedDict):
    """Opening hours of one series as plain data (JSON/YAML-ready).

    ``weekly`` maps ``"mon"`` ... ``"sun"`` to a list of ``["HH:MM", "HH:MM"]``
    windows (half-open, local time, ``"24:00"`` is the end of the day; an empty
    list means closed). ``closed_dates`` lists ISO dates (``"2024-12-25"``)
    closed all day; ``special`` maps ISO dates to the windows that replace the
    weekly ones on that date.
    """

    tz: str
    weekly: dict[str, list[list[str]]]
    closed_dates: list[str]
    special: dict[str, list[list[str]]]


_MON_FRI = WEEKDAYS[:5]

# Regular weekly hours per channel, local wall-clock minutes.
WEEKLY_HOURS: Mapping[str, Mapping[str, Windows]] = {
    "voice": {
        **dict.fromkeys(_MON_FRI, ((8 * 60, 20 * 60),)),
        "sat": ((9 * 60, 14 * 60),),
        "sun": (),
    },
    "chat": {
        **dict.fromkeys(_MON_FRI, ((8 * 60, 22 * 60),)),
        "sat": ((10 * 60, 18 * 60),),
        "sun": ((10 * 60, 18 * 60),),
    },
    # Email is deferred work: it arrives around the clock, every day.
    "email": dict.fromkeys(WEEKDAYS, ((0, 24 * 60),)),
}

# Channels answered live close on public holidays; email keeps arriving.
CLOSES_ON_HOLIDAYS: Mapping[str, bool] = {"voice": True, "chat": True, "email": False}

# Christmas Eve and New Year's Eve are not public holidays in Berlin, but live
# channels close at 14:00: the regular hours are cut to this window.
EVE_WINDOW: Window = (8 * 60, 14 * 60)
EVE_DAYS = ((12, 24), (12, 31))


def public_holidays(first_year: int, last_year: int) -> dict[dt.date, str]:
    """Berlin (DE-BE) public holidays of the years ``first_year..last_year``."""
    calendar = holidays.country_holidays("DE", subdiv="BE", years=range(first_year, last_year + 1))
    return {day: str(name) for day, name in sorted(calendar.items())}


def eve_dates(first_year: int, last_year: int) -> list[dt.date]:
    """24 and 31 December of the years ``first_year..last_year``."""
    return [
        dt.date(year, month, day)
        for year in range(first_year, last_year + 1)
        for month, day in EVE_DAYS
    ]


def _intersect(windows: Windows, cut: Window) -> Windows:
    clipped = ((max(lo, cut[0]), min(hi, cut[1])) for lo, hi in windows)
    return tuple((lo, hi) for lo, hi in clipped if lo < hi)


def eve_hours(channel: str, weekday: int) -> Windows | None:
    """Hours on 24/31 December of a weekday, or None when they are the regular ones."""
    regular = WEEKLY_HOURS[channel][WEEKDAYS[weekday]]
    if not CLOSES_ON_HOLIDAYS[channel]:
        return None
    reduced = _intersect(regular, EVE_WINDOW)
    return None if reduced == regular else reduced


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _as_text(windows: Windows) -> list[list[str]]:
    return [[_hhmm(lo), _hhmm(hi)] for lo, hi in windows]


def opening_hours_data(
    channel: str, holiday_dates: list[dt.date], eves: list[dt.date]
) -> OpeningHoursData:
    """Plain-data opening hours of a channel over the given holidays and eves."""
    closed = sorted(holiday_dates) if CLOSES_ON_HOLIDAYS[channel] else []
    special: dict[str, list[list[str]]] = {}
    for day in sorted(eves):
        hours = eve_hours(channel, day.weekday())
        if hours is not None and day not in closed:
            special[day.isoformat()] = _as_text(hours)
    return {
        "tz": TZ,
        "weekly": {day: _as_text(WEEKLY_HOURS[channel][day]) for day in WEEKDAYS},
        "closed_dates": [day.isoformat() for day in closed],
        "special": special,
    }


def _slot_mask(windows: Windows) -> BoolArray:
    """Which 15-minute wall-clock slots of a day lie inside the windows."""
    slot_start = np.arange(SLOTS_PER_DAY) * SLOT_MINUTES
    mask = np.zeros(SLOTS_PER_DAY, dtype=bool)
    for lo, hi in windows:
        mask |= (slot_start >= lo) & (slot_start < hi)
    return mask


def weekly_mask(channel: str) -> BoolArray:
    """Regular open slots of each weekday, shape ``(7, 96)``, Monday first."""
    return np.stack([_slot_mask(WEEKLY_HOURS[channel][day]) for day in WEEKDAYS])


def open_table(
    channel: str, weekday: npt.NDArray[np.int64], is_holiday: BoolArray, is_eve: BoolArray
) -> BoolArray:
    """Open slots, shape ``(days, 96)``, for days with the given weekday (Monday = 0).

    Public holidays close the live channels; 24/31 December cut their hours.
    """
    table = weekly_mask(channel)[weekday]
    for row in np.flatnonzero(is_eve):
        hours = eve_hours(channel, int(weekday[row]))
        if hours is not None:
            table[row] = _slot_mask(hours)
    if CLOSES_ON_HOLIDAYS[channel]:
        table[is_holiday] = False
    return table
