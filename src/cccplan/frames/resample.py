"""Change the interval length of an interval frame: aggregate, or split by a profile.

Aggregation (to a coarser frequency) is exact bookkeeping: volumes add up, and
the average handle time of the coarse interval is the volume-weighted mean of
its parts, so that total workload ``volume x aht`` is conserved::

    volume_c = sum_i volume_i
    aht_c    = sum_i volume_i * aht_i / volume_c      (NaN where volume_c == 0)

Disaggregation (to a finer frequency) is not bookkeeping but an assumption about
how contacts spread *within* an interval, so it needs a ``profile``.

The grid is local wall-clock time, as everywhere in cccplan (see
:mod:`cccplan.frames.validate`): coarse intervals start at multiples of their
length counted from local midnight (hours at :00, days at local midnight). The
rule for every interval, DST changes included, is: *an interval starts at the
latest instant, not after its first input interval, at which the local clock
shows a grid time*. Hence

* days of 23 or 25 hours are one row each, starting at local midnight (at the
  first of two midnights, or at the first instant after a midnight that the
  clocks skip);
* the two 02:00 hours of an autumn change in Europe are two hourly rows
  (``02:00+02:00`` and ``02:00+01:00``);
* a grid time the clocks skip starts its interval at the first instant after the
  gap (Lord Howe Island's half-hour change makes the hour from 02:00 a half hour
  from 02:30), and a repeated half hour that shows no grid time belongs to the
  interval before it (that hour lasts 90 minutes).

Absent input intervals (a closed night) contribute nothing, and a coarse
interval without any input row is absent from the output: absent stays absent,
it never becomes zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from cccplan.exceptions import InputError
from cccplan.frames._columns import AHT, KEY_COLUMNS, TIME, VOLUME
from cccplan.frames.validate import Freq, infer_freq, parse_freq

__all__ = ["resample"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_DAY_NS: Final = 86_400 * 10**9
_SHOW: Final = 5


def resample(
    frame: pd.DataFrame,
    freq: Freq,
    *,
    profile: Sequence[float] | npt.ArrayLike | str | None = None,
) -> pd.DataFrame:
    """Resample an interval frame to another interval length, per series.

    To a coarser frequency (15-minute data to hours or days, say) volumes are
    summed and the average handle time is volume-weighted, per series (each
    combination of ``queue`` and ``channel``). To a finer frequency the volume of
    each interval is split by ``profile`` and its aht is copied.

    Parameters
    ----------
    frame : pandas.DataFrame
        A canonical interval frame: ``[queue] [channel] interval_start volume
        [aht]``. Its frequency is ``frame.attrs["freq"]`` (set by
        :func:`cccplan.frames.validate.validate_frame` and every cccplan
        function that returns a frame) or, without it, inferred with
        :func:`cccplan.frames.validate.infer_freq`. Other columns (prediction intervals
        such as ``volume_lo_80``, staffing results) are refused: their
        aggregation is not a sum or a volume-weighted mean.
    freq : str, Timedelta or pandas offset
        The new interval length: a divisor of a day (``"5min"``, ``"6min"``,
        ``"15min"``, ``"30min"``, ``"h"``, ...) or ``"D"``. To aggregate, a whole
        multiple of the frame's frequency; to disaggregate, a whole divisor of it.
    profile : sequence of float or "uniform", optional
        Only for disaggregation, where it is required. ``k = old / new`` non-
        negative weights (summing to more than 0) for the ``k`` sub-intervals of
        every interval, in time order; they are normalised to sum to 1, so
        ``[1, 2, 1]`` and ``[0.25, 0.5, 0.25]`` are the same. ``"uniform"``
        splits evenly. For daily data the sub-intervals are counted from local
        midnight (``k = 24`` for hours).

    Returns
    -------
    pandas.DataFrame
        A new canonical frame: sorted by queue, channel and interval_start,
        RangeIndex, ``volume`` and ``aht`` float64, ``attrs`` copied with
        ``attrs["freq"]`` set to the new alias (``"h"``, ``"30min"``, ``"D"``).

    Raises
    ------
    cccplan.InputError
        If ``frame`` lacks ``interval_start`` or ``volume`` or has other
        columns than the keys, ``interval_start``, ``volume`` and ``aht``; if
        ``freq`` is not a supported interval length, or not a multiple (or
        divisor) of the frame's frequency; if intervals are not on the new grid
        (hourly data starting at :30 cannot make 2-hour intervals); if
        disaggregation lacks a profile, or the profile has the wrong length,
        negative, non-finite or only zero weights; if a profile is given for
        aggregation.

    Notes
    -----
    *Why disaggregation needs a profile.* An hourly total says nothing about how
    its contacts arrived within the hour, and a daily total nothing about the
    intraday pattern. Splitting evenly flattens the morning peak and the lunch
    dip, which under-staffs exactly the intervals where service levels fail.
    The caller therefore states the shape: an intraday profile measured from
    finer history, or ``"uniform"`` as a conscious choice.

    On days with a DST change the profile is applied by local wall-clock
    position: sub-intervals the clocks skip are left out, sub-intervals the
    clocks repeat take their position's weight twice, and the weights are
    normalised over the sub-intervals that exist, so each interval's volume is
    conserved.

    The input is not validated beyond what resampling needs; pass it through
    :func:`cccplan.frames.validate.validate_frame` first if it comes from
    outside.

    Examples
    --------
    Four quarter-hours make an hour; aht is weighted by volume:

    >>> import pandas as pd
    >>> from cccplan.frames.resample import resample
    >>> quarter = pd.DataFrame({
    ...     "queue": "sales",
    ...     "interval_start": pd.date_range("2024-03-04 08:00", periods=4, freq="15min",
    ...                                     tz="Europe/Berlin"),
    ...     "volume": [10.0, 30.0, 0.0, 20.0],
    ...     "aht": [200.0, 300.0, float("nan"), 240.0],
    ... })
    >>> resample(quarter, "h")
       queue            interval_start  volume    aht
    0  sales 2024-03-04 08:00:00+01:00    60.0  263.333333

    Back to quarter-hours with a profile (a peak in the second quarter):

    >>> hourly = resample(quarter, "h")
    >>> fine = resample(hourly, "15min", profile=[1, 3, 2, 2])
    >>> fine[["interval_start", "volume"]]
                 interval_start  volume
    0 2024-03-04 08:00:00+01:00     7.5
    1 2024-03-04 08:15:00+01:00    22.5
    2 2024-03-04 08:30:00+01:00    15.0
    3 2024-03-04 08:45:00+01:00    15.0
    >>> fine.attrs["freq"]
    '15min'
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"frame must be a pandas DataFrame, not {type(frame).__name__}")
    keys = [key for key in KEY_COLUMNS if key in frame.columns]
    missing = [column for column in (TIME, VOLUME) if column not in frame.columns]
    if missing:
        raise InputError(
            f"frame has no column {', '.join(map(repr, missing))}; columns present: "
            f"{list(frame.columns)}. resample needs {TIME!r} and {VOLUME!r}, optionally "
            f"the keys {KEY_COLUMNS} and {AHT!r}"
        )
    known = {*keys, TIME, VOLUME, AHT}
    unknown = [column for column in frame.columns if column not in known]
    if unknown:
        raise InputError(
            f"frame has columns {unknown} that resample does not know how to aggregate "
            f"(it sums {VOLUME!r} and volume-weights {AHT!r}); drop them "
            f"(frame.drop(columns={unknown!r})) or aggregate them yourself"
        )
    times = frame[TIME]
    if not isinstance(times.dtype, pd.DatetimeTZDtype):
        raise InputError(
            f"frame: column {TIME!r} must hold timezone-aware timestamps (dtype "
            f"{times.dtype}); validate the frame with cccplan.frames.validate.validate_frame"
        )
    target = parse_freq(freq, argument="freq")
    target_ns = _step_ns(target)
    if len(frame) == 0:
        out = _canonical(frame.copy(), keys)
        out.attrs = {**frame.attrs, "freq": target.freqstr}
        return out
    hint = frame.attrs.get("freq")
    if hint:
        source = parse_freq(hint, argument="frame.attrs['freq']")
    else:
        try:
            source = infer_freq(frame)
        except InputError as error:
            raise InputError(
                f"{error} (resample: or set frame.attrs['freq'] to the frame's interval "
                "length, e.g. '15min')"
            ) from error
    source_ns = _step_ns(source)
    columns = [*keys, TIME, VOLUME, *([AHT] if AHT in frame.columns else [])]
    data = frame[columns].copy()
    data[TIME] = times.dt.as_unit("ns")

    if target_ns > source_ns:
        if profile is not None:
            raise InputError(
                f"profile: given, but freq={freq!r} is coarser than the frame's "
                f"{source.freqstr}; a profile splits intervals (disaggregation), aggregation "
                "needs none"
            )
        if target_ns % source_ns:
            raise InputError(
                f"freq={freq!r}: {target.freqstr} is not a whole multiple of the frame's "
                f"{source.freqstr}, so {source.freqstr} intervals would straddle "
                f"{target.freqstr} intervals (each would hold {target_ns / source_ns:g} of "
                f"them); choose a multiple of {source.freqstr}"
            )
        out = _aggregate(data, keys, source_ns, target_ns)
    elif target_ns < source_ns:
        if source_ns % target_ns:
            raise InputError(
                f"freq={freq!r}: {target.freqstr} does not divide the frame's "
                f"{source.freqstr} into whole sub-intervals ({source_ns / target_ns:g} per "
                f"interval); choose a divisor of {source.freqstr}"
            )
        weights = _profile_weights(profile, source_ns // target_ns, source, target)
        out = _disaggregate(data, keys, source_ns, target_ns, weights)
    else:
        out = _canonical(data, keys)
    out.attrs = {**frame.attrs, "freq": target.freqstr}
    return out


# ---------------------------------------------------------------------------
# The local wall-clock grid
# ---------------------------------------------------------------------------


def _step_ns(offset: Any) -> int:
    if isinstance(offset, pd.offsets.Day):
        return _DAY_NS * int(offset.n)
    return int(offset.nanos)


def _floor(values: IntArray, step: int) -> IntArray:
    """Floor nanosecond wall times to *step* (a divisor of a day: aligned on midnight)."""
    return values - np.mod(values, step)


def _localize(wall: IntArray, tz: Any, *, first: bool) -> IntArray:
    """UTC nanoseconds of local wall times.

    Ambiguous (repeated) times take their first or second occurrence; skipped
    times the first instant after the gap. That instant is computed as "last
    instant before the gap + 1 ns" because pandas' ``nonexistent="shift_forward"``
    assumes a one-hour change (it gives 03:00 for Lord Howe Island's skipped
    02:00-02:30, whose first instant after the gap is 02:30).
    """
    index = pd.DatetimeIndex(wall.view("datetime64[ns]"))
    ambiguous = np.full(len(wall), first, dtype=bool)
    local = index.tz_localize(tz, ambiguous=ambiguous, nonexistent="NaT").as_unit("ns")
    utc = np.asarray(local.asi8, dtype=np.int64)
    skipped = np.asarray(local.isna())
    if skipped.any():
        before = index[skipped].tz_localize(
            tz, ambiguous=ambiguous[skipped], nonexistent="shift_backward"
        )
        utc[skipped] = np.asarray(before.as_unit("ns").asi8, dtype=np.int64) + 1
    return utc


def _earliest(wall: IntArray, tz: Any) -> IntArray:
    """The earliest instant at which the local clock shows *wall* (or first after it)."""
    unique, inverse = np.unique(wall, return_inverse=True)
    both = np.minimum(_localize(unique, tz, first=True), _localize(unique, tz, first=False))
    return np.asarray(both[inverse], dtype=np.int64)


def _wall_of(utc: IntArray, tz: Any) -> IntArray:
    index = pd.DatetimeIndex(utc.view("datetime64[ns]")).tz_localize("UTC").tz_convert(tz)
    return np.asarray(index.tz_localize(None).asi8, dtype=np.int64)


def _bin_start(utc: IntArray, wall: IntArray, tz: Any, step: int) -> IntArray:
    """Start (UTC ns) of the *step* interval of the local grid holding each instant.

    The latest instant not after the given one at which the local clock shows a
    grid time: the floored wall time at the instant's own UTC offset when that
    instant exists (this tells the two 02:00 hours of an autumn change apart),
    otherwise the floored wall time localised (first instant after a skipped
    grid time). Days start at their first local midnight.
    """
    floor = _floor(wall, step)
    if step >= _DAY_NS:
        return _earliest(floor, tz)
    candidate = floor - (wall - utc)
    start = candidate.copy()
    invalid = _wall_of(candidate, tz) != floor
    if invalid.any():
        start[invalid] = _earliest(floor[invalid], tz)
    return start


# ---------------------------------------------------------------------------
# Aggregation
# ---------------------------------------------------------------------------


def _aggregate(data: pd.DataFrame, keys: list[str], source_ns: int, target_ns: int) -> pd.DataFrame:
    times = data[TIME]
    tz = times.dt.tz
    utc = np.asarray(times.array.asi8, dtype=np.int64)
    wall = np.asarray(times.dt.tz_localize(None).array.asi8, dtype=np.int64)
    position = wall - _floor(wall, target_ns)
    misaligned = position % source_ns != 0
    if misaligned.any():
        raise _rows_error(
            data,
            keys,
            misaligned,
            f"are not aligned with the {_alias(target_ns)} grid (a {_alias(source_ns)} interval "
            f"would straddle two {_alias(target_ns)} intervals)",
            f"{_alias(target_ns)} intervals start at local multiples of {_alias(target_ns)} "
            "from midnight; resample to a frequency the data are aligned with",
        )
    start = _bin_start(utc, wall, tz, target_ns)
    volume = data[VOLUME].to_numpy(dtype=np.float64)
    work = pd.DataFrame({key: data[key] for key in keys})
    work["_start"] = start
    work[VOLUME] = volume
    # A NaN volume (a missing measurement) makes its coarse interval unknown, not smaller.
    work["_missing"] = np.isnan(volume)
    has_aht = AHT in data.columns
    if has_aht:
        aht = data[AHT].to_numpy(dtype=np.float64)
        counted = volume > 0
        # volume x aht only where there are contacts: NaN aht is allowed at volume 0;
        # a NaN aht with contacts makes the interval's aht unknown (NaN), not smaller.
        work["_work"] = np.where(counted, volume * np.where(counted, aht, 0.0), 0.0)
        work["_unknown"] = counted & np.isnan(aht)
    groups = work.groupby([*keys, "_start"], sort=False, dropna=False)
    summed = groups[[VOLUME, *(["_work"] if has_aht else [])]].sum()
    summed.loc[groups["_missing"].any().to_numpy(), VOLUME] = np.nan
    if has_aht:
        unknown = groups["_unknown"].any().to_numpy()
        total = summed[VOLUME].to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            weighted = np.where(total > 0, summed["_work"].to_numpy() / total, np.nan)
        summed[AHT] = np.where(unknown, np.nan, weighted)
        summed = summed.drop(columns="_work")
    summed = summed.reset_index()
    summed[TIME] = (
        pd.DatetimeIndex(summed.pop("_start").to_numpy(dtype=np.int64).view("datetime64[ns]"))
        .tz_localize("UTC")
        .tz_convert(tz)
    )
    return _canonical(summed, keys)


# ---------------------------------------------------------------------------
# Disaggregation
# ---------------------------------------------------------------------------


def _profile_weights(profile: Any, k: int, source: Any, target: Any) -> FloatArray:
    if profile is None:
        raise InputError(
            f"profile: needed to split {source.freqstr} intervals into {target.freqstr} ones: "
            "the data do not say how contacts spread within an interval, and an even split "
            f"flattens intraday peaks. Pass profile=<{k} weights> (e.g. measured from finer "
            "history) or profile='uniform'"
        )
    if isinstance(profile, str):
        if profile != "uniform":
            raise InputError(
                f"profile={profile!r}: use 'uniform' or a sequence of {k} non-negative weights"
            )
        return np.ones(k, dtype=np.float64)
    try:
        weights = np.asarray(profile, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise InputError(
            f"profile: expected {k} non-negative numbers or 'uniform', got {profile!r}"
        ) from error
    if weights.ndim != 1 or len(weights) != k:
        raise InputError(
            f"profile: {source.freqstr} -> {target.freqstr} needs {k} weights (one per "
            f"{target.freqstr} sub-interval), got shape {weights.shape}"
        )
    if not np.all(np.isfinite(weights)) or np.any(weights < 0) or not weights.sum() > 0:
        raise InputError(
            f"profile: weights must be finite and non-negative with a positive sum; got "
            f"{weights.tolist()[:12]}{' ...' if k > 12 else ''}"
        )
    return np.asarray(weights / weights.sum(), dtype=np.float64)


def _slots(
    labels: IntArray, tz: Any, source_ns: int, target_ns: int, weights: FloatArray
) -> pd.DataFrame:
    """The fine intervals of each coarse interval start in *labels*, with their weights.

    The fine grid is built from local wall-clock positions (every *target_ns*
    from midnight), each placed at the instants where the clock shows it (two
    in a repeated hour, the first instant after a skipped one); a fine interval
    belongs to the coarse interval whose grid holds it, and takes the profile
    weight of its wall-clock position within the coarse interval.
    """
    label_wall = _wall_of(labels, tz)
    first_day = int(_floor(label_wall, _DAY_NS).min())
    last_day = int(_floor(label_wall, _DAY_NS).max()) + _DAY_NS
    positions = np.arange(first_day, last_day, target_ns, dtype=np.int64)
    candidates = np.concatenate(
        [_localize(positions, tz, first=True), _localize(positions, tz, first=False)]
    )
    origin = np.concatenate([positions, positions])
    genuine = _wall_of(candidates, tz) == origin
    # A skipped position is not a slot, wherever the clock's jump lands it: onto
    # a real position (02:15 -> 03:00 in a one-hour change) or between two
    # (02:00 -> 02:30 on Lord Howe Island, whose clocks move by 30 minutes).
    table = pd.DataFrame({"_slot": candidates[genuine], "_origin": origin[genuine]})
    table = table.sort_values("_slot").drop_duplicates("_slot")
    slot = table["_slot"].to_numpy(dtype=np.int64)
    origin = table["_origin"].to_numpy(dtype=np.int64)
    table["_start"] = _bin_start(slot, _wall_of(slot, tz), tz, source_ns)
    index = (origin - _floor(origin, source_ns)) // target_ns
    table["_weight"] = weights[index]
    table = table[table["_start"].isin(np.unique(labels))]
    total = table.groupby("_start")["_weight"].transform("sum").to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        table["_share"] = np.where(total > 0, table["_weight"].to_numpy() / total, np.nan)
    return table[["_start", "_slot", "_share"]]


def _disaggregate(
    data: pd.DataFrame, keys: list[str], source_ns: int, target_ns: int, weights: FloatArray
) -> pd.DataFrame:
    times = data[TIME]
    tz = times.dt.tz
    utc = np.asarray(times.array.asi8, dtype=np.int64)
    wall = np.asarray(times.dt.tz_localize(None).array.asi8, dtype=np.int64)
    off_grid = _bin_start(utc, wall, tz, source_ns) != utc
    if off_grid.any():
        raise _rows_error(
            data,
            keys,
            off_grid,
            f"are not on the {_alias(source_ns)} grid of the frame",
            f"{_alias(source_ns)} intervals start at local multiples of {_alias(source_ns)} "
            "from midnight (validate the frame with cccplan.frames.validate.validate_frame)",
        )
    slots = _slots(np.unique(utc), tz, source_ns, target_ns, weights)
    work = data.reset_index(drop=True)
    work["_start"] = utc
    work["_row"] = np.arange(len(work))
    split = work.merge(slots, on="_start", how="left", sort=False)
    volume = split[VOLUME].to_numpy(dtype=np.float64)
    share = split["_share"].to_numpy(dtype=np.float64)
    lost = np.isnan(share) & (volume > 0)
    if lost.any():
        rows = np.zeros(len(work), dtype=bool)
        rows[split.loc[lost, "_row"].to_numpy()] = True
        raise _rows_error(
            work,
            keys,
            rows,
            "have volume but the profile gives weight only to sub-intervals that do not exist "
            "on that day (a DST change)",
            "give some weight to every sub-interval, e.g. a small positive floor",
        )
    # NaN share: all weight on skipped sub-intervals, only reached with volume 0 here.
    split[VOLUME] = volume * np.nan_to_num(share)
    split[TIME] = (
        pd.DatetimeIndex(split["_slot"].to_numpy(dtype=np.int64).view("datetime64[ns]"))
        .tz_localize("UTC")
        .tz_convert(tz)
    )
    return _canonical(split.drop(columns=["_start", "_row", "_slot", "_share"]), keys)


# ---------------------------------------------------------------------------
# Output and messages
# ---------------------------------------------------------------------------


def _canonical(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    columns = [*keys, TIME, VOLUME, *([AHT] if AHT in frame.columns else [])]
    out = frame[columns].sort_values([*keys, TIME], kind="stable").reset_index(drop=True)
    out[TIME] = out[TIME].dt.as_unit("ns")
    out[VOLUME] = out[VOLUME].astype(np.float64)
    if AHT in out.columns:
        out[AHT] = out[AHT].astype(np.float64)
    return out


def _alias(step: int) -> str:
    if step == _DAY_NS:
        return "D"
    return str(pd.tseries.frequencies.to_offset(pd.Timedelta(step)).freqstr)


def _rows_error(
    data: pd.DataFrame, keys: list[str], mask: npt.NDArray[np.bool_], problem: str, allowed: str
) -> InputError:
    rows = data[[*keys, TIME]][mask].head(_SHOW)
    shown = "; ".join(
        ", ".join(f"{column}={row[column]!s}" for column in rows.columns)
        for _, row in rows.iterrows()
    )
    more = f" (and {int(mask.sum()) - len(rows)} more)" if int(mask.sum()) > len(rows) else ""
    return InputError(f"frame: rows {shown}{more} {problem}; {allowed}")
