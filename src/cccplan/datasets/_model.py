"""Parameters and profile shapes of the example centre's four series.

The values are documented (with their rationale) in
:mod:`cccplan.datasets.example`; this module only holds them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cccplan.datasets._calendar import SLOT_MINUTES, SLOTS_PER_DAY

FloatArray = npt.NDArray[np.float64]

HOLIDAY_ROW = 7
"""Row of the intraday-profile table used on public holidays (rows 0-6: Mon-Sun)."""


@dataclass(frozen=True)
class SeriesSpec:
    """Generating parameters of one (queue, channel) series.

    Attributes
    ----------
    queue, channel : str
        Series keys.
    base : float
        Expected contacts on a regular Wednesday at the start of the history,
        before yearly seasonality (contacts per day).
    growth : float
        Trend, relative change per year (0.08 = +8 %/year, compounded).
    season : tuple of (harmonic, amplitude, peak day of year)
        Fourier terms of the log yearly seasonality:
        ``sum amplitude * cos(2 pi harmonic (doy - peak) / 365.25)``.
    weekly : tuple of 7 floats
        Daily volume relative to Wednesday, Monday first.
    gamma_shape : float
        Shape ``k`` of the Gamma(k, 1/k) daily rate multiplier (mean 1,
        coefficient of variation ``1 / sqrt(k)``).
    aht : float
        Mean handle time of one contact, seconds (volume-weighted over a day).
    aht_cv : float
        Coefficient of variation of one contact's (lognormal) handle time.
    """

    queue: str
    channel: str
    base: float
    growth: float
    season: tuple[tuple[int, float, float], ...]
    weekly: tuple[float, float, float, float, float, float, float]
    gamma_shape: float
    aht: float
    aht_cv: float


SERIES: tuple[SeriesSpec, ...] = (
    SeriesSpec(
        queue="billing",
        channel="voice",
        base=1400.0,
        growth=0.03,
        # Annual invoices go out in early January: a sharp January peak.
        season=((1, 0.10, 12.0), (2, 0.06, 12.0)),
        weekly=(1.30, 1.10, 1.00, 0.97, 0.88, 0.40, 0.0),
        gamma_shape=40.0,
        aht=300.0,
        aht_cv=1.0,
    ),
    SeriesSpec(
        queue="orders",
        channel="email",
        base=450.0,
        growth=0.08,
        # Christmas shopping: peak in early December, dip in summer.
        season=((1, 0.10, 335.0), (2, 0.05, 340.0)),
        weekly=(1.35, 1.08, 1.00, 0.98, 0.95, 0.55, 0.50),
        gamma_shape=30.0,
        aht=480.0,
        aht_cv=0.7,
    ),
    SeriesSpec(
        queue="support",
        channel="chat",
        base=520.0,
        # Customers move from the phone to chat: chat grows, voice shrinks.
        growth=0.18,
        season=((1, 0.06, 330.0),),
        weekly=(1.18, 1.05, 1.00, 1.00, 0.92, 0.55, 0.50),
        gamma_shape=50.0,
        aht=600.0,
        aht_cv=0.8,
    ),
    SeriesSpec(
        queue="support",
        channel="voice",
        base=1000.0,
        growth=-0.04,
        season=((1, 0.06, 330.0),),
        weekly=(1.25, 1.08, 1.00, 0.98, 0.92, 0.45, 0.0),
        gamma_shape=40.0,
        aht=420.0,
        aht_cv=1.0,
    ),
)
"""The four series, in the canonical sort order (queue, channel)."""

HOLIDAY_FACTOR = 0.45
"""Email volume on a public holiday, relative to the same weekday (live channels close)."""
EVE_FACTOR = 0.70
"""Volume on 24/31 December relative to a regular day (before the shortened hours)."""
XMAS_WEEK_FACTOR = 0.80
"""Volume on 27-30 December, between the holidays."""
CATCH_UP_FACTOR = 1.15
"""Volume on a working day after a public holiday: customers who waited call now."""
AHT_DAY_SD = 0.04
"""Standard deviation of the daily log-AHT effect (system incidents, staff mix)."""

_HOURS: FloatArray = (
    (np.arange(SLOTS_PER_DAY, dtype=np.float64) + 0.5) * SLOT_MINUTES / 60.0
)  # slot midpoints


def _bump(centre: float, width: float) -> FloatArray:
    """Gaussian bump over the slot midpoints, hours."""
    bump: FloatArray = np.exp(-0.5 * ((_HOURS - centre) / width) ** 2)
    return bump


def _voice_shape(weekday: int) -> FloatArray:
    # Two peaks, mid-morning and early afternoon, with a lunch dip between
    # them (Brown et al. 2005, fig. 2); Monday mornings are busiest, Friday
    # afternoons quiet; Saturday has one late-morning peak.
    if weekday == 5:
        return 0.15 + _bump(11.0, 1.5)
    morning = 1.25 if weekday == 0 else 1.0
    afternoon = 0.65 if weekday == 4 else 0.85
    return 0.15 + morning * _bump(10.5, 1.2) + afternoon * _bump(14.5, 1.3)


def _chat_shape(weekday: int) -> FloatArray:
    # Chat is used after work: a small lunch peak and the main peak at 20:00.
    if weekday >= 5:
        return 0.3 + 0.7 * _bump(13.0, 2.0) + 0.8 * _bump(16.5, 1.5)
    evening = 0.7 if weekday == 4 else 1.0
    return 0.3 + 0.5 * _bump(12.5, 1.5) + evening * _bump(20.0, 1.6)


def _email_shape(weekday: int) -> FloatArray:
    # Written around the clock, flatter than live contact, with a morning
    # bulge (work email) and an evening bump (private email).
    if weekday >= 5:
        return 0.15 + 0.5 * _bump(11.0, 3.0) + 0.4 * _bump(20.0, 2.5)
    return 0.1 + _bump(9.0, 1.8) + 0.5 * _bump(14.0, 3.0) + 0.3 * _bump(21.0, 2.0)


_SHAPES = {"voice": _voice_shape, "chat": _chat_shape, "email": _email_shape}


def intraday_profile(channel: str, weekly_open: npt.NDArray[np.bool_]) -> FloatArray:
    """Share of a day's volume per wall-clock slot, shape ``(8, 96)``.

    Rows 0-6 are Monday-Sunday, each summing to 1 over the regular open slots
    of that weekday (``weekly_open``, shape ``(7, 96)``) or to 0 when closed;
    row 7 (public holidays) uses the Sunday shape over the whole day.
    """
    shape = _SHAPES[channel]
    rows = [np.where(weekly_open[day], shape(day), 0.0) for day in range(7)]
    rows.append(shape(6))
    table = np.stack(rows)
    totals = table.sum(axis=1, keepdims=True)
    share: FloatArray = np.divide(table, totals, out=np.zeros_like(table), where=totals > 0)
    return share


def aht_profile(channel: str, weekday_share: FloatArray) -> FloatArray:
    """Intraday AHT factor per wall-clock slot, shape ``(96,)``.

    Contacts take longer around lunch (fewer, more experienced staff; more
    complex private matters) and in the evening (tired customers and agents).
    The factor is scaled to a volume-weighted mean of 1 over a regular
    Wednesday (``weekday_share``), so that the series' AHT level is the mean.
    """
    lunch = {"voice": 0.08, "chat": 0.06, "email": 0.05}[channel]
    evening = {"voice": 0.10, "chat": 0.12, "email": 0.0}[channel]
    factor: FloatArray = (
        1.0 + lunch * _bump(13.0, 1.0) + evening / (1.0 + np.exp(-(_HOURS - 18.5) / 0.7))
    )
    return factor / float(np.sum(factor * weekday_share))
