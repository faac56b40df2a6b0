"""Forecast accuracy: error metrics on arrays and per-group tables of a backtest.

Two layers, as elsewhere in cccplan:

* pure array metrics (:func:`wape`, :func:`mae`, :func:`rmse`, :func:`bias`,
  :func:`mase`, :func:`coverage`, :func:`poisson_floor`,
  :func:`wape_over_floor`) that take an ``actual`` and a ``forecast`` array of
  contact counts and return one float;
* :func:`accuracy`, which groups a backtest frame (one row per series, model,
  forecast origin and interval) and returns one row of metrics per group, and
  :func:`horizon_day`, the number of days ahead that the frame is grouped by.

Missing actuals (NaN) are absent intervals, not zeros: a pair whose actual is
NaN is left out of every metric. A NaN *forecast* next to a known actual is a
fault of the forecast, not an absence, and makes the metric NaN (NaN in, NaN
out, as in numpy). A metric whose denominator is zero (no contacts at all, no
pairs) is NaN, never ``inf`` and never an error.

Why WAPE first: contact counts are often zero in single intervals, which makes
the percentage errors (MAPE) of each interval undefined or explosive; WAPE
(the sum of absolute errors over the sum of actuals) weights each interval by
its volume, which is what staffing cares about (Kolassa 2016). Count data also
carry an error no forecast can remove: even a forecast equal to the true
Poisson rate misses by about ``sqrt(2 mu / pi)`` contacts per interval. That
floor is :func:`poisson_floor`, and :func:`wape_over_floor` says how far a
forecast is from it (1 = as good as the arrival process allows).

References
----------
.. [1] R. J. Hyndman and A. B. Koehler, "Another look at measures of forecast
   accuracy", *International Journal of Forecasting* 22(4), 679-688, 2006.
.. [2] S. Kolassa, "Evaluating predictive count data distributions in retail
   sales forecasting", *International Journal of Forecasting* 32(3), 788-803,
   2016.
.. [3] G. Jongbloed and G. Koole, "Managing uncertainty in call centres using
   Poisson mixtures", *Applied Stochastic Models in Business and Industry*
   17(4), 307-318, 2001.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from cccplan.exceptions import InputError
from cccplan.frames._columns import KEY_COLUMNS, TIME, VOLUME
from cccplan.frames.validate import infer_freq

__all__ = [
    "accuracy",
    "bias",
    "coverage",
    "horizon_day",
    "mae",
    "mase",
    "poisson_floor",
    "rmse",
    "wape",
    "wape_over_floor",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

ACTUAL = "actual"
CUTOFF = "cutoff"
MODEL = "model"
HORIZON_DAY = "horizon_day"
SCALE = "scale"
_LEVEL_COLUMN = re.compile(r"^volume_(lo|hi)_(\d+(?:\.\d+)?)$")
_DEFAULT_SEASON = "7D"


# ---------------------------------------------------------------------------
# Array helpers
# ---------------------------------------------------------------------------


def _float_array(function: str, name: str, value: npt.ArrayLike) -> FloatArray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{function}: `{name}` must be numeric (a number or an array of numbers); got {value!r}"
        ) from exc


def _known(
    function: str, actual: npt.ArrayLike, **others: npt.ArrayLike
) -> tuple[FloatArray, list[FloatArray]]:
    """Broadcast the arguments and keep the elements whose actual is known (not NaN)."""
    arrays = {"actual": _float_array(function, "actual", actual)}
    arrays.update({name: _float_array(function, name, value) for name, value in others.items()})
    try:
        broadcast = np.broadcast_arrays(*arrays.values())
    except ValueError as exc:
        shapes = ", ".join(f"{k}{v.shape}" for k, v in arrays.items())
        raise InputError(f"{function}: the arguments do not broadcast together: {shapes}") from exc
    keep = ~np.isnan(broadcast[0])
    return broadcast[0][keep], [b[keep] for b in broadcast[1:]]


def _ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, NaN when the denominator is zero or NaN."""
    if not denominator or np.isnan(denominator):
        return float("nan")
    return float(numerator / denominator)


def _poisson_mad(mu: FloatArray) -> FloatArray:
    """Mean absolute deviation E|Y - mu| of a Poisson(mu) count, elementwise.

    The closed form ``2 mu^(k+1) e^-mu / k!`` with ``k = floor(mu)``
    (Ramasubban 1958) is ``2 mu P(Y = k)``; scipy's Poisson mass evaluates it
    without overflow for any ``mu``. ``mu = 0`` gives 0; NaN gives NaN.
    """
    with np.errstate(invalid="ignore"):
        mass = stats.poisson.pmf(np.floor(mu), mu)
    return np.asarray(2.0 * mu * mass, dtype=np.float64)


