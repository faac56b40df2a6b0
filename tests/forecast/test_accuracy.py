"""Accuracy metrics: hand-worked values, NaN rules, the Poisson floor, and backtest grouping.

Every expected number is worked by hand in the comment next to it, or checked
against an independent computation (direct summation of the Poisson mass for
the floor). Horizon days are checked across both DST changes of
Europe/Amsterdam (2024-03-31: 02:00 -> 03:00, a 92-quarter-hour day;
2024-10-27: 03:00 -> 02:00, a 100-quarter-hour day).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cccplan.exceptions import InputError
from cccplan.forecast.accuracy import (
    accuracy,
    bias,
    coverage,
    horizon_day,
    mae,
    mase,
    poisson_floor,
    rmse,
    wape,
    wape_over_floor,
)

AMS = "Europe/Amsterdam"
NAN = float("nan")


# --- array metrics by hand --------------------------------------------------

ACTUAL = [10.0, 20.0, 0.0, 5.0]
FORECAST = [12.0, 15.0, 1.0, 5.0]
# errors f - y: +2, -5, +1, 0; |e| sum 8; e^2 sum 30; e sum -2; actual sum 35


def test_metrics_by_hand():
    assert wape(ACTUAL, FORECAST) == pytest.approx(8 / 35)
    assert mae(ACTUAL, FORECAST) == pytest.approx(8 / 4)
    assert rmse(ACTUAL, FORECAST) == pytest.approx(math.sqrt(30 / 4))
    assert bias(ACTUAL, FORECAST) == pytest.approx(-2 / 35)  # under-forecast: negative


def test_bias_sign_over_forecast_is_positive():
    assert bias([10.0], [12.0]) == pytest.approx(0.2)
    assert bias([10.0], [8.0]) == pytest.approx(-0.2)


def test_metrics_return_python_floats_and_broadcast():
    # A scalar forecast of 10 for actuals 8, 12: |e| = 2, 2 -> WAPE 4 / 20.
    value = wape([8.0, 12.0], 10.0)
    assert isinstance(value, float)
    assert value == pytest.approx(0.2)
    # 2-D arrays are fine: all pairs count.
    assert mae(np.array([[1.0, 2.0], [3.0, 4.0]]), np.zeros((2, 2))) == pytest.approx(2.5)


def test_nan_actuals_are_absent_pairs():
    # The NaN actual's pair (forecast 1000) is ignored: |11-10| + |18-20| = 3 over 30.
    actual = [10.0, NAN, 20.0]
    forecast = [11.0, 1000.0, 18.0]
    assert wape(actual, forecast) == pytest.approx(0.1)
    assert mae(actual, forecast) == pytest.approx(1.5)
    assert rmse(actual, forecast) == pytest.approx(math.sqrt((1 + 4) / 2))
    assert bias(actual, forecast) == pytest.approx(-1 / 30)


def test_nan_forecast_next_to_known_actual_gives_nan():
    for metric in (wape, mae, rmse, bias):
        assert math.isnan(metric([10.0, 20.0], [11.0, NAN]))


def test_zero_actual_total_and_no_pairs_give_nan_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isnan(wape([0.0, 0.0], [1.0, 0.0]))  # undefined even with errors
        assert math.isnan(wape([0.0], [0.0]))
        assert math.isnan(bias([0.0], [3.0]))
        for metric in (wape, mae, rmse, bias):
            assert math.isnan(metric([], []))
            assert math.isnan(metric([NAN, NAN], [1.0, 2.0]))


def test_shapes_that_do_not_broadcast_are_input_errors():
    with pytest.raises(InputError, match="do not broadcast"):
        wape([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(InputError, match="numeric"):
        mae(["a", "b"], [1.0, 2.0])


# --- MASE --------------------------------------------------------------------


def test_mase_by_hand():
    # In-sample seasonal-naive errors (season 2): |12-10| = 2, |22-20| = 2, |11-12| = 1,
    # |21-22| = 1 -> scale 1.5. Forecast errors |13-12| = 1, |22-20| = 2 -> MAE 1.5.
    insample = [10.0, 20.0, 12.0, 22.0, 11.0, 21.0]
    assert mase([12.0, 20.0], [13.0, 22.0], insample=insample, season=2) == pytest.approx(1.0)
    # A gap in the history drops the pairs it is part of: 2, (NaN), 1, 1 -> scale 4/3.
    gappy = [10.0, NAN, 12.0, 22.0, 11.0, 21.0]
    assert mase([12.0, 20.0], [13.0, 22.0], insample=gappy, season=2) == pytest.approx(
        1.5 / (4 / 3)
    )


def test_mase_of_the_seasonal_naive_in_sample_is_one():
    rng = np.random.default_rng(1)
    history = rng.poisson(20.0, size=200).astype(float)
    season = 7
    # Scoring the in-sample seasonal-naive forecast itself reproduces its own scale.
    value = mase(history[season:], history[:-season], insample=history, season=season)
    assert value == pytest.approx(1.0)


def test_mase_day_matrix_flattened_is_a_regular_series():
    # Two weeks of a 1-day x 2-slot matrix: the weekly season is 7 * 2 intervals.
    week = np.array([[1.0, 2.0]] * 7)
    matrix = np.vstack([week, week + 3.0])  # every seasonal difference is 3
    assert mase([10.0], [13.0], insample=matrix, season=14) == pytest.approx(1.0)


def test_mase_undefined_scales_are_nan():
    # Constant history: the seasonal-naive scale is 0; history no longer than a season.
    assert math.isnan(mase([5.0], [6.0], insample=[5.0] * 10, season=2))
    assert math.isnan(mase([5.0], [6.0], insample=[1.0, 2.0], season=2))


@pytest.mark.parametrize("season", [0, -1, 2.5, True])
def test_mase_rejects_bad_seasons(season):
    with pytest.raises(InputError, match="season"):
        mase([1.0], [1.0], insample=[1.0, 2.0, 3.0], season=season)


# --- coverage ----------------------------------------------------------------


def test_coverage_by_hand_and_bounds_inclusive():
    # 5 in [3, 9]; 10 in [3, 10] (upper bound inclusive); 20 not in [3, 19]; 7 not in [8, 12].
    assert coverage([5.0, 10.0, 20.0, 7.0], [3, 3, 3, 8], [9, 10, 19, 12]) == pytest.approx(0.5)
    assert coverage([3.0], [3.0], [3.0]) == 1.0  # both bounds inclusive


def test_coverage_nan_rules():
    # The absent actual is left out: 1 of the 2 known actuals is inside.
    assert coverage([5.0, NAN, 50.0], [0, 0, 0], [10, 10, 10]) == pytest.approx(0.5)
    assert math.isnan(coverage([5.0], [NAN], [10.0]))
    assert math.isnan(coverage([NAN], [0.0], [10.0]))


# --- the Poisson floor -------------------------------------------------------


def _mad_by_summation(mu: float) -> float:
    """E|Y - mu| for Y ~ Poisson(mu), summing the mass far into the tail."""
    k = np.arange(0, int(mu + 40 * math.sqrt(mu) + 50))
    return float(np.sum(np.abs(k - mu) * stats.poisson.pmf(k, mu)))


@pytest.mark.parametrize("mu", [0.05, 0.5, 1.0, 2.0, 3.7, 10.0, 37.3, 500.0])
def test_poisson_floor_matches_direct_summation(mu):
    assert poisson_floor([mu]) == pytest.approx(_mad_by_summation(mu) / mu, rel=1e-10)


def test_poisson_floor_by_hand():
    # E|Y - 1| = 2 * 1^1 e^-1 / 0! = 2/e; E|Y - 0.5| = 2 * 0.5 e^-0.5 / 0! = e^-0.5;
    # E|Y - 2| = 2 * 2^3 e^-2 / 2! = 8 e^-2.
    assert poisson_floor([1.0]) == pytest.approx(2 / math.e)
    assert poisson_floor([0.5]) == pytest.approx(math.exp(-0.5) / 0.5)
    expected = (0 + 2 / math.e + 8 * math.exp(-2)) / (0 + 1 + 2)
    assert poisson_floor([0.0, 1.0, 2.0]) == pytest.approx(expected)


def test_poisson_floor_large_rates_approach_the_normal_approximation():
    mu = 10_000.0
    assert poisson_floor([mu]) == pytest.approx(math.sqrt(2 * mu / math.pi) / mu, rel=1e-4)


def test_poisson_floor_nan_zero_and_negative():
    assert poisson_floor([1.0, NAN]) == pytest.approx(2 / math.e)
    assert math.isnan(poisson_floor([0.0, 0.0]))
    with pytest.raises(InputError, match=">= 0"):
        poisson_floor([1.0, -1.0])


def test_wape_over_floor_by_hand():
    # WAPE = (1 + 1 + 0) / 3; floor of three rates of 1 = 2/e; ratio e/3.
    assert wape_over_floor([0.0, 2.0, 1.0], [1.0, 1.0, 1.0]) == pytest.approx(math.e / 3)
    # The absent actual's interval leaves the floor too (its rate of 100 would lower it).
    assert wape_over_floor([0.0, 2.0, 1.0, NAN], [1.0, 1.0, 1.0, 100.0]) == pytest.approx(
        math.e / 3
    )


def test_a_perfect_forecast_of_poisson_counts_sits_on_the_floor():
    rng = np.random.default_rng(20240331)
    mu = rng.uniform(0.2, 30.0, size=400_000)
    counts = rng.poisson(mu).astype(float)
    assert wape_over_floor(counts, mu) == pytest.approx(1.0, abs=0.01)


# --- horizon days --------------------------------------------------------------


def _quarter_hours(first: str, last: str) -> pd.DatetimeIndex:
    return pd.date_range(pd.Timestamp(first, tz=AMS), pd.Timestamp(last, tz=AMS), freq="15min")


def test_horizon_day_cutoff_at_2345_across_spring_forward():
    starts = _quarter_hours("2024-03-30 23:45", "2024-04-01 23:45")
    days = horizon_day(starts, pd.Timestamp("2024-03-30 23:45", tz=AMS))
    counts = pd.Series(days).value_counts().sort_index()
    # 23:45-24:00 is day 0; 2024-03-31 has 23 hours (92 quarter-hours); 2024-04-01 has 96.
    assert counts.to_dict() == {0: 1, 1: 92, 2: 96}
    # In UTC the first local hour of 31 March (23:00-24:00 UTC) would still be the 30th.
    utc_days = starts.tz_convert("UTC").normalize()
    assert (utc_days == pd.Timestamp("2024-03-30", tz="UTC")).sum() == 5


def test_horizon_day_cutoff_in_another_zone_is_converted():
    starts = _quarter_hours("2024-03-31 00:00", "2024-04-01 23:45")
    local = horizon_day(starts, pd.Timestamp("2024-03-30 23:45", tz=AMS))
    utc = horizon_day(starts, pd.Timestamp("2024-03-30 22:45", tz="UTC"))
    np.testing.assert_array_equal(local, utc)


def test_horizon_day_midnight_origin_is_day_one_across_fall_back():
    starts = _quarter_hours("2024-10-27 00:00", "2024-10-28 23:45")
    days = horizon_day(starts, pd.Timestamp("2024-10-27 00:00", tz=AMS))
    counts = pd.Series(days).value_counts().sort_index()
    assert counts.to_dict() == {1: 100, 2: 96}  # the 25-hour day is one day


def test_horizon_day_per_row_cutoffs_and_errors():
    starts = pd.DatetimeIndex(["2024-03-05 10:00", "2024-03-12 10:00"], tz=AMS)
    cutoffs = pd.DatetimeIndex(["2024-03-04 00:00", "2024-03-11 12:00"], tz=AMS)
    np.testing.assert_array_equal(horizon_day(starts, cutoffs), [2, 1])
    with pytest.raises(InputError, match="timezone-aware"):
        horizon_day(starts.tz_localize(None), cutoffs)
    with pytest.raises(InputError, match="one per interval"):
        horizon_day(starts, cutoffs[:1].append(cutoffs))


# --- accuracy(): grouping ------------------------------------------------------


def _frame() -> pd.DataFrame:
    """Two queues x two models, one origin, two horizon days of two intervals each."""
    starts = pd.DatetimeIndex(
        ["2024-03-05 09:00", "2024-03-05 10:00", "2024-03-06 09:00", "2024-03-06 10:00"], tz=AMS
    )
    rows = []
    forecasts = {
        ("a", "m1"): [10.0, 10.0, 20.0, 20.0],
        ("a", "m2"): [11.0, 9.0, 25.0, 25.0],
        ("b", "m1"): [5.0, 5.0, 5.0, 5.0],
        ("b", "m2"): [4.0, 4.0, 4.0, 4.0],
    }
    actuals = {"a": [12.0, 8.0, 20.0, 24.0], "b": [5.0, 7.0, 3.0, 5.0]}
    for (queue, model), volume in forecasts.items():
        for start, f, y in zip(starts, volume, actuals[queue], strict=True):
            rows.append(
                {
                    "queue": queue,
                    "channel": "voice",
                    "interval_start": start,
                    "cutoff": pd.Timestamp("2024-03-05 00:00", tz=AMS),
                    "model": model,
                    "volume": f,
                    "actual": y,
                    "volume_lo_80": f - 2.0,
                    "volume_hi_80": f + 2.0,
                }
            )
    return pd.DataFrame(rows)


def test_accuracy_default_groups_and_values_by_hand():
    table = accuracy(_frame())
    assert list(table.columns[:4]) == ["queue", "channel", "model", "horizon_day"]
    assert len(table) == 2 * 2 * 2
    row = table.set_index(["queue", "model", "horizon_day"]).loc[("a", "m1", 1)]
    # actual 12, 8; forecast 10, 10: |e| 2 + 2 over 20; bias 0; both inside [8, 12].
    assert row["n"] == 2
    assert row["wape"] == pytest.approx(0.2)
    assert row["mae"] == pytest.approx(2.0)
    assert row["rmse"] == pytest.approx(2.0)
    assert row["bias"] == pytest.approx(0.0)
    assert row["coverage_80"] == pytest.approx(1.0)
    row = table.set_index(["queue", "model", "horizon_day"]).loc[("a", "m2", 2)]
    # actual 20, 24; forecast 25, 25: |e| 5 + 1 over 44; bias (5 + 1) / 44; 20 outside [23, 27].
    assert row["wape"] == pytest.approx(6 / 44)
    assert row["bias"] == pytest.approx(6 / 44)
    assert row["rmse"] == pytest.approx(math.sqrt((25 + 1) / 2))
    assert row["coverage_80"] == pytest.approx(0.5)
    assert row["poisson_floor"] == pytest.approx(poisson_floor([25.0, 25.0]))
    assert row["wape_over_floor"] == pytest.approx(row["wape"] / row["poisson_floor"])
    assert math.isnan(row["mase"])  # no scale column and no history


def test_accuracy_matches_the_array_metrics_per_group():
    frame = _frame()
    table = accuracy(frame, by=("queue",))
    assert list(table.columns[:2]) == ["queue", "model"]  # the model is kept, never averaged
    for (queue, model), rows in frame.groupby(["queue", "model"]):
        got = table[(table["queue"] == queue) & (table["model"] == model)].iloc[0]
        y, f = rows["actual"], rows["volume"]
        assert got["n"] == len(rows)
        assert got["wape"] == pytest.approx(wape(y, f))
        assert got["mae"] == pytest.approx(mae(y, f))
        assert got["rmse"] == pytest.approx(rmse(y, f))
        assert got["bias"] == pytest.approx(bias(y, f))
        assert got["coverage_80"] == pytest.approx(
            coverage(y, rows["volume_lo_80"], rows["volume_hi_80"])
        )
        assert got["poisson_floor"] == pytest.approx(poisson_floor(f))
        assert got["wape_over_floor"] == pytest.approx(wape_over_floor(y, f))


def test_accuracy_by_model_only_and_by_nothing():
    frame = _frame()
    by_model = accuracy(frame, by=("model",))
    assert list(by_model["model"]) == ["m1", "m2"]
    assert list(by_model["n"]) == [8, 8]
    assert accuracy(frame, by=()).equals(by_model)
    single = accuracy(frame.drop(columns="model"), by=())
    assert len(single) == 1
    assert single["n"].iloc[0] == 16
    assert single["wape"].iloc[0] == pytest.approx(wape(frame["actual"], frame["volume"]))


def test_accuracy_model_goes_before_horizon_day_and_series_keys_are_optional():
    frame = _frame()
    table = accuracy(frame, by=("queue", "channel", "model", "horizon_day"))
    assert table.equals(accuracy(frame))
    one_series = frame[frame["queue"] == "a"].drop(columns=["queue", "channel"])
    table = accuracy(one_series)  # the default by names queue and channel: skipped here
    assert list(table.columns[:2]) == ["model", "horizon_day"]
    with pytest.raises(InputError, match="'region'"):
        accuracy(frame, by=("region",))


def test_accuracy_horizon_day_across_dst_with_a_2345_cutoff():
    starts = _quarter_hours("2024-03-31 00:00", "2024-04-01 23:45")
    frame = pd.DataFrame(
        {
            "interval_start": starts,
            "cutoff": pd.Timestamp("2024-03-30 23:45", tz=AMS),
            "volume": 10.0,
            "actual": 12.0,
        }
    )
    table = accuracy(frame)
    assert list(table["horizon_day"]) == [1, 2]
    assert table["horizon_day"].dtype == np.int64
    assert list(table["n"]) == [92, 96]
    assert table["wape"].to_numpy() == pytest.approx([2 / 12, 2 / 12])


def test_accuracy_nan_rules():
    frame = _frame()
    frame.loc[0, "actual"] = NAN  # absent: left out of queue a, m1, day 1
    frame.loc[5, "volume"] = NAN  # a, m2, day 1: the forecast is missing
    frame.loc[(frame["queue"] == "b") & (frame["model"] == "m1"), "actual"] = NAN
    table = accuracy(frame).set_index(["queue", "model", "horizon_day"])
    # a, m1, day 1: only actual 8 vs forecast 10 remains.
    assert table.loc[("a", "m1", 1), "n"] == 1
    assert table.loc[("a", "m1", 1), "wape"] == pytest.approx(2 / 8)
    assert math.isnan(table.loc[("a", "m2", 1), "wape"])
    assert math.isnan(table.loc[("a", "m2", 1), "poisson_floor"])
    assert table.loc[("a", "m2", 2), "wape"] == pytest.approx(6 / 44)  # other groups unharmed
    # A group with no known actual is kept, with n = 0 and NaN metrics.
    assert table.loc[("b", "m1", 1), "n"] == 0
    assert math.isnan(table.loc[("b", "m1", 1), "wape"])
    assert math.isnan(table.loc[("b", "m1", 1), "coverage_80"])


def test_accuracy_levels():
    frame = _frame()
    frame["volume_lo_95"] = frame["volume"] - 10.0
    frame["volume_hi_95"] = frame["volume"] + 10.0
    frame["volume_lo_99"] = 0.0  # without its upper bound: not a level
    table = accuracy(frame, by=("model",))
    assert [c for c in table.columns if c.startswith("coverage")] == ["coverage_80", "coverage_95"]
    assert list(table["coverage_95"]) == [1.0, 1.0]
    only = accuracy(frame, by=("model",), levels=[95])
    assert [c for c in only.columns if c.startswith("coverage")] == ["coverage_95"]
    with pytest.raises(InputError, match="volume_lo_90"):
        accuracy(frame, levels=[90])


def test_accuracy_input_errors():
    frame = _frame()
    with pytest.raises(InputError, match="actual"):
        accuracy(frame.drop(columns="actual"))
    with pytest.raises(InputError, match="cutoff"):
        accuracy(frame.drop(columns="cutoff"))
    assert len(accuracy(frame.drop(columns="cutoff"), by=("queue",))) == 4  # not needed here
    early = frame.copy()
    early.loc[3, "cutoff"] = pd.Timestamp("2024-03-07", tz=AMS)
    with pytest.raises(InputError, match="before their cutoff"):
        accuracy(early)
    naive = frame.copy()
    naive["interval_start"] = naive["interval_start"].dt.tz_localize(None)
    with pytest.raises(InputError, match="timezone-aware"):
        accuracy(naive)
    negative = frame.copy()
    negative.loc[2, "volume"] = -1.0
    with pytest.raises(InputError, match=">= 0"):
        accuracy(negative)
    with pytest.raises(InputError, match="DataFrame"):
        accuracy(frame.to_dict())


# --- accuracy(): MASE ----------------------------------------------------------


def test_accuracy_mase_from_a_scale_column():
    frame = _frame()
    frame["scale"] = 2.0
    frame.loc[frame["queue"] == "b", "scale"] = 0.0  # undefined scale: left out of MASE
    table = accuracy(frame, by=("queue",)).set_index(["queue", "model"])
    # a, m1: |e| = 2, 2, 0, 4 -> mean scaled error (1 + 1 + 0 + 2) / 4.
    assert table.loc[("a", "m1"), "mase"] == pytest.approx(1.0)
    assert math.isnan(table.loc[("b", "m1"), "mase"])
    by_model = accuracy(frame, by=("model",)).set_index("model")
    assert by_model.loc["m1", "mase"] == pytest.approx(1.0)  # queue b left out


def _daily_history() -> pd.DataFrame:
    days = pd.date_range("2024-03-04", periods=14, freq="D", tz=AMS)
    first_week = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0]
    # Seasonal (7-day) differences: 1, 2, 3, 4, 5, 6, 7.
    second_week = [v + d for v, d in zip(first_week, range(1, 8), strict=True)]
    return pd.DataFrame({"interval_start": days, "volume": first_week + second_week})


def test_accuracy_mase_from_history_per_cutoff():
    history = _daily_history()
    cutoffs = [pd.Timestamp("2024-03-18", tz=AMS), pd.Timestamp("2024-03-15", tz=AMS)]
    frame = pd.DataFrame(
        {
            "interval_start": [
                pd.Timestamp("2024-03-18", tz=AMS),
                pd.Timestamp("2024-03-15", tz=AMS),
            ],
            "cutoff": cutoffs,
            "volume": [10.0, 10.0],
            "actual": [14.0, 16.0],
        }
    )
    table = accuracy(frame, by=("cutoff",), history=history).set_index("cutoff")
    # Origin 18 March: all seven differences, scale 4; |e| = 4 -> MASE 1.
    assert table.loc[cutoffs[0], "mase"] == pytest.approx(1.0)
    # Origin 15 March: days before it are 11-14 March -> differences 1..4, scale 2.5; |e| = 6.
    assert table.loc[cutoffs[1], "mase"] == pytest.approx(6 / 2.5)
    # A season given in intervals of the history's frequency is the same here.
    same = accuracy(frame, by=("cutoff",), history=history, season=7).set_index("cutoff")
    assert same["mase"].to_numpy() == pytest.approx(table["mase"].to_numpy())


def test_accuracy_mase_history_lag_is_wall_clock_across_dst():
    # Hourly volumes = hour of day + 10 x week number, three weeks around 31 March 2024:
    # a one-week lag on the wall clock differs by exactly 10 everywhere (a 168-hour lag
    # in absolute time would pair 08:00 with 07:00 after the change).
    starts = pd.date_range(
        pd.Timestamp("2024-03-18", tz=AMS), pd.Timestamp("2024-04-07 23:00", tz=AMS), freq="h"
    )
    week = (starts.tz_localize(None) - pd.Timestamp("2024-03-18")).days // 7
    history = pd.DataFrame(
        {"interval_start": starts, "volume": starts.hour + 10.0 * np.asarray(week)}
    )
    origin = pd.Timestamp("2024-04-08", tz=AMS)
    frame = pd.DataFrame(
        {
            "interval_start": [origin + pd.Timedelta(hours=9)],
            "cutoff": [origin],
            "volume": [100.0],
            "actual": [105.0],
        }
    )
    table = accuracy(frame, history=history)
    assert table["mase"].iloc[0] == pytest.approx(5 / 10)


def test_accuracy_mase_argument_errors():
    frame = _frame()
    with pytest.raises(InputError, match="history"):
        accuracy(frame, season="7D")
    scaled = frame.assign(scale=1.0)
    with pytest.raises(InputError, match="not both"):
        accuracy(scaled, history=_daily_history())
    with pytest.raises(InputError, match="series key"):
        accuracy(frame, history=_daily_history())
