r"""Prediction intervals for contact counts, calibrated on the series' own forecast errors.

The number of contacts in an interval is a count whose rate is itself
uncertain: the day may be busier or quieter than forecast, for reasons no
model sees. Jongbloed & Koole (2001) model this as a Poisson mixture; with a
gamma-distributed rate the count is negative binomial,

.. math::

    Y \mid \Lambda \sim \mathrm{Poisson}(\Lambda), \quad
    \Lambda \sim \mathrm{Gamma}(\text{mean } \mu, \text{ variance } \phi \mu^2)
    \;\Rightarrow\;
    E Y = \mu, \quad \operatorname{Var} Y = \mu + \phi \mu^2,

so the interval around a point forecast ``mu`` needs one number per series
and horizon, the dispersion ``phi`` (``phi = 0`` is Poisson: the rate is known
exactly). It is estimated by the method of moments from the pairs (actual,
forecast) of rolling-origin backtests (:func:`estimate_dispersion`), so that
it measures the forecast's real error (its bias and the day-to-day swings of
the rate alike), not a textbook assumption. Without backtests,
:func:`history_dispersion` estimates it from the day-to-day variation of the
history's daily totals; without either, the intervals are Poisson and a
:class:`CalibrationWarning` says so.

:func:`negative_binomial_interval` turns ``mu`` and ``phi`` into integer
bounds (counts), whose coverage is at least the nominal level when the
counts are negative binomial. Real forecast errors have heavier or lighter
tails; :func:`calibrate_dispersion` finds, per level, the factor on ``phi``
that makes the backtest intervals cover their actual counts at the nominal
rate (split conformal calibration of the width).

References
----------
.. [1] G. Jongbloed and G. Koole, "Managing uncertainty in call centres using
   Poisson mixtures", *Applied Stochastic Models in Business and Industry*
   17(4), 307-318, 2001.
.. [2] S. Kolassa, "Evaluating predictive count data distributions in retail
   sales forecasting", *International Journal of Forecasting* 32(3), 788-803,
   2016.
.. [3] A. C. Cameron and P. K. Trivedi, *Regression Analysis of Count Data*,
   2nd ed., Cambridge University Press, 2013, section 3.2 (negative binomial
   variance function ``mu + alpha mu^2``, moment estimators).
"""

from __future__ import annotations

import warnings
from typing import overload

import numpy as np
import numpy.typing as npt
from scipy import special, stats

from cccplan.exceptions import CalibrationWarning, InputError
from cccplan.queueing._arrays import broadcast, check_nonnegative

__all__ = [
    "CalibrationWarning",
    "calibrate_dispersion",
    "estimate_dispersion",
    "history_dispersion",
    "negative_binomial_interval",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def _values(function: str, name: str, value: npt.ArrayLike) -> FloatArray:
    try:
        return np.asarray(value, dtype=np.float64).ravel()
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{function}: `{name}` must be numeric (an array of contact counts); got {value!r}"
        ) from exc