# ---------------------------------------------------------------------------
# Array metrics
# ---------------------------------------------------------------------------


def wape(actual: npt.ArrayLike, forecast: npt.ArrayLike) -> float:
    r"""Weighted absolute percentage error: total absolute error over total actual volume.

    Parameters
    ----------
    actual : array_like
        Actual contact counts per interval (NaN where the interval is absent:
        those pairs are left out).
    forecast : array_like
        Forecast contact counts, broadcastable to ``actual``.

    Returns
    -------
    float
        WAPE as a fraction (0.12 = 12 %). NaN when the actual volume sums to
        zero (the ratio is undefined, even if the forecast is also zero), when
        no actual is known, or when a forecast is NaN next to a known actual.

    Notes
    -----
    .. math::

        \mathrm{WAPE} = \frac{\sum_t |f_t - y_t|}{\sum_t y_t}

    also called the MAD/mean ratio; it equals the volume-weighted mean of the
    absolute percentage errors and stays finite when single intervals have no
    contacts (Kolassa 2016).

    References
    ----------
    .. [1] S. Kolassa, "Evaluating predictive count data distributions in
       retail sales forecasting", *International Journal of Forecasting*
       32(3), 788-803, 2016.

    Examples
    --------
    >>> wape([10, 20, 0], [12, 15, 1])  # (2 + 5 + 1) / 30
    0.26666666666666666
    >>> wape([10, float("nan")], [11, 99])  # the absent interval is ignored
    0.1
    """
    y, (f,) = _known("wape", actual, forecast=forecast)
    return _ratio(float(np.sum(np.abs(f - y))), float(np.sum(y)))


def mae(actual: npt.ArrayLike, forecast: npt.ArrayLike) -> float:
    r"""Mean absolute error, in contacts per interval.

    Parameters
    ----------
    actual : array_like
        Actual contact counts (NaN = absent, left out).
    forecast : array_like
        Forecast contact counts, broadcastable to ``actual``.

    Returns
    -------
    float
        :math:`\frac1n \sum_t |f_t - y_t|` over the ``n`` known actuals; NaN
        when there are none.

    Examples
    --------
    >>> mae([10, 20, 0], [12, 15, 1])  # (2 + 5 + 1) / 3
    2.6666666666666665
    """
    y, (f,) = _known("mae", actual, forecast=forecast)
    return float(np.mean(np.abs(f - y))) if y.size else float("nan")


def rmse(actual: npt.ArrayLike, forecast: npt.ArrayLike) -> float:
    r"""Root mean squared error, in contacts per interval.

    Parameters
    ----------
    actual : array_like
        Actual contact counts (NaN = absent, left out).
    forecast : array_like
        Forecast contact counts, broadcastable to ``actual``.

    Returns
    -------
    float
        :math:`\sqrt{\frac1n \sum_t (f_t - y_t)^2}`; NaN when no actual is known.

    Examples
    --------
    >>> rmse([10, 20, 0], [12, 15, 1])  # sqrt((4 + 25 + 1) / 3) = sqrt(10)
    3.1622776601683795
    """
    y, (f,) = _known("rmse", actual, forecast=forecast)
    return float(np.sqrt(np.mean((f - y) ** 2))) if y.size else float("nan")


def bias(actual: npt.ArrayLike, forecast: npt.ArrayLike) -> float:
    r"""Relative bias: total forecast error over total actual volume (signed).

    Parameters
    ----------
    actual : array_like
        Actual contact counts (NaN = absent, left out).
    forecast : array_like
        Forecast contact counts, broadcastable to ``actual``.

    Returns
    -------
    float
        :math:`\sum_t (f_t - y_t) / \sum_t y_t` as a fraction: positive means
        over-forecast (0.05 = 5 % more contacts forecast than arrived),
        negative under-forecast. NaN when the actual volume sums to zero.

    Examples
    --------
    >>> bias([10, 20, 0], [12, 15, 1])  # (2 - 5 + 1) / 30
    -0.06666666666666667
    """
    y, (f,) = _known("bias", actual, forecast=forecast)
    return _ratio(float(np.sum(f - y)), float(np.sum(y)))


def _seasonal_naive_mae(insample: npt.ArrayLike, season: int) -> float:
    x = _float_array("mase", "insample", insample).ravel()
    if x.size <= season:
        return float("nan")
    diff = np.abs(x[season:] - x[:-season])
    diff = diff[~np.isnan(diff)]
    return float(np.mean(diff)) if diff.size else float("nan")


