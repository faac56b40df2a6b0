"""Baseline forecasters: seasonal naive and the weekday average of recent weeks.

Both forecast each slot of a future day from the same slot on past days of the
same weekday, which is what contact-centre workforce-management tools have
long done (Gans, Koole and Mandelbaum 2003, section 3.2). They are the
benchmarks every other model must beat in a backtest, and the fallback of
richer models on short histories.

* :class:`SeasonalNaive` copies the same slot of the most recent usable day one
  season (a week) earlier: Hyndman and Athanasopoulos (2021), section 5.2,
  applied per slot to a day x slot matrix.
* :class:`WeekdayAverage` averages the same weekday and slot over the last few
  usable weeks, with equal or recency weights.

Both ignore excluded days (holidays, events, outages: they are neither
copied nor averaged) and forecast 0 in a slot that had no value on any of the
days they look at, so never-open slots stay 0.

References
----------
.. [1] R. J. Hyndman and G. Athanasopoulos, *Forecasting: Principles and
   Practice*, 3rd ed., OTexts, 2021, section 5.2 ("Some simple forecasting
   methods"). https://otexts.com/fpp3/
.. [2] N. Gans, G. Koole and A. Mandelbaum, "Telephone call centers: tutorial,
   review, and research prospects", *Manufacturing & Service Operations
   Management* 5(2), 79-141, 2003.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

import numpy as np
import numpy.typing as npt

from cccplan.exceptions import CccplanError, InputError
from cccplan.forecast._matrix import weekday_of
from cccplan.forecast.models._profile import (
    BoolArray,
    FloatArray,
    IntArray,
    Weights,
    check_history,
    closed_phases,
    horizon_days,
    recency_weights,
    usable_days,
    weekday_inputs,
    weekday_table,
)

if TYPE_CHECKING:
    from cccplan.forecast._matrix import DayMatrix

__all__ = ["SeasonalNaive", "WeekdayAverage"]


def _day_number(dates: npt.NDArray[np.datetime64]) -> IntArray:
    """Days since 1970-01-01 (a Thursday), the clock the season's phase is read from."""
    return np.asarray(dates.astype("datetime64[D]").astype(np.int64), dtype=np.int64)


def _latest_per_slot(block: FloatArray) -> FloatArray:
    """Last non-NaN value of each column of ``block`` (rows in date order); NaN if none."""
    if block.shape[0] == 0:
        return np.full(block.shape[1], np.nan)
    rows = np.arange(block.shape[0])[:, None]
    last = np.where(np.isfinite(block), rows, -1).max(axis=0)
    picked = block[np.maximum(last, 0), np.arange(block.shape[1])]
    return np.asarray(np.where(last >= 0, picked, np.nan), dtype=np.float64)


def _seasonal_naive_table(
    values: FloatArray, phase: IntArray, usable: BoolArray, season_days: int
) -> FloatArray:
    """Seasonal-naive forecast of each phase of the season, shape (season_days, n_slots).

    Row ``p`` holds, per slot, the value on the most recent usable day of phase
    ``p`` that has the slot; a phase without a usable day takes the most
    recent usable day of any phase, unless the series is closed on it.
    """
    rows = np.flatnonzero(usable)
    any_phase = _latest_per_slot(values[rows])
    closed = closed_phases(values, phase, season_days)
    table = np.full((season_days, values.shape[1]), np.nan)
    for p in range(season_days):
        same = rows[phase[rows] == p]
        if same.size:
            table[p] = _latest_per_slot(values[same])
        elif not closed[p]:
            table[p] = any_phase
    result: FloatArray = np.nan_to_num(table, nan=0.0)
    return result


