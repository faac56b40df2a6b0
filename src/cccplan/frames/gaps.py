"""Missing intervals inside each series: find them, and fill them when asked.

Contact-centre exports leave out closed intervals (nights, weekends, public
holidays), and sometimes lose open ones. cccplan treats an absent interval as
absent: not zero, and not an error (DESIGN.md, "Frame conventions").
:func:`find_gaps` lists every run of absent intervals between a series' first
and last interval; :func:`fill_gaps` inserts them, with volume 0 or NaN, for the
methods that need a complete grid.

Gaps are counted on the frame's grid in its own time zone: intervals start at
local wall-clock multiples of the frequency from local midnight, so a gap from
00:00 to 06:00 local time holds 5 hours of intervals on the night clocks go
forward and 7 hours on the night they go back.
"""

from __future__ import annotations

import math
import warnings
from typing import Literal

import numpy as np
import pandas as pd

from cccplan.exceptions import DataRepairWarning, InputError
from cccplan.frames._columns import AHT, KEY_COLUMNS, TIME, VOLUME
from cccplan.frames.validate import (
    _DAY_NS,
    _QUARTER_HOUR_NS,
    Freq,
    IntArray,
    _step_of,
    validate_frame,
)

__all__ = ["DataRepairWarning", "fill_gaps", "find_gaps"]

FillValue = Literal["zero", "nan"]


def _grid(times: pd.Series, step: int) -> pd.DatetimeIndex:
    """Every grid start from the earliest to the latest of *times*, in their zone.

    Sub-daily grids are built on the absolute time line in steps of
    gcd(step, 15 minutes), because every UTC offset and DST shift in use is a
    multiple of 15 minutes, and then kept where the local wall clock is on the
    grid: this yields 92 quarter-hours on a 23-hour day and 100 on a 25-hour day.
    Daily grids are local midnights; a midnight that does not exist (clocks
    springing forward at 00:00) becomes the first instant of that day.
    """
    tz = times.dt.tz
    first, last = times.min(), times.max()
    if step == _DAY_NS:
        days = pd.date_range(
            first.tz_localize(None).normalize(), last.tz_localize(None).normalize(), freq="D"
        )
        earliest = np.ones(len(days), dtype=bool)  # an ambiguous midnight: its first instance
        return days.tz_localize(tz, ambiguous=earliest, nonexistent="shift_forward").as_unit("ns")
    base = math.gcd(step, _QUARTER_HOUR_NS)
    utc = np.arange(first.value, last.value + 1, base, dtype=np.int64)
    grid = pd.DatetimeIndex(utc.view("datetime64[ns]")).tz_localize("UTC").tz_convert(tz)
    if base != step:
        wall = np.asarray(grid.tz_localize(None).asi8, dtype=np.int64)
        grid = grid[wall % step == 0]
    return grid


def _gap_runs(
    frame: pd.DataFrame, step: int
) -> tuple[pd.DatetimeIndex, IntArray, IntArray, IntArray]:
    """Locate the gaps of a canonical frame.

    Returns the grid, and per gap: the row before it, the grid position of that
    row, and the number of missing intervals.
    """
    empty = np.zeros(0, dtype=np.int64)
    if len(frame) < 2:
        return pd.DatetimeIndex([], tz=frame[TIME].dt.tz), empty, empty, empty
    times = frame[TIME]
    grid = _grid(times, step)
    position = np.asarray(grid.searchsorted(times.array), dtype=np.int64)
    keys = [k for k in KEY_COLUMNS if k in frame.columns]
    same_series = np.ones(len(frame) - 1, dtype=bool)
    for key in keys:
        values = frame[key].to_numpy()
        same_series &= values[1:] == values[:-1]
    jump = np.diff(position)
    before = np.flatnonzero(same_series & (jump > 1)).astype(np.int64)
    return grid, before, position[before], jump[before] - 1


def find_gaps(frame: pd.DataFrame, *, freq: Freq | None = None) -> pd.DataFrame:
    """List the runs of missing intervals inside each series.

    Parameters
    ----------
    frame : pandas.DataFrame
        An interval frame (see :func:`~cccplan.frames.validate.validate_frame`;
        NaN volumes are accepted).
    freq : str, Timedelta or offset, optional
        The interval length; default: inferred.

    Returns
    -------
    pandas.DataFrame
        One row per gap, sorted by series and time: the key columns of the
        frame, ``gap_start`` (the first missing interval), ``gap_end`` (the start
        of the next present interval: an exclusive end) and ``intervals`` (how
        many intervals are missing). Gaps before a series' first or after its
        last interval are not listed. ``attrs["freq"]`` is the frame's frequency.

    Raises
    ------
    InputError
        When the frame is not a valid interval frame (see ``validate_frame``).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({
    ...     "interval_start": pd.to_datetime(
    ...         ["2024-03-30 22:00", "2024-03-30 23:00", "2024-03-31 05:00"]
    ...     ).tz_localize("Europe/Berlin"),
    ...     "volume": [4.0, 2.0, 1.0],
    ... })
    >>> find_gaps(frame, freq="h")
                      gap_start                   gap_end  intervals
    0 2024-03-31 00:00:00+01:00 2024-03-31 05:00:00+02:00          4
    """
    canonical = validate_frame(frame, freq=freq, allow_nan=True)
    step = _step_of(canonical.attrs["freq"], "freq")
    grid, before, position, count = _gap_runs(canonical, step)
    keys = [k for k in KEY_COLUMNS if k in canonical.columns]
    gaps = canonical[keys].iloc[before].reset_index(drop=True)
    gaps["gap_start"] = grid[position + 1]
    gaps["gap_end"] = canonical[TIME].iloc[before + 1].array
    gaps["intervals"] = count
    gaps.attrs = {"freq": canonical.attrs["freq"]}
    return gaps