def mase(
    actual: npt.ArrayLike,
    forecast: npt.ArrayLike,
    *,
    insample: npt.ArrayLike,
    season: int,
) -> float:
    r"""Mean absolute scaled error: MAE over the in-sample seasonal-naive MAE.

    Parameters
    ----------
    actual : array_like
        Actual contact counts over the forecast period (NaN = absent).
    forecast : array_like
        Forecast contact counts, broadcastable to ``actual``.
    insample : array_like
        The history the forecast was made from, on a regular grid in time
        order, NaN for absent intervals (a day x slot matrix flattened row by
        row is such a series). Multi-dimensional input is flattened.
    season : int
        Season length in intervals (``>= 1``): the lag of the seasonal-naive
        benchmark, e.g. ``7 * 96`` for a weekly season of 15-minute slots, 7
        for daily data.

    Returns
    -------
    float
        MASE: below 1 the forecast beats, on average, a one-season-ahead
        seasonal-naive forecast within the history. NaN when the scale is zero
        (a history that repeats exactly, e.g. all zeros) or cannot be computed
        (history no longer than a season, or no pair of known values a season
        apart), and when no actual is known.

    Notes
    -----
    .. math::

        \mathrm{MASE} = \frac{\frac1n \sum_t |f_t - y_t|}
                             {\frac{1}{T - m} \sum_{s=m+1}^{T} |x_s - x_{s-m}|}

    with ``x`` the in-sample history of length ``T`` and ``m = season``
    (Hyndman & Koehler 2006, eq. 3 with the seasonal-naive scale they propose
    for seasonal data). The in-sample seasonal-naive scale was chosen over the
    one-step naive one because contact volumes are dominated by the daily and
    weekly cycle: one interval to the next differs mostly by the intraday
    shape, which says nothing about how predictable the series is. Pairs with
    an absent value are left out of the scale. The scale is a one-*season*-ahead
    error, so a MASE above 1 at long horizons is not necessarily bad.

    References
    ----------
    .. [1] R. J. Hyndman and A. B. Koehler, "Another look at measures of
       forecast accuracy", *International Journal of Forecasting* 22(4),
       679-688, 2006.

    Examples
    --------
    >>> # scale: |12-10|, |22-20|, |11-12|, |21-22| -> mean 1.5; MAE = (1 + 2) / 2
    >>> mase([12, 20], [13, 22], insample=[10, 20, 12, 22, 11, 21], season=2)
    1.0
    """
    if isinstance(season, bool) or not isinstance(season, (int, np.integer)) or season < 1:
        raise InputError(f"mase: `season` must be a whole number of intervals >= 1; got {season!r}")
    error = mae(actual, forecast)
    return _ratio(error, _seasonal_naive_mae(insample, int(season)))


def coverage(actual: npt.ArrayLike, lo: npt.ArrayLike, hi: npt.ArrayLike) -> float:
    """Share of the actuals that fall inside their prediction interval ``[lo, hi]``.

    Parameters
    ----------
    actual : array_like
        Actual contact counts (NaN = absent, left out).
    lo, hi : array_like
        Lower and upper interval bounds (inclusive), broadcastable to ``actual``.

    Returns
    -------
    float
        Empirical coverage in [0, 1], to compare with the nominal level (0.8
        for an 80 % interval). NaN when no actual is known or a bound is NaN
        next to a known actual.

    Notes
    -----
    Both bounds are inclusive, which is the right reading for the integer
    bounds of :func:`cccplan.forecast.intervals.negative_binomial_interval`:
    an interval ``[3, 9]`` covers 3 and 9 contacts.

    Examples
    --------
    >>> coverage([5, 10, 20, 7], [3, 3, 3, 8], [9, 10, 19, 12])  # 5 and 10 inside
    0.5
    """
    y, (low, high) = _known("coverage", actual, lo=lo, hi=hi)
    if not y.size or np.isnan(low).any() or np.isnan(high).any():
        return float("nan")
    return float(np.mean((y >= low) & (y <= high)))


