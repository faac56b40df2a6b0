"""cccplan.forecast / cccplan.backtest: the frame-level API.

Uses the embedded example centre (seeded) and small synthetic histories whose
answers are known.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import cccplan
from cccplan.forecast.api import MODELS, _auto_choice
from cccplan.frames import OpeningHours

TZ = "Europe/Berlin"


@pytest.fixture(scope="module")
def centre():
    return cccplan.load_example(days=150)


def _synthetic(days: int = 70, *, rate: float = 20.0, seed: int = 1) -> pd.DataFrame:
    """One queue open 08:00-18:00 Mon-Fri, a fixed intraday shape, Poisson counts."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01", tz=TZ)
    grid = pd.date_range(start, periods=days * 96, freq="15min")
    local = grid.tz_localize(None)
    minutes = local.hour * 60 + local.minute
    open_ = (local.day_of_week < 5) & (minutes >= 8 * 60) & (minutes < 18 * 60)
    shape = 1.0 + 0.5 * np.sin((minutes - 8 * 60) / 600 * np.pi)
    mu = rate * shape
    frame = pd.DataFrame(
        {
            "queue": "sales",
            "channel": "voice",
            "interval_start": grid,
            "volume": rng.poisson(mu).astype(float),
            "aht": 240.0,
            "mu": mu,
        }
    )
    return frame[open_].reset_index(drop=True)


def test_forecast_frame_shape_and_conventions(centre):
    fc = cccplan.forecast(centre.history, "7D", model="weekday_average", opening_hours=centre.hours)
    expected = {
        "queue",
        "channel",
        "interval_start",
        "volume",
        "aht",
        "model",
        "event",
        "event_multiplier",
        "volume_lo_80",
        "volume_hi_80",
        "volume_lo_95",
        "volume_hi_95",
    }
    assert set(fc.columns) == expected
    assert fc["interval_start"].dt.tz is not None
    assert (fc["volume"] >= 0).all()
    assert np.isfinite(fc["volume"]).all()
    assert (fc["volume_lo_80"] <= fc["volume"] + 1).all()
    assert (fc["volume_lo_95"] <= fc["volume_lo_80"]).all()
    assert (fc["volume_hi_95"] >= fc["volume_hi_80"]).all()
    last = centre.history["interval_start"].max().tz_localize(None).normalize()
    first_day = fc["interval_start"].min().tz_localize(None).normalize()
    assert first_day == last + pd.Timedelta(days=1)
    assert fc["interval_start"].max() < pd.Timestamp(last + pd.Timedelta(days=8)).tz_localize(TZ)
    assert fc.attrs["freq"] == "15min"
    # Only open intervals are returned.
    marked = cccplan.frames.mark_open(
        fc[["queue", "channel", "interval_start", "volume"]], centre.hours, freq="15min"
    )
    assert marked["open"].all()


def test_horizon_in_intervals():
    # The history ends on a Friday (weekends closed): the forecast starts on
    # Saturday local midnight and 96 x 4 quarter-hours reach Tuesday midnight.
    history = _synthetic()
    fc = cccplan.forecast(history.drop(columns="mu"), 96 * 4, model="weekday_average")
    days = sorted(set(fc["interval_start"].dt.tz_localize(None).dt.normalize()))
    assert [d.day_name() for d in days] == ["Monday", "Tuesday"]
    assert len(fc) == 2 * 40


def test_renaming_columns_changes_nothing():
    history = _synthetic().drop(columns="mu")
    renamed = history.rename(columns={"interval_start": "Start", "volume": "Calls", "queue": "Q"})
    again = cccplan.read_volumes(
        renamed, time_col="Start", volume_col="Calls", keys={"queue": "Q", "channel": "channel"}
    )
    a = cccplan.forecast(history, "3D", model="topdown")
    b = cccplan.forecast(again, "3D", model="topdown")
    pd.testing.assert_frame_equal(a, b)


