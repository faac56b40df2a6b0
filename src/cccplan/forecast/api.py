"""``cccplan.forecast`` and ``cccplan.backtest``: from an interval history to a forecast frame.

The client's forecast (ISO 18295-2, 6.7) is made per series (queue and
channel), per interval, weeks ahead. Each series is reshaped into a local
day x slot matrix (:mod:`cccplan.forecast._matrix`), a model forecasts whole
days, and the result is put back on the timezone-aware interval grid:

1. Days not to learn from are excluded: days without data (outages), public
   holidays (``holidays=``, or the closed dates of ``opening_hours``) and the
   client's events (``events=``).
2. The model forecasts the days after the history. ``model="auto"`` scores
   every model by a rolling-origin backtest on the history itself (six
   origins a week apart, 14 days ahead each): the weekday average over 4, 8
   and 12 weeks (its window is a choice of the backtest), top-down, SVD and
   state-space, together with two combinations: the median ensemble and the
   inverse-error combination of the best three (Bates and Granger 1969),
   weighted weekday by weekday (each weekday's backtest errors, shrunk
   towards the pooled ones by one weekday's worth of cells), because which
   model is best often differs by weekday. It takes the better combination
   unless a single model's WAPE is at least 5% lower: a few backtest windows
   rank similar models noisily, and combining beats selecting on average
   (Makridakis et al. 2020). The choice, the reason, the weights and every
   candidate's backtest WAPE are recorded in ``frame.attrs["model_choice"]``.
3. Future holidays get the series' own holiday factor (the median ratio of a
   past holiday's volume to the same weekday's median around it), when the
   history holds at least two such days; otherwise they are forecast as normal
   days. Days closed by ``opening_hours`` are absent.
4. Events multiply the forecast over their intervals (``uplift`` 0.4 = +40%,
   or ``multiplier``); the output says which intervals and how much in
   ``event`` and ``event_multiplier``.
5. Only open intervals are returned (closed ones are absent, as in the
   history): from ``opening_hours`` when given, otherwise open where the
   weekly hours inferred from the last eight weeks, or from the last two,
   say so (:func:`cccplan.frames.infer_opening_hours`): opening times that
   move week by week (with sunset, say) stay open in the forecast.
6. Prediction intervals are negative binomial around the point forecast with a
   dispersion estimated, per horizon day, from the same model's backtest
   residuals on the history, then scaled per level so that the backtest
   intervals cover the nominal share of the cells with contacts
   (:mod:`cccplan.forecast.intervals`).
7. AHT is forecast per weekday and slot as the volume-weighted mean of the
   recent non-excluded weeks (handle times are far more stable than volumes).

References
----------
.. [1] J. M. Bates and C. W. J. Granger, "The combination of forecasts",
   *Operational Research Quarterly* 20(4), 451-468, 1969.
.. [2] S. Makridakis, E. Spiliotis and V. Assimakopoulos, "The M4
   competition: 100,000 time series and 61 forecasting methods",
   *International Journal of Forecasting* 36(1), 54-74, 2020.
.. [3] L. Tashman, "Out-of-sample tests of forecasting accuracy: an analysis
   and review", *International Journal of Forecasting* 16, 437-450, 2000.
"""

from __future__ import annotations

import contextlib
import functools
import math
import multiprocessing
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import threadpoolctl
from pandas.tseries.frequencies import to_offset
from pandas.tseries.offsets import BaseOffset

from cccplan.exceptions import CccplanWarning, FallbackWarning, InputError
from cccplan.forecast._matrix import (
    DayMatrix,
    future_grid,
    slot_minutes_of,
    to_day_matrix,
    to_frame_values,
    weekday_of,
)
from cccplan.frames._columns import AHT, KEY_COLUMNS, TIME, VOLUME
from cccplan.frames._lookup import SeriesLookup
from cccplan.frames.hours import OpeningHours, infer_opening_hours, is_open
from cccplan.frames.validate import infer_freq, validate_frame

__all__ = ["MODELS", "backtest", "forecast"]

FloatArray = npt.NDArray[np.float64]
SeriesKey = tuple[str, ...]

MODELS: tuple[str, ...] = (
    "seasonal_naive",
    "weekday_average",
    "topdown",
    "svd",
    "statespace",
    "ensemble",
)
"""Model names accepted by :func:`forecast` and :func:`backtest` (plus ``"auto"``)."""

_AUTO_CANDIDATES: tuple[str, ...] = (
    "weekday_average",
    "weekday_average_8w",
    "weekday_average_12w",
    "topdown",
    "svd",
    "statespace",
    "ensemble",
)
# The median ensemble's members, by candidate name: under auto its backtest is
# the median of theirs, so nothing is refitted.
_ENSEMBLE_MEMBERS: tuple[str, ...] = ("topdown", "svd", "weekday_average")
_WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_AHT_WEEKS = 8
_AUTO_WINDOWS = 6
_BACKTEST_DAYS = 14
_PARALLEL_FROM = 8
_HOURS_WEEKS = 8


def _model(name: str) -> Any:
    """A fresh model instance by name (imported lazily: statsmodels is slow to import)."""
    from cccplan.forecast.models.baseline import SeasonalNaive, WeekdayAverage  # noqa: PLC0415
    from cccplan.forecast.models.ensemble import Ensemble  # noqa: PLC0415
    from cccplan.forecast.models.statespace import DailyStateSpace  # noqa: PLC0415
    from cccplan.forecast.models.svd import IntradaySVD  # noqa: PLC0415
    from cccplan.forecast.models.topdown import TopDown  # noqa: PLC0415

    factories: dict[str, Callable[[], Any]] = {
        "seasonal_naive": SeasonalNaive,
        "weekday_average": WeekdayAverage,
        "topdown": TopDown,
        "svd": IntradaySVD,
        "statespace": DailyStateSpace,
        "ensemble": lambda: Ensemble([TopDown(), IntradaySVD(), WeekdayAverage()]),
        # auto only: the weekday average's window is a choice made by backtest
        # (a longer window is less noisy, a shorter one follows a drift sooner).
        "weekday_average_8w": lambda: WeekdayAverage(weeks=8),
        "weekday_average_12w": lambda: WeekdayAverage(weeks=12),
    }
    return factories[name]()