def poisson_floor(forecast_or_actual: npt.ArrayLike) -> float:
    r"""Expected WAPE of a perfect forecast of Poisson counts: the floor of count data.

    Parameters
    ----------
    forecast_or_actual : array_like
        Poisson rates ``mu >= 0`` per interval (contacts): normally the
        forecast; NaN elements are left out.

    Returns
    -------
    float
        :math:`\sum_t E|Y_t - \mu_t| / \sum_t \mu_t` for independent
        :math:`Y_t \sim \mathrm{Poisson}(\mu_t)`: the WAPE that a forecast equal
        to the true rate would make on average. NaN when the rates sum to zero.

    Raises
    ------
    InputError
        If a rate is negative.

    Notes
    -----
    The exact mean absolute deviation of a Poisson count is used, not the
    normal approximation:

    .. math::

        E|Y - \mu| = \frac{2 \mu^{\lfloor\mu\rfloor + 1} e^{-\mu}}{\lfloor\mu\rfloor!}
                   = 2 \mu \, P(Y = \lfloor\mu\rfloor)
                   \;\to\; \sqrt{2\mu/\pi} \quad (\mu \to \infty).

    The approximation is 25 % too low at ``mu = 1`` and much worse below,
    where intervals of low-volume queues live. The floor is a ratio of
    expectations (expected total absolute error over expected total volume),
    as WAPE itself is a ratio of totals. Arrivals that are over-dispersed
    (a Poisson mixture: the rate itself is uncertain, Jongbloed & Koole 2001)
    have a higher floor still, so ``wape / poisson_floor`` near 1 means a
    forecast as good as the data allow.

    Pass the forecast, not the actuals: the floor is a function of the true
    rate, and a count of 0 in a quiet interval (whose rate may be 0.4) would
    put the floor of that interval at 0; by Jensen's inequality the plug-in
    of noisy actuals biases the floor down.

    References
    ----------
    .. [1] G. Jongbloed and G. Koole, "Managing uncertainty in call centres
       using Poisson mixtures", *Applied Stochastic Models in Business and
       Industry* 17(4), 307-318, 2001.
    .. [2] S. Kolassa, "Evaluating predictive count data distributions in
       retail sales forecasting", *International Journal of Forecasting*
       32(3), 788-803, 2016.
    .. [3] T. A. Ramasubban, "The mean difference and the mean deviation of
       some discontinuous distributions", *Biometrika* 45(3/4), 549-556, 1958.

    Examples
    --------
    >>> round(poisson_floor([1.0]), 6)  # 2 e^-1 = 0.7358; sqrt(2/pi) would say 0.798
    0.735759
    >>> round(poisson_floor([100.0] * 4), 4)  # about sqrt(2 / (100 pi)) = 0.0798
    0.0797
    """
    mu = _float_array("poisson_floor", "forecast_or_actual", forecast_or_actual).ravel()
    mu = mu[~np.isnan(mu)]
    if (mu < 0).any():
        raise InputError(
            f"poisson_floor: rates must be >= 0 (contacts per interval); got {mu[mu < 0][:3]!r}"
        )
    return _ratio(float(np.sum(_poisson_mad(mu))), float(np.sum(mu)))


def wape_over_floor(actual: npt.ArrayLike, forecast: npt.ArrayLike) -> float:
    """WAPE relative to the Poisson floor of the same intervals.

    Parameters
    ----------
    actual : array_like
        Actual contact counts (NaN = absent, left out of both the WAPE and the
        floor).
    forecast : array_like
        Forecast contact counts ``>= 0``, broadcastable to ``actual``; also the
        Poisson rates of the floor.

    Returns
    -------
    float
        ``wape(actual, forecast) / poisson_floor(forecast)`` over the intervals
        whose actual is known. 1 means the forecast misses no more than a
        perfect forecast of Poisson arrivals would; real contact data, being
        over-dispersed, rarely get below 1.2-1.5 at interval level.

    Examples
    --------
    >>> round(wape_over_floor([0, 2, 1], [1.0, 1.0, 1.0]), 4)  # (1 + 1 + 0) / 3 over 0.7358
    0.9061
    """
    y, (f,) = _known("wape_over_floor", actual, forecast=forecast)
    return _ratio(wape(y, f), poisson_floor(f))


# ---------------------------------------------------------------------------
# Frames
# ---------------------------------------------------------------------------


def _datetimes(values: Any, name: str) -> pd.DatetimeIndex:
    try:
        index = pd.DatetimeIndex(values)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"horizon_day: `{name}` must be timezone-aware timestamps; could not read "
            f"{type(values).__name__} as datetimes ({exc})"
        ) from exc
    if index.tz is None:
        raise InputError(
            f"horizon_day: `{name}` must be timezone-aware timestamps (e.g. localised with "
            ".dt.tz_localize('Europe/Berlin')); got naive ones"
        )
    if index.hasnans:
        raise InputError(f"horizon_day: `{name}` has missing timestamps (NaT)")
    return index


def _local_day(index: pd.DatetimeIndex, tz: Any, *, before: bool = False) -> IntArray:
    """Local calendar day numbers (days since 1970-01-01) in zone ``tz``."""
    wall = index.tz_convert(tz).tz_localize(None).as_unit("ns")
    ns = np.asarray(wall.asi8, dtype=np.int64)
    if before:
        ns = ns - 1  # the instant just before: a midnight origin belongs to the day before
    return np.floor_divide(ns, 86_400 * 10**9)


