"""Real call volumes for the forecast benchmark: the "Anonymous Bank" of Israel, 1999.

The data file lives outside the repository, in ``../shared/data/`` seen from the
project root (``Path(__file__).resolve().parents[2] / "shared" / "data"``); it is
never copied into the project. See ``../shared/data/README.md`` for its
provenance: incoming calls per 6-minute interval, 24 hours x 365 days of 1999,
``interval_start`` in naive local time (Asia/Jerusalem).

Run it to describe the data::

    python benchmarks/_bank_data.py            # 30-minute intervals
    python benchmarks/_bank_data.py --freq h   # any multiple of 6 minutes dividing a day

Two views of the same numbers:

* :func:`wall_clock_series` - a regular grid of naive local times (365 days x
  intervals per day), what the numpy and statsforecast peers consume: "the same
  interval last week" is the same row of the day x interval matrix.
* :func:`load_bank` - the tidy, timezone-aware frame of cccplan's conventions
  (``queue="bank"``, ``channel="voice"``, ``interval_start``, ``volume``), what
  cccplan's forecasters consume.

Daylight saving time, 1999 in Israel (checked against the tz database)
-----------------------------------------------------------------------
* Spring forward, Friday 2 April: 02:00 IST -> 03:00 IDT, so local times
  02:00-02:59 did not exist. The file still has ten 6-minute rows for them, all
  with zero calls (a clock that skipped the hour). :func:`load_bank` checks
  that they hold zero calls and drops them (it raises if they do not), so that
  day has 23 hours of intervals, as cccplan's local-grid convention expects.
* Fall back, Friday 3 September: 02:00 IDT -> 01:00 IST, so local times
  01:00-01:59 happened twice. The file has them once (24 hours every day): the
  calls of both passes were recorded under the same naive label. They are put
  on the *first* pass (IDT, UTC+3); the second pass (IST, UTC+2) is added with
  zero volume so that the frame is a complete local grid (that day has 25 hours;
  ``find_gaps`` reports nothing). Only night intervals are affected, with 10
  calls in the hour.

The naive times are therefore read as local wall-clock time, not as standard
time: the centre opens by the wall clock, so its daily pattern stays on the
same local hours all year round.

Closed intervals
----------------
The centre answers calls mainly Sunday-Thursday ~07:00-24:00, Friday until early
afternoon and Saturday evening after the Sabbath (closed on holidays); outside
these hours the interval counts are zero or a handful. The file has every
interval, zero or not. :func:`weekly_schedule` derives the usual opening hours
from the data itself: a (weekday, interval of the day) cell is *open by
schedule* when at least half of the weeks had calls in it.
``load_bank(drop_closed=True)`` drops the zero-volume intervals that are closed
by that schedule (nights, Saturday daytime), i.e. the frame a workforce
management export would give, in which absent means closed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"
DATA_FILE = DATA_DIR / "anon_bank_israel_calls_6min_1999.csv.gz"
TZ = "Asia/Jerusalem"
QUEUE = "bank"
CHANNEL = "voice"
RAW_MINUTES = 6
# A (weekday, interval) cell is "open by schedule" if at least this share of weeks had calls in it.
OPEN_SHARE = 0.5


def require_data() -> Path:
    """Return the data file's path, or exit with a message saying where it should be."""
    if not DATA_FILE.is_file():
        sys.exit(
            f"benchmark data not found: {DATA_FILE}\n"
            "The forecast benchmark reads the Anonymous Bank call data from ../shared/data/ "
            "(seen from the project root); it is not part of the repository. Put "
            f"{DATA_FILE.name} there (see ../shared/data/README.md) and run again."
        )
    return DATA_FILE


def _freq_minutes(freq: str) -> int:
    minutes = pd.Timedelta(pd.tseries.frequencies.to_offset(freq)).total_seconds() / 60
    if minutes % RAW_MINUTES or 1440 % minutes:
        raise SystemExit(
            f"--freq {freq!r}: the data has 6-minute intervals, so the frequency must be "
            "a multiple of 6 minutes that divides a day (e.g. 6min, 12min, 30min, h, 2h)"
        )
    return int(minutes)


def intervals_per_day(freq: str = "30min") -> int:
    """Number of intervals in a (24-hour) day at ``freq``."""
    return 1440 // _freq_minutes(freq)


def load_raw() -> pd.Series:
    """The file as it is: calls per 6-minute interval, indexed by naive local time."""
    raw = pd.read_csv(require_data(), parse_dates=["interval_start"])
    calls = raw.set_index("interval_start")["calls"].astype("int64")
    days = len(calls) // (1440 // RAW_MINUTES)
    expected = pd.date_range("1999-01-01", periods=days * 240, freq=f"{RAW_MINUTES}min")
    if not calls.index.equals(expected):
        raise SystemExit(f"{DATA_FILE}: expected a complete 6-minute grid of {days} days")
    return calls


def wall_clock_series(freq: str = "30min") -> pd.Series:
    """Calls per interval (float), summed from the 6-minute file, on a naive local grid.

    A complete regular grid (365 days x :func:`intervals_per_day`), the DST days
    included as 24-hour days (see the module docstring).
    """
    minutes = _freq_minutes(freq)
    calls = load_raw()
    series = calls.resample(f"{minutes}min").sum().astype("float64")
    series.name = "volume"
    return series


def wall_clock_matrix(freq: str = "30min") -> tuple[np.ndarray, pd.DatetimeIndex]:
    """Volumes as a (days, intervals per day) array, and the days (naive midnights)."""
    series = wall_clock_series(freq)
    per_day = intervals_per_day(freq)
    matrix = series.to_numpy().reshape(-1, per_day)
    days = pd.DatetimeIndex(series.index[::per_day])
    return matrix, days


