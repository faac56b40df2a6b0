"""Tests of the baseline (SeasonalNaive, WeekdayAverage) and TopDown forecasters.

Where the expected values come from:

* protocol conformance (fit + predict == forecast; finite, non-negative,
  right shape; never-open slots 0) is the model contract of the forecast brief;
* known answers are built into synthetic data: a noise-free weekly pattern must
  be reproduced (exactly by the baselines, within 2% by TopDown), a linear
  trend in the daily totals followed, a constant and an all-zero series kept;
* excluded days must not matter at all: replacing an excluded day's values by
  anything (zeros, NaN, ten times the volume) leaves the forecast unchanged;
* accuracy on Poisson counts simulated from a known rate is compared with the
  noise floor, the WAPE of the true rate itself,
  ``sum sqrt(2 mu / pi) / sum mu`` (the mean absolute deviation of a Poisson
  variable is close to that of the normal with the same variance); seasonal
  naive adds a second day's noise (about ``sqrt(2)`` times the floor), a
  4-week linear-weighted average 3/10 of one (``sqrt(1.3) = 1.14``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cccplan.exceptions import CccplanError, InputError
from cccplan.forecast._matrix import DayMatrix, weekday_of
from cccplan.forecast.models._profile import (
    closed_phases,
    intraday_profile,
    recency_weights,
    smooth_slots,
    usable_days,
    weekday_table,
)
from cccplan.forecast.models.baseline import SeasonalNaive, WeekdayAverage
from cccplan.forecast.models.topdown import TopDown

Model = SeasonalNaive | WeekdayAverage | TopDown

MODELS: list[Callable[[], Model]] = [
    SeasonalNaive,
    WeekdayAverage,
    lambda: WeekdayAverage(weights="equal"),
    TopDown,
    lambda: TopDown(trend=None),
]
MODEL_IDS = ["seasonal_naive", "weekday_average", "weekday_average_equal", "topdown", "topdown_nt"]

START = np.datetime64("2024-01-01", "D")  # a Monday
WEEKLY = np.array([1.2, 1.1, 1.0, 1.0, 0.9, 0.5, 0.3])  # Monday .. Sunday factors
OPEN_FROM, OPEN_TO = 28, 84  # 07:00 to 21:00 in 15-minute slots


# --------------------------------------------------------------------------- helpers


def day_range(n_days: int, start: np.datetime64 = START) -> np.ndarray:
    return start + np.arange(n_days).astype("timedelta64[D]")


def future_of(history: DayMatrix, n_days: int = 7) -> np.ndarray:
    return day_range(n_days, history.dates[-1] + np.timedelta64(1, "D"))


def matrix(
    values: np.ndarray,
    excluded: np.ndarray | None = None,
    start: np.datetime64 = START,
    slot_minutes: int | None = None,
) -> DayMatrix:
    values = np.asarray(values, dtype=np.float64)
    dates = day_range(values.shape[0], start)
    if excluded is None:
        excluded = np.zeros(values.shape[0], dtype=bool)
    excluded = excluded | ~np.isfinite(values).any(axis=1)
    if slot_minutes is None:
        slot_minutes = 1440 // values.shape[1]
    return DayMatrix(values, dates, weekday_of(dates), excluded, slot_minutes)


def intraday_shape(n_slots: int = 96) -> np.ndarray:
    """Shares of a day's volume per 15-minute slot, two peaks, NaN outside 07:00-21:00."""
    slot = np.arange(n_slots, dtype=np.float64)
    shape = np.exp(-0.5 * ((slot - 40) / 10) ** 2) + 0.8 * np.exp(-0.5 * ((slot - 62) / 9) ** 2)
    shape[:OPEN_FROM] = np.nan
    shape[OPEN_TO:] = np.nan
    return shape / np.nansum(shape)


def rates(n_days: int, *, level: float = 2000.0, slope: float = 0.0) -> np.ndarray:
    """Expected volume per day and slot: weekly factors x daily level x intraday shape."""
    day = np.arange(n_days)
    daily = (level + slope * day) * WEEKLY[weekday_of(day_range(n_days))]
    return daily[:, None] * intraday_shape()


