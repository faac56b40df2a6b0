r"""Intraday forecasting by singular value decomposition (Shen and Huang 2008).

Call-centre arrivals of one day, seen as a vector of slot counts, are well
described by a few intraday shapes whose weights change from day to day
[1]_ [2]_. :class:`IntradaySVD` takes the day x slot matrix of the days it may
learn from, square-root transforms it to stabilise the Poisson variance,

.. math::

    x_{d,s} = \sqrt{y_{d,s} + 1/4},

and approximates it by a truncated singular value decomposition with ``K``
components,

.. math::

    X \approx \sum_{k=1}^{K} \beta_{\cdot,k} \, v_k^\top, \qquad
    \beta_{d,k} = \sigma_k u_{d,k},

so that each day is summarised by ``K`` factor scores ``beta_{d,k}`` and the
intraday shapes ``v_k`` are shared by all days. Each score series is
forecast on its own; the forecast day is rebuilt as
``x_hat = sum_k beta_hat_k v_k`` and transformed back with the bias correction
``y_hat = x_hat**2 + sigma2 - 1/4``, where ``sigma2`` is the in-sample mean
squared one-step error of ``x`` in that slot. Because
``E[x**2] = E[y] + 1/4`` exactly, this is the mean of ``y`` whenever
``x_hat`` is the mean of ``x`` and ``sigma2`` its error variance, whatever
the size of the counts.

Deviations from the paper
-------------------------
* Score model: Shen and Huang forecast each score series by an AR(1) with a
  day-of-week intercept, ``beta_d = a(w_d) + b beta_{d-1} + e_d``, which
  at longer horizons reverts to the weekday means of the whole window.
  Contact volumes trend (channel shift, growth), and such means lag a trend
  by half the window, so here each score series follows an additive
  seasonal exponential smoothing with period 7 (ETS(A,N,A) [3]_: a local
  level plus weekday effects that adapt), whose two smoothing weights are
  chosen per component from a small grid by the in-sample one-step squared
  error. On the example centre (:func:`cccplan.datasets.load_example`, four
  origins, 42 days ahead) it had a lower daily-total WAPE than the AR(1) on
  every series.
* Excluded days (holidays, events, outages) are left out of the SVD and are
  missing values in the score series: the smoothing skips them (no update),
  so they neither shape ``v_k`` nor pull the level.
* Slots that are open on some days but not on others (a Saturday that
  closes at 14:00) enter the matrix as zero contacts on the closed days; the
  forecast is then set to 0 in every (weekday, slot) that was never open on
  a usable day of that weekday, and to 0 on a weekday that was never open at
  all (seen at least twice, never with data).
* The paper's intraday updating (penalised least squares for a partially
  observed day) is available as :meth:`IntradaySVD.update`.

References
----------
.. [1] H. Shen and J. Z. Huang, "Interday forecasting and intraday updating
   of call center arrivals", *Manufacturing & Service Operations Management*
   10(3), 391-410, 2008.
.. [2] L. Brown, N. Gans, A. Mandelbaum, A. Sakov, H. Shen, S. Zeltyn and
   L. Zhao, "Statistical analysis of a telephone call center: a
   queueing-science perspective", *Journal of the American Statistical
   Association* 100(469), 36-50, 2005.
.. [3] R. J. Hyndman, A. B. Koehler, J. K. Ord and R. D. Snyder,
   *Forecasting with Exponential Smoothing: The State Space Approach*,
   Springer, 2008 (ETS(A,N,A), chapter 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self, TypeAlias

import numpy as np
import numpy.typing as npt

from cccplan.exceptions import CccplanError, InputError
from cccplan.forecast._matrix import DayMatrix, weekday_of
from cccplan.forecast.models._profile import (
    check_history,
    closed_phases,
    horizon_days,
    usable_days,
)

__all__ = ["IntradaySVD"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
IntArray: TypeAlias = npt.NDArray[np.int64]

# Anscombe-type offset of the square-root transform (Brown et al. 2005).
_OFFSET = 0.25
# Below this many usable days the score series are not smoothed: their
# forecast is the weekday mean (a weekday-average forecast on the sqrt scale).
_MIN_DAYS_SMOOTHING = 14
# Days at the start of the window whose weekday means initialise the smoothing.
_INIT_DAYS = 28
# Days of one-step errors left out of the smoothing-weight selection.
_BURN_IN = 7
# Grid of smoothing weights (level alpha, weekday effect gamma).
_ALPHAS = np.array([0.02, 0.05, 0.1, 0.2, 0.3, 0.5])
_GAMMAS = np.array([0.0, 0.05, 0.1, 0.2])


def _weekday_open_slots(values: FloatArray, weekday: IntArray, usable: BoolArray) -> BoolArray:
    """Where the forecast may be non-zero, per weekday and slot, shape (7, n_slots).

    A (weekday, slot) is open when the slot had a value on a usable day of that
    weekday. A weekday without usable days takes the slots open on any usable
    day (short histories), except a weekday on which the series is closed
    (:func:`~cccplan.forecast.models._profile.closed_phases`).
    """
    present = np.isfinite(values) & usable[:, None]
    open_by_weekday = np.zeros((7, values.shape[1]), dtype=bool)
    np.logical_or.at(open_by_weekday, weekday, present)
    unseen = ~open_by_weekday.any(axis=1)
    open_by_weekday[unseen] = present.any(axis=0)
    open_by_weekday[closed_phases(values, weekday, 7)] = False
    return open_by_weekday


# --- the score model ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _ScoreFit:
    """Fitted weekday exponential smoothing of the factor scores (K components)."""

    fitted: FloatArray  # (n_usable, K) one-step predictions of the scores
    level: FloatArray  # (K,) final level
    seasonal: FloatArray  # (7, K) final weekday effects
    alpha: FloatArray  # (K,) chosen level weights (NaN: not smoothed)
    gamma: FloatArray  # (K,) chosen weekday-effect weights (NaN: not smoothed)


def _initial_state(
    scores: FloatArray, weekday: IntArray, day: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Level (K,) and weekday effects (7, K) from the weekday means of the first weeks."""
    n_components = scores.shape[1]
    early = day < day[0] + _INIT_DAYS

    def weekday_means(rows: BoolArray) -> FloatArray:
        counts = np.bincount(weekday[rows], minlength=7).astype(np.float64)
        sums = np.zeros((7, n_components))
        np.add.at(sums, weekday[rows], scores[rows])
        with np.errstate(invalid="ignore", divide="ignore"):
            means: FloatArray = sums / counts[:, None]
        return means

    means = weekday_means(early)
    later = weekday_means(np.ones_like(early))
    means = np.where(np.isnan(means), later, means)
    known = ~np.isnan(means[:, 0])
    level: FloatArray = means[known].mean(axis=0)
    # A weekday never seen gets no effect: its forecast is the level.
    seasonal: FloatArray = np.where(known[:, None], means - level, 0.0)
    return level, seasonal