def horizon_day(interval_start: Any, cutoff: Any) -> IntArray:
    """How many local calendar days ahead of its forecast origin each interval lies.

    Parameters
    ----------
    interval_start : array_like of timestamps
        Timezone-aware interval starts (a Series, DatetimeIndex or array).
    cutoff : timestamp or array_like of timestamps
        The forecast origin of each interval, timezone-aware: the instant from
        which the forecast was made (the history used ends before it). One
        timestamp or one per interval; any zone (converted to the zone of
        ``interval_start``).

    Returns
    -------
    ndarray of int64
        Horizon day per interval. Day 1 is the first local calendar day that
        begins at or after the cutoff: a forecast made at local midnight covers
        that day as day 1; one made at 23:45 covers 23:45-24:00 as day 0 and
        the next day as day 1.

    Raises
    ------
    InputError
        If the timestamps are naive or missing, or the lengths differ.

    Notes
    -----
    Days are counted in the local calendar of ``interval_start``'s zone, not in
    multiples of 24 hours, so a forecast over a daylight-saving change keeps
    its days: the 23-hour and 25-hour days are one day each. Formally,
    ``horizon_day = date(interval_start) - date(cutoff - 1 ns)`` with both
    dates local.

    Examples
    --------
    >>> import pandas as pd
    >>> starts = pd.DatetimeIndex(["2024-03-30 23:45", "2024-03-31 00:00", "2024-04-01 23:45"],
    ...                           tz="Europe/Amsterdam")
    >>> horizon_day(starts, pd.Timestamp("2024-03-30 23:45", tz="Europe/Amsterdam"))
    array([0, 1, 2])
    >>> horizon_day(starts[1:], pd.Timestamp("2024-03-31 00:00", tz="Europe/Amsterdam"))
    array([1, 2])
    """
    starts = _datetimes(interval_start, "interval_start")
    if isinstance(cutoff, (pd.Timestamp, np.datetime64, str)) or np.ndim(cutoff) == 0:
        origins = _datetimes([cutoff], "cutoff")
    else:
        origins = _datetimes(cutoff, "cutoff")
        if len(origins) != len(starts):
            raise InputError(
                f"horizon_day: `cutoff` must be one timestamp or one per interval; got "
                f"{len(origins)} for {len(starts)} intervals"
            )
    tz = starts.tz
    return _local_day(starts, tz) - _local_day(origins, tz, before=True)


def _parse_by(frame: pd.DataFrame, by: str | Sequence[str]) -> list[str]:
    requested = [by] if isinstance(by, str) else list(by)
    keys: list[str] = []
    for name in requested:
        if not isinstance(name, str):
            raise InputError(f"accuracy: `by` must list column names; got {name!r}")
        if name in keys:
            continue
        if name in KEY_COLUMNS and name not in frame.columns:
            continue  # series keys are optional: neither queue nor channel means one series
        if name != HORIZON_DAY and name not in frame.columns:
            raise InputError(
                f"accuracy: `by` names {name!r}, which is not a column of the backtest frame "
                f"(columns: {', '.join(map(str, frame.columns))}); allowed: its columns and "
                f"{HORIZON_DAY!r}"
            )
        keys.append(name)
    if MODEL in frame.columns and MODEL not in keys:
        # Never average over models: a model goes before the horizon, after the series.
        position = keys.index(HORIZON_DAY) if HORIZON_DAY in keys else len(keys)
        keys.insert(position, MODEL)
    return keys


def _level_columns(frame: pd.DataFrame, levels: Sequence[float] | None) -> dict[str, str]:
    """``{level label: level label}`` of the interval pairs to score, e.g. {"80": "80"}."""
    found: dict[str, set[str]] = {}
    for column in frame.columns:
        match = _LEVEL_COLUMN.match(str(column))
        if match:
            found.setdefault(match.group(2), set()).add(match.group(1))
    complete = sorted((k for k, v in found.items() if v == {"lo", "hi"}), key=float)
    if levels is None:
        return {label: label for label in complete}
    chosen: dict[str, str] = {}
    for level in levels:
        label = f"{float(level):g}"
        if label not in complete:
            raise InputError(
                f"accuracy: `levels` asks for {level!r}, but the frame has no "
                f"volume_lo_{label} and volume_hi_{label} columns; levels present: "
                f"{', '.join(complete) if complete else 'none'}"
            )
        chosen[label] = label
    return chosen


def _numeric_column(frame: pd.DataFrame, column: str) -> FloatArray:
    try:
        return np.asarray(frame[column].to_numpy(dtype=np.float64, na_value=np.nan))
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"accuracy: column {column!r} must be numeric; got dtype {frame[column].dtype}"
        ) from exc


