"""The example contact centre: determinism, canonical form, calendar, and the
statistical features its module docstring claims (with the tolerances stated
next to each test)."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import pandas as pd
import pytest

import cccplan
from cccplan.datasets import ExampleCentre, load_example
from cccplan.frames import closed_volume, mark_open, validate_frame

TZ = "Europe/Berlin"
SERIES = [
    ("billing", "voice"),
    ("orders", "email"),
    ("support", "chat"),
    ("support", "voice"),
]
AHT_LEVEL = {
    ("billing", "voice"): 300.0,
    ("orders", "email"): 480.0,
    ("support", "chat"): 600.0,
    ("support", "voice"): 420.0,
}
GAMMA_SHAPE = {"voice": 40.0, "chat": 50.0, "email": 30.0}


@pytest.fixture(scope="module")
def centre() -> ExampleCentre:
    return load_example()


@pytest.fixture(scope="module")
def history(centre: ExampleCentre) -> pd.DataFrame:
    """The history with local date, weekday and wall-clock minute added."""
    frame = centre.history.copy()
    local = frame["interval_start"].dt.tz_localize(None)
    frame["date"] = local.dt.normalize()
    frame["weekday"] = local.dt.day_of_week
    frame["minute"] = local.dt.hour * 60 + local.dt.minute
    return frame


@pytest.fixture(scope="module")
def daily(history: pd.DataFrame) -> pd.DataFrame:
    """Daily totals per series (open days only)."""
    return (
        history.groupby(["queue", "channel", "date"], sort=True)
        .agg(volume=("volume", "sum"), weekday=("weekday", "first"))
        .reset_index()
    )


def _holidays(centre: ExampleCentre) -> set[pd.Timestamp]:
    return {pd.Timestamp(day) for day in centre.opening_hours[("support", "voice")]["closed_dates"]}


def _event_dates(centre: ExampleCentre, queue: str, channel: str) -> set[pd.Timestamp]:
    dates: set[pd.Timestamp] = set()
    for event in centre.events.itertuples():
        if event.queue == queue and (pd.isna(event.channel) or event.channel == channel):
            first = event.start.tz_localize(None)
            last = event.end.tz_localize(None) - pd.Timedelta(days=1)
            dates |= set(pd.date_range(first, last, freq="D"))
    return dates


def _regular(centre: ExampleCentre, series: pd.DataFrame, queue: str, channel: str) -> pd.Series:
    """Days without holiday, holiday neighbour, event or Christmas-season effect."""
    holidays = _holidays(centre)
    special = holidays | {day + pd.Timedelta(days=1) for day in holidays}
    special |= _event_dates(centre, queue, channel)
    date = series["date"]
    christmas = (date.dt.month == 12) & (date.dt.day >= 24)
    return ~date.isin(special) & ~christmas


# --- determinism and speed -------------------------------------------------------


def test_generation_time_under_two_seconds():
    began = time.perf_counter()
    load_example()
    assert time.perf_counter() - began < 2.0


def test_same_seed_gives_identical_centre(centre):
    again = load_example(2024)
    pd.testing.assert_frame_equal(again.history, centre.history)
    pd.testing.assert_frame_equal(again.events, centre.events)
    assert again.opening_hours == centre.opening_hours
    assert again.targets == centre.targets
    assert again.description == centre.description
    assert again.seed == centre.seed == 2024


def test_different_seeds_differ():
    first, second = load_example(1, days=60), load_example(2, days=60)
    assert len(first.history) == len(second.history)  # same calendar ...
    assert not np.array_equal(first.history["volume"], second.history["volume"])  # ... new draws
    assert not first.history["aht"].equals(second.history["aht"])


def test_events_do_not_depend_on_the_window(centre):
    year = load_example(days=366)
    pd.testing.assert_frame_equal(
        year.events, centre.events[centre.events["end"] <= pd.Timestamp("2025-01-01", tz=TZ)]
    )


# --- canonical frame ---------------------------------------------------------------


def test_canonical_columns_dtypes_and_order(centre):
    frame = centre.history
    assert frame.columns.tolist() == ["queue", "channel", "interval_start", "volume", "aht"]
    assert isinstance(frame.index, pd.RangeIndex)
    assert pd.api.types.is_string_dtype(frame["queue"])
    assert pd.api.types.is_string_dtype(frame["channel"])
    assert frame["interval_start"].dtype == pd.DatetimeTZDtype("ns", TZ)
    assert frame["volume"].dtype == np.float64
    assert frame["aht"].dtype == np.float64
    assert frame.attrs["freq"] == "15min"
    assert list(frame.groupby(["queue", "channel"]).groups) == SERIES
    keys = ["queue", "channel", "interval_start"]
    assert frame[keys].equals(frame.sort_values(keys).reset_index(drop=True)[keys])
    assert not frame.duplicated(keys).any()


def test_volume_and_aht_values(centre):
    volume, aht = centre.history["volume"], centre.history["aht"]
    assert np.isfinite(volume).all()
    assert (volume >= 0).all()
    assert (volume == np.round(volume)).all()
    assert (aht.isna() == (volume == 0)).all()
    assert (aht[volume > 0] > 0).all()
    assert np.isfinite(aht[volume > 0]).all()


def test_intervals_lie_on_the_15_minute_grid(history):
    start = history["interval_start"]
    assert (start.dt.minute % 15 == 0).all()
    assert (start.dt.second == 0).all()


# --- calendar: only open intervals ---------------------------------------------------


def test_no_voice_at_night_or_on_sundays(history):
    voice = history[history["channel"] == "voice"]
    assert not (voice["minute"] == 3 * 60).any()
    assert voice["minute"].min() == 8 * 60
    assert voice["minute"].max() == 20 * 60 - 15
    assert not (voice["weekday"] == 6).any()
    saturday = voice[voice["weekday"] == 5]
    assert saturday["minute"].min() == 9 * 60
    assert saturday["minute"].max() == 14 * 60 - 15


def test_live_channels_closed_on_public_holidays(centre, history):
    christmas = history[history["date"] == pd.Timestamp("2024-12-25")]
    assert set(christmas["channel"]) == {"email"}
    live = history[history["channel"].isin(["voice", "chat"])]
    assert not live["date"].isin(_holidays(centre)).any()


def test_chat_open_at_weekend_noon(centre):
    frame = centre.history
    keys = {}
    for day in ("2024-06-15", "2024-06-16"):  # a Saturday and a Sunday
        at_noon = frame[frame["interval_start"] == pd.Timestamp(f"{day} 12:00", tz=TZ)]
        keys[day] = set(zip(at_noon["queue"], at_noon["channel"], strict=True))
    assert keys["2024-06-15"] == set(SERIES)  # voice is open on Saturdays until 14:00
    assert keys["2024-06-16"] == {("orders", "email"), ("support", "chat")}


def test_short_hours_on_christmas_eve(history):
    eve = history[(history["date"] == pd.Timestamp("2024-12-24"))]
    for channel in ("voice", "chat"):
        minutes = eve.loc[eve["channel"] == channel, "minute"]
        assert minutes.min() == 8 * 60
        assert minutes.max() == 14 * 60 - 15


def _expected_open(hours: dict, dates: pd.DatetimeIndex) -> set[tuple[pd.Timestamp, int]]:
    """(date, wall-clock minute) pairs that the plain-data opening hours open."""
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    closed = set(hours["closed_dates"])
    opened = set()
    for date in dates:
        iso = date.date().isoformat()
        if iso in closed:
            continue
        windows = hours["special"].get(iso, hours["weekly"][names[date.weekday()]])
        for start, end in windows:
            lo = int(start[:2]) * 60 + int(start[3:])
            hi = int(end[:2]) * 60 + int(end[3:])
            opened |= {(date, minute) for minute in range(lo, hi, 15)}
    return opened


@pytest.mark.parametrize("key", [("billing", "voice"), ("support", "chat")])
def test_history_matches_the_opening_hours_data(centre, history, key):
    rows = history[(history["queue"] == key[0]) & (history["channel"] == key[1])]
    dates = pd.date_range("2024-01-01", periods=730, freq="D")
    expected = _expected_open(centre.opening_hours[key], dates)
    assert set(zip(rows["date"], rows["minute"], strict=True)) == expected


def test_opening_hours_data(centre):
    assert set(centre.opening_hours) == set(SERIES)
    voice = centre.opening_hours[("billing", "voice")]
    assert voice["tz"] == TZ
    assert voice["weekly"]["mon"] == [["08:00", "20:00"]]
    assert voice["weekly"]["sat"] == [["09:00", "14:00"]]
    assert voice["weekly"]["sun"] == []
    assert "2024-12-25" in voice["closed_dates"]
    assert "2026-12-25" in voice["closed_dates"]  # the year after the history
    assert voice["special"]["2024-12-24"] == [["08:00", "14:00"]]
    chat = centre.opening_hours[("support", "chat")]
    assert chat["weekly"]["fri"] == [["08:00", "22:00"]]
    assert chat["weekly"]["sun"] == [["10:00", "18:00"]]
    email = centre.opening_hours[("orders", "email")]
    assert all(windows == [["00:00", "24:00"]] for windows in email["weekly"].values())
    assert email["closed_dates"] == []
    assert email["special"] == {}


# --- daylight saving time (email is present around the clock) --------------------------


def test_email_is_continuous_through_dst(history):
    email = history[history["channel"] == "email"]
    steps = email["interval_start"].diff().dropna()
    assert (steps == pd.Timedelta("15min")).all()
    per_day = email.groupby("date").size()
    assert per_day[pd.Timestamp("2024-03-31")] == 92
    assert per_day[pd.Timestamp("2024-10-27")] == 100
    assert per_day[pd.Timestamp("2025-03-30")] == 92
    assert per_day[pd.Timestamp("2025-10-26")] == 100
    assert (
        per_day.drop(pd.to_datetime(["2024-03-31", "2024-10-27", "2025-03-30", "2025-10-26"])) == 96
    ).all()
    repeated = email[(email["date"] == pd.Timestamp("2024-10-27")) & (email["minute"] == 2 * 60)]
    assert len(repeated) == 2  # 02:00 CEST and 02:00 CET
    spring = email[email["date"] == pd.Timestamp("2024-03-31")]
    assert not spring["minute"].between(2 * 60, 3 * 60 - 1).any()


# --- statistics the module docstring claims ---------------------------------------------


@pytest.mark.parametrize("key", SERIES)
def test_daily_totals_are_over_dispersed(centre, daily, key):
    """Wednesdays, trend and season removed by a centred mean of 9 Wednesdays.

    A Poisson process would give an index of dispersion of 1; the gamma daily
    rate gives 1 + m/k (about 13-40 here). Claimed: > 3. The implied gamma
    shape must be within a factor 2 of the stated k.
    """
    series = daily[(daily["queue"] == key[0]) & (daily["channel"] == key[1])]
    wednesdays = series[(series["weekday"] == 2) & _regular(centre, series, *key)]
    total = wednesdays["volume"].to_numpy()
    smooth = pd.Series(total).rolling(9, center=True).mean().to_numpy()
    keep = np.isfinite(smooth)
    total, smooth = total[keep], smooth[keep]
    # Removing a 9-point mean shrinks the residual variance by (1 - 1/9).
    dispersion = np.var(total - smooth, ddof=1) / np.mean(total) / (1 - 1 / 9)
    assert dispersion > 3
    excess_cv2 = np.var(total / smooth, ddof=1) / (1 - 1 / 9) - 1 / np.mean(total)
    stated = 1 / GAMMA_SHAPE[key[1]]
    assert stated / 2 < excess_cv2 < stated * 2


@pytest.mark.parametrize("key", SERIES)
def test_monday_is_the_busiest_day(centre, daily, key):
    series = daily[(daily["queue"] == key[0]) & (daily["channel"] == key[1])]
    series = series[_regular(centre, series, *key)]
    by_weekday = series.groupby("weekday")["volume"].mean()
    assert by_weekday.idxmax() == 0
    assert by_weekday[0] > 1.15 * series["volume"].mean()  # stated: Monday 18-35 % above Wed


def test_email_lower_on_public_holidays(centre, daily):
    """Stated factor 0.45 of the same weekday; tolerance: mean ratio 0.3-0.65, each < 0.85."""
    email = daily[daily["channel"] == "email"].set_index("date")
    normal = email[_regular(centre, email.reset_index(), "orders", "email").to_numpy()]
    ratios = []
    for holiday in sorted(_holidays(centre)):
        if holiday not in email.index:
            continue
        neighbours = [holiday + pd.Timedelta(weeks=w) for w in (-4, -3, -2, -1, 1, 2, 3, 4)]
        reference = normal["volume"].reindex(neighbours).dropna()
        assert len(reference) >= 3
        ratios.append(email.loc[holiday, "volume"] / reference.median())
    assert len(ratios) == 21  # Berlin public holidays in 2024-2025
    assert max(ratios) < 0.85
    assert 0.3 < np.mean(ratios) < 0.65


def test_events_calendar(centre):
    events = centre.events
    assert events.columns.tolist() == [
        "queue",
        "channel",
        "start",
        "end",
        "uplift",
        "description",
        "notified_at",
    ]
    assert len(events) == 6  # three campaigns a year
    for column in ("start", "end", "notified_at"):
        assert events[column].dtype == pd.DatetimeTZDtype("ns", TZ)
    assert (events["notified_at"] < events["start"]).all()
    assert events["uplift"].between(0.2, 0.6).all()
    assert events["start"].is_monotonic_increasing
    assert set(events["queue"]) == {"billing", "support", "orders"}


def _event_ratios(centre: ExampleCentre, daily: pd.DataFrame) -> list[tuple[float, list[float]]]:
    """Per event and concerned series: its uplift and, for each open event day, the
    day's volume over the median of the same weekday within 4 weeks (regular days)."""
    found = []
    for event in centre.events.itertuples():
        if pd.isna(event.channel):  # every channel of the queue
            channels = sorted(set(daily.loc[daily["queue"] == event.queue, "channel"]))
        else:
            channels = [event.channel]
        event_days = pd.date_range(
            event.start.tz_localize(None), event.end.tz_localize(None), inclusive="left"
        )
        for channel in channels:
            series = daily[(daily["queue"] == event.queue) & (daily["channel"] == channel)]
            normal = series[_regular(centre, series, event.queue, channel)].set_index("date")
            volume = series.set_index("date")["volume"]
            ratios = []
            for day in event_days:
                if day not in volume.index:
                    continue  # closed (e.g. Sunday voice)
                neighbours = [day + pd.Timedelta(weeks=w) for w in (-4, -3, -2, -1, 1, 2, 3, 4)]
                reference = normal["volume"].reindex(neighbours).dropna().median()
                ratios.append(volume[day] / reference)
            assert ratios, (event, channel)
            found.append((event.uplift, ratios))
    return found


