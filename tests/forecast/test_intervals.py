"""Negative binomial prediction intervals: hand-worked estimates and coverage on simulated data.

The simulations draw gamma-Poisson (negative binomial) counts with a known
dispersion, estimate it back from (actual, forecast) pairs as a backtest
would, and check the empirical coverage of fresh draws against the nominal
level and against the exact coverage of the discrete intervals. Seeds are
fixed; sample sizes are chosen so that the binomial standard error of a
coverage is below 0.15 points.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy import special, stats

from cccplan.exceptions import DomainWarning, InputError
from cccplan.forecast.intervals import (
    CalibrationWarning,
    _covered,
    calibrate_dispersion,
    estimate_dispersion,
    history_dispersion,
    negative_binomial_interval,
)

NAN = float("nan")


def gamma_poisson(rng: np.random.Generator, mu: np.ndarray, phi: float) -> np.ndarray:
    """Counts with mean ``mu`` and variance ``mu + phi mu^2``: Poisson of a gamma rate."""
    if phi == 0:
        return rng.poisson(mu).astype(float)
    rate = mu * rng.gamma(shape=1.0 / phi, scale=phi, size=np.shape(mu))
    return rng.poisson(rate).astype(float)


# --- estimate_dispersion by hand ---------------------------------------------


def test_estimate_dispersion_by_hand():
    # ((30-20)^2 - 20 + (12-20)^2 - 20 + (5-10)^2 - 10) / (400 + 400 + 100)
    # = (80 + 44 + 15) / 900 = 139 / 900.
    assert estimate_dispersion([30, 12, 5], [20.0, 20.0, 10.0]) == pytest.approx(139 / 900)
    # Less spread than Poisson: clipped to 0.
    assert estimate_dispersion([10, 10], [10.0, 10.0]) == 0.0


def test_estimate_dispersion_per_horizon_day_by_hand():
    # Day 1: (16 - 10 + 16 - 10) / 200 = 0.06; day 3: (400 - 20 + 0 - 20) / 800 = 0.45.
    got = estimate_dispersion([14, 6, 40, 20], [10.0, 10.0, 20.0, 20.0], [1, 1, 3, 3])
    assert list(got) == [1, 3]
    assert got[1] == pytest.approx(0.06)
    assert got[3] == pytest.approx(0.45)
    assert all(isinstance(k, int) and isinstance(v, float) for k, v in got.items())
    # The order of the pairs does not matter; the dict is sorted by horizon day.
    shuffled = estimate_dispersion([40, 14, 20, 6], [20.0, 10.0, 20.0, 10.0], [3, 1, 3, 1])
    assert list(shuffled) == [1, 3]
    assert shuffled == pytest.approx(got)


def test_estimate_dispersion_nan_rules():
    # The absent actual's pair is ignored: same as the hand example without it.
    assert estimate_dispersion([30, NAN, 12, 5], [20.0, 99.0, 20.0, 10.0]) == pytest.approx(
        139 / 900
    )
    # A missing forecast next to a known actual: NaN (NaN in, NaN out).
    assert math.isnan(estimate_dispersion([30, 12], [20.0, NAN]))


def test_estimate_dispersion_undefined_days_take_the_pooled_estimate():
    # Day 2 has only a zero forecast: no information; it gets the pooled value, which is
    # ((30-20)^2 - 20 + (4-0)^2 - 0) / 400 = 96 / 400.
    got = estimate_dispersion([30, 4], [20.0, 0.0], [1, 2])
    assert got[1] == pytest.approx(80 / 400)
    assert got[2] == pytest.approx(96 / 400)


def test_estimate_dispersion_without_residuals_warns_and_is_poisson():
    with pytest.warns(CalibrationWarning, match="no backtest residuals"):
        assert estimate_dispersion([], []) == 0.0
    with pytest.warns(CalibrationWarning, match="positive forecast"):
        assert estimate_dispersion([0, 0], [0.0, 0.0]) == 0.0
    with pytest.warns(CalibrationWarning):
        assert estimate_dispersion([], [], []) == {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert estimate_dispersion([], [], fallback=0.03) == 0.03
        assert estimate_dispersion([0, 1], [0.0, 0.0], [1, 2], fallback=0.03) == {
            1: 0.03,
            2: 0.03,
        }


def test_estimate_dispersion_input_errors():
    with pytest.raises(InputError, match="same length"):
        estimate_dispersion([1, 2], [1.0])
    with pytest.raises(InputError, match=">= 0"):
        estimate_dispersion([1, -2], [1.0, 1.0])
    with pytest.raises(InputError, match=">= 0"):
        estimate_dispersion([1, 2], [1.0, -1.0])
    with pytest.raises(InputError, match="whole numbers"):
        estimate_dispersion([1, 2], [1.0, 1.0], [1.5, 2])
    with pytest.raises(InputError, match="one entry per pair"):
        estimate_dispersion([1, 2], [1.0, 1.0], [1])
    with pytest.raises(InputError, match="fallback"):
        estimate_dispersion([1], [1.0], fallback=-0.1)


# --- negative_binomial_interval ----------------------------------------------


def test_poisson_intervals_by_hand():
    # Poisson(1): F(0) = 0.368 >= 0.1, F(1) = 0.736, F(2) = 0.920 >= 0.9 -> [0, 2].
    lo, hi = negative_binomial_interval(1.0, 0.0, 80)
    assert (float(lo), float(hi)) == (0.0, 2.0)
    # mu = 0: all mass at 0.
    lo, hi = negative_binomial_interval(0.0, 0.3, 95)
    assert (float(lo), float(hi)) == (0.0, 0.0)


def _nb_quantile(q: float, mu: float, phi: float) -> int:
    """Smallest k with F(k) >= q, summing the NB2 mass written out with gammaln."""
    r = 1.0 / phi
    k = np.arange(0, int(mu + 60 * math.sqrt(mu + phi * mu * mu) + 100))
    log_mass = (
        special.gammaln(k + r)
        - special.gammaln(r)
        - special.gammaln(k + 1)
        + r * math.log(r / (r + mu))
        + k * math.log(mu / (r + mu))
    )
    cdf = np.cumsum(np.exp(log_mass))
    return int(np.argmax(cdf >= q - 1e-12))


@pytest.mark.parametrize("mu", [0.3, 2.0, 17.5, 240.0])
@pytest.mark.parametrize("phi", [0.01, 0.1, 0.8])
def test_negative_binomial_bounds_match_the_mass_summed_by_hand(mu, phi):
    lo, hi = negative_binomial_interval(mu, phi, 90)
    assert float(lo) == _nb_quantile(0.05, mu, phi)
    assert float(hi) == _nb_quantile(0.95, mu, phi)


def test_intervals_are_counts_that_cover_at_least_the_level():
    mu = np.array([0.2, 1.0, 3.3, 10.0, 55.5, 400.0])[:, None]
    phi = np.array([0.0, 0.02, 0.3])[None, :]
    for level in (80, 95):
        lo, hi = negative_binomial_interval(mu, phi, level)
        assert lo.shape == hi.shape == (6, 3)
        assert np.array_equal(lo, np.round(lo))
        assert np.array_equal(hi, np.round(hi))
        assert (lo <= hi).all()
        r = np.where(phi > 0, 1 / np.where(phi > 0, phi, 1), np.inf)
        p = 1 / (1 + phi * mu)
        cdf = np.where(
            phi > 0,
            stats.nbinom.cdf(hi, r, p) - stats.nbinom.cdf(lo - 1, r, p),
            stats.poisson.cdf(hi, mu) - stats.poisson.cdf(lo - 1, mu),
        )
        assert (cdf >= level / 100 - 1e-12).all()


def test_wider_with_dispersion_and_level():
    lo0, hi0 = negative_binomial_interval(100.0, 0.0, 80)
    lo1, hi1 = negative_binomial_interval(100.0, 0.05, 80)
    lo2, hi2 = negative_binomial_interval(100.0, 0.05, 95)
    assert lo2 <= lo1 <= lo0
    assert hi0 <= hi1 <= hi2
    assert hi1 - lo1 > hi0 - lo0


def test_tiny_dispersion_is_the_poisson_interval():
    mu = np.array([0.5, 5.0, 50.0, 5000.0])
    for level in (80, 95):
        np.testing.assert_array_equal(
            negative_binomial_interval(mu, 1e-12, level), negative_binomial_interval(mu, 0.0, level)
        )


def test_interval_nan_and_domain():
    lo, hi = negative_binomial_interval([NAN, 5.0], [0.1, NAN], 80)
    assert np.isnan(lo).all()
    assert np.isnan(hi).all()
    with pytest.warns(DomainWarning, match="mu"):
        lo, hi = negative_binomial_interval([-1.0, 5.0], 0.1, 80)
    assert math.isnan(lo[0])
    assert not math.isnan(lo[1])
    with pytest.warns(DomainWarning, match="phi"):
        negative_binomial_interval(5.0, -0.1, 80)


@pytest.mark.parametrize("level", [0.8, 0, 100, 120, "80", True])
def test_interval_level_must_be_a_percentage(level):
    with pytest.raises(InputError, match="level"):
        negative_binomial_interval(5.0, 0.1, level)


# --- coverage on simulated data ----------------------------------------------


@pytest.mark.parametrize("phi", [0.02, 0.1])
def test_estimated_dispersion_gives_nominal_coverage(phi):
    rng = np.random.default_rng(18295)
    # Backtest pairs: known rates (the "forecast") and gamma-Poisson actuals.
    mu_backtest = rng.uniform(5.0, 80.0, size=60_000)
    actual = gamma_poisson(rng, mu_backtest, phi)
    estimate = estimate_dispersion(actual, mu_backtest)
    assert estimate == pytest.approx(phi, rel=0.1)

    # Fresh intervals to cover: rates of the same range.
    mu = rng.uniform(5.0, 80.0, size=100_000)
    y = gamma_poisson(rng, mu, phi)
    r, p = 1 / phi, 1 / (1 + phi * mu)
    for level in (80, 95):
        lo, hi = negative_binomial_interval(mu, estimate, level)
        empirical = np.mean((y >= lo) & (y <= hi))
        # Exact coverage of these integer bounds under the true distribution: >= level.
        exact = np.mean(stats.nbinom.cdf(hi, r, p) - stats.nbinom.cdf(lo - 1, r, p))
        assert level / 100 - 0.02 <= empirical <= level / 100 + 0.03
        standard_error = math.sqrt(exact * (1 - exact) / mu.size)
        assert abs(empirical - exact) < 4 * standard_error + 0.01


def test_poisson_data_give_dispersion_near_zero():
    rng = np.random.default_rng(7)
    mu = rng.uniform(5.0, 80.0, size=60_000)
    assert estimate_dispersion(rng.poisson(mu).astype(float), mu) < 0.001


def test_per_horizon_dispersion_is_recovered():
    rng = np.random.default_rng(2001)
    truth = {1: 0.01, 2: 0.05, 3: 0.15}
    mu = rng.uniform(5.0, 80.0, size=(3, 40_000))
    actual = np.stack([gamma_poisson(rng, mu[i], truth[i + 1]) for i in range(3)])
    horizon = np.repeat(np.array([[1], [2], [3]]), mu.shape[1], axis=1)
    got = estimate_dispersion(actual.ravel(), mu.ravel(), horizon.ravel())
    for day, phi in truth.items():
        assert got[day] == pytest.approx(phi, rel=0.15)


# --- history_dispersion --------------------------------------------------------


def test_history_dispersion_by_hand():
    # Mondays 90, 110: SS = 200, minus (2 - 1) x 100 -> 100; over (2 - 1) x 100^2 -> 0.01.
    assert history_dispersion([90.0, 200.0, 110.0], [0, 1, 0]) == pytest.approx(0.01)
    # Add Tuesdays 200, 220 (SS 200 - 210 = -10; 210^2 = 44100): (100 - 10) / (10000 + 44100).
    got = history_dispersion([90.0, 200.0, 110.0, 220.0], [0, 1, 0, 1])
    assert got == pytest.approx(90 / 54_100)


def test_history_dispersion_matrix_absent_and_excluded_days():
    # Day x slot matrix; the all-NaN day (an outage) and the excluded day are left out.
    matrix = np.array(
        [
            [40.0, 50.0],  # Monday, total 90
            [NAN, NAN],  # Monday without data
            [60.0, 50.0],  # Monday, total 110
            [900.0, 900.0],  # Monday, excluded (a special day)
            [NAN, 10.0],  # Tuesday, one slot closed: total 10, alone on its weekday
        ]
    )
    got = history_dispersion(matrix, [0, 0, 0, 0, 1], excluded=[False, False, False, True, False])
    assert got == pytest.approx(0.01)


def test_history_dispersion_too_short_warns():
    with pytest.warns(CalibrationWarning, match="two days"):
        assert history_dispersion([100.0, 120.0, 90.0], [0, 1, 2]) == 0.0


def test_history_dispersion_input_errors():
    with pytest.raises(InputError, match="weekday"):
        history_dispersion([1.0, 2.0], [0])
    with pytest.raises(InputError, match="excluded"):
        history_dispersion([1.0, 2.0], [0, 0], excluded=[True])
    with pytest.raises(InputError, match=">= 0"):
        history_dispersion([1.0, -2.0], [0, 0])
    with pytest.raises(InputError, match="shape"):
        history_dispersion(np.zeros((2, 2, 2)), [0, 0])


def test_day_level_busyness_gives_the_same_dispersion_by_day_and_by_interval():
    # Jongbloed & Koole's model: each day's rate is its weekday profile times a gamma
    # busyness factor with variance phi. The daily totals and the single intervals
    # then share phi, so the history fallback estimates the interval-level dispersion.
    rng = np.random.default_rng(4)
    phi = 0.02
    weeks, slots = 150, 24
    weekday_level = np.array([1.0, 0.9, 0.9, 0.85, 0.8, 0.4, 0.3]) * 60.0
    profile = np.sin(np.linspace(0.2, math.pi - 0.2, slots))
    weekday = np.tile(np.arange(7), weeks)
    mu = weekday_level[weekday][:, None] * profile[None, :]
    busy = rng.gamma(1.0 / phi, phi, size=(weekday.size, 1))
    counts = rng.poisson(mu * busy).astype(float)
    by_day = history_dispersion(counts, weekday)
    by_interval = estimate_dispersion(counts.ravel(), mu.ravel())
    assert by_day == pytest.approx(phi, rel=0.25)
    assert by_interval == pytest.approx(phi, rel=0.25)


def test_covered_agrees_with_the_interval_bounds():
    rng = np.random.default_rng(1)
    n = 5000
    mu = rng.gamma(0.7, 15, n)
    mu[rng.random(n) < 0.1] = 0.0
    phi = rng.choice([0.0, 0.01, 0.2, 1.5], n)
    actual = rng.poisson(mu * rng.gamma(2, 0.5, n)).astype(float)
    actual[rng.random(n) < 0.05] += 0.5  # non-integer volumes (resampled exports)
    for level in (50, 80, 95):
        lo, hi = negative_binomial_interval(mu, phi, level)
        np.testing.assert_array_equal(
            _covered(actual, mu, phi, level), (actual >= lo) & (actual <= hi)
        )


def test_calibrate_dispersion_reaches_the_nominal_coverage():
    rng = np.random.default_rng(2)
    mu = rng.uniform(5, 80, 6000)
    true_phi = 0.06
    actual = rng.negative_binomial(1 / true_phi, 1 / (1 + true_phi * mu))
    for level in (80, 95):
        # Too narrow a dispersion is widened, too wide a one narrowed, both to about the truth.
        for assumed in (0.015, 0.24):
            factor = calibrate_dispersion(actual, mu, assumed, level)
            assert factor * assumed == pytest.approx(true_phi, rel=0.35)
            lo, hi = negative_binomial_interval(mu, factor * assumed, level)
            assert np.mean((actual >= lo) & (actual <= hi)) >= level / 100
            lo, hi = negative_binomial_interval(mu, factor * assumed * 0.97, level)
            assert np.mean((actual >= lo) & (actual <= hi)) < level / 100 + 0.01


def test_calibrate_dispersion_edges():
    assert calibrate_dispersion([], [], 0.1, 80) == 1.0
    assert calibrate_dispersion([3, 5], [4.0, 4.0], 0.0, 80) == 1.0  # Poisson: nothing to scale
    # Coverage already reached at the smallest factor, or not even at the largest.
    assert calibrate_dispersion([4, 4], [4.0, 4.0], 0.1, 80) == 0.125
    assert calibrate_dispersion([400, 0], [4.0, 4.0], 0.01, 95) == 8.0
    with pytest.raises(InputError, match="same length"):
        calibrate_dispersion([1, 2], [1.0], 0.1, 80)
    with pytest.raises(InputError, match="level"):
        calibrate_dispersion([1], [1.0], 0.1, 100)
    with pytest.raises(InputError, match="limits"):
        calibrate_dispersion([1], [1.0], 0.1, 80, limits=(2.0, 4.0))