def _check_positive_int(model: str, name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise InputError(f"{model}: {name} must be an integer >= 1, got {value!r}")
    return int(value)


class SeasonalNaive:
    r"""Same slot, same weekday, last week: the seasonal naive forecast per slot.

    Parameters
    ----------
    season_days : int, default 7
        Length of the season in days: 7 repeats last week, 1 repeats
        yesterday, 364 the same weekday a year ago.

    Attributes
    ----------
    name : str
        ``"seasonal_naive"``.

    Notes
    -----
    The forecast for slot ``s`` of a future day ``t`` is

    .. math::

        \hat x_{t,s} = x_{t - k m, s}, \qquad k = \min\{k \ge 1 :
        t - k m \text{ is a usable day of the history with slot } s\},

    with ``m = season_days``: the most recent usable day of the same phase (the
    same weekday) and, days beyond the first season ahead, the same day again
    (the forecast repeats every ``m`` days). Excluded days (holidays, events,
    outages) are skipped, so the day before them is used instead. A slot
    absent on that day (a partial outage, the skipped hour of a DST change) is
    taken from the latest earlier day of the same phase that has it, or is 0 if
    none has. A phase with no usable day in the history (histories shorter than
    a season) takes the most recent usable day of any phase; a phase on which
    the series is closed (two or more occurrences, never any value) gives 0.

    Its error is that of one day's noise plus another's: on Poisson counts
    about ``sqrt(2)`` times the noise floor, which averages of several weeks
    (:class:`WeekdayAverage`) reduce.

    References
    ----------
    .. [1] R. J. Hyndman and G. Athanasopoulos, *Forecasting: Principles and
       Practice*, 3rd ed., OTexts, 2021, section 5.2.

    Examples
    --------
    >>> import numpy as np
    >>> from cccplan.forecast._matrix import DayMatrix, weekday_of
    >>> dates = np.arange("2024-01-01", "2024-01-15", dtype="datetime64[D]")
    >>> values = np.arange(28.0).reshape(14, 2)
    >>> history = DayMatrix(values, dates, weekday_of(dates), np.zeros(14, bool), 720)
    >>> future = np.arange("2024-01-15", "2024-01-17", dtype="datetime64[D]")
    >>> SeasonalNaive().forecast(history, future)
    array([[14., 15.],
           [16., 17.]])
    """

    name: str = "seasonal_naive"

    def __init__(self, *, season_days: int = 7) -> None:
        self.season_days = _check_positive_int("SeasonalNaive", "season_days", season_days)
        self._table: FloatArray | None = None
        self._end: np.datetime64 | None = None

    def __repr__(self) -> str:
        return f"SeasonalNaive(season_days={self.season_days})"

    def fit(self, history: DayMatrix) -> Self:
        """Remember the latest usable day of each phase of the season.

        Parameters
        ----------
        history : DayMatrix
            Volumes per local day and slot, with the days to exclude.

        Returns
        -------
        SeasonalNaive
            ``self``, fitted.
        """
        check_history(history, model="SeasonalNaive")
        values = np.asarray(history.values, dtype=np.float64)
        usable = usable_days(values, np.asarray(history.excluded, dtype=bool))
        phase = _day_number(np.asarray(history.dates)) % self.season_days
        self._table = _seasonal_naive_table(values, phase, usable, self.season_days)
        self._end = np.datetime64(history.dates[-1], "D")
        return self

    def predict(self, dates: npt.ArrayLike) -> FloatArray:
        """Forecast the volume of each slot of the future days ``dates``.

        Parameters
        ----------
        dates : array_like of datetime64[D]
            Local days after the end of the history.

        Returns
        -------
        ndarray, shape (len(dates), n_slots)
            Point forecasts in contacts per slot: finite and ``>= 0``.
        """
        if self._table is None or self._end is None:
            raise CccplanError("SeasonalNaive: call fit(history) before predict(dates)")
        horizon_days(self._end, dates, model="SeasonalNaive")
        days = np.asarray(dates).astype("datetime64[D]")
        return self._table[_day_number(days) % self.season_days].copy()

    def forecast(self, history: DayMatrix, dates: npt.ArrayLike) -> FloatArray:
        """``fit(history).predict(dates)``."""
        return self.fit(history).predict(dates)


class WeekdayAverage:
    r"""Weighted average of the same weekday and slot over the last few usable weeks.

    Parameters
    ----------
    weeks : int, default 4
        Number of past occurrences of the weekday averaged.
    weights : {"linear", "equal"} or sequence of float, default "linear"
        ``"linear"``: the latest occurrence weighs ``weeks``, the one before
        ``weeks - 1``, ..., the oldest 1. ``"equal"``: a plain mean. A sequence
        of ``weeks`` positive numbers gives the weights, most recent first.

    Attributes
    ----------
    name : str
        ``"weekday_average"``.

    Notes
    -----
    For a future day ``t`` of weekday ``d`` and slot ``s``,

    .. math::

        \hat x_{t,s} = \frac{\sum_{j=1}^{k} w_j x_{t_j,s}}{\sum_{j=1}^{k} w_j},

    where ``t_1 > t_2 > ... > t_k`` are the last ``k = weeks`` usable days of
    weekday ``d`` in the history (excluded days are skipped, not counted as
    zeros) and the sum runs over those that have slot ``s`` (the weights are
    renormalised when a slot is missing on some of them). This is the
    "average of the last weeks" of most workforce-management tools (Gans,
    Koole and Mandelbaum 2003, section 3.2); the forecast is the same every
    week ahead. With fewer than ``k`` usable occurrences the available ones
    are averaged with the first weights; a weekday not seen at all (history
    shorter than a week) takes the weighted average of the last ``k`` usable
    days of any weekday; a weekday on which the series is closed (two or more
    occurrences, never any value) gives 0, as does a slot without any value.

    On Poisson counts, linear weights over 4 weeks leave an effective sample
    of ``(sum w)^2 / sum w^2 = 10/3`` days, so the error is about
    ``sqrt(1 + 3/10) = 1.14`` times the noise floor; equal weights give
    ``sqrt(1 + 1/4) = 1.12`` but follow a change of level more slowly.

    References
    ----------
    .. [1] N. Gans, G. Koole and A. Mandelbaum, "Telephone call centers:
       tutorial, review, and research prospects", *Manufacturing & Service
       Operations Management* 5(2), 79-141, 2003.
    .. [2] R. J. Hyndman and G. Athanasopoulos, *Forecasting: Principles and
       Practice*, 3rd ed., OTexts, 2021, section 5.2.

    Examples
    --------
    >>> import numpy as np
    >>> from cccplan.forecast._matrix import DayMatrix, weekday_of
    >>> dates = np.arange("2024-01-01", "2024-01-15", dtype="datetime64[D]")
    >>> values = np.repeat([[10.0], [20.0]], 7, axis=0)  # week 1: 10, week 2: 20
    >>> history = DayMatrix(values, dates, weekday_of(dates), np.zeros(14, bool), 1440)
    >>> future = np.array(["2024-01-15"], dtype="datetime64[D]")
    >>> WeekdayAverage(weeks=2, weights="equal").forecast(history, future)
    array([[15.]])
    >>> WeekdayAverage(weeks=2, weights=[3, 1]).forecast(history, future)
    array([[17.5]])
    """

    name: str = "weekday_average"

    def __init__(self, *, weeks: int = 4, weights: Weights = "linear") -> None:
        self.weeks = _check_positive_int("WeekdayAverage", "weeks", weeks)
        self.weights = weights
        self._weights = recency_weights(weights, self.weeks, model="WeekdayAverage")
        self._table: FloatArray | None = None
        self._end: np.datetime64 | None = None

    def __repr__(self) -> str:
        return f"WeekdayAverage(weeks={self.weeks}, weights={self.weights!r})"

    def fit(self, history: DayMatrix) -> Self:
        """Average each weekday and slot over its last usable occurrences.

        Parameters
        ----------
        history : DayMatrix
            Volumes per local day and slot, with the days to exclude.

        Returns
        -------
        WeekdayAverage
            ``self``, fitted.
        """
        values, weekday, usable, closed = weekday_inputs(history, model="WeekdayAverage")
        mean, _ = weekday_table(values, weekday, usable, weights=self._weights, closed=closed)
        self._table = np.nan_to_num(mean, nan=0.0)
        self._end = np.datetime64(history.dates[-1], "D")
        return self

    def predict(self, dates: npt.ArrayLike) -> FloatArray:
        """Forecast the volume of each slot of the future days ``dates``.

        Parameters
        ----------
        dates : array_like of datetime64[D]
            Local days after the end of the history.

        Returns
        -------
        ndarray, shape (len(dates), n_slots)
            Point forecasts in contacts per slot: finite and ``>= 0``.
        """
        if self._table is None or self._end is None:
            raise CccplanError("WeekdayAverage: call fit(history) before predict(dates)")
        horizon_days(self._end, dates, model="WeekdayAverage")
        days = np.asarray(dates).astype("datetime64[D]")
        return self._table[weekday_of(days)].copy()

    def forecast(self, history: DayMatrix, dates: npt.ArrayLike) -> FloatArray:
        """``fit(history).predict(dates)``."""
        return self.fit(history).predict(dates)