def _smooth_scores(scores: FloatArray, weekday: IntArray, day: IntArray) -> _ScoreFit:
    """ETS(A,N,A), period 7, of each score series, weights chosen by one-step SSE.

    ``day`` is the day number of each row (rows are usable days, in order), so
    gaps are excluded days, which the recursion skips. All grid points and
    components run together; the loop is over days.
    """
    n_days, n_components = scores.shape
    level0, seasonal0 = _initial_state(scores, weekday, day)
    if n_days < _MIN_DAYS_SMOOTHING:
        fitted = level0 + seasonal0[weekday]
        nan = np.full(n_components, np.nan)
        return _ScoreFit(fitted, level0, seasonal0, nan, nan)

    alpha = np.repeat(_ALPHAS, _GAMMAS.size)[:, None]  # (G, 1)
    gamma = np.tile(_GAMMAS, _ALPHAS.size)[:, None]
    n_grid = alpha.shape[0]
    level = np.repeat(level0[None, :], n_grid, axis=0)  # (G, K)
    seasonal = np.repeat(seasonal0[None, :, :], n_grid, axis=0)  # (G, 7, K)
    predictions = np.empty((n_days, n_grid, n_components))
    for row in range(n_days):
        w = weekday[row]
        prediction = level + seasonal[:, w, :]
        predictions[row] = prediction
        error = scores[row] - prediction
        level = level + alpha * error
        seasonal[:, w, :] += gamma * error
    sse = ((predictions[_BURN_IN:] - scores[_BURN_IN:, None, :]) ** 2).sum(axis=0)  # (G, K)
    best = np.argmin(sse, axis=0)  # (K,)
    components = np.arange(n_components)
    return _ScoreFit(
        fitted=predictions[:, best, components],
        level=level[best, components],
        seasonal=seasonal[best, :, components].T,
        alpha=alpha[best, 0],
        gamma=gamma[best, 0],
    )