def test_point_forecast_near_the_known_rate_and_intervals_cover():
    history = _synthetic(days=98, seed=3)
    mu = history["mu"].to_numpy()
    fc = cccplan.forecast(history.drop(columns="mu"), "7D", model="weekday_average")
    # The true rate of the future equals the past's (same shape every weekday).
    truth = _synthetic(days=105, seed=4)
    truth = truth[truth["interval_start"] >= fc["interval_start"].min()]
    merged = fc.merge(
        truth[["interval_start", "volume", "mu"]], on="interval_start", suffixes=("", "_actual")
    )
    assert len(merged) == len(fc) > 0
    # A 4-week average of Poisson counts: relative error of the mean ~ 1/sqrt(4 mu).
    rel = np.abs(merged["volume"] - merged["mu"]).sum() / merged["mu"].sum()
    assert rel < 0.15
    inside = (merged["volume_actual"] >= merged["volume_lo_95"]) & (
        merged["volume_actual"] <= merged["volume_hi_95"]
    )
    assert 0.88 <= inside.mean() <= 1.0
    assert mu.size > 0


def test_events_apply_exactly_where_intended():
    history = _synthetic().drop(columns="mu")
    base = cccplan.forecast(history, "7D", model="weekday_average")
    day = base["interval_start"].min().normalize() + pd.Timedelta(days=2)
    events = pd.DataFrame(
        {
            "queue": ["sales", "other"],
            "start": [day + pd.Timedelta(hours=10), day],
            "end": [day + pd.Timedelta(hours=12), day + pd.Timedelta(days=3)],
            "uplift": [0.5, 3.0],
            "description": ["mailing", "not ours"],
        }
    )
    with_event = cccplan.forecast(history, "7D", model="weekday_average", events=events)
    inside = (with_event["interval_start"] >= events["start"][0]) & (
        with_event["interval_start"] < events["end"][0]
    )
    assert inside.sum() == 8
    np.testing.assert_allclose(
        with_event.loc[inside, "volume"], 1.5 * base.loc[inside, "volume"], rtol=1e-12
    )
    np.testing.assert_allclose(
        with_event.loc[~inside, "volume"], base.loc[~inside, "volume"], rtol=1e-12
    )
    assert (with_event.loc[inside, "event"] == "mailing").all()
    assert with_event.loc[~inside, "event"].isna().all()
    assert (with_event.loc[inside, "event_multiplier"] == 1.5).all()


def test_event_days_are_not_learnt_from():
    history = _synthetic(days=35).drop(columns="mu")
    spiked = history.copy()
    last_monday = spiked["interval_start"].dt.tz_localize(None).dt.normalize()
    monday = last_monday[spiked["interval_start"].dt.day_of_week == 0].max()
    on_day = last_monday == monday
    spiked.loc[on_day, "volume"] *= 10
    events = pd.DataFrame(
        {
            "start": [monday.tz_localize(TZ)],
            "end": [(monday + pd.Timedelta(days=1)).tz_localize(TZ)],
            "uplift": [9.0],
        }
    )
    clean = cccplan.forecast(history, "7D", model="weekday_average")
    learnt = cccplan.forecast(spiked, "7D", model="weekday_average", events=events)
    mondays = clean["interval_start"].dt.day_of_week == 0
    # Without the spiked day the Monday average uses 3 of 4 Mondays: close to clean.
    ratio = learnt.loc[mondays, "volume"].sum() / clean.loc[mondays, "volume"].sum()
    assert 0.8 < ratio < 1.25


def test_closed_dates_from_opening_hours_are_absent():
    history = _synthetic().drop(columns="mu")
    last = history["interval_start"].max().tz_localize(None).normalize()
    closed_day = (last + pd.Timedelta(days=3)).date()
    hours = OpeningHours(tz=TZ, weekly={"mon-fri": "08:00-18:00"}, closed_dates=[closed_day])
    fc = cccplan.forecast(history, "7D", model="weekday_average", opening_hours=hours)
    days = set(fc["interval_start"].dt.tz_localize(None).dt.date)
    assert closed_day not in days
    assert len(days) >= 4


def test_auto_says_what_it_chose_and_why(centre):
    history = centre.history[centre.history["queue"] == "billing"]
    fc = cccplan.forecast(history, "7D", model="auto", opening_hours=centre.hours)
    choice = fc.attrs["model_choice"][("billing", "voice")]
    scores = choice["wape"]
    combos = {"ensemble", "combination"} & set(scores)
    best_combo = min(combos, key=scores.get)
    best_single = min(set(scores) - combos, key=scores.get)
    if scores[best_single] < 0.95 * scores[best_combo]:
        assert choice["model"] == best_single
        assert choice["reason"].startswith("lowest backtest WAPE")
    else:
        assert choice["model"] == best_combo
        assert choice["reason"].startswith("a combination")
    assert set(fc["model"]) == {f"auto:{choice['model']}"}