def _check_model(model: str, argument: str = "model") -> None:
    if model != "auto" and model not in MODELS:
        raise InputError(
            f"forecast: `{argument}` must be 'auto' or one of {', '.join(MODELS)}; got {model!r}"
        )


# ---------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Window:
    start: pd.Timestamp  # first forecast instant (local midnight after the history)
    end: pd.Timestamp  # exclusive
    last_day: np.datetime64  # last local day touched by the window


def _window(horizon: int | str | BaseOffset, *, start: pd.Timestamp, slot_minutes: int) -> _Window:
    tz = start.tz
    if isinstance(horizon, (int, np.integer)):
        count = int(horizon)
        if count <= 0:
            raise InputError(f"forecast: `horizon` must be positive; got {horizon!r}")
        if slot_minutes == 1440:
            end = (start.tz_localize(None) + pd.Timedelta(days=count)).tz_localize(tz)
        else:
            end = start + count * pd.Timedelta(minutes=slot_minutes)
    else:
        try:
            offset = to_offset(horizon)
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"forecast: `horizon` must be a number of intervals or a pandas offset such "
                f"as '7D' or '6W'; got {horizon!r}"
            ) from exc
        local_end = start.tz_localize(None) + offset
        if local_end <= start.tz_localize(None):
            raise InputError(f"forecast: `horizon` must be positive; got {horizon!r}")
        end = local_end.tz_localize(tz, ambiguous=False, nonexistent="shift_forward")
    last = (end - pd.Timedelta(1, "ns")).tz_convert(tz).tz_localize(None).normalize()
    return _Window(start=start, end=end, last_day=np.datetime64(last.date(), "D"))


def _holiday_dates(holidays: Any, years: Iterable[int]) -> npt.NDArray[np.datetime64]:
    """Public holidays: a country code ("DE", "DE-BE") or an iterable of dates."""
    if holidays is None:
        return np.array([], dtype="datetime64[D]")
    if isinstance(holidays, str):
        import holidays as holidays_lib  # noqa: PLC0415 - optional, slow import

        country, _, subdiv = holidays.partition("-")
        try:
            calendar = holidays_lib.country_holidays(
                country, subdiv=subdiv or None, years=sorted(set(years))
            )
        except (NotImplementedError, KeyError) as exc:
            raise InputError(
                f"forecast: `holidays` {holidays!r} is not a known country (and subdivision), "
                "e.g. 'DE' or 'DE-BE'"
            ) from exc
        return np.array(sorted(calendar), dtype="datetime64[D]")
    try:
        return np.asarray(pd.DatetimeIndex(list(holidays)).values, dtype="datetime64[D]")
    except (TypeError, ValueError) as exc:
        raise InputError(
            "forecast: `holidays` must be a country code such as 'DE-BE' or a list of dates"
        ) from exc


def _hours_for(key: SeriesKey, keys: Sequence[str], opening_hours: Any) -> OpeningHours | None:
    if opening_hours is None:
        return None
    if isinstance(opening_hours, OpeningHours):
        return opening_hours
    if isinstance(opening_hours, Mapping):
        values = dict(zip(keys, key, strict=True))
        lookup = SeriesLookup(opening_hours, function="forecast", argument="opening_hours")
        hours = lookup.get(values.get("queue"), values.get("channel"))
        if hours is None:
            raise InputError(
                f"forecast: `opening_hours` has no entry for series {key}; give one per series "
                "(keyed by (queue, channel), queue or channel) or one for all"
            )
        return hours if isinstance(hours, OpeningHours) else OpeningHours.model_validate(hours)
    raise InputError("forecast: `opening_hours` must be an OpeningHours or a mapping of them")


def _events_for(
    events: pd.DataFrame | None, key: SeriesKey, keys: Sequence[str], tz: Any
) -> pd.DataFrame:
    """The events that concern one series, with tz-aware start/end and a multiplier."""
    columns = ["start", "end", "multiplier", "description"]
    if events is None or len(events) == 0:
        return pd.DataFrame(columns=columns)
    if not isinstance(events, pd.DataFrame):
        raise InputError("forecast: `events` must be a DataFrame (start, end, queue, uplift)")
    missing = [c for c in ("start", "end") if c not in events.columns]
    if missing or ("uplift" not in events.columns and "multiplier" not in events.columns):
        raise InputError(
            "forecast: `events` needs columns start, end and uplift (0.4 = +40%) or "
            f"multiplier; it has {list(events.columns)}"
        )
    values = dict(zip(keys, key, strict=True))
    mask = np.ones(len(events), dtype=bool)
    for column in ("queue", "channel"):
        if column in events.columns and column in values:
            col = events[column]
            mask &= (col.isna() | (col.astype(str) == values[column])).to_numpy()
    chosen = events.loc[mask]
    out = pd.DataFrame(index=chosen.index)
    for column in ("start", "end"):
        stamps = pd.to_datetime(chosen[column])
        if stamps.dt.tz is None:
            stamps = stamps.dt.tz_localize(tz, ambiguous=False, nonexistent="shift_forward")
        out[column] = stamps.dt.tz_convert(tz)
    if "multiplier" in chosen.columns:
        multiplier = pd.to_numeric(chosen["multiplier"], errors="coerce")
    else:
        multiplier = 1.0 + pd.to_numeric(chosen["uplift"], errors="coerce")
    if multiplier.isna().any() or (multiplier < 0).any():
        raise InputError(
            "forecast: `events` uplift must be >= -1 (multiplier >= 0) and numeric; "
            f"rows {list(chosen.index[(multiplier.isna() | (multiplier < 0)).to_numpy()])}"
        )
    if (out["end"] <= out["start"]).any():
        raise InputError("forecast: an event must end after it starts")
    out["multiplier"] = multiplier.to_numpy(dtype=np.float64)
    out["description"] = (
        chosen["description"].astype(str) if "description" in chosen.columns else "event"
    )
    return out.reset_index(drop=True)