def _season_delta(season: int | str | pd.Timedelta | None, history: pd.DataFrame) -> pd.Timedelta:
    if season is None:
        return pd.Timedelta(_DEFAULT_SEASON)
    if isinstance(season, (int, np.integer)) and not isinstance(season, bool):
        if season < 1:
            raise InputError(f"accuracy: `season` must be >= 1 interval; got {season!r}")
        return int(season) * pd.Timedelta(infer_freq(history, argument="history"))
    try:
        delta = pd.Timedelta(season)
    except (TypeError, ValueError) as exc:
        raise InputError(
            "accuracy: `season` must be a number of intervals or a duration such as '7D'; "
            f"got {season!r}"
        ) from exc
    if delta <= pd.Timedelta(0):
        raise InputError(f"accuracy: `season` must be positive; got {season!r}")
    return delta


def _history_scale(
    frame: pd.DataFrame,
    history: pd.DataFrame,
    season: int | str | pd.Timedelta | None,
) -> FloatArray:
    """In-sample seasonal-naive MAE of each row's series, over the history before its cutoff.

    The seasonal lag is taken in local wall-clock time (the same slot a season
    earlier), so that a weekly season stays on its slot across DST changes;
    the repeated hour of a fall-back day is summed into its wall-clock slots,
    as in the day x slot matrices the models see.
    """
    for column in (TIME, VOLUME):
        if column not in history.columns:
            raise InputError(f"accuracy: `history` has no {column!r} column")
    series = [k for k in KEY_COLUMNS if k in frame.columns]
    missing = [k for k in series if k not in history.columns]
    if missing:
        raise InputError(
            f"accuracy: `history` lacks the series key column(s) {missing} of the backtest frame"
        )
    lag = _season_delta(season, history)
    tz = frame[TIME].dt.tz
    hist_times = _datetimes(history[TIME], "history interval_start")
    wall = hist_times.tz_convert(tz).tz_localize(None).as_unit("ns")
    volumes = pd.DataFrame({k: history[k].to_numpy() for k in series})
    volumes["_wall"] = wall
    volumes["_v"] = pd.to_numeric(history[VOLUME], errors="coerce").to_numpy(dtype=np.float64)
    volumes = volumes.groupby([*series, "_wall"], sort=True, dropna=False)["_v"].sum(min_count=1)
    volumes = volumes.reset_index()
    earlier = volumes.rename(columns={"_v": "_prev"})
    earlier["_wall"] = earlier["_wall"] + lag
    diffs = volumes.merge(earlier, on=[*series, "_wall"], how="inner")
    diffs["_d"] = (diffs["_v"] - diffs["_prev"]).abs()
    diffs = diffs[diffs["_d"].notna()].sort_values([*series, "_wall"], kind="stable")

    # A cutoff is an origin: the in-sample history is what starts before it.
    cut_wall = _datetimes(frame[CUTOFF], "cutoff").tz_convert(tz).tz_localize(None).as_unit("ns")
    cut_ns = np.asarray(cut_wall.asi8, dtype=np.int64)
    diff_ns = np.asarray(diffs["_wall"].to_numpy(dtype="datetime64[ns]").astype(np.int64))
    diff_value = diffs["_d"].to_numpy(dtype=np.float64)
    scale = np.full(len(frame), np.nan)
    if series:
        row_groups = frame.groupby(series, sort=False, dropna=False).indices
        diff_groups = diffs.groupby(series, sort=False, dropna=False).indices
    else:
        row_groups = {(): np.arange(len(frame))}
        diff_groups = {(): np.arange(len(diffs))}
    for key, rows in row_groups.items():
        where = diff_groups.get(key)
        if where is None:
            continue
        total = np.concatenate([[0.0], np.cumsum(diff_value[where])])
        count = np.searchsorted(diff_ns[where], cut_ns[rows], side="left")
        scale[rows] = np.where(count > 0, total[count] / np.maximum(count, 1), np.nan)
    return scale


