"""IntradaySVD, DailyStateSpace and Ensemble: protocol, calendar handling, known answers, speed.

Known answers come from noise-free synthetic data built here (a weekday level
times an intraday profile), where the right forecast is the pattern itself,
and from Poisson data with a known holiday multiplier, where the model must
recover it within sampling error.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cccplan.exceptions import CccplanError, InputError
from cccplan.forecast._matrix import DayMatrix, weekday_of
from cccplan.forecast.models.ensemble import Ensemble
from cccplan.forecast.models.statespace import DailyStateSpace
from cccplan.forecast.models.svd import IntradaySVD

START = np.datetime64("2024-01-01", "D")  # a Monday
WEEKDAY_LEVEL = np.array([1300.0, 1100, 1000, 970, 880, 400, 0])  # closed on Sundays
N_SLOTS = 96
OPEN = slice(32, 80)  # 08:00-20:00 in quarter-hours; the other slots never open
SATURDAY_OPEN = slice(36, 56)  # 09:00-14:00


def _profile(n_slots: int = N_SLOTS) -> np.ndarray:
    """A smooth two-peaked intraday profile over the open slots, summing to 1."""
    slots = np.arange(n_slots, dtype=float)
    shape = np.exp(-0.5 * ((slots - 42) / 6) ** 2) + 0.7 * np.exp(-0.5 * ((slots - 62) / 8) ** 2)
    profile = np.zeros(n_slots)
    profile[OPEN] = shape[OPEN]
    return profile / profile.sum()


def _dates(n_days: int, start: np.datetime64 = START) -> np.ndarray:
    return start + np.arange(n_days).astype("timedelta64[D]")


def _future(history: DayMatrix, n_days: int) -> np.ndarray:
    return history.dates[-1] + np.arange(1, n_days + 1).astype("timedelta64[D]")


def make_history(
    n_days: int,
    *,
    rng: np.random.Generator | None = None,
    level: np.ndarray = WEEKDAY_LEVEL,
    excluded: np.ndarray | None = None,
    multiplier: np.ndarray | None = None,
    start: np.datetime64 = START,
) -> DayMatrix:
    """Contact-centre-like volumes: weekday level x profile, Poisson if ``rng`` is given.

    Open 08:00-20:00 Monday-Friday and 09:00-14:00 on Saturday, closed on
    Sunday (absent, NaN); the slots outside 08:00-20:00 are never open.
    """
    dates = _dates(n_days, start)
    weekday = weekday_of(dates)
    daily = level[weekday] * (1.0 if multiplier is None else multiplier)
    profile = _profile()
    saturday = np.zeros(N_SLOTS)
    saturday[SATURDAY_OPEN] = profile[SATURDAY_OPEN] / profile[SATURDAY_OPEN].sum()
    shape = np.where((weekday == 5)[:, None], saturday, profile)
    mean = daily[:, None] * shape
    values = mean if rng is None else rng.poisson(mean).astype(float)
    is_open = np.zeros((n_days, N_SLOTS), dtype=bool)
    is_open[:, OPEN] = True
    is_open[weekday == 5] = False
    is_open[np.ix_(weekday == 5, np.arange(N_SLOTS)[SATURDAY_OPEN])] = True
    is_open[weekday == 6] = False
    values = np.where(is_open, values, np.nan)
    flags = np.zeros(n_days, dtype=bool) if excluded is None else np.asarray(excluded, bool)
    flags = flags | ~np.isfinite(values).any(axis=1)
    return DayMatrix(values, dates, weekday, flags, 15)


def _with(history: DayMatrix, **changes: object) -> DayMatrix:
    fields = {
        "values": history.values,
        "dates": history.dates,
        "weekday": history.weekday,
        "excluded": history.excluded,
        "slot_minutes": history.slot_minutes,
    }
    fields.update(changes)
    return DayMatrix(**fields)  # type: ignore[arg-type]


class FixedModel:
    """A stand-in member whose forecast is a constant."""

    def __init__(self, name: str, value: float) -> None:
        self.name = name
        self.value = value
        self.n_slots = 0

    def fit(self, history: DayMatrix) -> FixedModel:
        self.n_slots = history.n_slots
        return self

    def predict(self, dates: np.ndarray) -> np.ndarray:
        return np.full((len(dates), self.n_slots), self.value)

    def forecast(self, history: DayMatrix, dates: np.ndarray) -> np.ndarray:
        return self.fit(history).predict(dates)


MODELS = {
    "svd": IntradaySVD,
    "svd_1": lambda: IntradaySVD(components=1),
    "svd_weeks": lambda: IntradaySVD(weeks=8),
    "state_space": DailyStateSpace,
    "ensemble": lambda: Ensemble([IntradaySVD(), DailyStateSpace(), IntradaySVD(components=1)]),
    "ensemble_weighted": lambda: Ensemble(
        [IntradaySVD(), DailyStateSpace()],
        combine="inverse_error",
        weights={"svd": 2.0, "state_space": 1.0},
    ),
}


@pytest.fixture(scope="module")
def noisy_year() -> DayMatrix:
    rng = np.random.default_rng(7)
    excluded = np.zeros(365, dtype=bool)
    excluded[[0, 86, 120, 140, 275]] = True  # holidays that still had contacts
    multiplier = np.where(excluded, 0.4, 1.0)
    return make_history(365, rng=rng, excluded=excluded, multiplier=multiplier)


# --- protocol -----------------------------------------------------------------------------------


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_protocol_fit_predict_equals_forecast(make, noisy_year):
    future = _future(noisy_year, 42)
    forecast = make().forecast(noisy_year, future)
    fitted = make().fit(noisy_year)
    assert fitted.predict(future) == pytest.approx(forecast, rel=1e-12, abs=1e-12)
    assert forecast.shape == (42, N_SLOTS)
    assert forecast.dtype == np.float64
    assert np.isfinite(forecast).all()
    assert (forecast >= 0).all()
    never_open = np.ones(N_SLOTS, dtype=bool)
    never_open[OPEN] = False
    assert (forecast[:, never_open] == 0).all()
    weekday = weekday_of(future)
    assert (forecast[weekday == 6] == 0).all(), "closed on Sundays"
    saturday_closed = np.ones(N_SLOTS, dtype=bool)
    saturday_closed[SATURDAY_OPEN] = False
    assert (forecast[np.ix_(weekday == 5, saturday_closed)] == 0).all()
    assert isinstance(fitted.name, str)
    assert fitted.name
    assert repr(fitted)


# One component cannot carry Saturday's short hours (its shape is the weekdays'
# scaled, and the closed afternoon is then cut off), so svd_1 is left out.
LEVEL_MODELS = {name: make for name, make in MODELS.items() if name != "svd_1"}


@pytest.mark.parametrize("make", LEVEL_MODELS.values(), ids=LEVEL_MODELS.keys())
def test_forecast_level_is_right_on_noisy_data(make, noisy_year):
    future = _future(noisy_year, 14)
    forecast = make().forecast(noisy_year, future).sum(axis=1)
    expected = WEEKDAY_LEVEL[weekday_of(future)]
    open_days = expected > 0
    # Poisson noise on about 1000 contacts a day: the weekday level is known to ~1 %.
    assert forecast[open_days] == pytest.approx(expected[open_days], rel=0.05)


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_dates_need_not_start_the_day_after(make, noisy_year):
    model = make().fit(noisy_year)
    full = model.predict(_future(noisy_year, 10))
    later = model.predict(_future(noisy_year, 10)[[3, 7]])
    assert later == pytest.approx(full[[3, 7]], rel=1e-9)
    assert model.predict(np.array([], dtype="datetime64[D]")).shape == (0, N_SLOTS)


@pytest.mark.parametrize("make", [IntradaySVD, DailyStateSpace], ids=["svd", "state_space"])
def test_predict_rejects_dates_inside_the_history(make, noisy_year):
    model = make().fit(noisy_year)
    with pytest.raises(InputError, match="after the last day"):
        model.predict(noisy_year.dates[-3:])


@pytest.mark.parametrize("make", [IntradaySVD, DailyStateSpace], ids=["svd", "state_space"])
def test_predict_before_fit_is_an_error(make):
    with pytest.raises(CccplanError, match="fit"):
        make().predict(np.array(["2024-01-01"], dtype="datetime64[D]"))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: IntradaySVD(components=0), "components"),
        (lambda: IntradaySVD(components=2.5), "components"),
        (lambda: IntradaySVD(weeks=0), "weeks"),
        (lambda: DailyStateSpace(profile_weeks=0), "profile_weeks"),
        (lambda: Ensemble([]), "at least one"),
        (lambda: Ensemble([IntradaySVD()], combine="mean"), "combine"),
        (lambda: Ensemble([IntradaySVD()], combine="inverse_error"), "weights"),
        (lambda: Ensemble([IntradaySVD()], weights={"svd": 1.0}), "weights"),
        (
            lambda: Ensemble([IntradaySVD()], combine="inverse_error", weights={"x": 1.0}),
            "missing",
        ),
        (
            lambda: Ensemble([IntradaySVD()], combine="inverse_error", weights={"svd": -1.0}),
            ">= 0",
        ),
        (
            lambda: Ensemble(
                [IntradaySVD(), IntradaySVD()], combine="inverse_error", weights={"svd": 1.0}
            ),
            "unique",
        ),
        (lambda: Ensemble([object()]), "fit"),
    ],
)
def test_bad_arguments_are_input_errors(make, message):
    with pytest.raises(InputError, match=message):
        make()


def test_the_same_instance_twice_is_refused():
    member = IntradaySVD()
    with pytest.raises(InputError, match="twice"):
        Ensemble([member, member])


def test_negative_volumes_are_refused():
    history = make_history(14)
    values = history.values.copy()
    values[3, 40] = -1.0
    for model in (IntradaySVD(), DailyStateSpace()):
        with pytest.raises(InputError, match=">= 0"):
            model.fit(_with(history, values=values))


# --- excluded days ------------------------------------------------------------------------------


def test_svd_ignores_excluded_days_entirely(noisy_year):
    values = noisy_year.values.copy()
    values[noisy_year.excluded & np.isfinite(values).any(axis=1)] *= 25.0
    future = _future(noisy_year, 21)
    plain = IntradaySVD().forecast(noisy_year, future)
    wild = IntradaySVD().forecast(_with(noisy_year, values=values), future)
    assert wild == pytest.approx(plain, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("make", [IntradaySVD, DailyStateSpace], ids=["svd", "state_space"])
def test_excluded_days_do_not_count_as_zeros(make):
    rng = np.random.default_rng(3)
    excluded = np.zeros(112, dtype=bool)
    excluded[[30, 50, 70, 92, 100]] = True  # zero-volume closures flagged as excluded
    history = make_history(112, rng=rng, excluded=excluded, multiplier=np.where(excluded, 0, 1))
    future = _future(history, 7)
    forecast = make().forecast(history, future).sum(axis=1)
    expected = WEEKDAY_LEVEL[weekday_of(future)]
    assert forecast[expected > 0] == pytest.approx(expected[expected > 0], rel=0.05)


def test_state_space_estimates_the_holiday_effect(noisy_year):
    model = DailyStateSpace().fit(noisy_year)
    assert model.method_ == "unobserved components"
    # Holidays have 40 % of a normal day's volume: effect -0.6.
    assert model.holiday_effect_ == pytest.approx(-0.6, abs=0.08)
    future = _future(noisy_year, 14)
    flags = np.zeros(14, dtype=bool)
    flags[[2, 9]] = True
    normal = model.predict(future)
    holiday = model.predict(future, future_excluded=flags)
    open_days = weekday_of(future) != 6
    assert (holiday[~open_days] == 0).all()
    ratio = holiday.sum(axis=1)[open_days] / normal.sum(axis=1)[open_days]
    flags_open = flags[open_days]
    assert ratio[flags_open] == pytest.approx(0.4, abs=0.06)
    # Only the flagged days and the first open day after each of them change.
    after = np.isin(np.arange(14), np.flatnonzero(flags) + 1)[open_days]
    assert ratio[~flags_open & ~after] == pytest.approx(1.0, abs=1e-9)
    assert model.predict(future, future_excluded=np.zeros(14, bool)) == pytest.approx(normal)


def test_state_space_learns_the_catch_up_after_a_holiday():
    rng = np.random.default_rng(11)
    n_days = 364
    excluded = np.zeros(n_days, dtype=bool)
    excluded[np.arange(15, n_days, 21)] = True  # a holiday every three weeks, on weekdays
    excluded &= weekday_of(_dates(n_days)) < 5
    after = np.zeros(n_days, dtype=bool)
    after[np.flatnonzero(excluded) + 1] = True
    after &= weekday_of(_dates(n_days)) < 6
    multiplier = np.where(excluded, 0.5, np.where(after, 1.3, 1.0))
    history = make_history(n_days, rng=rng, excluded=excluded, multiplier=multiplier)
    model = DailyStateSpace().fit(history)
    future = _future(history, 7)  # Monday to Sunday
    flags = np.zeros(7, dtype=bool)
    flags[1] = True  # a Tuesday holiday: Wednesday catches up
    holiday = model.predict(future, future_excluded=flags).sum(axis=1)
    ratio = holiday[:6] / model.predict(future).sum(axis=1)[:6]  # Sunday is closed
    assert ratio[1] == pytest.approx(0.5, abs=0.07)
    assert ratio[2] == pytest.approx(1.3, abs=0.1)


def test_future_excluded_must_match_dates(noisy_year):
    model = DailyStateSpace().fit(noisy_year)
    with pytest.raises(InputError, match="future_excluded"):
        model.predict(_future(noisy_year, 3), future_excluded=np.array([True, False]))
    with pytest.raises(InputError, match="future_excluded"):
        model.predict(_future(noisy_year, 2), future_excluded=np.array([1, 0]))


# --- short histories ----------------------------------------------------------------------------


@pytest.mark.parametrize("n_days", [1, 6, 14])
@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_short_histories_give_sane_forecasts(make, n_days):
    rng = np.random.default_rng(n_days)
    history = make_history(n_days, rng=rng)
    future = _future(history, 14)
    forecast = make().forecast(history, future)
    assert forecast.shape == (14, N_SLOTS)
    assert np.isfinite(forecast).all()
    assert (forecast >= 0).all()
    totals = forecast.sum(axis=1)
    weekday = weekday_of(future)
    # Every weekday gets a level of the right size; weekdays not seen yet borrow
    # the others' (Sunday in the 1- and 6-day histories), except that two empty
    # Sundays (the 14-day history) mean closed on Sundays. Saturday, with its
    # short hours, is low where one SVD component cuts its shape.
    assert (totals[weekday < 5] > 600).all()
    assert (totals[weekday == 5] > 100).all()
    assert (totals < 1500).all()
    if n_days == 14:
        assert (forecast[weekday == 6] == 0).all()
    else:
        assert (totals[weekday == 6] > 300).all()


def test_one_day_of_history_is_repeated_by_the_svd():
    history = make_history(1)  # a noise-free Monday
    forecast = IntradaySVD().forecast(history, _future(history, 7))
    assert forecast == pytest.approx(np.tile(np.nan_to_num(history.values[0]), (7, 1)), rel=1e-9)


def test_one_day_of_history_is_repeated_by_the_state_space_in_total():
    history = make_history(1)
    model = DailyStateSpace().fit(history)
    assert model.method_ == "weekday mean"
    forecast = model.predict(_future(history, 7))
    assert forecast.sum(axis=1) == pytest.approx(np.full(7, WEEKDAY_LEVEL[0]), rel=1e-12)


def test_six_days_use_weekday_means_and_the_overall_mean_for_sunday():
    history = make_history(6)  # Monday to Saturday, noise-free
    future = _future(history, 7)  # Sunday to Saturday
    model = DailyStateSpace().fit(history)
    assert model.method_ == "weekday mean"
    totals = model.predict(future).sum(axis=1)
    assert totals[0] == pytest.approx(WEEKDAY_LEVEL[:6].mean(), rel=1e-12)
    assert totals[1:] == pytest.approx(WEEKDAY_LEVEL[:6], rel=1e-12)
    svd = IntradaySVD().fit(history)
    assert np.isnan(svd.alpha_).all(), "too short to smooth"
    assert svd.predict(future)[1:].sum(axis=1) == pytest.approx(WEEKDAY_LEVEL[:6], rel=1e-9)


def test_no_usable_day_forecasts_zero():
    history = make_history(14)
    empty = _with(
        history,
        values=np.full(history.values.shape, np.nan),
        excluded=np.ones(14, dtype=bool),
    )
    for model in (IntradaySVD(), DailyStateSpace()):
        assert (model.forecast(empty, _future(empty, 7)) == 0).all()


@pytest.mark.parametrize("make", [IntradaySVD, DailyStateSpace], ids=["svd", "state_space"])
def test_a_history_of_excluded_days_only_is_used_as_a_last_resort(make):
    history = make_history(10)
    only_special = _with(history, excluded=np.ones(10, dtype=bool))
    totals = make().forecast(only_special, _future(history, 7)).sum(axis=1)
    assert (totals[weekday_of(_future(history, 7)) < 6] > 0).all()


# --- degenerate series --------------------------------------------------------------------------


@pytest.mark.parametrize("n_days", [1, 20, 120])
@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_all_zero_series_forecast_zero(make, n_days):
    history = make_history(n_days, level=np.zeros(7))
    forecast = make().forecast(history, _future(history, 14))
    assert (forecast == 0).all()


@pytest.mark.parametrize("n_days", [1, 20, 120])
@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_constant_series_forecast_the_constant(make, n_days):
    dates = _dates(n_days)
    values = np.full((n_days, 4), 7.0)
    history = DayMatrix(values, dates, weekday_of(dates), np.zeros(n_days, bool), 360)
    forecast = make().forecast(history, _future(history, 10))
    assert forecast == pytest.approx(np.full((10, 4), 7.0), rel=1e-9)


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_daily_data_one_slot(make, noisy_year):
    daily = np.nansum(noisy_year.values, axis=1, keepdims=True)
    daily[~np.isfinite(noisy_year.values).any(axis=1)] = np.nan
    history = _with(noisy_year, values=daily, slot_minutes=1440)
    future = _future(history, 14)
    forecast = make().forecast(history, future)
    expected = WEEKDAY_LEVEL[weekday_of(future)]
    assert forecast[:, 0] == pytest.approx(expected, rel=0.05)


# --- known answers ------------------------------------------------------------------------------


@pytest.mark.parametrize(("components", "tolerance"), [(2, 0.02), (3, 0.01), (5, 0.01)])
def test_svd_reproduces_a_noise_free_rank_one_pattern(components, tolerance):
    history = make_history(56)
    future = _future(history, 14)
    forecast = IntradaySVD(components=components).forecast(history, future)
    truth = np.nan_to_num(make_history(70).values[56:])
    # sqrt(y + 1/4) of a rank-one y is not exactly rank one, and Saturday's short
    # hours make a second shape: within 2 % with two components, 1 % with more.
    busy = truth > 1.0
    assert forecast[busy] == pytest.approx(truth[busy], rel=tolerance)
    assert forecast.sum(axis=1) == pytest.approx(truth.sum(axis=1), rel=0.005)


def test_svd_weeks_keeps_only_the_recent_level():
    multiplier = np.where(np.arange(84) < 70, 1.0, 2.0)  # volume doubled two weeks ago
    history = make_history(84, multiplier=multiplier)
    future = _future(history, 7)
    recent = IntradaySVD(weeks=2).forecast(history, future).sum(axis=1)
    assert recent == pytest.approx(2 * WEEKDAY_LEVEL[weekday_of(future)], rel=0.01)


def test_svd_follows_a_level_shift_by_smoothing():
    multiplier = np.where(np.arange(140) < 84, 1.0, 1.5)
    history = make_history(140, multiplier=multiplier)
    future = _future(history, 7)
    totals = IntradaySVD().forecast(history, future).sum(axis=1)
    expected = 1.5 * WEEKDAY_LEVEL[weekday_of(future)]
    assert totals[expected > 0] == pytest.approx(expected[expected > 0], rel=0.03)


def test_svd_mean_bias_correction_on_poisson_counts():
    # Small counts (about 0.5-3 a slot), where sqrt(y + 1/4)**2 - 1/4 alone is biased low.
    rng = np.random.default_rng(5)
    history = make_history(364, rng=rng, level=WEEKDAY_LEVEL / 10)
    future = _future(history, 7)
    totals = IntradaySVD().forecast(history, future).sum(axis=1)
    expected = WEEKDAY_LEVEL[weekday_of(future)] / 10
    assert totals[expected > 0] == pytest.approx(expected[expected > 0], rel=0.05)


def test_svd_update_follows_a_busy_morning():
    history = make_history(56)
    model = IntradaySVD().fit(history)
    monday = np.nan_to_num(make_history(57).values[56])
    partial = np.where(np.arange(N_SLOTS) < 56, 1.3 * monday, np.nan)  # until 14:00
    afternoon = slice(56, 80)
    updated = model.update(partial, penalty=0.0)
    assert updated[afternoon] == pytest.approx(1.3 * monday[afternoon], rel=0.01)
    # A strong pull towards the interday forecast keeps it.
    kept = model.update(partial, penalty=1e9)
    assert kept == pytest.approx(model.predict(_future(history, 1))[0], rel=1e-6)
    # Nothing observed: the interday forecast.
    assert model.update(np.full(N_SLOTS, np.nan)) == pytest.approx(
        model.predict(_future(history, 1))[0]
    )


def test_svd_update_default_penalty_weighs_the_day_to_day_variation():
    rng = np.random.default_rng(2)
    # Pure Poisson counts around a fixed weekday level: a busy morning is noise.
    steady = IntradaySVD().fit(make_history(182, rng=rng))
    # A random daily level (Gamma, CV 15 %, as in real centres): a busy morning
    # says the day is busy.
    day_level = rng.gamma(45.0, 1 / 45.0, size=182)
    varying = IntradaySVD().fit(make_history(182, rng=rng, multiplier=day_level))
    gains = []
    for model in (steady, varying):
        prior = model.predict(np.array(["2024-07-01"], dtype="datetime64[D]"))[0]  # a Monday
        partial = np.where(np.arange(N_SLOTS) < 56, 1.3 * prior, np.nan)
        updated = model.update(partial)
        gains.append(updated[56:80].sum() / prior[56:80].sum())
    assert 1.0 < gains[0] < 1.1
    assert 1.2 < gains[1] < 1.31
    model = varying
    assert np.isfinite(updated).all()
    assert (updated >= 0).all()
    with pytest.raises(CccplanError, match="fit"):
        IntradaySVD().update(partial)
    with pytest.raises(InputError, match="shape"):
        model.update(partial[:10])
    with pytest.raises(InputError, match="penalty"):
        model.update(partial, penalty=-1.0)


# --- ensemble -----------------------------------------------------------------------------------


def test_ensemble_median_of_three_is_the_middle_one(noisy_year):
    members = [FixedModel("low", 1.0), FixedModel("high", 5.0), FixedModel("mid", 2.0)]
    forecast = Ensemble(members).forecast(noisy_year, _future(noisy_year, 3))
    assert (forecast == 2.0).all()


def test_ensemble_median_is_per_slot(noisy_year):
    members = [IntradaySVD(), DailyStateSpace(), IntradaySVD(components=1)]
    future = _future(noisy_year, 7)
    combined = Ensemble(members).forecast(noisy_year, future)
    each = np.stack([member.predict(future) for member in members])
    assert combined == pytest.approx(np.median(each, axis=0), rel=1e-12, abs=1e-12)


def test_ensemble_inverse_error_weights(noisy_year):
    members = [FixedModel("a", 1.0), FixedModel("b", 4.0)]
    ensemble = Ensemble(members, combine="inverse_error", weights={"a": 3.0, "b": 1.0})
    forecast = ensemble.forecast(noisy_year, _future(noisy_year, 2))
    assert forecast == pytest.approx(np.full((2, N_SLOTS), (3 * 1 + 4) / 4))


# --- properties ---------------------------------------------------------------------------------


@st.composite
def histories(draw: st.DrawFn) -> DayMatrix:
    n_days = draw(st.integers(1, 70))
    n_slots = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    scale = draw(st.sampled_from([0.0, 0.3, 5.0, 300.0]))
    values = rng.poisson(scale * rng.uniform(0.2, 1.0, (n_days, n_slots))).astype(float)
    values[rng.uniform(size=(n_days, n_slots)) < draw(st.sampled_from([0.0, 0.2]))] = np.nan
    never_open = rng.uniform(size=n_slots) < 0.3
    values[:, never_open] = np.nan
    excluded = rng.uniform(size=n_days) < draw(st.sampled_from([0.0, 0.2, 0.9]))
    excluded |= ~np.isfinite(values).any(axis=1)
    dates = _dates(n_days, START + np.timedelta64(draw(st.integers(0, 6)), "D"))
    return DayMatrix(values, dates, weekday_of(dates), excluded, 1440 // n_slots)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=histories())
def test_forecasts_are_finite_nonnegative_and_zero_where_never_open(history):
    future = _future(history, 9)
    never_open = ~np.isfinite(history.values).any(axis=0)
    for model in (IntradaySVD(), DailyStateSpace()):
        forecast = model.forecast(history, future)
        assert forecast.shape == (9, history.n_slots)
        assert np.isfinite(forecast).all()
        assert (forecast >= 0).all()
        assert (forecast[:, never_open] == 0).all()


# --- speed --------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [IntradaySVD, DailyStateSpace], ids=["svd", "state_space"])
def test_a_year_of_quarter_hours_fits_and_predicts_in_under_a_second(make, noisy_year):
    future = _future(noisy_year, 42)
    make().forecast(noisy_year, future)  # imports and caches warm
    best = np.inf
    for _ in range(3):  # the best of three, so that a busy CI machine does not fail it
        start = time.perf_counter()
        make().forecast(noisy_year, future)
        best = min(best, time.perf_counter() - start)
    assert best < 1.0