def _event_days(events: pd.DataFrame) -> npt.NDArray[np.datetime64]:
    days: list[np.datetime64] = []
    for start, end in zip(events["start"], events["end"], strict=True):
        first = start.tz_localize(None).normalize()
        last = (end - pd.Timedelta(1, "ns")).tz_localize(None).normalize()
        days.extend(pd.date_range(first, last, freq="D").values.astype("datetime64[D]"))
    return np.array(days, dtype="datetime64[D]")


# ---------------------------------------------------------------------------
# Per-series pieces
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Backtest:
    """Rolling-origin backtest cells of one model on one series (one entry per cell)."""

    actual: FloatArray
    predicted: FloatArray
    horizon: npt.NDArray[np.int64]  # 1 = the first day after the origin
    weekday: npt.NDArray[np.int64]  # 0 = Monday
    latest: Any = None  # the model fitted for the latest window (a warm start)

    def with_predicted(self, predicted: FloatArray) -> _Backtest:
        return _Backtest(self.actual, np.asarray(predicted, np.float64), self.horizon, self.weekday)


def _fresh_model(name: str, previous: Any = None) -> Any:
    """A new model by name, its optimiser started where ``previous`` (same model) ended.

    Models with a ``warm_start`` method (the state-space model) take it: nested
    histories of a rolling origin have nearly the same likelihood maximum.
    """
    model = _model(name)
    if previous is not None and hasattr(model, "warm_start"):
        model.warm_start(previous)
    return model


def _backtest_matrix(
    matrix: DayMatrix, name: str, *, windows: int, horizon_days: int, step_days: int
) -> _Backtest:
    """Rolling-origin forecasts on a matrix: actual, forecast, horizon day and weekday per cell.

    Origins step back from the end by ``step_days``; each forecast uses the
    days before its origin only. Cells that are absent or on excluded days are
    dropped (closed intervals and special days are not forecast errors).
    """
    n_days = matrix.values.shape[0]
    actual: list[FloatArray] = []
    predicted: list[FloatArray] = []
    horizon: list[npt.NDArray[np.int64]] = []
    weekday: list[npt.NDArray[np.int64]] = []
    latest: Any = None
    previous: Any = None
    for w in range(windows):
        cut = n_days - horizon_days - w * step_days
        if cut < 7:
            break
        train = matrix.head(cut)
        if (~train.excluded).sum() < 7:
            break
        dates = matrix.dates[cut : cut + horizon_days]
        previous = _fresh_model(name, previous).fit(train)
        latest = previous if latest is None else latest
        fc = previous.predict(dates)
        truth = matrix.values[cut : cut + horizon_days]
        keep = np.isfinite(truth) & ~matrix.excluded[cut : cut + horizon_days, None]
        day_index = np.broadcast_to(np.arange(1, len(dates) + 1)[:, None], truth.shape)
        day_of_week = np.broadcast_to(matrix.weekday[cut : cut + horizon_days, None], truth.shape)
        actual.append(truth[keep])
        predicted.append(fc[keep])
        horizon.append(day_index[keep].astype(np.int64))
        weekday.append(day_of_week[keep].astype(np.int64))
    if not actual:
        empty = np.array([], dtype=np.float64)
        none = np.array([], dtype=np.int64)
        return _Backtest(empty, empty, none, none)
    return _Backtest(
        np.concatenate(actual),
        np.concatenate(predicted),
        np.concatenate(horizon),
        np.concatenate(weekday),
        latest,
    )


_COMBINATION = "combination"
_COMBINE_TOP = 3
_CLEAR_MARGIN = 0.05


def _auto_choice(candidates: Sequence[str], scores: Mapping[str, float]) -> tuple[str, str]:
    """Pick a model from backtest scores, preferring a combination unless clearly beaten.

    A few backtest windows rank similar models noisily, and choosing the
    single best on them loses to combining (the M-competitions' lesson,
    Makridakis et al. 2020): a single model is chosen only when its WAPE is
    at least ``_CLEAR_MARGIN`` below the best combination's.
    """
    order = {name: i for i, name in enumerate(candidates)}
    combos = [n for n in candidates if n in ("ensemble", _COMBINATION)]
    singles = [n for n in candidates if n not in combos]
    best_single = min(singles, key=lambda n: (scores[n], order[n]))
    if not combos:
        return best_single, "lowest backtest WAPE"
    best_combo = min(combos, key=lambda n: (scores[n], order[n]))
    if scores[best_single] < (1.0 - _CLEAR_MARGIN) * scores[best_combo]:
        return best_single, (
            f"lowest backtest WAPE, clearly below the best combination's "
            f"({scores[best_single]:.3f} vs {scores[best_combo]:.3f})"
        )
    return best_combo, "a combination: no single model clearly beat it in the backtest"


def _combination_weights(scores: Mapping[str, float]) -> dict[str, float]:
    """Inverse squared-WAPE weights of the best members (median ensemble left out).

    Weights proportional to 1 / WAPE^2 approximate inverse-MSE weighting
    (Bates and Granger 1969) without estimating covariances, which a handful
    of backtest windows cannot do reliably.
    """
    ranked = sorted(
        (n for n in scores if n not in ("ensemble", _COMBINATION) and math.isfinite(scores[n])),
        key=lambda n: scores[n],
    )[:_COMBINE_TOP]
    raw = {n: 1.0 / max(scores[n], 1e-9) ** 2 for n in ranked}
    total = sum(raw.values())
    return {n: w / total for n, w in raw.items()}