def accuracy(
    backtest_frame: pd.DataFrame,
    *,
    by: str | Sequence[str] = ("queue", "channel", "horizon_day"),
    levels: Sequence[float] | None = None,
    season: int | str | pd.Timedelta | None = None,
    history: pd.DataFrame | None = None,
) -> pd.DataFrame:
    r"""Accuracy metrics of a backtest (or any forecast joined with actuals), per group.

    Parameters
    ----------
    backtest_frame : pandas.DataFrame
        One row per forecast interval with ``interval_start`` (timezone-aware),
        ``volume`` (the forecast, contacts), ``actual`` (the actual contacts;
        NaN = absent, left out), and optionally the series keys ``queue`` /
        ``channel``, ``cutoff`` (timezone-aware forecast origin; needed for
        ``horizon_day`` and ``history``), ``model``, interval bounds
        ``volume_lo_<L>`` / ``volume_hi_<L>``, and ``scale`` (see Notes), as
        :func:`cccplan.backtest` returns.
    by : str or sequence of str, default ("queue", "channel", "horizon_day")
        Grouping columns. ``"horizon_day"`` is computed (:func:`horizon_day`),
        even if the frame has such a column. ``queue`` and ``channel`` are
        skipped when the frame has no such column (one series); any other
        name must be a column. ``model`` is always added when the frame has
        it (before ``horizon_day``, else last): models are never averaged
        together silently. ``by=()`` gives one row (per model).
    levels : sequence of float, optional
        Prediction levels in percent whose coverage to report (80 for the
        ``volume_lo_80`` / ``volume_hi_80`` pair); default every level whose
        two columns are present.
    season : int or str or Timedelta, optional
        Season of the MASE scale when ``history`` is given: a number of
        intervals of the history's frequency, or a duration; default ``"7D"``
        (one week, the dominant cycle of contact volumes, for any interval
        length).
    history : pandas.DataFrame, optional
        The interval history (canonical frame: keys, ``interval_start``,
        ``volume``) the backtest was made from, to compute the MASE scale of
        each series at each cutoff. Give either this or a ``scale`` column.

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted by the keys, with the key columns, then
        ``n`` (pairs with a known actual), ``wape``, ``mae``, ``rmse``,
        ``bias``, ``mase``, ``coverage_<L>`` per level, ``poisson_floor`` and
        ``wape_over_floor``; fractions, not percent. Undefined values are NaN
        (see the array metrics, e.g. :func:`wape`, for when).

    Raises
    ------
    InputError
        If a required column is missing or not numeric, ``by`` names an
        unknown column, a requested level has no interval columns, timestamps
        are naive, an interval starts before its cutoff (the forecast would
        have seen it), or both ``history`` and a ``scale`` column are given.

    Notes
    -----
    Per group :math:`G` with known actuals :math:`y_t` and forecasts
    :math:`f_t` (Hyndman & Koehler 2006; Kolassa 2016):

    .. math::

        \mathrm{WAPE} = \frac{\sum_G |f_t - y_t|}{\sum_G y_t}, \quad
        \mathrm{bias} = \frac{\sum_G (f_t - y_t)}{\sum_G y_t}, \quad
        \mathrm{floor} = \frac{\sum_G E|Y_t - f_t|}{\sum_G f_t},\ Y_t \sim
        \mathrm{Poisson}(f_t).

    MASE is the mean of the scaled errors :math:`|f_t - y_t| / s_t`, where
    :math:`s_t` is the in-sample seasonal-naive MAE of the row's series over
    the history before its cutoff (Hyndman & Koehler's :math:`q_t`); being
    scale-free it may be averaged across series. :math:`s_t` comes from a
    ``scale`` column when the frame has one, else from ``history``; with
    neither, ``mase`` is NaN. Rows whose scale is zero or unknown are left out
    of the MASE mean (it is undefined for them), and ``mase`` is NaN when no
    row is left.

    References
    ----------
    .. [1] R. J. Hyndman and A. B. Koehler, "Another look at measures of
       forecast accuracy", *International Journal of Forecasting* 22(4),
       679-688, 2006.
    .. [2] S. Kolassa, "Evaluating predictive count data distributions in
       retail sales forecasting", *International Journal of Forecasting*
       32(3), 788-803, 2016.

    Examples
    --------
    >>> import pandas as pd
    >>> starts = pd.date_range("2024-03-04", periods=4, freq="12h", tz="Europe/Berlin")
    >>> frame = pd.DataFrame({
    ...     "interval_start": starts, "cutoff": starts[0], "model": "m",
    ...     "volume": [10.0, 10.0, 20.0, 20.0], "actual": [12.0, 8.0, 25.0, 25.0]})
    >>> accuracy(frame)[["model", "horizon_day", "n", "wape", "bias"]]  # (2 + 2) / 20; 10 / 50
      model  horizon_day  n  wape  bias
    0     m            1  2   0.2   0.0
    1     m            2  2   0.2  -0.2
    """
    if not isinstance(backtest_frame, pd.DataFrame):
        raise InputError(
            f"accuracy: `backtest_frame` must be a pandas DataFrame, not "
            f"{type(backtest_frame).__name__}"
        )
    frame = backtest_frame
    keys = _parse_by(frame, by)
    needed = [TIME, VOLUME, ACTUAL]
    if HORIZON_DAY in keys or history is not None:
        needed.append(CUTOFF)
    absent = [c for c in needed if c not in frame.columns]
    if absent:
        raise InputError(
            f"accuracy: the backtest frame lacks column(s) {absent}; it needs {needed} "
            "(volume = forecast, actual = actual volume), as cccplan.backtest returns"
        )
    if history is not None and SCALE in frame.columns:
        raise InputError(
            f"accuracy: give either `history` or a {SCALE!r} column for the MASE scale, not both"
        )
    if season is not None and history is None:
        raise InputError("accuracy: `season` sets the MASE scale of `history`; give `history` too")
    labels = _level_columns(frame, levels)

    starts = _datetimes(frame[TIME], "interval_start")
    origins: pd.DatetimeIndex | None = None
    if CUTOFF in frame.columns:
        origins = _datetimes(frame[CUTOFF], "cutoff")
        early = np.asarray(starts < origins)
        if early.any():
            first = np.flatnonzero(early)[:3].tolist()
            raise InputError(
                f"accuracy: {int(early.sum())} row(s) start before their cutoff (rows {first}); "
                "a backtest scores intervals at or after the forecast origin only"
            )

    actual = _numeric_column(frame, ACTUAL)
    forecast = _numeric_column(frame, VOLUME)
    known = ~np.isnan(actual)
    negative = known & (forecast < 0)
    if negative.any():
        raise InputError(
            f"accuracy: column 'volume' (the forecast) must be >= 0; {int(negative.sum())} "
            f"row(s) are not (rows {np.flatnonzero(negative)[:3].tolist()})"
        )
    y = np.where(known, actual, 0.0)
    f = np.where(known, forecast, 0.0)
    error = f - y
    terms = pd.DataFrame(
        {
            "n": known.astype(np.int64),
            "_bad": (known & np.isnan(forecast)).astype(np.int64),
            "_abs": np.abs(error),
            "_sq": error**2,
            "_err": error,
            "_y": y,
            "_f": f,
            "_mad": _poisson_mad(np.maximum(np.nan_to_num(f), 0.0)),
        }
    )
    for label in labels:
        lo = _numeric_column(frame, f"volume_lo_{label}")
        hi = _numeric_column(frame, f"volume_hi_{label}")
        terms[f"_in_{label}"] = (known & (actual >= lo) & (actual <= hi)).astype(np.float64)
        terms[f"_nan_{label}"] = (known & (np.isnan(lo) | np.isnan(hi))).astype(np.int64)
    if SCALE in frame.columns:
        scale = _numeric_column(frame, SCALE)
    elif history is not None:
        scale = _history_scale(frame, history, season)
    else:
        scale = np.full(len(frame), np.nan)
    usable = known & (scale > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        terms["_q"] = np.where(usable, np.abs(error) / np.where(usable, scale, 1.0), 0.0)
    terms["_nq"] = usable.astype(np.int64)

    group_keys = list(keys)
    for key in keys:
        if key == HORIZON_DAY:
            assert origins is not None  # CUTOFF is required above when grouping by horizon
            terms[key] = horizon_day(starts, origins)
        else:
            terms[key] = frame[key].to_numpy()
    if group_keys:
        sums = terms.groupby(group_keys, sort=True, dropna=False).sum().reset_index()
    else:
        sums = terms.sum().to_frame().T
    n = sums["n"].to_numpy(dtype=np.float64)
    bad = sums["_bad"].to_numpy() > 0
    total_actual = sums["_y"].to_numpy(dtype=np.float64)
    total_forecast = sums["_f"].to_numpy(dtype=np.float64)

    def per(numerator: str, denominator: FloatArray, *, propagate: bool = True) -> FloatArray:
        values = sums[numerator].to_numpy(dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.where(
                denominator > 0, values / np.where(denominator > 0, denominator, 1.0), np.nan
            )
        return np.where(bad, np.nan, out) if propagate else out

    result = sums[group_keys].copy()
    result["n"] = sums["n"].to_numpy(dtype=np.int64)
    result["wape"] = per("_abs", total_actual)
    result["mae"] = per("_abs", n)
    result["rmse"] = np.sqrt(per("_sq", n))
    result["bias"] = per("_err", total_actual)
    result["mase"] = per("_q", sums["_nq"].to_numpy(dtype=np.float64))
    for label in labels:
        cov = per(f"_in_{label}", n, propagate=False)
        result[f"coverage_{label}"] = np.where(sums[f"_nan_{label}"].to_numpy() > 0, np.nan, cov)
    result["poisson_floor"] = per("_mad", total_forecast)
    with np.errstate(invalid="ignore", divide="ignore"):
        result["wape_over_floor"] = result["wape"] / result["poisson_floor"]
    if HORIZON_DAY in result.columns:
        result[HORIZON_DAY] = result[HORIZON_DAY].astype(np.int64)
    return result.reset_index(drop=True)