def test_event_uplift_is_visible(centre, daily):
    """Each event lifts its series above the same weekdays around it, and pooled over
    all event days the lift is at least half the stated uplift (day-to-day noise is
    16 %, so a single 3-day event is only checked to be above 1)."""
    found = _event_ratios(centre, daily)
    assert len(found) == 8  # 6 events, two of them on both support channels
    for uplift, ratios in found:
        assert np.mean(ratios) > 1.0, (uplift, ratios)
    excess = np.concatenate([np.asarray(ratios) - 1 for _, ratios in found])
    stated = np.concatenate([np.full(len(ratios), uplift) for uplift, ratios in found])
    assert np.mean(excess) > 0.5 * np.mean(stated)
    assert np.mean(excess) < 1.5 * np.mean(stated)


@pytest.mark.parametrize("key", SERIES)
def test_aht_level_within_ten_percent(centre, key):
    frame = centre.history
    series = frame[(frame["queue"] == key[0]) & (frame["channel"] == key[1])]
    weighted = (series["volume"] * series["aht"]).sum() / series["volume"].sum()
    assert weighted == pytest.approx(AHT_LEVEL[key], rel=0.10)


def test_aht_longer_at_lunch_and_in_the_evening(history):
    voice = history[(history["channel"] == "voice") & (history["weekday"] < 5)]
    by_hour = voice.groupby(voice["minute"] // 60)["aht"].mean()
    assert by_hour[13] > by_hour[10] * 1.03
    assert by_hour[19] > by_hour[10] * 1.05


def test_intraday_profiles_differ_by_channel(history):
    weekdays = history[history["weekday"].between(1, 3)]
    hourly = weekdays.groupby(["queue", "channel", weekdays["minute"] // 60])["volume"].mean()
    voice = hourly["billing", "voice"]
    assert voice[10] > 1.1 * voice[12]  # double peak ...
    assert voice[14] > 1.1 * voice[12]  # ... around a lunch dip
    chat = hourly["support", "chat"]
    assert chat.idxmax() in (19, 20)  # evening peak
    email = hourly["orders", "email"]
    assert email.idxmax() in (8, 9, 10)  # morning bulge
    assert email[3] > 0  # arrives at night, too
    assert email.max() / email[email > 0].mean() < voice.max() / voice.mean() * 1.5


def test_trend_and_yearly_season(centre, daily):
    chat = daily[daily["channel"] == "chat"]
    year = chat["date"].dt.year
    growth = chat.loc[year == 2025, "volume"].sum() / chat.loc[year == 2024, "volume"].sum()
    assert 1.10 < growth < 1.26  # stated +18 %/year (calendars differ slightly)
    billing = daily[(daily["queue"] == "billing") & (daily["weekday"] < 5)]
    month = billing["date"].dt.month
    january = billing.loc[month == 1, "volume"].mean()
    july = billing.loc[month == 7, "volume"].mean()
    # Stated: January about 19 % above July (season +22 %, trend -1.5 %); the
    # ratio's standard deviation over seeds is 4.4 %.
    assert 1.05 < january / july < 1.35


# --- the rest of the result -------------------------------------------------------------


def test_targets(centre):
    assert set(centre.targets) == set(SERIES)
    voice = centre.targets[("billing", "voice")]
    assert voice == {
        "service_level": 0.8,
        "threshold": 20.0,
        "max_abandon": 0.05,
        "patience": 180.0,
        "shrinkage": 0.3,
    }
    chat = centre.targets[("support", "chat")]
    assert chat["threshold"] == 60.0
    assert chat["concurrency"] == 2
    email = centre.targets[("orders", "email")]
    assert email["service_level"] == 0.9
    assert email["response_window"] == 24 * 3600.0


def test_description_and_repr(centre):
    assert "Berlin" in centre.description
    assert str(len(centre.history)) in centre.description
    assert repr(centre).startswith("ExampleCentre(seed=2024")
    assert centre.series == tuple(SERIES)


def test_start_and_days(centre):
    short = load_example(start=dt.date(2024, 3, 1), days=10)
    dates = short.history["interval_start"].dt.tz_localize(None).dt.normalize()
    assert dates.min() == pd.Timestamp("2024-03-01")
    assert dates.max() == pd.Timestamp("2024-03-10")
    assert short.events.empty
    assert load_example(start=pd.Timestamp("2024-03-01", tz=TZ), days=1).history[
        "interval_start"
    ].min() == pd.Timestamp("2024-03-01", tz=TZ)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seed": -1}, "`seed` must be a non-negative integer"),
        ({"seed": 1.5}, "`seed` must be a non-negative integer"),
        ({"seed": True}, "`seed` must be a non-negative integer"),
        ({"days": 0}, "`days` must be an integer from 1"),
        ({"days": 7.0}, "`days` must be an integer from 1"),
        ({"start": "not a date"}, "`start` must be a date"),
        ({"start": "2024-01-01 10:00"}, "has a time of day"),
    ],
)
def test_bad_arguments_raise_input_error(kwargs, message):
    with pytest.raises(cccplan.InputError, match=message):
        load_example(**kwargs)


# --- the example and the frames layer agree ---------------------------------------------


def test_history_is_valid_and_open_under_its_own_hours(centre):
    pd.testing.assert_frame_equal(validate_frame(centre.history), centre.history)
    marked = mark_open(centre.history, centre.hours)
    assert marked["open"].all()
    assert closed_volume(centre.history, centre.hours).empty