def _weekday_weights(backtests: Mapping[str, _Backtest]) -> dict[int, dict[str, float]]:
    """Combination weights per weekday, from each member's backtest WAPE on that weekday.

    Which model forecasts best differs by weekday in contact centres (a short
    Saturday opening after sunset, a Friday closing early, a quiet Sunday), so
    :func:`_combination_weights` is applied to the backtest cells of each
    weekday on its own. A weekday without backtest volume (closed, or not in
    the backtest) takes the weights of all weekdays pooled.
    """
    members = [n for n in backtests if n not in ("ensemble", _COMBINATION)]
    first = backtests[members[0]]
    pooled = _combination_weights({n: _wape(first.actual, backtests[n].predicted) for n in members})
    weights: dict[int, dict[str, float]] = {}
    for day in range(7):
        cells = first.weekday == day
        if not cells.any() or float(first.actual[cells].sum()) <= 0:
            weights[day] = pooled
            continue
        # Shrunk towards the pooled errors by one average weekday's worth of
        # cells: a weekday with few backtest cells is weighted mostly as the
        # others are, one with many by its own errors.
        share = 1.0 / 7.0
        scores = {
            n: (
                _abs_error(first.actual[cells], backtests[n].predicted[cells])
                + share * _abs_error(first.actual, backtests[n].predicted)
            )
            / (float(first.actual[cells].sum()) + share * float(first.actual.sum()))
            for n in members
        }
        weights[day] = _combination_weights(scores)
    return weights


def _combine_by_weekday(
    weights: Mapping[int, Mapping[str, float]],
    forecasts: Mapping[str, FloatArray],
    weekday: npt.NDArray[np.int64],
) -> FloatArray:
    """Per-row weighted sum of member forecasts, with the weights of each row's weekday.

    ``forecasts`` are arrays whose first axis is matched to ``weekday``.
    """
    first = next(iter(forecasts.values()))
    combined = np.zeros_like(first, dtype=np.float64)
    for day, day_weights in weights.items():
        rows = weekday == day
        if rows.any():
            for name, weight in day_weights.items():
                combined[rows] += weight * forecasts[name][rows]
    return combined


def _describe_weights(weights: Mapping[int, Mapping[str, float]]) -> str:
    """``Mon: topdown 0.40, svd 0.35, ...; Tue: ...``, with equal weekdays merged."""
    groups: dict[str, list[str]] = {}
    for day, day_weights in sorted(weights.items()):
        text = ", ".join(f"{n} {w:.2f}" for n, w in day_weights.items())
        groups.setdefault(text, []).append(_WEEKDAY_NAMES[day])
    return "; ".join(f"{'/'.join(days)}: {text}" for text, days in groups.items())


def _abs_error(actual: FloatArray, predicted: FloatArray) -> float:
    return float(np.sum(np.abs(actual - predicted)))


def _wape(actual: FloatArray, predicted: FloatArray) -> float:
    total = float(np.sum(actual))
    return float(np.sum(np.abs(actual - predicted)) / total) if total > 0 else math.inf


def _holiday_factor(matrix: DayMatrix, holidays: npt.NDArray[np.datetime64]) -> float | None:
    """Median ratio of a past holiday's volume to the median of the same weekday around it."""
    totals = np.nansum(matrix.values, axis=1)
    has_data: npt.NDArray[np.bool_] = np.asarray(np.isfinite(matrix.values).any(axis=1))
    ratios = []
    for day in holidays:
        index = int((day - matrix.dates[0]).astype(np.int64))
        if not (0 <= index < len(totals)) or not has_data[index]:
            continue
        around = [index + 7 * k for k in (-3, -2, -1, 1, 2, 3)]
        around = [
            i
            for i in around
            if 0 <= i < len(totals) and has_data[i] and not np.isin(matrix.dates[i], holidays)
        ]
        if len(around) < 2:
            continue
        reference = float(np.median(totals[around]))
        if reference > 0:
            ratios.append(totals[index] / reference)
    return float(np.median(ratios)) if len(ratios) >= 2 else None


def _aht_forecast(matrix: DayMatrix, dates: npt.NDArray[np.datetime64]) -> FloatArray | None:
    """Volume-weighted AHT per weekday and slot over the recent non-excluded weeks."""
    if matrix.aht is None:
        return None
    volume = np.where(np.isfinite(matrix.values), matrix.values, 0.0)
    aht = matrix.aht
    usable = ~matrix.excluded
    recent = np.zeros_like(usable)
    recent[-_AHT_WEEKS * 7 :] = True
    weights = np.where(np.isfinite(aht) & (usable & recent)[:, None], volume, 0.0)
    work = np.where(weights > 0, aht * weights, 0.0)
    n_slots = matrix.n_slots
    by_weekday = np.full((7, n_slots), np.nan)
    for weekday in range(7):
        rows = matrix.weekday == weekday
        w = weights[rows].sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            by_weekday[weekday] = np.where(w > 0, work[rows].sum(axis=0) / w, np.nan)
    # Fallbacks: the slot's mean over all weekdays, then the series' mean.
    w_all = weights.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        by_slot = np.where(w_all > 0, work.sum(axis=0) / w_all, np.nan)
    overall_w = np.where(np.isfinite(aht), volume, 0.0)
    total = overall_w.sum()
    overall = float(np.where(overall_w > 0, aht * overall_w, 0).sum() / total) if total else np.nan
    by_weekday = np.where(np.isfinite(by_weekday), by_weekday, by_slot[None, :])
    by_weekday = np.where(np.isfinite(by_weekday), by_weekday, overall)
    day_of_week = np.asarray((dates.astype(np.int64) + 3) % 7)
    result: FloatArray = by_weekday[day_of_week]
    return result


@dataclass
class _SeriesResult:
    frame: pd.DataFrame
    choice: dict[str, Any]