def poisson(mu: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    counts = rng.poisson(np.nan_to_num(mu)).astype(np.float64)
    return np.where(np.isnan(mu), np.nan, counts)


def check_output(result: np.ndarray, n_dates: int, n_slots: int) -> None:
    assert result.shape == (n_dates, n_slots)
    assert result.dtype == np.float64
    assert np.isfinite(result).all()
    assert (result >= 0).all()


@pytest.fixture(scope="module")
def noisy_year() -> DayMatrix:
    return matrix(poisson(rates(364), seed=7))


# --------------------------------------------------------------------------- protocol


@pytest.mark.parametrize("make", MODELS, ids=MODEL_IDS)
def test_fit_predict_equals_forecast(make: Callable[[], Model], noisy_year: DayMatrix) -> None:
    future = future_of(noisy_year, 10)
    model = make()
    fitted = model.fit(noisy_year)
    assert fitted is model
    assert isinstance(model.name, str)
    assert model.name
    predicted = fitted.predict(future)
    np.testing.assert_array_equal(make().forecast(noisy_year, future), predicted)
    check_output(predicted, 10, 96)


@pytest.mark.parametrize("make", MODELS, ids=MODEL_IDS)
def test_never_open_slots_forecast_zero(make: Callable[[], Model], noisy_year: DayMatrix) -> None:
    result = make().forecast(noisy_year, future_of(noisy_year, 14))
    assert (result[:, :OPEN_FROM] == 0).all()
    assert (result[:, OPEN_TO:] == 0).all()
    assert (result[:, OPEN_FROM:OPEN_TO].sum(axis=1) > 0).all()


@pytest.mark.parametrize("make", MODELS, ids=MODEL_IDS)
def test_weekday_specific_hours_and_closed_weekday(make: Callable[[], Model]) -> None:
    mu = rates(70)
    weekday = weekday_of(day_range(70))
    mu[weekday == 5, 60:] = np.nan  # Saturdays close at 15:00
    mu[weekday == 6] = np.nan  # closed on Sundays: every Sunday is empty
    history = matrix(poisson(mu, seed=3))
    result = make().forecast(history, future_of(history, 7))  # Monday .. Sunday
    check_output(result, 7, 96)
    assert (result[5, 60:] == 0).all()
    assert (result[5, OPEN_FROM:60] > 0).all()
    assert (result[6] == 0).all()
    assert (result[:5, OPEN_FROM:OPEN_TO] > 0).all()


@pytest.mark.parametrize("make", MODELS, ids=MODEL_IDS)
def test_empty_dates(make: Callable[[], Model], noisy_year: DayMatrix) -> None:
    result = make().forecast(noisy_year, np.array([], dtype="datetime64[D]"))
    assert result.shape == (0, 96)


@pytest.mark.parametrize("make", MODELS, ids=MODEL_IDS)
def test_daily_data_one_slot(make: Callable[[], Model]) -> None:
    history = matrix(np.nansum(poisson(rates(120), seed=5), axis=1)[:, None])
    assert history.slot_minutes == 1440
    result = make().forecast(history, future_of(history, 7))
    check_output(result, 7, 1)
    expected = 2000.0 * WEEKLY[weekday_of(future_of(history, 7))]
    np.testing.assert_allclose(result[:, 0], expected, rtol=0.1)


@pytest.mark.parametrize("make", MODELS, ids=MODEL_IDS)
def test_dates_must_follow_history(make: Callable[[], Model], noisy_year: DayMatrix) -> None:
    model = make().fit(noisy_year)
    with pytest.raises(InputError, match="after the last day of history"):
        model.predict(noisy_year.dates[-3:])
    with pytest.raises(InputError, match="1-D"):
        model.predict(future_of(noisy_year, 4).reshape(2, 2))


@pytest.mark.parametrize("make", MODELS, ids=MODEL_IDS)
def test_predict_before_fit(make: Callable[[], Model]) -> None:
    with pytest.raises(CccplanError, match="call fit"):
        make().predict(day_range(3))


@pytest.mark.parametrize("make", MODELS, ids=MODEL_IDS)
def test_bad_history_is_an_input_error(make: Callable[[], Model]) -> None:
    values = rates(14)
    values[3, 40] = -1.0
    with pytest.raises(InputError, match="negative"):
        make().fit(matrix(values))
    with pytest.raises(InputError, match="2-D"):
        make().fit(
            DayMatrix(np.zeros(3), day_range(3), weekday_of(day_range(3)), np.zeros(3, bool), 15)
        )


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (lambda: SeasonalNaive(season_days=0), "season_days"),
        (lambda: SeasonalNaive(season_days=7.0), "season_days"),  # type: ignore[arg-type]
        (lambda: WeekdayAverage(weeks=0), "weeks"),
        (lambda: WeekdayAverage(weights="median"), "weights"),  # type: ignore[arg-type]
        (lambda: WeekdayAverage(weights=[0.5, 0.3, 0.2]), "weeks=3"),
        (lambda: WeekdayAverage(weeks=2, weights=[1.0, -1.0]), "positive"),
        (lambda: TopDown(trend="mul"), "trend"),  # type: ignore[arg-type]
        (lambda: TopDown(profile_weeks=0), "profile_weeks"),
        (lambda: TopDown(damped="yes"), "damped"),  # type: ignore[arg-type]
    ],
)
def test_bad_parameters(factory: Callable[[], object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        factory()


def test_reprs() -> None:
    assert repr(SeasonalNaive()) == "SeasonalNaive(season_days=7)"
    assert (
        repr(WeekdayAverage(weeks=3, weights="equal")) == "WeekdayAverage(weeks=3, weights='equal')"
    )
    assert repr(TopDown()) == "TopDown(trend='add', damped=True, profile_weeks=8)"


# --------------------------------------------------------------------------- excluded days


@pytest.mark.parametrize("make", MODELS, ids=MODEL_IDS)
@pytest.mark.parametrize("replacement", ["zeros", "nan", "tenfold"])
def test_excluded_days_do_not_matter(
    make: Callable[[], Model], replacement: str, noisy_year: DayMatrix
) -> None:
    excluded = noisy_year.excluded.copy()
    holidays = np.array([100, 200, 357, 361])  # the last one is last week's Friday
    excluded[holidays] = True
    clean = DayMatrix(noisy_year.values, noisy_year.dates, noisy_year.weekday, excluded, 15)
    values = noisy_year.values.copy()
    if replacement == "zeros":
        values[holidays, OPEN_FROM:OPEN_TO] = 0.0
    elif replacement == "nan":
        values[holidays] = np.nan
    else:
        values[holidays] *= 10.0
    changed = DayMatrix(values, noisy_year.dates, noisy_year.weekday, excluded, 15)
    future = future_of(noisy_year, 14)
    np.testing.assert_array_equal(make().forecast(changed, future), make().forecast(clean, future))


@pytest.mark.parametrize("make", MODELS, ids=MODEL_IDS)
def test_holiday_of_zeros_does_not_lower_the_forecast(make: Callable[[], Model]) -> None:
    values = rates(63)
    holiday = 56  # the last Monday
    values[holiday, OPEN_FROM:OPEN_TO] = 0.0
    excluded = np.zeros(63, dtype=bool)
    excluded[holiday] = True
    expected = rates(70)[63:]
    result = make().forecast(matrix(values, excluded), day_range(7, START + 63))
    np.testing.assert_allclose(
        result[:, OPEN_FROM:OPEN_TO], expected[:, OPEN_FROM:OPEN_TO], rtol=0.02
    )
    # The same day not excluded does lower Monday's forecast: the test has teeth.
    lowered = make().forecast(matrix(values), day_range(7, START + 63))
    assert lowered[0].sum() < 0.95 * result[0].sum()


@pytest.mark.parametrize("make", MODELS, ids=MODEL_IDS)
def test_outage_day_of_nan_does_not_lower_the_forecast(make: Callable[[], Model]) -> None:
    values = rates(63)
    values[[49, 56]] = np.nan  # two whole-day outages, automatically excluded
    expected = rates(70)[63:]
    result = make().forecast(matrix(values), day_range(7, START + 63))
    np.testing.assert_allclose(
        result[:, OPEN_FROM:OPEN_TO], expected[:, OPEN_FROM:OPEN_TO], rtol=0.02
    )


def test_partial_outage_keeps_the_level() -> None:
    values = rates(63)
    values[56, 50:OPEN_TO] = np.nan  # last Monday: data lost from 12:30 on, day not excluded
    expected = rates(70)[63:]
    for make in (SeasonalNaive, WeekdayAverage, TopDown):
        result = make().forecast(matrix(values), day_range(7, START + 63))
        np.testing.assert_allclose(
            result[:, OPEN_FROM:OPEN_TO], expected[:, OPEN_FROM:OPEN_TO], rtol=0.02
        )


def test_skipped_dst_hour_is_filled_from_an_earlier_week() -> None:
    values = rates(35)
    values[:, 8:12] = 1.0  # open at night here
    values[27, 8:12] = np.nan  # a Sunday that lost 02:00-03:00
    result = SeasonalNaive().forecast(matrix(values), day_range(7, START + 35))
    assert (result[6, 8:12] == 1.0).all()


# --------------------------------------------------------------------------- known answers


@pytest.mark.parametrize("make", MODELS, ids=MODEL_IDS)
def test_noise_free_weekly_pattern(make: Callable[[], Model]) -> None:
    history = matrix(rates(84))
    expected = rates(84 + 21)[84:]
    result = make().forecast(history, future_of(history, 21))
    tolerance = 0.02 if isinstance(make(), TopDown) else 1e-12
    open_slots = np.s_[:, OPEN_FROM:OPEN_TO]
    np.testing.assert_allclose(result[open_slots], expected[open_slots], rtol=tolerance)
    assert (result[:, :OPEN_FROM] == 0).all()


def test_topdown_reproduces_noise_free_pattern_closely() -> None:
    history = matrix(rates(84))
    expected = rates(91)[84:]
    result = TopDown().forecast(history, future_of(history))
    np.testing.assert_allclose(
        result.sum(axis=1), expected[:, OPEN_FROM:OPEN_TO].sum(axis=1), rtol=1e-3
    )


def test_topdown_follows_a_linear_trend() -> None:
    n_days = 112
    history = matrix(rates(n_days, level=1000.0, slope=5.0))
    expected = np.nansum(rates(n_days + 7, level=1000.0, slope=5.0)[n_days:], axis=1)
    model = TopDown().fit(history)
    assert model.level_method == "ets"
    totals = model.predict(future_of(history)).sum(axis=1)
    np.testing.assert_allclose(totals, expected, rtol=0.02)
    # The weekday average lags a growing series by about two weeks (4-week linear weights).
    lagging = WeekdayAverage().forecast(history, future_of(history)).sum(axis=1)
    assert np.abs(totals - expected).sum() < 0.25 * np.abs(lagging - expected).sum()
    assert (lagging < expected).all()


def test_seasonal_naive_repeats_last_usable_week() -> None:
    values = np.arange(21.0)[:, None] * np.ones((1, 3))
    excluded = np.zeros(21, dtype=bool)
    excluded[16] = True  # last week's Wednesday
    history = matrix(values, excluded, slot_minutes=480)
    result = SeasonalNaive().forecast(history, future_of(history, 14))
    expected_week = np.array([14.0, 15.0, 9.0, 17.0, 18.0, 19.0, 20.0])
    np.testing.assert_array_equal(result[:, 0], np.tile(expected_week, 2))


def test_seasonal_naive_other_seasons() -> None:
    values = np.arange(10.0)[:, None]
    history = matrix(values, slot_minutes=1440)
    np.testing.assert_array_equal(
        SeasonalNaive(season_days=1).forecast(history, future_of(history, 3))[:, 0], [9.0] * 3
    )
    np.testing.assert_array_equal(
        SeasonalNaive(season_days=2).forecast(history, future_of(history, 3))[:, 0], [8.0, 9.0, 8.0]
    )


def test_weekday_average_weights() -> None:
    # Mondays of four weeks: 10, 20, 30, 40 (most recent last).
    values = np.repeat(np.array([10.0, 20.0, 30.0, 40.0]), 7)[:, None]
    history = matrix(values, slot_minutes=1440)
    monday = future_of(history, 1)

    def forecast(**kwargs: object) -> float:
        return float(WeekdayAverage(**kwargs).forecast(history, monday)[0, 0])  # type: ignore[arg-type]

    assert forecast(weights="equal") == pytest.approx(25.0)
    assert forecast() == pytest.approx((4 * 40 + 3 * 30 + 2 * 20 + 10) / 10)
    assert forecast(weeks=2, weights=[1.0, 1.0]) == pytest.approx(35.0)
    assert forecast(weeks=1) == pytest.approx(40.0)
    # Fewer occurrences than weeks: the available ones, with the first weights.
    assert forecast(weeks=8) == pytest.approx((8 * 40 + 7 * 30 + 6 * 20 + 5 * 10) / 26)


@pytest.mark.parametrize("make", MODELS, ids=MODEL_IDS)
def test_constant_series(make: Callable[[], Model]) -> None:
    values = np.full((60, 24), 3.0)
    result = make().forecast(matrix(values), day_range(9, START + 60))
    np.testing.assert_allclose(result, 3.0, rtol=1e-9)


@pytest.mark.parametrize("make", MODELS, ids=MODEL_IDS)
def test_all_zero_series(make: Callable[[], Model]) -> None:
    values = np.zeros((40, 96))
    values[:, :OPEN_FROM] = np.nan
    result = make().forecast(matrix(values), day_range(7, START + 40))
    np.testing.assert_array_equal(result, 0.0)


# --------------------------------------------------------------------------- short histories


@pytest.mark.parametrize("make", MODELS, ids=MODEL_IDS)
def test_single_day_of_history(make: Callable[[], Model]) -> None:
    day = rates(1)
    history = matrix(day)
    result = make().forecast(history, future_of(history, 10))
    check_output(result, 10, 96)
    np.testing.assert_allclose(result.sum(axis=1), np.nansum(day), rtol=1e-9)
    if not isinstance(make(), TopDown):
        np.testing.assert_allclose(result, np.nan_to_num(np.tile(day, (10, 1))))
    assert (result[:, :OPEN_FROM] == 0).all()


@pytest.mark.parametrize("make", MODELS, ids=MODEL_IDS)
def test_six_days_of_history(make: Callable[[], Model]) -> None:
    history = matrix(rates(6))  # Monday .. Saturday
    result = make().forecast(history, future_of(history, 8))  # Sunday .. Sunday
    check_output(result, 8, 96)
    expected = rates(14)[6:14]
    seen = np.s_[1:7, OPEN_FROM:OPEN_TO]  # Monday .. Saturday were seen once
    np.testing.assert_allclose(result[seen], expected[seen], rtol=0.02)
    # Sunday was never seen: a level from the most recent days, positive.
    assert result[0].sum() > 0
    np.testing.assert_array_equal(result[0], result[7])


@pytest.mark.parametrize("make", MODELS, ids=MODEL_IDS)
def test_two_weeks_of_history(make: Callable[[], Model]) -> None:
    history = matrix(poisson(rates(14), seed=11))
    model = make().fit(history)
    if isinstance(model, TopDown):
        assert model.level_method == "weekday_average"
    result = model.predict(future_of(history, 7))
    check_output(result, 7, 96)
    expected = rates(21)[14:]
    np.testing.assert_allclose(result.sum(axis=1), np.nansum(expected, axis=1), rtol=0.1)


@pytest.mark.parametrize("make", MODELS, ids=MODEL_IDS)
def test_all_days_excluded_uses_them_as_a_last_resort(make: Callable[[], Model]) -> None:
    values = rates(3)
    history = matrix(values, np.ones(3, dtype=bool))
    result = make().forecast(history, future_of(history, 3))
    check_output(result, 3, 96)
    assert result.sum() > 0


@pytest.mark.parametrize("make", MODELS, ids=MODEL_IDS)
def test_no_data_at_all(make: Callable[[], Model]) -> None:
    history = matrix(np.full((10, 4), np.nan))
    result = make().forecast(history, future_of(history, 3))
    np.testing.assert_array_equal(result, 0.0)


# --------------------------------------------------------------------------- properties


@st.composite
def histories(draw: st.DrawFn) -> DayMatrix:
    n_days = draw(st.integers(min_value=1, max_value=45))
    n_slots = draw(st.sampled_from([1, 4, 24]))
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    rng = np.random.default_rng(seed)
    level = draw(st.sampled_from([0.0, 0.3, 5.0, 400.0]))
    values = rng.poisson(level * rng.uniform(0.2, 2.0, size=(n_days, n_slots))).astype(np.float64)
    values[rng.uniform(size=values.shape) < draw(st.sampled_from([0.0, 0.1, 0.5]))] = np.nan
    values[:, rng.uniform(size=n_slots) < 0.2] = np.nan  # never-open slots
    excluded = rng.uniform(size=n_days) < draw(st.sampled_from([0.0, 0.2, 0.9]))
    start = START + np.timedelta64(int(rng.integers(0, 7)), "D")
    return matrix(values, excluded, start=start, slot_minutes=1440 // n_slots)


@settings(max_examples=40, deadline=None)
@given(history=histories(), horizon=st.integers(min_value=1, max_value=20))
def test_property_forecasts_are_finite_nonnegative_and_respect_closed_slots(
    history: DayMatrix, horizon: int
) -> None:
    never_open = ~np.isfinite(history.values).any(axis=0)
    future = future_of(history, horizon)
    for make in MODELS:
        result = make().forecast(history, future)
        check_output(result, horizon, history.values.shape[1])
        assert (result[:, never_open] == 0).all()


@settings(max_examples=30, deadline=None)
@given(history=histories(), scale=st.sampled_from([0.5, 3.0]))
def test_property_baselines_are_scale_equivariant(history: DayMatrix, scale: float) -> None:
    scaled = DayMatrix(
        history.values * scale,
        history.dates,
        history.weekday,
        history.excluded,
        history.slot_minutes,
    )
    future = future_of(history, 9)
    for make in (SeasonalNaive, WeekdayAverage):
        np.testing.assert_allclose(
            make().forecast(scaled, future), scale * make().forecast(history, future), rtol=1e-12
        )


# --------------------------------------------------------------------------- profile helpers


def test_recency_weights() -> None:
    np.testing.assert_array_equal(recency_weights("equal", 3, model="m"), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(recency_weights("linear", 3, model="m"), [3.0, 2.0, 1.0])
    np.testing.assert_array_equal(recency_weights((0.5, 0.25), 2, model="m"), [0.5, 0.25])


def test_usable_days_and_closed_phases() -> None:
    values = np.array([[1.0, np.nan], [np.nan, np.nan], [0.0, 2.0]])
    np.testing.assert_array_equal(
        usable_days(values, np.array([False, False, True])), [True, False, False]
    )
    np.testing.assert_array_equal(usable_days(values, np.ones(3, bool)), [True, False, True])
    # Phase 1 occurs once without data: not enough to call it closed.
    np.testing.assert_array_equal(closed_phases(values, np.array([0, 1, 0]), 2), [False, False])


def test_weekday_table_effective_sample_size() -> None:
    values = np.repeat(np.array([1.0, 2.0, 3.0, 4.0]), 7)[:, None]
    weekday = weekday_of(day_range(28))
    mean, n_eff = weekday_table(
        values, weekday, np.ones(28, bool), weights=np.array([4.0, 3, 2, 1])
    )
    np.testing.assert_allclose(mean[:, 0], 3.0)
    np.testing.assert_allclose(n_eff[:, 0], 100 / 30)


def test_intraday_profile_rows_sum_to_one_and_keep_closed_slots() -> None:
    level = np.tile(np.nan_to_num(rates(7)[:1], nan=np.nan), (7, 1))
    level[6] = np.nan  # a closed weekday
    level[5, 70:] = 0.0
    profile = intraday_profile(level, np.full(level.shape, 8.0))
    np.testing.assert_allclose(profile[:6].sum(axis=1), 1.0)
    np.testing.assert_array_equal(profile[6], 0.0)
    assert (profile[:, :OPEN_FROM] == 0).all()
    # A weekday whose open slots all saw zero contacts takes the pooled shape.
    zero = level.copy()
    zero[2, OPEN_FROM:OPEN_TO] = 0.0
    pooled = intraday_profile(zero, np.full(level.shape, 8.0))
    np.testing.assert_allclose(pooled[2].sum(), 1.0)
    assert (pooled[2, OPEN_FROM:OPEN_TO] > 0).all()


def test_smoothing_reduces_profile_error_and_keeps_a_noise_free_profile() -> None:
    truth = intraday_shape()[None, :]
    open_slots = np.s_[:, OPEN_FROM:OPEN_TO]
    rng = np.random.default_rng(0)
    n_days = 8
    for daily in (1e6, 2000.0, 150.0):
        mu = daily * truth
        counts = rng.poisson(np.nan_to_num(mu), size=(n_days, mu.shape[1]))
        observed = np.where(np.isnan(mu), np.nan, counts.mean(axis=0, keepdims=True))
        smoothed = smooth_slots(observed, np.full(observed.shape, float(n_days)))
        raw_error = np.abs(observed[open_slots] - mu[open_slots]).sum()
        smooth_error = np.abs(smoothed[open_slots] - mu[open_slots]).sum()
        assert smooth_error < 0.8 * raw_error
        assert (smoothed[:, :OPEN_FROM] == 0).all()
        # Noise-free, the smoothing hardly moves the profile (curvature bias only).
        kept = smooth_slots(mu, np.full(mu.shape, float(n_days)))
        assert np.abs(kept[open_slots] - mu[open_slots]).sum() < 0.003 * mu[open_slots].sum()
        np.testing.assert_allclose(kept[open_slots], mu[open_slots], rtol=0.015)


# --------------------------------------------------------------------------- accuracy and speed


def test_wape_near_the_poisson_noise_floor() -> None:
    n_days, horizon, origins = 364 + 28, 7, 4
    mu = rates(n_days)
    counts = poisson(mu, seed=2024)
    full = matrix(counts)
    errors = {"seasonal_naive": 0.0, "weekday_average": 0.0, "topdown": 0.0}
    floor_num = floor_den = 0.0
    for k in range(origins):
        end = 364 + k * horizon
        history = full.head(end)
        future = full.dates[end : end + horizon]
        actual = counts[end : end + horizon]
        rate = mu[end : end + horizon]
        open_slots = np.isfinite(actual)
        floor_num += np.sqrt(2 * rate[open_slots] / np.pi).sum()
        floor_den += rate[open_slots].sum()
        for model in (SeasonalNaive(), WeekdayAverage(), TopDown()):
            predicted = model.forecast(history, future)
            errors[model.name] += np.abs(predicted[open_slots] - actual[open_slots]).sum()
    floor = floor_num / floor_den
    ratio = {name: error / floor_den / floor for name, error in errors.items()}
    # Measured: 1.013, 1.132 and 1.415 (seed 2024).
    assert ratio["topdown"] < 1.06
    assert 1.05 < ratio["weekday_average"] < 1.22
    assert 1.3 < ratio["seasonal_naive"] < 1.55
    assert ratio["topdown"] < ratio["weekday_average"] < ratio["seasonal_naive"]


def test_topdown_speed_year_of_quarter_hours(noisy_year: DayMatrix) -> None:
    future = future_of(noisy_year)
    TopDown().forecast(noisy_year, future)  # warm up: the statsmodels import
    best = np.inf
    for _ in range(3):
        started = time.perf_counter()
        TopDown().forecast(noisy_year, future)
        best = min(best, time.perf_counter() - started)
    assert best < 0.5
