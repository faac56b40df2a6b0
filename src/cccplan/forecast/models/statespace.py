r"""A structural time-series model of daily totals with calendar regressors.

:class:`DailyStateSpace` models the log of each day's total volume as a
basic structural model (Harvey 1989) [1]_ fitted by maximum likelihood with
the Kalman filter of statsmodels [2]_,

.. math::

    \log(1 + Y_d) = \mu_d + \gamma_d + \beta_1 H_d + \beta_2 A_d + \varepsilon_d,

* ``mu_d``: a local level (random walk), which follows the slow changes in
  volume (growth, channel shift, the season);
* ``gamma_d``: a stochastic weekly seasonal (period 7): the day-of-week
  effects, allowed to drift;
* ``H_d``: the excluded-day (holiday) indicator. Excluded days that have
  data (a public holiday on which e-mail still arrives, a client's event)
  are modelled through it rather than dropped, so they neither distort the
  level nor are lost; excluded days without data (a voice queue closed on a
  holiday, an outage) are missing observations, which the Kalman filter
  skips;
* ``A_d``: the first open day after an excluded day (catch-up volume).

The regression coefficients are part of the state (estimated by the Kalman
filter, not by the optimiser), so only three variances are estimated. One
indicator serves every kind of excluded day, so its effect is their average:
a series whose excluded days mix closures with campaigns gets a blurred
effect. The day's forecast is split into slots by the intraday profile of
its weekday over its last ``profile_weeks`` usable occurrences: the daily
total and intraday proportions decomposition that Shen and Huang [3]_ take as
their benchmark.

Deviations from a textbook structural model: the forecast of the total is the
conditional mean under the log-normal model,
``exp(m + v / 2) - 1`` with ``m`` and ``v`` the Kalman forecast mean and
variance, not the median ``exp(m) - 1``. Future days are normal days unless
the caller flags them with ``future_excluded``.

References
----------
.. [1] A. C. Harvey, *Forecasting, Structural Time Series Models and the
   Kalman Filter*, Cambridge University Press, 1989.
.. [2] J. Durbin and S. J. Koopman, *Time Series Analysis by State Space
   Methods*, 2nd ed., Oxford University Press, 2012.
.. [3] H. Shen and J. Z. Huang, "Interday forecasting and intraday updating
   of call center arrivals", *Manufacturing & Service Operations Management*
   10(3), 391-410, 2008 (daily totals and intraday proportions).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Self, TypeAlias

import numpy as np
import numpy.typing as npt
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.statespace.structural import UnobservedComponents

from cccplan.exceptions import CccplanError, InputError
from cccplan.forecast._matrix import DayMatrix, weekday_of
from cccplan.forecast.models._profile import (
    check_history,
    closed_phases,
    horizon_days,
    intraday_profile,
    recency_weights,
    usable_days,
    weekday_table,
)
from cccplan.forecast.models.svd import _is_count

__all__ = ["DailyStateSpace"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
IntArray: TypeAlias = npt.NDArray[np.int64]

# Fewer observed days than this and the daily totals are forecast by their
# weekday means instead (four weeks: a few observations of each weekday).
_MIN_DAYS_MODEL = 28
# Days of history the state-space model sees (two years): older days barely
# move a local level and only cost time.
_MAX_DAYS = 728
# Optimiser iterations: the likelihood has three variances and is smooth.
_MAXITER = 50
# Log totals whose weekday means explain them this well leave the variances
# unidentified (noise-free data): the weekday means are then the forecast.
_EXACT = 1e-9


def _after_excluded(off: BoolArray, open_day: BoolArray) -> BoolArray:
    """Open, not excluded days whose previous open-weekday day was excluded."""
    rows = np.flatnonzero(open_day)
    previous_off = np.zeros_like(off)
    previous_off[rows[1:]] = off[rows[:-1]]
    after: BoolArray = open_day & ~off & previous_off
    return after


@dataclass(frozen=True)
class _DailyFit:
    """Everything :meth:`DailyStateSpace.predict` needs."""

    last: np.datetime64
    method: str
    profiles: FloatArray  # (7, n_slots)
    open_weekday: BoolArray  # (7,)
    weekday_means: FloatArray  # (7,) daily totals (fallback and closed weekdays)
    off: BoolArray  # (n_window,) excluded days on open weekdays, for A_d in the future
    open_day: BoolArray  # (n_window,)
    regressors: tuple[str, ...]  # subset of ("holiday", "after_holiday") in the model
    results: object | None  # statsmodels results (None for the fallback)
    holiday_effect: float  # relative effect exp(beta_1) - 1 (NaN if not estimated)


def _weekday_mean_totals(totals: FloatArray, weekday: IntArray, rows: BoolArray) -> FloatArray:
    """Mean daily total per weekday over ``rows``; the overall mean for unseen weekdays."""
    if not rows.any():
        return np.zeros(7)
    counts = np.bincount(weekday[rows], minlength=7)
    sums = np.bincount(weekday[rows], weights=totals[rows], minlength=7)
    overall = totals[rows].mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        means: FloatArray = np.where(counts > 0, sums / counts, overall)
    return means


def _fit_daily(
    history: DayMatrix, profile_weeks: int, start_params: FloatArray | None = None
) -> _DailyFit:
    values = np.asarray(history.values, dtype=np.float64)
    weekday = np.asarray(history.weekday, dtype=np.int64)
    excluded = np.asarray(history.excluded, dtype=bool)
    usable = usable_days(values, excluded)
    closed = closed_phases(values, weekday, 7)
    level, n_eff = weekday_table(
        values,
        weekday,
        usable,
        weights=recency_weights("equal", profile_weeks, model="DailyStateSpace"),
        closed=closed,
    )
    profiles = intraday_profile(level, n_eff)
    open_weekday = ~closed
    last = np.datetime64(np.asarray(history.dates)[-1], "D")

    start = max(values.shape[0] - _MAX_DAYS, 0)
    values, weekday, excluded, usable = (
        values[start:],
        weekday[start:],
        excluded[start:],
        usable[start:],
    )
    has_data = np.isfinite(values).any(axis=1)
    totals = np.nansum(values, axis=1)
    open_day = open_weekday[weekday]
    off = excluded & open_day
    holiday = off & has_data
    after = _after_excluded(off, open_day)
    observed = has_data & open_day
    means = _weekday_mean_totals(totals, weekday, usable)

    def fallback(method: str) -> _DailyFit:
        return _DailyFit(
            last, method, profiles, open_weekday, means, off, open_day, (), None, np.nan
        )

    if usable.sum() < _MIN_DAYS_MODEL:
        return fallback("weekday mean")
    log_totals = np.where(observed, np.log1p(totals), np.nan)
    log_means = _weekday_mean_totals(np.log1p(totals), weekday, usable)
    if np.nanmax(np.abs(log_totals - log_means[weekday])[usable]) < _EXACT:
        return fallback("weekday mean")

    candidates = {"holiday": holiday, "after_holiday": after}
    # A regressor constant over the observed days has no identifiable coefficient.
    regressors = tuple(
        name for name, x in candidates.items() if 0 < (x & observed).sum() < observed.sum()
    )
    exog = (
        np.column_stack([candidates[name] for name in regressors]).astype(np.float64)
        if regressors
        else None
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            model = UnobservedComponents(
                log_totals,
                level="local level",
                seasonal=7,
                exog=exog,
                mle_regression=False,
            )
            # cov_type="none": the standard errors (a numerical Hessian) are not used.
            start = None
            if start_params is not None and start_params.size == len(model.start_params):
                start = start_params
            results = model.fit(
                start_params=start, method="lbfgs", maxiter=_MAXITER, disp=False, cov_type="none"
            )
    except (np.linalg.LinAlgError, ValueError):
        return fallback("weekday mean (state-space fit failed)")
    if not np.all(np.isfinite(results.params)):
        return fallback("weekday mean (state-space fit failed)")
    holiday_effect = np.nan
    if "holiday" in regressors:
        # Regression coefficients are the last states; the final filtered
        # estimate uses the whole sample.
        coefficient = results.filtered_state[-len(regressors) + regressors.index("holiday"), -1]
        holiday_effect = float(np.expm1(coefficient))
    return _DailyFit(
        last,
        "unobserved components",
        profiles,
        open_weekday,
        means,
        off,
        open_day,
        regressors,
        results,
        holiday_effect,
    )


def _predict_daily(
    fit: _DailyFit, dates: npt.NDArray[np.datetime64], future_excluded: BoolArray
) -> FloatArray:
    weekday = weekday_of(dates)
    if dates.size == 0:
        return np.zeros((0, fit.profiles.shape[1]))
    totals = fit.weekday_means[weekday]
    if fit.results is not None:
        steps = (dates - fit.last).astype(np.int64)
        horizon = int(steps.max())
        all_days = fit.last + np.arange(1, horizon + 1).astype("timedelta64[D]")
        future_off = np.zeros(horizon, dtype=bool)
        future_off[steps - 1] = future_excluded
        future_open = fit.open_weekday[weekday_of(all_days)]
        future_off &= future_open
        after = _after_excluded(
            np.concatenate([fit.off, future_off]), np.concatenate([fit.open_day, future_open])
        )[fit.off.size :]
        candidates = {"holiday": future_off, "after_holiday": after}
        exog = (
            np.column_stack([candidates[name] for name in fit.regressors]).astype(np.float64)
            if fit.regressors
            else None
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            prediction = fit.results.get_forecast(steps=horizon, exog=exog)  # type: ignore[attr-defined]
            mean = np.asarray(prediction.predicted_mean, dtype=np.float64)[steps - 1]
            variance = np.asarray(prediction.var_pred_mean, dtype=np.float64)[steps - 1]
            model_totals = np.expm1(mean + np.maximum(variance, 0.0) / 2)
        totals = np.where(np.isfinite(model_totals), model_totals, totals)
    totals = np.where(fit.open_weekday[weekday], np.maximum(totals, 0.0), 0.0)
    result: FloatArray = totals[:, None] * fit.profiles[weekday]
    return result


class DailyStateSpace:
    r"""Daily totals from a structural time-series model, split by weekday profiles.

    Parameters
    ----------
    profile_weeks : int, default 8
        Weeks of history whose usable days make each weekday's intraday
        profile.

    Attributes
    ----------
    name : str
        ``"state_space"``.
    method_ : str
        After :meth:`fit`: ``"unobserved components"``, or ``"weekday mean"``
        when the history was too short (or the fit failed, said in brackets).
    holiday_effect_ : float
        After :meth:`fit`: the estimated relative effect of an excluded day
        on the daily total (``-0.55``: 55 % fewer contacts); NaN when no
        excluded day with data was in the history.

    Notes
    -----
    The model of ``log(1 + Y_d)`` (``Y_d``: the day's total) is
    statsmodels' ``UnobservedComponents(level="local level", seasonal=7,
    exog=[H, A], mle_regression=False)``, fitted on at most the last two
    years: local level, stochastic weekly seasonal, an excluded-day indicator
    ``H`` and a first-day-after-an-excluded-day indicator ``A``. Days without
    data are missing; a weekday seen at least twice and never with data is
    closed (forecast 0). The forecast total is ``exp(m + v/2) - 1`` (the
    log-normal mean), multiplied by the weekday's intraday profile
    (:func:`~cccplan.forecast.models._profile.intraday_profile`): the share
    of each slot in the weekday's volume over its last ``profile_weeks``
    usable occurrences, smoothed across neighbouring slots as much as its
    noise warrants (the last usable days of any weekday when the weekday has
    none).

    Short histories: with fewer than 28 usable days the daily total is
    forecast by its weekday mean over the usable days (the mean of all usable
    days for a weekday not seen yet). A history made only of excluded days is
    learnt from all the same, as a last resort; without any data at all the
    forecast is 0.
    Noise-free weekday patterns (log totals equal to their weekday means)
    take the same route, where the likelihood has no maximum.

    References
    ----------
    .. [1] A. C. Harvey, *Forecasting, Structural Time Series Models and the
       Kalman Filter*, Cambridge University Press, 1989.

    Examples
    --------
    >>> import numpy as np
    >>> from cccplan.forecast._matrix import DayMatrix, weekday_of
    >>> dates = np.arange("2024-01-01", "2024-03-25", dtype="datetime64[D]")
    >>> rng = np.random.default_rng(1)
    >>> level = np.array([130.0, 110, 100, 97, 88, 40, 30])[weekday_of(dates)]
    >>> values = rng.poisson(np.outer(level, [0.2, 0.5, 0.3])).astype(float)
    >>> history = DayMatrix(values, dates, weekday_of(dates), np.zeros(dates.size, bool), 480)
    >>> model = DailyStateSpace().fit(history)
    >>> model.method_
    'unobserved components'
    >>> week = np.arange("2024-03-25", "2024-04-01", dtype="datetime64[D]")
    >>> model.predict(week).sum(axis=1).round(-1)  # daily totals, Monday to Sunday
    array([140., 110., 110.,  90.,  90.,  40.,  30.])
    """

    name: str = "state_space"

    def __init__(self, *, profile_weeks: int = 8) -> None:
        if not _is_count(profile_weeks):
            raise InputError(
                f"DailyStateSpace: `profile_weeks` must be an integer >= 1; got {profile_weeks!r}"
            )
        self.profile_weeks = int(profile_weeks)
        self._fit: _DailyFit | None = None
        self._start_params: FloatArray | None = None

    def __repr__(self) -> str:
        return f"DailyStateSpace(profile_weeks={self.profile_weeks})"

    def _fitted(self, what: str) -> _DailyFit:
        if self._fit is None:
            raise CccplanError(f"DailyStateSpace: call fit(history) before {what}")
        return self._fit

    @property
    def method_(self) -> str:
        """How the daily totals are forecast (model, or the fallback)."""
        return self._fitted("method_").method

    @property
    def holiday_effect_(self) -> float:
        """Relative effect of an excluded day on the daily total (NaN: not estimated)."""
        return self._fitted("holiday_effect_").holiday_effect

    def fit(self, history: DayMatrix) -> Self:
        """Fit the daily model and the weekday profiles to ``history``.

        Parameters
        ----------
        history : DayMatrix
            Volumes per day and slot (contacts).

        Returns
        -------
        DailyStateSpace
            ``self``, fitted.
        """
        check_history(history, model="DailyStateSpace")
        self._fit = _fit_daily(history, self.profile_weeks, self._start_params)
        return self

    def warm_start(self, previous: DailyStateSpace) -> Self:
        """Start the next :meth:`fit`'s optimiser from the variances ``previous`` estimated.

        Rolling-origin backtests fit the model on nested histories whose
        likelihoods have nearly the same maximum; starting from the last one
        saves most of the optimiser's iterations. The maximum found is the
        same up to the optimiser's tolerance.

        Parameters
        ----------
        previous : DailyStateSpace
            A fitted model (unfitted, or fitted by a fallback: no effect).

        Returns
        -------
        DailyStateSpace
            ``self``.
        """
        fit = previous._fit
        if fit is not None and fit.results is not None:
            params: Any = getattr(fit.results, "params", None)
            if params is not None:
                self._start_params = np.asarray(params, dtype=np.float64)
        return self

    def predict(
        self, dates: npt.ArrayLike, *, future_excluded: npt.ArrayLike | None = None
    ) -> FloatArray:
        """Forecast volume per slot for future days.

        Parameters
        ----------
        dates : array_like of datetime64[D]
            Local days after the last day of the history.
        future_excluded : array_like of bool, optional
            Which of ``dates`` are excluded days (a holiday on which the
            series still has contacts, an event); they get the estimated
            excluded-day effect. Default: none.

        Returns
        -------
        ndarray, shape (len(dates), n_slots)
            Forecast contacts per slot: finite and >= 0.
        """
        fit = self._fitted("predict")
        horizon_days(fit.last, dates, model="DailyStateSpace")
        days = np.asarray(dates).astype("datetime64[D]")
        if future_excluded is None:
            flags = np.zeros(days.size, dtype=bool)
        else:
            flags = np.asarray(future_excluded)
            if flags.shape != days.shape or flags.dtype != np.bool_:
                raise InputError(
                    "DailyStateSpace.predict: `future_excluded` must be a boolean array with "
                    f"one flag per date ({days.size}); got {flags.dtype} of shape {flags.shape}"
                )
        return _predict_daily(fit, days, flags)

    def forecast(
        self,
        history: DayMatrix,
        dates: npt.ArrayLike,
        *,
        future_excluded: npt.ArrayLike | None = None,
    ) -> FloatArray:
        """``fit(history).predict(dates, future_excluded=future_excluded)``."""
        return self.fit(history).predict(dates, future_excluded=future_excluded)