def _forecast_series(
    rows: pd.DataFrame,
    key: SeriesKey,
    keys: Sequence[str],
    *,
    freq: BaseOffset,
    tz: Any,
    window: _Window,
    model: str,
    levels: Sequence[int],
    holiday_dates: npt.NDArray[np.datetime64],
    events: pd.DataFrame | None,
    opening_hours: Any,
) -> _SeriesResult:
    from cccplan.forecast.intervals import (  # noqa: PLC0415
        calibrate_dispersion,
        estimate_dispersion,
        history_dispersion,
        negative_binomial_interval,
    )

    series_events = _events_for(events, key, keys, tz)
    hours = _hours_for(key, keys, opening_hours)
    excluded = np.concatenate([holiday_dates, _event_days(series_events)])
    if hours is not None and hours.closed_dates:
        excluded = np.concatenate([excluded, np.array(hours.closed_dates, dtype="datetime64[D]")])
    matrix = to_day_matrix(rows, freq=freq, excluded_dates=excluded)
    n_future = int((window.last_day - matrix.dates[-1]).astype(np.int64))
    if n_future <= 0:
        raise InputError(f"forecast: series {key} has history beyond the forecast window")
    dates = matrix.dates[-1] + np.arange(1, n_future + 1).astype("timedelta64[D]")

    # Choose and calibrate by rolling-origin backtests on the history.
    # Two weeks ahead even for a shorter forecast when the history allows:
    # twice the cells per weekday for the weekday weights of the combination.
    usable_days = int((~matrix.excluded).sum())
    horizon_days = _BACKTEST_DAYS
    if usable_days < 28 + _BACKTEST_DAYS:
        horizon_days = int(min(n_future, _BACKTEST_DAYS))
    windows = _AUTO_WINDOWS if usable_days >= 28 + horizon_days else 0
    choice: dict[str, Any] = {}
    candidates = _AUTO_CANDIDATES if model == "auto" else (model,)
    scores: dict[str, float] = {}
    backtests: dict[str, _Backtest] = {}
    if windows:
        for name in candidates:
            if name == "ensemble" and all(m in backtests for m in _ENSEMBLE_MEMBERS):
                # Exactly the refitted ensemble's backtest: the median of its
                # members' forecasts, each fitted on the same windows.
                members = np.stack([backtests[m].predicted for m in _ENSEMBLE_MEMBERS])
                backtests[name] = backtests[_ENSEMBLE_MEMBERS[0]].with_predicted(
                    np.median(members, axis=0)
                )
            else:
                backtests[name] = _backtest_matrix(
                    matrix, name, windows=windows, horizon_days=horizon_days, step_days=7
                )
            cells = backtests[name]
            scores[name] = _wape(cells.actual, cells.predicted) if cells.actual.size else math.inf
    weights: dict[int, dict[str, float]] = {}
    if model == "auto" and scores and min(scores.values()) < math.inf:
        # The inverse-error combination of the best members, weighted weekday
        # by weekday, is a candidate too, scored on the same backtest cells
        # without refitting anything.
        weights = _weekday_weights(backtests)
        if any(len(day_weights) > 1 for day_weights in weights.values()):
            first = backtests[next(iter(weights[0]))]
            combined = _combine_by_weekday(
                weights, {n: b.predicted for n, b in backtests.items()}, first.weekday
            )
            backtests[_COMBINATION] = first.with_predicted(combined)
            scores[_COMBINATION] = _wape(first.actual, combined)
            candidates = (*candidates, _COMBINATION)
    if model == "auto":
        if scores and min(scores.values()) < math.inf:
            chosen, reason = _auto_choice(candidates, scores)
            if chosen == _COMBINATION:
                reason += f" (weights by weekday: {_describe_weights(weights)})"
        else:
            chosen = "weekday_average"
            reason = (
                f"history too short to compare models by backtest ({usable_days} usable days; "
                f"{28 + horizon_days} needed): the weekday-average fallback"
            )
            warnings.warn(f"forecast: series {key}: {reason}", FallbackWarning, stacklevel=2)
        choice = {"model": chosen, "reason": reason, "wape": scores}
        if chosen == _COMBINATION:
            choice["weights"] = {_WEEKDAY_NAMES[d]: dict(w) for d, w in sorted(weights.items())}
    else:
        chosen = model
        choice = {"model": chosen, "reason": "given", "wape": scores}

    if chosen == _COMBINATION:
        members_used = sorted({n for day_weights in weights.values() for n in day_weights})
        member_fc = {
            n: _fresh_model(n, backtests[n].latest).fit(matrix).predict(dates) for n in members_used
        }
        matrix_fc = _combine_by_weekday(weights, member_fc, weekday_of(dates))
    else:
        latest = backtests[chosen].latest if chosen in backtests else None
        matrix_fc = _fresh_model(chosen, latest).fit(matrix).predict(dates)
    factor = _holiday_factor(matrix, holiday_dates)
    future_holidays = np.isin(dates, holiday_dates)
    if future_holidays.any():
        matrix_fc = matrix_fc.copy()
        matrix_fc[future_holidays] *= 1.0 if factor is None else factor
    grid, row, slot = future_grid(dates, freq=freq, tz=str(tz))
    volume = to_frame_values(matrix_fc, row, slot)
    aht_matrix = _aht_forecast(matrix, dates)
    in_window = np.asarray((grid >= window.start) & (grid < window.end))

    # Opening hours: given, or inferred from the recent history (hours drift
    # with the seasons: sunset-bound openings, summer hours).
    if hours is None:
        # Open when open in most of the last eight weeks, or in either of the
        # last two (opening times that move week by week, e.g. with sunset).
        open_mask = np.zeros(len(grid), dtype=bool)
        for weeks in (_HOURS_WEEKS, 2):
            recent = rows[rows[TIME] > rows[TIME].max() - pd.Timedelta(weeks=weeks)]
            inferred = next(iter(infer_opening_hours(recent, freq=freq).values()))
            open_mask |= is_open(inferred, grid, freq=freq)
    else:
        open_mask = is_open(hours, grid, freq=freq)
    keep = in_window & open_mask
    grid, row, slot, volume = grid[keep], row[keep], slot[keep], volume[keep]

    # Events: multiply the intervals they cover.
    multiplier = np.ones(len(grid))
    label = np.full(len(grid), None, dtype=object)
    for event in series_events.itertuples(index=False):
        inside = np.asarray((grid >= event.start) & (grid < event.end))
        multiplier[inside] *= event.multiplier
        label[inside] = event.description
    volume = volume * multiplier

    out = pd.DataFrame({TIME: grid, VOLUME: volume})
    for name, value in zip(keys, key, strict=True):
        out.insert(list(keys).index(name), name, value)
    empty = _Backtest(np.array([]), np.array([]), np.array([], np.int64), np.array([], np.int64))
    cells = backtests.get(chosen, empty)
    actual, predicted, horizon = cells.actual, cells.predicted, cells.horizon
    # Without backtest residuals: the day-to-day dispersion of the recent weeks.
    tail = slice(max(0, matrix.values.shape[0] - 8 * 7), None)
    fallback = history_dispersion(
        matrix.values[tail], matrix.weekday[tail], excluded=matrix.excluded[tail]
    )
    dispersion = estimate_dispersion(
        actual, predicted, horizon if horizon.size else None, fallback=fallback
    )
    day_of_horizon = (row + int((dates[0] - matrix.dates[-1]).astype(np.int64))).astype(np.int64)
    scales: dict[int, float] = {}
    # Calibrated where contacts are expected or came: an interval with neither
    # (a closed night left in the export as zeros) is [0, 0] or [0, 1] and
    # always covered, which would make every other interval too narrow.
    active = (predicted >= 1.0) | (actual >= 1.0)
    for level in levels:
        # The width of each level calibrated on the backtest cells: their
        # coverage, not only their variance, must match (heavy tails).
        scales[level] = (
            calibrate_dispersion(
                actual[active],
                predicted[active],
                _dispersion_for(dispersion, horizon)[active],
                level,
            )
            if active.any()
            else 1.0
        )
        lo, hi = negative_binomial_interval(
            volume, scales[level] * _dispersion_for(dispersion, day_of_horizon), level
        )
        out[f"volume_lo_{level}"] = lo
        out[f"volume_hi_{level}"] = hi
    if aht_matrix is not None:
        out[AHT] = aht_matrix[row, slot]
    out["model"] = chosen if model != "auto" else f"auto:{chosen}"
    out["event"] = pd.Series(label, dtype="object").astype("str").where(label != None)  # noqa: E711
    out["event_multiplier"] = multiplier
    choice["interval_scale"] = scales
    return _SeriesResult(frame=out, choice=choice)