def _right_singular_vectors(matrix: FloatArray) -> FloatArray:
    """Right singular vectors of a matrix (rows, by decreasing singular value).

    Computed from the eigen-decomposition of the smaller Gram matrix
    (``M^T M`` or ``M M^T``): only the leading vectors are used, whose
    accuracy squaring the condition number does not harm, and LAPACK's SVD of
    a tall matrix can be a hundred times slower under a multi-threaded
    OpenBLAS on a busy machine. Vectors of (numerically) zero singular value
    are dropped.
    """
    n_rows, n_columns = matrix.shape
    gram = matrix.T @ matrix if n_rows >= n_columns else matrix @ matrix.T
    eigenvalues, vectors = np.linalg.eigh(gram)
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues, vectors = eigenvalues[order], vectors[:, order]
    # The transformed volumes are >= 1/2, so the leading eigenvalue is > 0.
    keep = eigenvalues > eigenvalues[0] * 1e-12
    if n_rows >= n_columns:
        right: FloatArray = vectors[:, keep].T
        return right
    # v_k = M^T u_k / sigma_k
    singular = np.sqrt(eigenvalues[keep])
    right = (matrix.T @ vectors[:, keep] / singular).T
    return right


# --- the pure function and the class ------------------------------------------------------------


@dataclass(frozen=True)
class _SVDFit:
    """Everything :meth:`IntradaySVD.predict` needs."""

    last: np.datetime64
    n_slots: int
    columns: IntArray  # slots in the SVD (open on some usable day)
    loadings: FloatArray  # (K, n_columns) intraday shapes v_k
    scores: _ScoreFit
    error_variance: FloatArray  # (n_columns,) mean squared one-step error of x
    within_variance: FloatArray  # (n_columns,) mean squared error of x given the day's scores
    score_variance: FloatArray  # (K,) mean squared one-step error of the scores
    open_slots: BoolArray  # (7, n_slots)


def _fit_svd(history: DayMatrix, components: int, weeks: int | None) -> _SVDFit:
    first = 0 if weeks is None else max(np.shape(history.values)[0] - 7 * weeks, 0)
    values = np.asarray(history.values, dtype=np.float64)[first:]
    weekday = np.asarray(history.weekday, dtype=np.int64)[first:]
    usable = usable_days(values, np.asarray(history.excluded, dtype=bool)[first:])
    last = np.datetime64(np.asarray(history.dates)[-1], "D")
    n_slots = values.shape[1]
    open_slots = _weekday_open_slots(values, weekday, usable)
    columns = np.flatnonzero(open_slots.any(axis=0)).astype(np.int64)
    if not usable.any() or columns.size == 0:
        empty = np.zeros((0, 0))
        nothing = _ScoreFit(empty, np.zeros(0), np.zeros((7, 0)), np.zeros(0), np.zeros(0))
        zero = np.zeros(0)
        return _SVDFit(last, n_slots, columns[:0], empty, nothing, zero, zero, zero, open_slots)

    # A slot closed on some days only (early closing) counts as zero contacts there.
    volumes = np.nan_to_num(values[usable][:, columns], nan=0.0)
    transformed = np.sqrt(volumes + _OFFSET)
    loadings = _right_singular_vectors(transformed)[:components]
    scores = transformed @ loadings.T  # = U_k sigma_k

    day = np.flatnonzero(usable).astype(np.int64)
    score_fit = _smooth_scores(scores, weekday[usable], day)
    residuals = transformed - score_fit.fitted @ loadings
    return _SVDFit(
        last=last,
        n_slots=n_slots,
        columns=columns,
        loadings=loadings,
        scores=score_fit,
        error_variance=np.mean(residuals**2, axis=0),
        within_variance=np.mean((transformed - scores @ loadings) ** 2, axis=0),
        score_variance=np.mean((scores - score_fit.fitted) ** 2, axis=0),
        open_slots=open_slots,
    )