def test_auto_prefers_a_clearly_better_single_model():
    candidates = ("weekday_average", "topdown", "ensemble", "combination")
    close = {"weekday_average": 0.30, "topdown": 0.20, "ensemble": 0.205, "combination": 0.21}
    assert _auto_choice(candidates, close)[0] == "ensemble"
    clear = {"weekday_average": 0.30, "topdown": 0.18, "ensemble": 0.20, "combination": 0.21}
    assert _auto_choice(candidates, clear)[0] == "topdown"


def test_short_history_falls_back_with_a_forecast():
    history = _synthetic(days=10).drop(columns="mu")
    # Too short to backtest: the weekday-average fallback, said in a warning;
    # intervals calibrated on the day-to-day dispersion.
    with pytest.warns(cccplan.FallbackWarning, match="too short to compare models"):
        fc = cccplan.forecast(history, "3D", model="auto")
    assert len(fc) > 0
    assert (fc["volume"] >= 0).all()
    assert fc.attrs["model_choice"][("sales", "voice")]["model"] == "weekday_average"


def test_bad_arguments():
    history = _synthetic(days=20).drop(columns="mu")
    with pytest.raises(cccplan.InputError, match="`model` must be"):
        cccplan.forecast(history, "7D", model="prophet")
    with pytest.raises(cccplan.InputError, match="`horizon`"):
        cccplan.forecast(history, "soon")
    with pytest.raises(cccplan.InputError, match="`horizon` must be positive"):
        cccplan.forecast(history, 0)
    with pytest.raises(cccplan.InputError, match="`level`"):
        cccplan.forecast(history, "7D", level=(80, 120))
    with pytest.raises(cccplan.InputError, match="`events` needs"):
        cccplan.forecast(history, "7D", events=pd.DataFrame({"when": [1]}))
    with pytest.raises(cccplan.InputError, match="'auto' is not one"):
        cccplan.backtest(history, "7D", models=("auto",))


def test_backtest_and_accuracy(centre):
    history = centre.history[centre.history["channel"] == "chat"]
    bt = cccplan.backtest(history, "7D", windows=3, models=("seasonal_naive", "weekday_average"))
    assert {"cutoff", "model", "volume", "actual"} <= set(bt.columns)
    assert bt["cutoff"].nunique() == 3
    assert (bt["interval_start"] >= bt["cutoff"]).all()
    assert (bt["interval_start"] < bt["cutoff"] + pd.Timedelta(days=8)).all()
    acc = cccplan.accuracy(bt, by=("model",))
    wape = dict(zip(acc["model"], acc["wape"], strict=True))
    # Hand check of WAPE for one model from the backtest rows themselves.
    rows = bt[bt["model"] == "seasonal_naive"]
    assert wape["seasonal_naive"] == pytest.approx(
        (rows["volume"] - rows["actual"]).abs().sum() / rows["actual"].sum()
    )
    assert wape["weekday_average"] < wape["seasonal_naive"]


@pytest.mark.parametrize(
    ("days", "volume"),
    [(1, "poisson"), (3, "zeros"), (21, "constant"), (40, "poisson")],
)
def test_degenerate_histories_still_forecast(days, volume):
    history = _synthetic(days=max(days, 1)).drop(columns="mu")
    history = history[
        history["interval_start"]
        < history["interval_start"].min().normalize() + pd.Timedelta(days=days)
    ]
    if volume == "zeros":
        history = history.assign(volume=0.0)
    elif volume == "constant":
        history = history.assign(volume=7.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cccplan.CccplanWarning)
        for model in ("auto", *MODELS):
            fc = cccplan.forecast(history, "2D", model=model)
            assert np.isfinite(fc["volume"]).all()
            assert (fc["volume"] >= 0).all()
            if volume == "zeros":
                assert (fc["volume"] == 0).all()
            if volume == "constant" and model != "seasonal_naive":
                np.testing.assert_allclose(fc["volume"], 7.0, rtol=0.05)


def test_many_series_in_worker_processes_match_serial(centre):
    history = centre.history
    # Split the four series into eight by the week parity of nothing: duplicate with new names.
    other = history.assign(queue=history["queue"] + "_copy")
    both = pd.concat([history, other], ignore_index=True)
    serial = cccplan.forecast(both, "2D", model="weekday_average", n_jobs=1)
    parallel = cccplan.forecast(both, "2D", model="weekday_average", n_jobs=2)
    pd.testing.assert_frame_equal(serial, parallel)
    assert serial["queue"].nunique() == 6