def _forecast_series_recorded(
    item: tuple[SeriesKey, pd.DataFrame], **kwargs: Any
) -> tuple[SeriesKey, _SeriesResult, list[tuple[str, type[Warning]]]]:
    """Forecast one series and return the warnings it raised (to re-issue in the caller)."""
    key, rows = item
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CccplanWarning)
        result = _forecast_series(rows, key, **kwargs)
    relayed: list[tuple[str, type[Warning]]] = [
        (str(w.message), w.category) for w in caught if issubclass(w.category, CccplanWarning)
    ]
    return key, result, relayed


def _run(
    work: Callable[[tuple[SeriesKey, pd.DataFrame]], Any],
    groups: list[tuple[SeriesKey, pd.DataFrame]],
    *,
    n_jobs: int | None,
    progress: bool | None,
) -> Iterable[Any]:
    """Map ``work`` over the series, in worker processes when there are many."""
    cores = os.cpu_count() or 1
    if n_jobs is None:
        n_jobs = cores if len(groups) >= _PARALLEL_FROM else 1
    if int(n_jobs) < 1:
        raise InputError(f"forecast: `n_jobs` must be at least 1; got {n_jobs!r}")
    n_jobs = min(int(n_jobs), len(groups))
    if n_jobs <= 1:
        with _blas_on_one_thread():
            yield from (work(item) for item in _progress(groups, progress, "forecast"))
        return
    # "spawn": safe whatever threads the caller runs (fork after threads can deadlock).
    context = multiprocessing.get_context("spawn")
    with (
        _one_blas_thread_in_children(),
        ProcessPoolExecutor(max_workers=n_jobs, mp_context=context) as pool,
    ):
        yield from _progress_iter(pool.map(work, groups), len(groups), progress, "forecast")


# The models fit tiny matrices (a few hundred days): BLAS threads only contend,
# with each other and with the worker processes; with two busy cores they made
# the statsmodels fits two to ten times slower.
_BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@contextlib.contextmanager
def _one_blas_thread_in_children() -> Iterator[None]:
    """One BLAS thread in worker processes started meanwhile (unless the user set a number).

    BLAS libraries read these variables when they load, so the spawned workers
    must inherit them; the caller's own environment is restored afterwards.
    """
    saved = {name: os.environ.get(name) for name in _BLAS_THREAD_VARIABLES}
    for name in _BLAS_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def _blas_on_one_thread() -> Iterator[None]:
    """One BLAS thread in this process meanwhile.

    statsmodels' small fits run 10-20x slower when a multi-threaded BLAS
    competes with the other series for the cores.
    """
    with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
        yield


def _dispersion_for(dispersion: Any, horizon_day: npt.NDArray[np.int64]) -> FloatArray:
    """Per-interval dispersion from a per-horizon-day mapping (last day carried on)."""
    if isinstance(dispersion, Mapping):
        if not dispersion:
            return np.zeros(horizon_day.shape)
        days = np.array(sorted(dispersion))
        values = np.array([dispersion[d] for d in days], dtype=np.float64)
        index = np.clip(np.searchsorted(days, horizon_day), 0, len(days) - 1)
        return values[index]
    return np.broadcast_to(np.asarray(dispersion, dtype=np.float64), horizon_day.shape).copy()


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------