def _untransform(transformed: FloatArray, variance: FloatArray) -> FloatArray:
    """Mean volume ``E[y] = E[x**2] - 1/4 = x_hat**2 + variance - 1/4``, clipped at 0.

    Differences within rounding error of ``x_hat**2`` are set to 0, so that a
    series without contacts forecasts exactly 0.
    """
    square = transformed**2
    volume = square + variance - _OFFSET
    result: FloatArray = np.where(volume > 1e-12 * square, volume, 0.0)
    return result


def _predict_svd(fit: _SVDFit, dates: npt.NDArray[np.datetime64]) -> FloatArray:
    weekday = weekday_of(dates)
    forecast = np.zeros((dates.size, fit.n_slots))
    if fit.columns.size == 0 or dates.size == 0:
        return forecast
    scores = fit.scores.level + fit.scores.seasonal[weekday]  # (h, K)
    # x >= 1/2 by construction; a reconstruction below that means "no contacts".
    transformed = np.maximum(scores @ fit.loadings, np.sqrt(_OFFSET))
    forecast[:, fit.columns] = _untransform(transformed, fit.error_variance)
    result: FloatArray = np.where(fit.open_slots[weekday], forecast, 0.0)
    return result


def _is_count(value: object) -> bool:
    """Whether ``value`` is an integer >= 1 (Python or numpy; bool is not)."""
    return not isinstance(value, bool) and isinstance(value, int | np.integer) and bool(value >= 1)