def fill_gaps(
    frame: pd.DataFrame, *, value: FillValue = "zero", freq: Freq | None = None
) -> pd.DataFrame:
    """Insert the missing intervals inside each series.

    Parameters
    ----------
    frame : pandas.DataFrame
        An interval frame (see :func:`~cccplan.frames.validate.validate_frame`).
    value : {"zero", "nan"}, default "zero"
        ``"zero"``: inserted intervals get volume 0 (the centre was open and
        nobody called, or it was closed and that is to count as zero demand).
        ``"nan"``: inserted intervals get volume NaN (unknown); such a frame is
        not valid for staffing or forecasting until the NaNs are replaced, and
        :func:`validate_frame` accepts it only with ``allow_nan=True``.
        Either way ``aht`` and any other columns are NaN in inserted rows.
    freq : str, Timedelta or offset, optional
        The interval length; default: inferred.

    Returns
    -------
    pandas.DataFrame
        The canonical frame with every interval between each series' first and
        last interval present. ``attrs["filled_intervals"]`` records how many
        rows were inserted.

    Warns
    -----
    DataRepairWarning
        When intervals were inserted, saying how many in how many series.

    Raises
    ------
    InputError
        When *value* is not "zero" or "nan", or the frame is not a valid
        interval frame.

    Examples
    --------
    >>> import warnings
    >>> import pandas as pd
    >>> frame = pd.DataFrame({
    ...     "interval_start": pd.to_datetime(
    ...         ["2024-03-04 08:00", "2024-03-04 08:15", "2024-03-04 09:00"]
    ...     ).tz_localize("Europe/Berlin"),
    ...     "volume": [4.0, 2.0, 1.0],
    ... })
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DataRepairWarning)
    ...     filled = fill_gaps(frame)
    >>> filled
                 interval_start  volume
    0 2024-03-04 08:00:00+01:00     4.0
    1 2024-03-04 08:15:00+01:00     2.0
    2 2024-03-04 08:30:00+01:00     0.0
    3 2024-03-04 08:45:00+01:00     0.0
    4 2024-03-04 09:00:00+01:00     1.0
    """
    _check_value(value)
    canonical = validate_frame(frame, freq=freq, allow_nan=True)
    return _fill_canonical(canonical, value, stacklevel=3)


def _check_value(value: object, argument: str = "value") -> None:
    if value not in ("zero", "nan"):
        raise InputError(f"{argument}={value!r} is not a fill value; use 'zero' or 'nan'")


def _fill_canonical(canonical: pd.DataFrame, value: FillValue, stacklevel: int) -> pd.DataFrame:
    """Fill the gaps of an already validated frame; warn from *stacklevel*."""
    step = _step_of(canonical.attrs["freq"], "freq")
    grid, before, position, count = _gap_runs(canonical, step)
    total = int(count.sum())
    if total == 0:
        return canonical
    # Grid positions of every missing interval: position + 1, ..., position + count.
    run_offset = np.repeat(np.cumsum(count) - count, count)
    missing = np.repeat(position + 1, count) + np.arange(total) - run_offset
    owner = np.repeat(before, count)
    keys = [k for k in KEY_COLUMNS if k in canonical.columns]
    added = canonical[keys].iloc[owner].reset_index(drop=True)
    added[TIME] = grid[missing]
    added[VOLUME] = 0.0 if value == "zero" else np.nan
    if AHT in canonical.columns:
        added[AHT] = np.nan
    filled = pd.concat([canonical, added], ignore_index=True)
    # Rows before each gap keep their order; the inserted rows go right after them.
    sort_keys = [*keys, TIME]
    filled = filled.sort_values(sort_keys, kind="stable", ignore_index=True)
    filled = filled[list(canonical.columns)]
    series = len(added[keys].drop_duplicates()) if keys else 1
    n_series = len(canonical[keys].drop_duplicates()) if keys else 1
    what = "0" if value == "zero" else "NaN"
    warnings.warn(
        f"filled {total} missing intervals in {series} of {n_series} series with volume "
        f"{what}"
        + (" and aht NaN" if AHT in canonical.columns else "")
        + " (between each series' first and last interval)",
        DataRepairWarning,
        stacklevel=stacklevel,
    )
    filled.attrs = {**canonical.attrs, "filled_intervals": total}
    return filled
