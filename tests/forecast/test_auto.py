"""``model="auto"``: candidates, weekday-by-weekday combination weights, backtest reuse.

Known answers are worked by hand in the comments; the end-to-end checks use the
embedded example centre and small synthetic histories.
"""

from __future__ import annotations

import numpy as np
import pytest

import cccplan
from cccplan.forecast._matrix import DayMatrix, to_day_matrix, weekday_of
from cccplan.forecast.api import (
    _AUTO_CANDIDATES,
    _auto_choice,
    _Backtest,
    _backtest_matrix,
    _combine_by_weekday,
    _describe_weights,
    _weekday_weights,
)
from cccplan.forecast.models.statespace import DailyStateSpace
from cccplan.frames import infer_freq


def _cells(actual, weekday, **predicted):
    actual = np.asarray(actual, dtype=float)
    weekday = np.asarray(weekday, dtype=np.int64)
    horizon = np.ones(actual.size, dtype=np.int64)
    return {
        name: _Backtest(actual, np.asarray(values, dtype=float), horizon, weekday)
        for name, values in predicted.items()
    }


def test_weekday_averages_are_candidates_of_auto():
    assert {"weekday_average", "weekday_average_8w", "weekday_average_12w"} <= set(_AUTO_CANDIDATES)
    # auto can choose a weekday average on its own when it is clearly best.
    scores = {
        "weekday_average": 0.30,
        "weekday_average_8w": 0.17,
        "topdown": 0.20,
        "ensemble": 0.20,
        "combination": 0.19,
    }
    assert _auto_choice(tuple(scores), scores)[0] == "weekday_average_8w"


def test_weekday_weights_known_answer():
    # Two members, one Monday cell (actual 100) and one Saturday cell (actual 100).
    # Monday: a is off by 10, b by 40; Saturday: a is off by 40, b by 10.
    backtests = _cells([100, 100], [0, 5], a=[110, 140], b=[140, 110])
    weights = _weekday_weights(backtests)
    # Pooled, both have WAPE 50/200; each weekday's score adds 1/7 of the pooled
    # error and volume: Monday a = (10 + 50/7) / (100 + 200/7) = 0.1333,
    # b = (40 + 50/7) / (100 + 200/7) = 0.3667; weights 1/score^2, normalised.
    score_a, score_b = (10 + 50 / 7) / (100 + 200 / 7), (40 + 50 / 7) / (100 + 200 / 7)
    expected_a = score_a**-2 / (score_a**-2 + score_b**-2)
    assert weights[0]["a"] == pytest.approx(expected_a)
    assert weights[5]["b"] == pytest.approx(expected_a)
    # Weekdays without cells take the pooled weights: equal here.
    assert weights[2] == pytest.approx({"a": 0.5, "b": 0.5})
    assert set(weights) == set(range(7))
    for day_weights in weights.values():
        assert sum(day_weights.values()) == pytest.approx(1.0)


def test_weekday_weights_keep_the_best_three_and_skip_combinations():
    backtests = _cells(
        [10, 10], [1, 1], a=[10, 10], b=[11, 11], c=[12, 12], d=[20, 20], ensemble=[10, 10]
    )
    weights = _weekday_weights(backtests)
    assert set(weights[1]) == {"a", "b", "c"}
    assert weights[1]["a"] > weights[1]["b"] > weights[1]["c"]


def test_combine_by_weekday_known_answer():
    weights = {0: {"a": 1.0}, 1: {"a": 0.25, "b": 0.75}}
    forecasts = {"a": np.array([[4.0, 8.0], [4.0, 8.0]]), "b": np.array([[0.0, 0.0], [8.0, 0.0]])}
    combined = _combine_by_weekday(weights, forecasts, np.array([0, 1]))
    np.testing.assert_allclose(combined, [[4.0, 8.0], [7.0, 2.0]])
    assert _describe_weights({0: {"a": 1.0}, 1: {"a": 1.0}}) == "Mon/Tue: a 1.00"


@pytest.fixture(scope="module")
def billing():
    history = cccplan.load_example(days=120).history
    return history[history["queue"] == "billing"]


def test_auto_records_weekday_weights_and_interval_scale(billing):
    fc = cccplan.forecast(billing, "7D", model="auto")
    choice = fc.attrs["model_choice"][("billing", "voice")]
    assert {"weekday_average", "weekday_average_8w", "weekday_average_12w"} <= set(choice["wape"])
    if choice["model"] == "combination":
        assert set(choice["weights"]) == {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
        assert "weights by weekday" in choice["reason"]
    assert set(choice["interval_scale"]) == {80, 95}
    assert all(0.125 <= s <= 8.0 for s in choice["interval_scale"].values())


def test_ensemble_backtest_from_members_equals_refitting(billing):
    matrix = to_day_matrix(billing, freq=infer_freq(billing))
    kwargs = {"windows": 2, "horizon_days": 7, "step_days": 7}
    refit = _backtest_matrix(matrix, "ensemble", **kwargs)
    members = [_backtest_matrix(matrix, m, **kwargs) for m in ("topdown", "svd", "weekday_average")]
    np.testing.assert_allclose(
        refit.predicted, np.median([m.predicted for m in members], axis=0), rtol=1e-9
    )
    np.testing.assert_array_equal(refit.actual, members[0].actual)


def test_warm_start_gives_the_same_forecast():
    dates = np.arange("2024-01-01", "2024-04-22", dtype="datetime64[D]")
    rng = np.random.default_rng(3)
    level = np.array([130.0, 110, 100, 97, 88, 40, 30])[weekday_of(dates)]
    values = rng.poisson(np.outer(level * np.linspace(1, 1.3, dates.size), [0.3, 0.7]))
    history = DayMatrix(
        values.astype(float), dates, weekday_of(dates), np.zeros(dates.size, bool), 720
    )
    future = np.arange("2024-04-22", "2024-04-29", dtype="datetime64[D]")
    earlier = DailyStateSpace().fit(history.head(dates.size - 7))
    cold = DailyStateSpace().fit(history).predict(future)
    warm = DailyStateSpace().warm_start(earlier).fit(history).predict(future)
    np.testing.assert_allclose(warm, cold, rtol=2e-3)
    # An unfitted model is no start: nothing changes.
    np.testing.assert_allclose(
        DailyStateSpace().warm_start(DailyStateSpace()).fit(history).predict(future), cold
    )


def test_backtest_cells_carry_their_weekday(billing):
    matrix = to_day_matrix(billing, freq=infer_freq(billing))
    cells = _backtest_matrix(matrix, "weekday_average", windows=1, horizon_days=7, step_days=7)
    last_week = matrix.values[-7:]
    expected = np.broadcast_to(matrix.weekday[-7:, None], last_week.shape)[np.isfinite(last_week)]
    np.testing.assert_array_equal(cells.weekday, expected)


def test_combination_includes_the_weekday_average_where_it_forecasts_best():
    # Saturday (5): the weekday average is exact and the others are far off;
    # Monday (0): the weekday average is worst and is left out of the best three.
    backtests = _cells(
        [100, 100],
        [0, 5],
        weekday_average=[150, 100],
        topdown=[100, 140],
        svd=[105, 150],
        statespace=[110, 145],
    )
    weights = _weekday_weights(backtests)
    assert max(weights[5], key=weights[5].get) == "weekday_average"
    assert "weekday_average" not in weights[0]