def _moments(actual: FloatArray, forecast: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The method-of-moments terms ``(y - mu)^2 - mu`` and ``mu^2`` per pair."""
    return (actual - forecast) ** 2 - forecast, forecast**2


def _ratio_or_nan(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        phi = np.where(
            denominator > 0, numerator / np.where(denominator > 0, denominator, 1.0), np.nan
        )
    # max(0, .): fewer deviations than Poisson are sampling noise, not under-dispersion.
    return np.where(np.isnan(phi), phi, np.maximum(phi, 0.0))


def _poisson_fallback(fallback: float | None, why: str) -> float:
    if fallback is not None:
        return float(fallback)
    warnings.warn(
        f"{why}: prediction intervals assume Poisson counts (dispersion 0) and will be too "
        "narrow if the arrival rate varies from day to day; give a fallback dispersion, e.g. "
        "cccplan.forecast.intervals.history_dispersion(...)",
        CalibrationWarning,
        stacklevel=3,
    )
    return 0.0


@overload
def estimate_dispersion(
    actual: npt.ArrayLike,
    forecast: npt.ArrayLike,
    horizon_day: None = None,
    *,
    fallback: float | None = None,
) -> float: ...


@overload
def estimate_dispersion(
    actual: npt.ArrayLike,
    forecast: npt.ArrayLike,
    horizon_day: npt.ArrayLike,
    *,
    fallback: float | None = None,
) -> dict[int, float]: ...


def estimate_dispersion(
    actual: npt.ArrayLike,
    forecast: npt.ArrayLike,
    horizon_day: npt.ArrayLike | None = None,
    *,
    fallback: float | None = None,
) -> float | dict[int, float]:
    r"""Negative binomial dispersion of actual counts around their forecasts (method of moments).

    Parameters
    ----------
    actual : array_like
        Actual contacts per interval from rolling-origin backtests of one
        series (NaN = absent interval, left out).
    forecast : array_like
        The backtest forecast of each of those intervals (contacts, ``>= 0``),
        same shape as ``actual``.
    horizon_day : array_like of int, optional
        Horizon day of each pair (1 = the first day after the forecast origin,
        see :func:`cccplan.forecast.accuracy.horizon_day`). When given, one
        dispersion per horizon day is returned.
    fallback : float, optional
        Dispersion to use where none can be estimated (no pair with a positive
        forecast), e.g. from :func:`history_dispersion`. Without it, such cases
        get 0 (Poisson) and a :class:`CalibrationWarning`.

    Returns
    -------
    float or dict of int to float
        ``phi >= 0`` (contacts are counted, so ``phi`` is per contact: the
        variance is ``mu + phi mu^2``); a ``{horizon_day: phi}`` dict, sorted
        by horizon day, when ``horizon_day`` is given. A horizon day without a
        positive forecast gets the estimate pooled over all horizon days, or
        the fallback. With ``horizon_day`` given and no pairs at all, the dict
        is empty (and the warning is issued unless ``fallback`` is given).
        NaN when a forecast is NaN next to a known actual.

    Raises
    ------
    InputError
        If the arrays are not numeric, differ in shape, hold negative counts,
        or ``horizon_day`` is not whole numbers.

    Notes
    -----
    If :math:`E[(y - \mu)^2] = \mu + \phi \mu^2` for every pair, then
    :math:`E[(y - \mu)^2 - \mu] = \phi \mu^2`, and summing over pairs gives
    the moment estimator

    .. math::

        \hat\phi = \max\Bigl(0, \frac{\sum_t \bigl((y_t - \mu_t)^2 - \mu_t\bigr)}
                                     {\sum_t \mu_t^2}\Bigr),

    which weights the busy intervals most (the weights are ``mu^2``), where
    staffing matters most: it is the weighted least-squares fit of
    :math:`(y - \mu)^2 - \mu` on :math:`\mu^2` with weights :math:`1/\mu^2`
    (cf. Cameron & Trivedi 2013, 3.2, for moment estimators of this "NB2"
    variance).
    ``mu`` is the *forecast*, not the true rate, so ``phi`` absorbs the
    forecast's own error (bias and estimation noise) as well as the
    over-dispersion of arrivals (Jongbloed & Koole 2001): it calibrates the
    interval to how wrong this forecast has been. A rare extreme day (an
    unflagged outage or event) in the backtest weighs heavily; flag such days
    as excluded upstream. With few pairs per horizon day the per-day
    estimates are noisy.

    References
    ----------
    .. [1] G. Jongbloed and G. Koole, "Managing uncertainty in call centres
       using Poisson mixtures", *Applied Stochastic Models in Business and
       Industry* 17(4), 307-318, 2001.
    .. [2] A. C. Cameron and P. K. Trivedi, *Regression Analysis of Count
       Data*, 2nd ed., Cambridge University Press, 2013.

    Examples
    --------
    >>> # ((14-10)^2 - 10 + (6-10)^2 - 10 + (20-20)^2 - 20) / (100 + 100 + 400) = -8 / 600 -> 0
    >>> estimate_dispersion([14, 6, 20], [10.0, 10.0, 20.0])
    0.0
    >>> # day 1: (16 - 10 + 16 - 10) / 200 = 0.06; day 2: (400 - 20 + 0 - 20) / 800 = 0.45
    >>> estimate_dispersion([14, 6, 40, 20], [10.0, 10.0, 20.0, 20.0], [1, 1, 2, 2])
    {1: 0.06, 2: 0.45}
    """
    function = "estimate_dispersion"
    y = _values(function, "actual", actual)
    mu = _values(function, "forecast", forecast)
    if y.shape != mu.shape:
        raise InputError(
            f"{function}: `actual` and `forecast` must have the same length; got {y.size} "
            f"and {mu.size}"
        )
    if fallback is not None and not (np.isfinite(fallback) and fallback >= 0):
        raise InputError(f"{function}: `fallback` must be a dispersion >= 0; got {fallback!r}")
    known = ~np.isnan(y)
    for name, values in (("actual", y), ("forecast", mu)):
        if (known & (values < 0)).any():
            raise InputError(f"{function}: `{name}` must be contact counts >= 0")
    numerator, denominator = _moments(y[known], mu[known])
    pooled = float(
        _ratio_or_nan(np.sum(numerator, keepdims=True), np.sum(denominator, keepdims=True))[0]
    )
    if np.isnan(np.sum(numerator)):
        pooled = float("nan")  # a NaN forecast next to a known actual
    elif np.isnan(pooled):
        pooled = _poisson_fallback(
            fallback,
            "estimate_dispersion: no backtest pair with a positive forecast"
            if y.size
            else "estimate_dispersion: no backtest residuals",
        )
    if horizon_day is None:
        return pooled

    days_raw = np.asarray(horizon_day).ravel()
    if days_raw.shape != y.shape:
        raise InputError(
            f"{function}: `horizon_day` must have one entry per pair; got {days_raw.size} "
            f"for {y.size} pairs"
        )
    try:
        days = days_raw.astype(np.int64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{function}: `horizon_day` must be whole numbers of days") from exc
    if not np.array_equal(days, days_raw):
        raise InputError(f"{function}: `horizon_day` must be whole numbers of days")
    labels, code = np.unique(days[known], return_inverse=True)
    day_numerator = np.bincount(code, weights=numerator, minlength=labels.size).astype(np.float64)
    day_denominator = np.bincount(code, weights=denominator, minlength=labels.size).astype(
        np.float64
    )
    per_day = _ratio_or_nan(day_numerator, day_denominator)
    undefined = day_denominator <= 0
    per_day = np.where(undefined, pooled, per_day)
    return {int(d): float(p) for d, p in zip(labels, per_day, strict=True)}


def history_dispersion(
    volume: npt.ArrayLike,
    weekday: npt.ArrayLike,
    *,
    excluded: npt.ArrayLike | None = None,
) -> float:
    r"""Dispersion from the day-to-day variation of daily totals: the fallback without backtests.

    Parameters
    ----------
    volume : array_like
        Contacts per local day, shape ``(n_days,)``, or per day and
        time-of-day slot, shape ``(n_days, n_slots)`` (a day x slot matrix;
        rows are summed over their known slots). NaN = no data (a day with no
        known slot is left out).
    weekday : array_like of int
        Day of the week of each day (0 = Monday), shape ``(n_days,)``.
    excluded : array_like of bool, optional
        Days to leave out (holidays, special days, outages).

    Returns
    -------
    float
        ``phi >= 0``. When no weekday has two usable days (under two weeks of
        history), 0 (Poisson) with a :class:`CalibrationWarning`.

    Raises
    ------
    InputError
        If the shapes do not match or a count is negative.

    Notes
    -----
    In the Poisson-mixture model of Jongbloed & Koole (2001) a day's rate is
    its expected rate times a busyness factor ``B`` with mean 1 and variance
    ``phi`` shared by all its intervals; then every interval count *and* the
    day total ``D`` have variance ``mu + phi mu^2`` with the same ``phi``. So
    ``phi`` is estimated on daily totals, where the signal is strongest: with
    ``k_w`` usable days of weekday ``w``, mean ``\bar D_w`` and
    :math:`E\sum_i (D_i - \bar D_w)^2 = (k_w - 1)(M_w + \phi M_w^2)`,

    .. math::

        \hat\phi = \max\Bigl(0, \frac{\sum_w \bigl(\sum_i (D_i - \bar D_w)^2
                    - (k_w - 1) \bar D_w\bigr)}{\sum_w (k_w - 1) \bar D_w^2}\Bigr).

    This describes the uncertainty of the rate around a weekday-mean
    forecast; it omits the intraday-shape error of a real forecast (so it can
    be low) and counts trend and seasonality as noise (so it can be high):
    pass the recent weeks only (8 to 13, say) to limit the latter.

    References
    ----------
    .. [1] G. Jongbloed and G. Koole, "Managing uncertainty in call centres
       using Poisson mixtures", *Applied Stochastic Models in Business and
       Industry* 17(4), 307-318, 2001.

    Examples
    --------
    >>> # Mondays 90, 110: SS = 200, minus mean 100 -> 100; over 100^2 -> 0.01
    >>> history_dispersion([90.0, 200.0, 110.0], [0, 1, 0])
    0.01
    """
    function = "history_dispersion"
    values = np.asarray(_values(function, "volume", volume).reshape(np.shape(volume)))
    if values.ndim == 2:
        present = ~np.isnan(values).all(axis=1)
        daily = np.where(present, np.nansum(values, axis=1), np.nan)
    elif values.ndim == 1:
        daily = values
    else:
        raise InputError(
            f"{function}: `volume` must be daily totals (n_days,) or a day x slot matrix "
            f"(n_days, n_slots); got shape {values.shape}"
        )
    days = np.asarray(weekday).ravel()
    if days.shape != daily.shape:
        raise InputError(
            f"{function}: `weekday` must have one entry per day; got {days.size} for "
            f"{daily.size} days"
        )
    usable = ~np.isnan(daily)
    if excluded is not None:
        skip = np.asarray(excluded, dtype=bool).ravel()
        if skip.shape != daily.shape:
            raise InputError(
                f"{function}: `excluded` must have one entry per day; got {skip.size} for "
                f"{daily.size} days"
            )
        usable &= ~skip
    if (daily[usable] < 0).any():
        raise InputError(f"{function}: `volume` must be contact counts >= 0")
    _, code = np.unique(days[usable], return_inverse=True)
    totals = daily[usable]
    k = np.bincount(code).astype(np.float64)
    mean = np.bincount(code, weights=totals) / np.maximum(k, 1.0)
    squares = np.bincount(code, weights=(totals - mean[code]) ** 2)
    repeated = k >= 2
    numerator = np.sum((squares - (k - 1.0) * mean)[repeated])
    denominator = np.sum(((k - 1.0) * mean**2)[repeated])
    if denominator <= 0:
        return _poisson_fallback(
            None, "history_dispersion: no weekday has two days of history with contacts"
        )
    return float(max(0.0, numerator / denominator))


def negative_binomial_interval(
    mu: npt.ArrayLike, phi: npt.ArrayLike, level: float
) -> tuple[FloatArray, FloatArray]:
    r"""Central prediction interval of a negative binomial count with mean ``mu``.

    Parameters
    ----------
    mu : array_like
        Point forecasts (expected contacts per interval, ``>= 0``).
    phi : array_like
        Dispersion ``>= 0`` (variance ``mu + phi mu^2``), broadcastable to
        ``mu``; 0 gives Poisson intervals.
    level : float
        Nominal coverage in percent, ``1 <= level < 100`` (80 for an 80 %
        interval).

    Returns
    -------
    lo, hi : ndarray
        Integer-valued float arrays of the broadcast shape (0-d for scalars):
        the ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles of the
        count. ``mu = 0`` gives ``[0, 0]``. NaN where an argument is NaN;
        a negative argument gives NaN and a :class:`cccplan.DomainWarning`.

    Raises
    ------
    InputError
        If ``level`` is not a percentage in [1, 100).

    Notes
    -----
    With size :math:`r = 1/\phi` and :math:`p = 1 / (1 + \phi\mu)`, the
    negative binomial (``scipy.stats.nbinom(r, p)``) has mean ``mu`` and
    variance ``mu + phi mu^2``; ``phi = 0`` is the Poisson limit.
    The bounds are the smallest counts with :math:`F(lo) \ge (1-\ell)/2` and
    :math:`F(hi) \ge (1+\ell)/2`, so

    .. math::

        P(lo \le Y \le hi) = F(hi) - F(lo - 1) \ge \tfrac{1+\ell}{2} - \tfrac{1-\ell}{2} = \ell:

    discrete intervals cover *at least* the nominal level, noticeably more
    at low counts (an 80 % interval for ``mu = 1`` is [0, 2] and covers
    92 %).

    References
    ----------
    .. [1] G. Jongbloed and G. Koole, "Managing uncertainty in call centres
       using Poisson mixtures", *Applied Stochastic Models in Business and
       Industry* 17(4), 307-318, 2001.

    Examples
    --------
    >>> lo, hi = negative_binomial_interval([0.0, 1.0, 100.0], 0.0, 80)
    >>> lo, hi
    (array([ 0.,  0., 87.]), array([  0.,   2., 113.]))
    >>> lo, hi = negative_binomial_interval(100.0, 0.04, 80)  # sd = sqrt(100 + 400) = 22.4
    >>> float(lo), float(hi)
    (72.0, 129.0)
    """
    function = "negative_binomial_interval"
    if isinstance(level, bool) or not isinstance(level, (int, float, np.integer, np.floating)):
        raise InputError(f"{function}: `level` must be a number (percent); got {level!r}")
    if not 1 <= float(level) < 100:
        raise InputError(
            f"{function}: `level` must be a percentage in [1, 100), e.g. 80 or 95; got {level!r}"
        )
    args = broadcast(function, mu=mu, phi=phi)
    check_nonnegative(function, args, "mu", "phi")
    m = args["mu"]
    d = args["phi"]
    valid = ~args.invalid & np.isfinite(m) & np.isfinite(d)
    # Quantile levels from percent, exactly: (100 - 80) / 200 is 0.1, (1 - 0.8) / 2 is not.
    q_lo = (100.0 - float(level)) / 200.0
    q_hi = (100.0 + float(level)) / 200.0
    lo = np.full(m.shape, np.nan)
    hi = np.full(m.shape, np.nan)
    zero = valid & (m == 0)
    lo[zero] = 0.0
    hi[zero] = 0.0
    poisson = valid & (m > 0) & (d == 0)
    if poisson.any():
        lo[poisson] = stats.poisson.ppf(q_lo, m[poisson])
        hi[poisson] = stats.poisson.ppf(q_hi, m[poisson])
    mixed = valid & (m > 0) & (d > 0)
    if mixed.any():
        size = 1.0 / d[mixed]
        prob = 1.0 / (1.0 + d[mixed] * m[mixed])
        lo[mixed] = stats.nbinom.ppf(q_lo, size, prob)
        hi[mixed] = stats.nbinom.ppf(q_hi, size, prob)
    return args.result(lo), args.result(hi)


def _covered(actual: FloatArray, mu: FloatArray, phi: FloatArray, level: float) -> BoolArray:
    """Whether each count lies in the :func:`negative_binomial_interval` of ``level``.

    Computed from the distribution function rather than the quantiles (which
    are ten times slower): with integer bounds, ``lo <= y`` exactly when
    ``F(floor(y)) >= (1 - level) / 2`` and ``y <= hi`` exactly when
    ``F(ceil(y) - 1) < (1 + level) / 2``.
    """
    q_lo = (100.0 - float(level)) / 200.0
    q_hi = (100.0 + float(level)) / 200.0
    below = np.floor(actual)
    above = np.ceil(actual) - 1.0

    def cdf(k: FloatArray) -> FloatArray:
        with np.errstate(invalid="ignore", divide="ignore"):
            poisson = special.pdtr(np.maximum(k, 0.0), mu)
            size = 1.0 / np.where(phi > 0, phi, 1.0)
            mixed = special.betainc(size, np.maximum(k, 0.0) + 1.0, 1.0 / (1.0 + phi * mu))
        value = np.where(phi > 0, mixed, poisson)
        return np.asarray(np.where(k < 0, 0.0, value), dtype=np.float64)

    inside = (cdf(below) >= q_lo) & (cdf(above) < q_hi)
    return np.asarray(np.where(mu > 0, inside, actual == 0), dtype=np.bool_)


def calibrate_dispersion(
    actual: npt.ArrayLike,
    forecast: npt.ArrayLike,
    dispersion: npt.ArrayLike,
    level: float,
    *,
    limits: tuple[float, float] = (0.125, 8.0),
) -> float:
    r"""Factor on the dispersion that makes the backtest coverage of ``level`` intervals right.

    The moment estimator (:func:`estimate_dispersion`) matches the variance
    of the errors; the tails of real errors are heavier or lighter than the
    negative binomial's, so the same ``phi`` can give 80 % intervals that
    cover 85 % and 95 % intervals that cover 91 %. This returns, for one
    level, the factor ``c`` for which the intervals ``(mu, c phi)`` of the
    backtest forecasts cover their actual counts at the nominal rate: split
    conformal calibration [1]_ of the interval width, with the backtest
    cells as the calibration set.

    Parameters
    ----------
    actual : array_like
        Actual contacts per interval of rolling-origin backtests (NaN: left out).
    forecast : array_like
        The backtest forecast of each (contacts, ``>= 0``).
    dispersion : array_like
        The dispersion ``phi`` of each pair, broadcastable (e.g. the estimate
        of its horizon day).
    level : float
        Nominal coverage in percent.
    limits : (float, float), default (0.125, 8.0)
        Range of the factor searched: the calibration adjusts the estimate,
        it does not replace it.

    Returns
    -------
    float
        The smallest factor in ``limits`` whose coverage is at least ``level``
        (bisection on its logarithm, to 1 %); 1.0 without pairs or when
        every ``phi`` is 0 (nothing to scale).

    References
    ----------
    .. [1] V. Vovk, A. Gammerman and G. Shafer, *Algorithmic Learning in a
       Random World*, Springer, 2005 (conformal prediction); J. Lei, M. G'Sell,
       A. Rinaldo, R. J. Tibshirani and L. Wasserman, "Distribution-free
       predictive inference for regression", *Journal of the American
       Statistical Association* 113(523), 1094-1111, 2018 (split conformal).

    Examples
    --------
    Counts drawn with dispersion 0.08 around a forecast that assumes 0.02:
    the factor (close to 4, up to sampling noise) widens the intervals.

    >>> rng = np.random.default_rng(0)
    >>> mu = np.full(4000, 50.0)
    >>> actual = rng.negative_binomial(1 / 0.08, 1 / (1 + 0.08 * 50), 4000)
    >>> round(calibrate_dispersion(actual, mu, 0.02, 80), 1)
    3.7
    """
    function = "calibrate_dispersion"
    y = _values(function, "actual", actual)
    mu = _values(function, "forecast", forecast)
    if y.shape != mu.shape:
        raise InputError(
            f"{function}: `actual` and `forecast` must have the same length; got {y.size} "
            f"and {mu.size}"
        )
    phi = np.broadcast_to(_values(function, "dispersion", dispersion), y.shape)
    if not 1 <= float(level) < 100:
        raise InputError(f"{function}: `level` must be a percentage in [1, 100); got {level!r}")
    low, high = (float(v) for v in limits)
    if not 0 < low <= 1 <= high:
        raise InputError(f"{function}: `limits` must satisfy 0 < low <= 1 <= high; got {limits}")
    known = np.isfinite(y) & np.isfinite(mu) & np.isfinite(phi)
    y, mu, phi = y[known], mu[known], phi[known]
    if y.size == 0 or not (phi > 0).any():
        return 1.0
    target = float(level) / 100.0

    def coverage(factor: float) -> float:
        return float(np.mean(_covered(y, mu, factor * phi, level)))

    if coverage(low) >= target:
        return low
    if coverage(high) < target:
        return high
    log_low, log_high = np.log(low), np.log(high)
    while log_high - log_low > 0.01:
        middle = 0.5 * (log_low + log_high)
        if coverage(float(np.exp(middle))) >= target:
            log_high = middle
        else:
            log_low = middle
    return float(np.exp(log_high))