def _groups(frame: pd.DataFrame) -> tuple[list[str], list[tuple[SeriesKey, pd.DataFrame]]]:
    keys = [c for c in KEY_COLUMNS if c in frame.columns]
    if not keys:
        return keys, [((), frame)]
    groups = [
        (tuple(str(v) for v in (k if isinstance(k, tuple) else (k,))), g)
        for k, g in frame.groupby(keys, sort=True)
    ]
    return keys, groups


def _progress_iter(
    items: Iterable[Any], total: int, enabled: bool | None, what: str
) -> Iterable[Any]:
    if enabled is None:
        enabled = total >= _PARALLEL_FROM and sys.stderr.isatty()
    if not enabled:
        return items
    from tqdm.auto import tqdm  # noqa: PLC0415 - only for long runs

    bar: Iterable[Any] = tqdm(items, total=total, desc=what, unit="series")
    return bar


def _progress(items: list[Any], enabled: bool | None, what: str) -> Iterable[Any]:
    return _progress_iter(items, len(items), enabled, what)


def forecast(
    history: pd.DataFrame,
    horizon: int | str | BaseOffset,
    *,
    model: str = "auto",
    level: Sequence[int] = (80, 95),
    events: pd.DataFrame | None = None,
    opening_hours: OpeningHours | Mapping[Any, Any] | None = None,
    holidays: str | Iterable[Any] | None = None,
    progress: bool | None = None,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """Forecast interval volumes (and AHT) for every series of a history.

    Parameters
    ----------
    history : pandas.DataFrame
        Canonical interval frame (see :func:`cccplan.read_volumes`): keys
        ``queue``/``channel``, ``interval_start``, ``volume`` and optionally
        ``aht`` (seconds). Closed intervals may simply be absent.
    horizon : int or str or pandas offset
        How far ahead: a number of intervals, or an offset such as ``"7D"`` or
        ``"6W"``. The forecast starts at the local midnight after the
        history's last day.
    model : str, default "auto"
        ``"auto"`` (chosen per series by backtest), or one of
        :data:`MODELS`: ``"seasonal_naive"``, ``"weekday_average"``,
        ``"topdown"``, ``"svd"``, ``"statespace"``, ``"ensemble"``.
    level : sequence of int, default (80, 95)
        Prediction-interval levels in percent; each adds ``volume_lo_<L>`` and
        ``volume_hi_<L>``.
    events : pandas.DataFrame, optional
        The client's events (ISO 18295-2, 6.5): ``start``, ``end``, and
        ``uplift`` (0.4 = +40%) or ``multiplier``; optional ``queue``,
        ``channel`` (missing = all) and ``description``. Event days are left
        out of training and the uplift is applied to the intervals they cover.
    opening_hours : OpeningHours or mapping, optional
        Hours per series (keyed by ``(queue, channel)``, queue or channel) or
        one for all. Closed intervals and closed dates are absent from the
        forecast. Default: hours inferred from the last eight and the last
        two weeks of the history (hours drift with the seasons).
    holidays : str or iterable of dates, optional
        Public holidays: a country code (``"DE"``, ``"DE-BE"``, via the
        ``holidays`` package) or dates. They are left out of training, and
        future holidays get the series' holiday factor (see Notes).
    progress : bool, optional
        Show a progress bar over series (default: with 8 or more series on a
        terminal).
    n_jobs : int, optional
        Worker processes for the series (each series is a pure function of
        its rows, so they run independently). Default: all cores when there
        are 8 or more series, else 1.

    Returns
    -------
    pandas.DataFrame
        One row per series and open interval of the horizon: keys,
        ``interval_start``, ``volume``, ``volume_lo_<L>``, ``volume_hi_<L>``,
        ``aht`` (when the history has it), ``model`` (``"auto:<chosen>"``
        under auto), ``event`` and ``event_multiplier``. ``attrs["freq"]`` is
        the history's; ``attrs["model_choice"]`` maps each series to a dict:
        ``model`` (the choice), ``reason``, ``wape`` (the backtest WAPE of
        every candidate), ``weights`` (under auto's combination: per weekday,
        ``{"Mon": {member: weight}, ...}``) and ``interval_scale`` (the
        calibration factor of the dispersion per level).

    Raises
    ------
    InputError
        For an invalid history (see :func:`cccplan.validate_frame`), an
        unknown model, a non-positive or unreadable horizon, malformed events
        or opening hours.

    Notes
    -----
    See the module docstring for the steps. Volumes are never negative or
    NaN. The holiday factor is the median, over past holidays with data, of
    the holiday's volume over the median of the same weekday in the three
    weeks around it; it needs two such holidays.

    Examples
    --------
    >>> import cccplan
    >>> centre = cccplan.load_example(days=120)
    >>> fc = cccplan.forecast(centre.history, "7D", model="weekday_average",
    ...                       opening_hours=centre.hours)
    >>> sorted(fc.columns)[:4]
    ['aht', 'channel', 'event', 'event_multiplier']
    >>> bool((fc["volume"] >= 0).all())
    True
    """
    _check_model(model)
    levels = _check_levels(level)
    frame = validate_frame(history, argument="history")
    freq = infer_freq(frame, argument="history")
    slot_minutes = slot_minutes_of(freq)
    tz = frame[TIME].dt.tz
    last_local = frame[TIME].max().tz_localize(None).normalize()
    start_local = last_local + pd.Timedelta(days=1)
    start = start_local.tz_localize(tz, ambiguous=False, nonexistent="shift_forward")
    window = _window(horizon, start=start, slot_minutes=slot_minutes)
    years = range(frame[TIME].min().year, window.end.year + 1)
    holiday_dates = _holiday_dates(holidays, years)
    keys, groups = _groups(frame)
    work = functools.partial(
        _forecast_series_recorded,
        keys=keys,
        freq=freq,
        tz=tz,
        window=window,
        model=model,
        levels=levels,
        holiday_dates=holiday_dates,
        events=events,
        opening_hours=opening_hours,
    )
    results = []
    choices: dict[SeriesKey, dict[str, Any]] = {}
    for key, result, caught in _run(work, groups, n_jobs=n_jobs, progress=progress):
        # Warnings raised in worker processes are re-issued here, in the caller's process.
        for message, category in caught:
            warnings.warn(message, category, stacklevel=2)
        results.append(result.frame)
        choices[key] = result.choice
    out = pd.concat(results, ignore_index=True) if results else pd.DataFrame()
    out = out.sort_values([*keys, TIME], kind="stable").reset_index(drop=True)
    out.attrs["freq"] = freq.freqstr
    out.attrs["model_choice"] = choices
    return out


def _check_levels(level: Sequence[int] | int) -> tuple[int, ...]:
    levels = (level,) if isinstance(level, (int, np.integer)) else tuple(level)
    for value in levels:
        if not isinstance(value, (int, np.integer)) or not 0 < int(value) < 100:
            raise InputError(
                f"forecast: `level` must be whole percentages between 0 and 100 (e.g. (80, 95)); "
                f"got {level!r}"
            )
    return tuple(int(v) for v in levels)


def backtest(
    history: pd.DataFrame,
    horizon: int | str | BaseOffset,
    *,
    windows: int = 4,
    step: str | int = "7D",
    models: Sequence[str] = ("seasonal_naive", "weekday_average", "topdown"),
    holidays: str | Iterable[Any] | None = None,
    events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rolling-origin evaluation of forecasting models on a history.

    For each series and each of ``windows`` origins (the latest origin leaves
    ``horizon`` of history to compare with; earlier ones step back by
    ``step``), every model is fitted on the days before the origin and
    forecasts ``horizon`` whole days; the forecasts are compared with the
    intervals present in the history (absent intervals are closed, not
    errors).

    Parameters
    ----------
    history : pandas.DataFrame
        Canonical interval frame.
    horizon : int or str
        Days ahead per origin: an offset such as ``"7D"`` or a number of days.
    windows : int, default 4
        Number of origins.
    step : str or int, default "7D"
        Distance between origins (offset or days).
    models : sequence of str
        Model names (see :data:`MODELS`).
    holidays, events
        As in :func:`forecast`: those days are not learnt from and not scored.

    Returns
    -------
    pandas.DataFrame
        Keys, ``interval_start``, ``cutoff`` (the origin: local midnight),
        ``model``, ``volume`` (the forecast) and ``actual``, for every
        evaluated interval; input for :func:`cccplan.accuracy`.
    """
    for name in models:
        _check_model(name, "models")
        if name == "auto":
            raise InputError("backtest: `models` lists models to compare; 'auto' is not one")
    if int(windows) < 1:
        raise InputError(f"backtest: `windows` must be at least 1; got {windows!r}")
    frame = validate_frame(history, argument="history")
    freq = infer_freq(frame, argument="history")
    horizon_days = _days(horizon, "horizon")
    step_days = _days(step, "step")
    tz = frame[TIME].dt.tz
    years = range(frame[TIME].min().year, frame[TIME].max().year + 1)
    holiday_dates = _holiday_dates(holidays, years)
    keys, groups = _groups(frame)
    parts = []
    for key, rows in groups:
        series_events = _events_for(events, key, keys, tz)
        excluded = np.concatenate([holiday_dates, _event_days(series_events)])
        matrix = to_day_matrix(rows, freq=freq, excluded_dates=excluded)
        for name in models:
            for w in range(int(windows)):
                cut = matrix.values.shape[0] - horizon_days - w * step_days
                if cut < 7:
                    break
                dates = matrix.dates[cut : cut + horizon_days]
                predicted = _model(name).fit(matrix.head(cut)).predict(dates)
                grid, row, slot = future_grid(dates, freq=freq, tz=str(tz))
                volume = to_frame_values(predicted, row, slot)
                cutoff = pd.Timestamp(dates[0]).tz_localize(
                    tz, ambiguous=False, nonexistent="shift_forward"
                )
                forecast_part = pd.DataFrame({TIME: grid, VOLUME: volume})
                truth = rows[[TIME, VOLUME]].rename(columns={VOLUME: "actual"})
                merged = forecast_part.merge(truth, on=TIME, how="inner")
                merged = merged[
                    ~np.isin(
                        merged[TIME]
                        .dt.tz_localize(None)
                        .dt.normalize()
                        .values.astype("datetime64[D]"),
                        matrix.dates[matrix.excluded],
                    )
                ]
                merged.insert(1, "cutoff", cutoff)
                merged.insert(2, "model", name)
                for name_key, value in zip(keys, key, strict=True):
                    merged.insert(keys.index(name_key), name_key, value)
                parts.append(merged)
    if not parts:
        raise InputError(
            "backtest: the history is too short for one window: it needs at least 7 days "
            f"before the horizon of {horizon_days} days"
        )
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values([*keys, "model", "cutoff", TIME], kind="stable").reset_index(drop=True)
    out.attrs["freq"] = freq.freqstr
    return out


def _days(value: int | str | BaseOffset, argument: str) -> int:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        days = int(value)
    else:
        try:
            days = math.ceil(pd.Timedelta(to_offset(value)) / pd.Timedelta(days=1))
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"backtest: `{argument}` must be a number of days or an offset such as '7D'; "
                f"got {value!r}"
            ) from exc
    if days < 1:
        raise InputError(f"backtest: `{argument}` must be at least one day; got {value!r}")
    return days