class IntradaySVD:
    r"""Shen and Huang's SVD forecast: a few intraday shapes with forecast daily weights.

    Parameters
    ----------
    components : int, default 3
        Number ``K`` of singular vectors (intraday shapes) kept; at most the
        number of usable days and of open slots is used. A few suffice: the
        first carries the day's level, the next ones the changes of shape
        (weekday opening hours, a heavier morning on Mondays).
    weeks : int, optional
        Learn from the last ``weeks`` weeks of the history only (default: all
        of it).

    Attributes
    ----------
    name : str
        ``"svd"``.
    alpha_, gamma_ : ndarray, shape (K,)
        After :meth:`fit`: the smoothing weights chosen for each score series
        (NaN when the history was too short to smooth).

    Notes
    -----
    With ``x = sqrt(y + 1/4)`` restricted to the usable days (not excluded,
    with data) and the slots open on any of them, ``X ~ sum_k beta_k v_k^T``
    by truncated SVD. Each score series follows ETS(A,N,A) with period 7,

    .. math::

        \hat\beta_{d} = \ell_{d-1} + s_{w(d)}, \quad
        \ell_d = \ell_{d-1} + \alpha e_d, \quad
        s_{w(d)} \leftarrow s_{w(d)} + \gamma e_d,

    skipping excluded days, with ``(alpha, gamma)`` picked per component from
    a 6 x 4 grid by the one-step squared error. The forecast of volume is
    ``max(x_hat, 1/2)**2 + sigma2_s - 1/4`` (``sigma2_s``: the mean squared
    one-step error of ``x`` in slot ``s``), clipped at 0, and 0 in every
    (weekday, slot) never open on a usable day of that weekday.

    Short histories: with fewer than 14 usable days the scores are not
    smoothed and their forecast is the weekday mean of the scores (the mean
    over all weekdays for a weekday not seen yet), so one day of history is
    forecast as that same day repeated. A history made only of excluded
    days is learnt from all the same, as a last resort
    (:func:`~cccplan.forecast.models._profile.usable_days`); without any
    data at all the forecast is 0.

    One component cannot represent weekdays with different opening hours (a
    Saturday closing at 14:00 gets the weekdays' shape, cut off at 14:00, so
    too little volume): keep ``components >= 2`` for such queues.

    References
    ----------
    .. [1] H. Shen and J. Z. Huang, "Interday forecasting and intraday updating
       of call center arrivals", *Manufacturing & Service Operations
       Management* 10(3), 391-410, 2008.

    Examples
    --------
    Two weeks of a rank-one pattern (weekday level x intraday profile) are
    reproduced:

    >>> import numpy as np
    >>> from cccplan.forecast._matrix import DayMatrix, weekday_of
    >>> dates = np.arange("2024-01-01", "2024-01-15", dtype="datetime64[D]")
    >>> level = np.array([130.0, 110, 100, 97, 88, 40, 30])[weekday_of(dates)]
    >>> values = np.outer(level, [0.1, 0.2, 0.4, 0.3])
    >>> history = DayMatrix(values, dates, weekday_of(dates), np.zeros(14, bool), 360)
    >>> future = np.arange("2024-01-15", "2024-01-17", dtype="datetime64[D]")
    >>> IntradaySVD().forecast(history, future).round(1)
    array([[13., 26., 52., 39.],
           [11., 22., 44., 33.]])
    """

    name: str = "svd"

    def __init__(self, *, components: int = 3, weeks: int | None = None) -> None:
        if not _is_count(components):
            raise InputError(
                f"IntradaySVD: `components` must be an integer >= 1; got {components!r}"
            )
        if weeks is not None and not _is_count(weeks):
            raise InputError(f"IntradaySVD: `weeks` must be None or an integer >= 1; got {weeks!r}")
        self.components = int(components)
        self.weeks = None if weeks is None else int(weeks)
        self._fit: _SVDFit | None = None

    def __repr__(self) -> str:
        return f"IntradaySVD(components={self.components}, weeks={self.weeks})"

    @property
    def alpha_(self) -> FloatArray:
        """Level smoothing weight chosen per component (NaN: not smoothed)."""
        return self._fitted("alpha_").scores.alpha

    @property
    def gamma_(self) -> FloatArray:
        """Weekday-effect smoothing weight chosen per component (NaN: not smoothed)."""
        return self._fitted("gamma_").scores.gamma

    def _fitted(self, what: str) -> _SVDFit:
        if self._fit is None:
            raise CccplanError(f"IntradaySVD: call fit(history) before {what}")
        return self._fit

    def fit(self, history: DayMatrix) -> Self:
        """Learn the intraday shapes and the score models from ``history``.

        Parameters
        ----------
        history : DayMatrix
            Volumes per day and slot (contacts); excluded days are not learnt
            from.

        Returns
        -------
        IntradaySVD
            ``self``, fitted.
        """
        check_history(history, model="IntradaySVD")
        self._fit = _fit_svd(history, self.components, self.weeks)
        return self

    def predict(self, dates: npt.ArrayLike) -> FloatArray:
        """Forecast volume per slot for future days.

        Parameters
        ----------
        dates : array_like of datetime64[D]
            Local days after the last day of the history.

        Returns
        -------
        ndarray, shape (len(dates), n_slots)
            Forecast contacts per slot: finite and >= 0.
        """
        fit = self._fitted("predict")
        horizon_days(fit.last, dates, model="IntradaySVD")
        return _predict_svd(fit, np.asarray(dates).astype("datetime64[D]"))

    def forecast(self, history: DayMatrix, dates: npt.ArrayLike) -> FloatArray:
        """``fit(history).predict(dates)``."""
        return self.fit(history).predict(dates)

    def update(self, partial_day: npt.ArrayLike, *, penalty: float | None = None) -> FloatArray:
        r"""Update the forecast of the first future day from its slots observed so far.

        Parameters
        ----------
        partial_day : array_like, shape (n_slots,)
            Contacts observed so far on the day after the history (NaN for the
            slots not observed yet, e.g. the afternoon).
        penalty : float, optional
            Weight ``lambda`` (>= 0) of the pull of the day's scores towards
            their interday forecast: 0 fits the observed slots only, a large
            value keeps the interday forecast. Default: estimated from the fit
            (see Notes).

        Returns
        -------
        ndarray, shape (n_slots,)
            The updated forecast of the whole day (contacts per slot): the
            caller uses it for the slots still to come.

        Notes
        -----
        Shen and Huang's penalised least squares (their section 4): with
        ``F_e`` the loadings of the observed slots and ``x_e`` their
        transformed counts,

        .. math::

            \hat\beta = \arg\min_\beta \|x_e - F_e \beta\|^2
                + \sum_k \lambda_k (\beta_k - \hat\beta_k^{TS})^2
            = (F_e^\top F_e + \Lambda)^{-1} (F_e^\top x_e + \Lambda \hat\beta^{TS}),

        where ``beta_TS`` is the interday forecast of the scores. The paper
        picks one ``lambda`` by rolling-origin validation; by default here
        ``lambda_k = s2 / t2_k``, the ratio of the in-sample variance ``s2`` of
        ``x`` about its K-component fit (mean over slots) to the variance
        ``t2_k`` of the one-step errors of score ``k``, which makes
        ``beta_hat`` the posterior mean under a Gaussian prior centred on the
        interday forecast. The updated volume is
        ``max(x_hat, 1/2)**2 + w2_s - 1/4`` with ``w2_s`` the variance of ``x``
        about its K-component fit in slot ``s``.
        """
        fit = self._fitted("update")
        observed = np.asarray(partial_day, dtype=np.float64)
        if observed.shape != (fit.n_slots,):
            raise InputError(
                f"IntradaySVD.update: `partial_day` must have shape ({fit.n_slots},); "
                f"got {observed.shape}"
            )
        if penalty is not None and not (np.isfinite(penalty) and penalty >= 0):
            raise InputError(
                f"IntradaySVD.update: `penalty` must be None or a number >= 0; got {penalty!r}"
            )
        day = np.array([fit.last + np.timedelta64(1, "D")])
        prior: FloatArray = _predict_svd(fit, day)[0]
        if fit.columns.size == 0:
            return prior
        seen = np.isfinite(observed[fit.columns])
        if not seen.any():
            return prior
        weekday = int(weekday_of(day)[0])
        beta_ts = fit.scores.level + fit.scores.seasonal[weekday]
        if penalty is None:
            # Floors keep the ratio finite on noise-free data (prior trusted).
            noise = max(float(fit.within_variance.mean()), 1e-12)
            weights = noise / np.maximum(fit.score_variance, 1e-300)
        else:
            weights = np.full(beta_ts.size, float(penalty))
        shapes = fit.loadings[:, seen].T  # (n_seen, K)
        x_seen = np.sqrt(np.maximum(observed[fit.columns][seen], 0.0) + _OFFSET)
        gram = shapes.T @ shapes + np.diag(weights)
        # lstsq: with no penalty and fewer observed slots than components the
        # system is singular; the minimum-norm solution is then used.
        beta = np.linalg.lstsq(gram, shapes.T @ x_seen + weights * beta_ts, rcond=None)[0]
        transformed = np.maximum(beta @ fit.loadings, np.sqrt(_OFFSET))
        updated = np.zeros(fit.n_slots)
        updated[fit.columns] = _untransform(transformed, fit.within_variance)
        result: FloatArray = np.where(fit.open_slots[weekday], updated, 0.0)
        return result
