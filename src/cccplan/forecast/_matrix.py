"""Day x slot matrices: the shape every forecasting model works on (private).

Contact volumes repeat by time of day and by weekday, so each series is
reshaped into a matrix with one row per local calendar day and one column per
time-of-day slot (Shen and Huang 2008 work on the same matrix). The conversion
is done here, once, at the stage boundary, so that the models are pure numpy.

Daylight-saving time: rows are local calendar days and columns local
wall-clock slots. On the spring-forward day the skipped hour's slots are NaN
(absent); on the fall-back day the repeated hour's two intervals are summed
into their slots, and :func:`to_frame` splits a forecast for those slots evenly
back over both intervals, so that totals are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.tseries.offsets import BaseOffset

from cccplan.frames._columns import AHT, TIME, VOLUME

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

_MINUTES_PER_DAY = 1440


@dataclass(frozen=True)
class DayMatrix:
    """One series as a day x slot matrix of volumes (local calendar days, wall-clock slots).

    Attributes
    ----------
    values : ndarray, shape (n_days, n_slots)
        Volume per local day and slot; NaN where the interval is absent
        (closed, or no data that day). An open slot with no contacts is 0.
    dates : ndarray of datetime64[D], shape (n_days,)
        Consecutive local calendar days.
    weekday : ndarray of int, shape (n_days,)
        0 = Monday.
    excluded : ndarray of bool, shape (n_days,)
        Days not to learn levels or shapes from: public holidays, special
        days, client events and days without any data.
    slot_minutes : int
        Slot length in minutes (1440 for daily data, one slot).
    aht : ndarray, shape (n_days, n_slots), optional
        Average handle time in seconds per day and slot (volume-weighted where
        intervals were summed); NaN where unknown.
    """

    values: FloatArray
    dates: npt.NDArray[np.datetime64]
    weekday: IntArray
    excluded: BoolArray
    slot_minutes: int
    aht: FloatArray | None = None

    @property
    def n_slots(self) -> int:
        """Number of time-of-day slots."""
        return int(self.values.shape[1])

    def head(self, n_days: int) -> DayMatrix:
        """The first ``n_days`` days (used by backtests to cut history at an origin)."""
        return DayMatrix(
            values=self.values[:n_days],
            dates=self.dates[:n_days],
            weekday=self.weekday[:n_days],
            excluded=self.excluded[:n_days],
            slot_minutes=self.slot_minutes,
            aht=None if self.aht is None else self.aht[:n_days],
        )


def slot_minutes_of(freq: BaseOffset) -> int:
    """Slot length in minutes of a frame frequency (1440 for daily)."""
    if isinstance(freq, pd.offsets.Day):
        return _MINUTES_PER_DAY
    return int(pd.Timedelta(freq).total_seconds() // 60)


def weekday_of(dates: npt.NDArray[np.datetime64]) -> IntArray:
    """Weekday (0 = Monday) of datetime64[D] dates (1970-01-01 was a Thursday)."""
    return np.asarray((dates.astype("datetime64[D]").astype(np.int64) + 3) % 7, dtype=np.int64)


def _local_day_and_slot(
    times: pd.Series | pd.DatetimeIndex, slot_minutes: int
) -> tuple[npt.NDArray[np.datetime64], IntArray]:
    local = pd.DatetimeIndex(times).tz_localize(None)
    day = local.normalize()
    minutes = (local - day) // pd.Timedelta(minutes=1)
    slot = np.asarray(minutes, dtype=np.int64) // slot_minutes
    return np.asarray(day.values.astype("datetime64[D]")), slot


def to_day_matrix(
    series: pd.DataFrame,
    *,
    freq: BaseOffset,
    excluded_dates: npt.ArrayLike = (),
    start: np.datetime64 | None = None,
) -> DayMatrix:
    """Reshape one series of a canonical frame into a :class:`DayMatrix`.

    Parameters
    ----------
    series : pandas.DataFrame
        Rows of one series (``interval_start``, ``volume``, optionally ``aht``).
    freq : pandas offset
        The frame's interval length.
    excluded_dates : array_like of dates
        Local dates not to learn from (holidays, events).
    start : datetime64[D], optional
        First day of the matrix (default: the series' first day).
    """
    slot_minutes = slot_minutes_of(freq)
    n_slots = _MINUTES_PER_DAY // slot_minutes
    day, slot = _local_day_and_slot(series[TIME], slot_minutes)
    volume = series[VOLUME].to_numpy(dtype=np.float64)
    keep = np.isfinite(volume)
    day, slot, volume = day[keep], slot[keep], volume[keep]
    if day.size == 0:
        raise ValueError("empty series")
    first = day.min() if start is None else np.asarray(start, dtype="datetime64[D]")[()]
    last = day.max()
    n_days = int((last - first).astype(np.int64)) + 1
    row = (day - first).astype(np.int64)
    sums = np.zeros((n_days, n_slots))
    present = np.zeros((n_days, n_slots), dtype=bool)
    np.add.at(sums, (row, slot), volume)
    present[row, slot] = True
    values = np.where(present, sums, np.nan)

    aht_matrix: FloatArray | None = None
    if AHT in series.columns:
        aht = series[AHT].to_numpy(dtype=np.float64)[keep]
        weighted = np.zeros((n_days, n_slots))
        has = np.isfinite(aht) & (volume > 0)
        np.add.at(weighted, (row[has], slot[has]), volume[has] * aht[has])
        with np.errstate(invalid="ignore", divide="ignore"):
            aht_matrix = np.where(sums > 0, weighted / sums, np.nan)

    dates = first + np.arange(n_days).astype("timedelta64[D]")
    excluded: BoolArray = np.asarray(~present.any(axis=1))
    if np.size(excluded_dates):
        marks = np.asarray(pd.DatetimeIndex(np.atleast_1d(excluded_dates)).values, "datetime64[D]")
        excluded |= np.isin(dates, marks)
    return DayMatrix(
        values=values,
        dates=dates,
        weekday=weekday_of(dates),
        excluded=excluded,
        slot_minutes=slot_minutes,
        aht=aht_matrix,
    )


def future_grid(
    dates: npt.NDArray[np.datetime64], *, freq: BaseOffset, tz: str
) -> tuple[pd.DatetimeIndex, IntArray, IntArray]:
    """Every interval start of the local days ``dates`` (consecutive), with day row and slot.

    The grid steps in absolute time, so a 23-hour day has 92 quarter-hours and a
    25-hour day 100; the repeated hour's intervals share their wall-clock slots.
    """
    slot_minutes = slot_minutes_of(freq)
    first = pd.Timestamp(dates[0]).tz_localize(tz, nonexistent="shift_forward")
    after = pd.Timestamp(dates[-1] + np.timedelta64(1, "D")).tz_localize(
        tz, nonexistent="shift_forward"
    )
    if slot_minutes == _MINUTES_PER_DAY:
        grid = pd.DatetimeIndex(
            [
                pd.Timestamp(d).tz_localize(tz, nonexistent="shift_forward")
                for d in dates.astype("datetime64[D]")
            ]
        )
    else:
        grid = pd.date_range(first, after, freq=f"{slot_minutes}min", inclusive="left")
    grid = grid.as_unit("ns")
    day, slot = _local_day_and_slot(grid, slot_minutes)
    row = (day - dates[0]).astype(np.int64)
    return grid, row, slot


def to_frame_values(matrix: FloatArray, row: IntArray, slot: IntArray) -> FloatArray:
    """Per-interval values of a day x slot forecast, splitting shared slots evenly.

    ``row`` and ``slot`` come from :func:`future_grid`; a slot that occurs twice on
    a day (the repeated DST hour) gets half of the slot's forecast in each
    interval, so that totals are kept.
    """
    counts = np.zeros(matrix.shape)
    np.add.at(counts, (row, slot), 1.0)
    result: FloatArray = matrix[row, slot] / counts[row, slot]
    return result