def weekly_schedule(matrix: np.ndarray, days: pd.DatetimeIndex) -> np.ndarray:
    """Usual opening hours: a (7, intervals per day) boolean table, Monday = 0.

    A cell is open when at least :data:`OPEN_SHARE` of the days of that weekday
    in ``matrix`` had calls in that interval.
    """
    weekday = np.asarray(days.day_of_week)
    table = np.zeros((7, matrix.shape[1]), dtype=bool)
    for day in range(7):
        rows = matrix[weekday == day]
        if len(rows):
            table[day] = (rows > 0).mean(axis=0) >= OPEN_SHARE
    return table


def load_bank(freq: str = "30min", *, drop_closed: bool = False) -> pd.DataFrame:
    """The bank's calls as a tidy, timezone-aware frame (cccplan's conventions).

    Parameters
    ----------
    freq : str
        Interval length, a multiple of 6 minutes that divides a day (default 30 minutes).
    drop_closed : bool
        Drop the zero-volume intervals that are closed by :func:`weekly_schedule`
        (computed over the whole year). Zero-volume intervals inside the usual
        opening hours (holidays, quiet Saturday evenings) are kept.

    Returns
    -------
    pandas.DataFrame
        Columns ``queue`` ("bank"), ``channel`` ("voice"), ``interval_start``
        (``datetime64[ns, Asia/Jerusalem]``), ``volume`` (float64); sorted by time;
        ``attrs["freq"]`` is the frequency. See the module docstring for the DST days.
    """
    minutes = _freq_minutes(freq)
    series = wall_clock_series(freq)
    naive = pd.DatetimeIndex(series.index).as_unit("ns")
    # ambiguous=True: the fall-back hour's single naive copy goes to the first pass (DST).
    local = naive.tz_localize(TZ, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="NaT")
    missing = local.isna()
    lost = float(series.to_numpy()[missing].sum())
    if lost:
        raise SystemExit(f"{lost:g} calls fall in local times that did not exist (DST)")
    frame = pd.DataFrame({"interval_start": local[~missing], "volume": series.to_numpy()[~missing]})

    # The second pass of the fall-back hour: present in local time, absent from the file.
    ambiguous = naive.tz_localize(TZ, ambiguous="NaT", nonexistent="NaT").isna() & ~missing
    if ambiguous.any():
        second = naive[ambiguous].tz_localize(TZ, ambiguous=np.zeros(ambiguous.sum(), dtype=bool))
        frame = pd.concat(
            [frame, pd.DataFrame({"interval_start": second, "volume": 0.0})], ignore_index=True
        )
    frame = frame.sort_values("interval_start", ignore_index=True)

    frame.insert(0, "channel", CHANNEL)
    frame.insert(0, "queue", QUEUE)
    frame.attrs["freq"] = f"{minutes}min"
    if drop_closed:
        matrix, days = wall_clock_matrix(freq)
        frame = drop_closed_intervals(frame, weekly_schedule(matrix, days))
    return frame


def drop_closed_intervals(frame: pd.DataFrame, table: np.ndarray) -> pd.DataFrame:
    """Drop the rows of a :func:`load_bank` frame with zero volume outside ``table``'s hours.

    ``table`` is a :func:`weekly_schedule` (7 x intervals per day, Monday = 0);
    the interval length is ``1440 / table.shape[1]`` minutes, as in the frame.
    """
    minutes = 1440 // table.shape[1]
    wall = frame["interval_start"].dt.tz_localize(None)
    slot = ((wall - wall.dt.normalize()) // pd.Timedelta(minutes=minutes)).to_numpy()
    scheduled = table[wall.dt.day_of_week.to_numpy(), slot]
    kept = frame[scheduled | (frame["volume"].to_numpy() > 0)].reset_index(drop=True)
    kept.attrs.update(frame.attrs)
    return kept


def _describe(freq: str) -> None:
    raw = load_raw()
    matrix, days = wall_clock_matrix(freq)
    per_day = matrix.shape[1]
    table = weekly_schedule(matrix, days)
    scheduled = table[np.asarray(days.day_of_week)]
    full = load_bank(freq)
    open_only = load_bank(freq, drop_closed=True)
    print(f"file            {DATA_FILE}")
    span = f"{days[0].date()} .. {days[-1].date()}"
    print(f"6-minute rows   {len(raw):,}  calls {int(raw.sum()):,}  ({span})")
    print(f"{freq} grid      {matrix.size:,} intervals = {len(days)} days x {per_day}")
    print(
        f"zero intervals  {(matrix == 0).mean():.1%} of all; "
        f"open by schedule {scheduled.mean():.1%} of intervals, "
        f"holding {matrix[scheduled].sum() / matrix.sum():.2%} of calls; "
        f"{(matrix[scheduled] == 0).mean():.1%} of those are zero"
    )
    print(
        f"tidy frame      {len(full):,} rows (all intervals, DST-adjusted); "
        f"{len(open_only):,} rows with closed zero intervals dropped"
    )
    daily = matrix.sum(axis=1)
    print(f"calls per day   mean {daily.mean():.0f}, min {daily.min():.0f}, max {daily.max():.0f}")
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    print(f"usual opening hours (# open by schedule; {freq} intervals from 00:00):")
    for day in (6, 0, 1, 2, 3, 4, 5):
        print(f"  {names[day]}  " + "".join("#" if cell else "." for cell in table[day]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--freq", default="30min", help="interval length (default 30min)")
    _describe(parser.parse_args().freq)


if __name__ == "__main__":
    main()
