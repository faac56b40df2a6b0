"""Tests of cccplan.frames.resample: aggregation, disaggregation, DST, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cccplan.exceptions import InputError
from cccplan.frames.resample import resample

# ---------------------------------------------------------------------------
# Helpers: canonical frames built by hand (independent of validate_frame)
# ---------------------------------------------------------------------------


def _times(tz: str, start: str, periods: int, freq: str) -> pd.DatetimeIndex:
    """Consecutive intervals on the absolute time line from a local start."""
    first = pd.Timestamp(start).tz_localize(tz)
    utc = pd.date_range(first.tz_convert("UTC"), periods=periods, freq=freq)
    return utc.tz_convert(tz).as_unit("ns")


def _days(tz: str, start: str, periods: int) -> pd.DatetimeIndex:
    """Local midnights of consecutive days."""
    naive = pd.date_range(start, periods=periods, freq="D")
    return naive.tz_localize(tz).as_unit("ns")


def _frame(
    times: pd.DatetimeIndex,
    volume: object = 1.0,
    aht: object = None,
    freq: str | None = None,
    **keys: str,
) -> pd.DataFrame:
    data: dict[str, object] = dict(keys)
    data["interval_start"] = times
    data["volume"] = np.broadcast_to(np.asarray(volume, dtype=float), len(times)).copy()
    if aht is not None:
        data["aht"] = np.broadcast_to(np.asarray(aht, dtype=float), len(times)).copy()
    frame = pd.DataFrame(data)
    if freq is not None:
        frame.attrs["freq"] = freq
    return frame


def _length(alias: str) -> pd.Timedelta:
    """Nominal length of a frequency alias ("D": 24 hours)."""
    if alias == "D":
        return pd.Timedelta("24h")
    return pd.Timedelta(pd.tseries.frequencies.to_offset(alias).nanos)


def _stamp(text: str, tz: str) -> pd.Timestamp:
    """A timestamp given with its UTC offset, e.g. '2024-10-27 02:00+01:00'."""
    return pd.Timestamp(text).tz_convert(tz)


# ---------------------------------------------------------------------------
# Hand-computed aggregation
# ---------------------------------------------------------------------------


def test_quarter_hours_to_hour_weights_aht_by_volume() -> None:
    times = _times("Europe/Berlin", "2024-03-04 08:00", 4, "15min")
    frame = _frame(times, [10.0, 30.0, 0.0, 20.0], [200.0, 300.0, np.nan, 240.0], queue="sales")
    out = resample(frame, "h")
    assert list(out.columns) == ["queue", "interval_start", "volume", "aht"]
    assert out["volume"].tolist() == [60.0]
    expected = (10 * 200 + 30 * 300 + 20 * 240) / 60
    assert out["aht"].iloc[0] == pytest.approx(expected, rel=1e-15)
    assert out["interval_start"].iloc[0] == times[0]
    assert out.attrs["freq"] == "h"
    assert str(out["interval_start"].dtype) == "datetime64[ns, Europe/Berlin]"


def test_two_series_sorted_and_kept_apart() -> None:
    times = _times("UTC", "2024-01-01 00:00", 4, "30min")
    voice = _frame(times, [1.0, 2.0, 3.0, 4.0], 100.0, queue="b", channel="voice")
    chat = _frame(times, [5.0, 6.0, 7.0, 8.0], 50.0, queue="a", channel="chat")
    frame = pd.concat([voice, chat], ignore_index=True)
    out = resample(frame, "h")
    assert out[["queue", "channel"]].values.tolist() == [
        ["a", "chat"],
        ["a", "chat"],
        ["b", "voice"],
        ["b", "voice"],
    ]
    assert out["volume"].tolist() == [11.0, 15.0, 3.0, 7.0]
    assert out["aht"].tolist() == [50.0, 50.0, 100.0, 100.0]
    assert isinstance(out.index, pd.RangeIndex)


def test_absent_stays_absent_and_closed_intervals_contribute_nothing() -> None:
    # 08:00-09:00 complete, 09:xx absent (closed), 10:15 and 10:45 only
    times = _times("Europe/Berlin", "2024-03-04 08:00", 12, "15min")
    keep = [0, 1, 2, 3, 9, 11]
    frame = _frame(times[keep], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], queue="q")
    out = resample(frame, "h")
    assert out["interval_start"].dt.strftime("%H:%M").tolist() == ["08:00", "10:00"]
    assert out["volume"].tolist() == [10.0, 11.0]


def test_zero_volume_hour_has_nan_aht() -> None:
    times = _times("UTC", "2024-01-01 00:00", 4, "15min")
    frame = _frame(times, 0.0, [np.nan, 120.0, np.nan, np.nan])
    out = resample(frame, "h")
    assert out["volume"].tolist() == [0.0]
    assert np.isnan(out["aht"].iloc[0])


def test_nan_aht_with_contacts_makes_aht_unknown() -> None:
    times = _times("UTC", "2024-01-01 00:00", 4, "15min")
    frame = _frame(times, [1.0, 2.0, 3.0, 4.0], [100.0, np.nan, 100.0, 100.0])
    out = resample(frame, "h")
    assert out["volume"].tolist() == [10.0]
    assert np.isnan(out["aht"].iloc[0])


def test_nan_volume_makes_interval_unknown() -> None:
    times = _times("UTC", "2024-01-01 00:00", 8, "15min")
    frame = _frame(times, [1.0, np.nan, 3.0, 4.0, 1.0, 1.0, 1.0, 1.0])
    out = resample(frame, "h")
    assert np.isnan(out["volume"].iloc[0])
    assert out["volume"].iloc[1] == 4.0


def test_without_aht_or_keys() -> None:
    times = _times("Asia/Kolkata", "2024-01-01 00:00", 12, "5min")
    out = resample(_frame(times, 2.0), "30min")
    assert list(out.columns) == ["interval_start", "volume"]
    assert out["volume"].tolist() == [12.0, 12.0]
    # local wall clock: Kolkata's half hours start at :00 and :30 local (UTC :30, :00)
    assert out["interval_start"].dt.strftime("%H:%M%z").tolist() == ["00:00+0530", "00:30+0530"]


def test_six_minutes_to_half_hours() -> None:
    times = _times("UTC", "2024-01-01 00:00", 10, "6min")
    out = resample(_frame(times, np.arange(10.0)), "30min")
    assert out["volume"].tolist() == [0 + 1 + 2 + 3 + 4.0, 5 + 6 + 7 + 8 + 9.0]


def test_same_frequency_is_a_canonical_copy() -> None:
    times = _times("UTC", "2024-01-01 00:00", 4, "15min")
    frame = _frame(times[::-1], [4.0, 3.0, 2.0, 1.0], queue="q")
    frame.attrs["freq"] = "15min"
    frame.attrs["source"] = "test"
    out = resample(frame, "15min")
    assert out["volume"].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert out.attrs == {"freq": "15min", "source": "test"}
    assert frame["volume"].tolist() == [4.0, 3.0, 2.0, 1.0]  # input untouched


def test_attrs_freq_is_used_for_single_interval_series() -> None:
    times = _times("UTC", "2024-01-01 00:15", 1, "15min")
    frame = _frame(times, 7.0, freq="15min")
    out = resample(frame, "h")
    assert out["interval_start"].tolist() == [pd.Timestamp("2024-01-01 00:00", tz="UTC")]
    assert out["volume"].tolist() == [7.0]


def test_frequency_inferred_without_attrs() -> None:
    times = _times("UTC", "2024-01-01 00:00", 8, "30min")
    out = resample(_frame(times, 1.0), "2h")
    assert out["volume"].tolist() == [4.0, 4.0]
    assert out.attrs["freq"] == "2h"


def test_single_interval_without_attrs_says_how_to_fix() -> None:
    frame = _frame(_times("UTC", "2024-01-01 00:00", 1, "15min"), 1.0)
    with pytest.raises(InputError, match=r"frame.attrs\['freq'\]"):
        resample(frame, "h")


def test_empty_frame() -> None:
    frame = _frame(pd.DatetimeIndex([], tz="UTC").as_unit("ns"), aht=1.0, queue="q")
    out = resample(frame, "h")
    assert len(out) == 0
    assert list(out.columns) == ["queue", "interval_start", "volume", "aht"]
    assert out.attrs["freq"] == "h"


def test_input_not_modified() -> None:
    times = _times("Europe/Berlin", "2024-10-27 00:00", 20, "15min")
    frame = _frame(times, np.arange(20.0), 100.0, queue="q", freq="15min")
    before = frame.copy()
    resample(frame, "h")
    resample(resample(frame, "h"), "15min", profile="uniform")
    pd.testing.assert_frame_equal(frame, before)


# ---------------------------------------------------------------------------
# Daylight saving time
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "day", "quarters"),
    [
        ("Europe/Berlin", "2024-03-31", 92),  # 23 hours
        ("Europe/Berlin", "2024-10-27", 100),  # 25 hours
        ("America/New_York", "2024-03-10", 92),
        ("America/New_York", "2024-11-03", 100),
        ("Australia/Lord_Howe", "2024-04-07", 98),  # 24.5 hours
        ("Australia/Lord_Howe", "2024-10-06", 94),  # 23.5 hours
        ("Asia/Kolkata", "2024-03-31", 96),
    ],
)
def test_dst_day_is_one_daily_row(tz: str, day: str, quarters: int) -> None:
    start = pd.Timestamp(day) - pd.Timedelta("1D")
    times = _times(tz, str(start), 96 * 4, "15min")
    wall_day = times.tz_localize(None).normalize()
    frame = _frame(times, 1.0, 60.0, queue="q")
    out = resample(frame, "D")
    days = out["interval_start"]
    assert (days.dt.tz_localize(None) == days.dt.tz_localize(None).dt.normalize()).all()
    row = out[days.dt.tz_localize(None) == pd.Timestamp(day)]
    assert row["volume"].tolist() == [float(quarters)]
    assert row["interval_start"].iloc[0] == pd.Timestamp(day).tz_localize(tz)
    # every full day in between has its own row; totals conserved
    assert len(out) == wall_day.nunique()
    assert out["volume"].sum() == len(frame)
    assert out.attrs["freq"] == "D"


def test_fall_back_gives_two_two_oclock_hours() -> None:
    tz = "Europe/Berlin"
    times = _times(tz, "2024-10-27 00:00", 4 * 5, "15min")  # 00:00 .. 03:45+01:00 (5 h)
    frame = _frame(times, np.arange(20.0), queue="q")
    out = resample(frame, "h")
    assert out["interval_start"].tolist() == [
        _stamp("2024-10-27 00:00+02:00", tz),
        _stamp("2024-10-27 01:00+02:00", tz),
        _stamp("2024-10-27 02:00+02:00", tz),
        _stamp("2024-10-27 02:00+01:00", tz),
        _stamp("2024-10-27 03:00+01:00", tz),
    ]
    assert out["volume"].tolist() == [6.0, 22.0, 38.0, 54.0, 70.0]


def test_spring_forward_skips_the_two_oclock_hour() -> None:
    tz = "America/New_York"
    times = _times(tz, "2024-03-10 00:00", 4 * 4, "15min")  # 00:00 .. 04:45 local (4 h)
    out = resample(_frame(times, 1.0), "h")
    assert out["interval_start"].dt.strftime("%H:%M%z").tolist() == [
        "00:00-0500",
        "01:00-0500",
        "03:00-0400",
        "04:00-0400",
    ]
    assert out["volume"].tolist() == [4.0] * 4


def test_two_hour_intervals_across_fall_back() -> None:
    tz = "Europe/Berlin"
    times = _times(tz, "2024-10-27 00:00", 4 * 6, "15min")  # 6 absolute hours
    out = resample(_frame(times, 1.0), "2h")
    # 00:00+02 (2 h), 02:00+02 (1 h, the clocks then go back), 02:00+01 (2 h), 04:00+01 (1 h)
    assert out["interval_start"].tolist() == [
        _stamp("2024-10-27 00:00+02:00", tz),
        _stamp("2024-10-27 02:00+02:00", tz),
        _stamp("2024-10-27 02:00+01:00", tz),
        _stamp("2024-10-27 04:00+01:00", tz),
    ]
    assert out["volume"].tolist() == [8.0, 4.0, 8.0, 4.0]


def test_lord_howe_half_hour_changes() -> None:
    tz = "Australia/Lord_Howe"
    # April: 02:00+11:00 -> 01:30+10:30, the half hour 01:30-02:00 repeats
    autumn = resample(_frame(_times(tz, "2024-04-07 00:00", 4 * 4, "15min"), 1.0), "h")
    assert autumn["interval_start"].tolist() == [
        _stamp("2024-04-07 00:00+11:00", tz),
        _stamp("2024-04-07 01:00+11:00", tz),  # 90 minutes: its half hour repeats
        _stamp("2024-04-07 02:00+10:30", tz),
        _stamp("2024-04-07 03:00+10:30", tz),
    ]
    assert autumn["volume"].tolist() == [4.0, 6.0, 4.0, 2.0]
    # October: 02:00+10:30 -> 02:30+11:00, the half hour 02:00-02:30 is skipped
    spring = resample(_frame(_times(tz, "2024-10-06 00:00", 4 * 4, "15min"), 1.0), "h")
    assert spring["interval_start"].tolist() == [
        _stamp("2024-10-06 00:00+10:30", tz),
        _stamp("2024-10-06 01:00+10:30", tz),
        _stamp("2024-10-06 02:30+11:00", tz),  # the half hour that exists
        _stamp("2024-10-06 03:00+11:00", tz),
        _stamp("2024-10-06 04:00+11:00", tz),
    ]
    assert spring["volume"].tolist() == [4.0, 4.0, 2.0, 4.0, 2.0]


def test_zone_with_midnight_change_starts_day_after_the_gap() -> None:
    tz = "America/Havana"  # 2024-03-10 00:00 -> 01:00
    times = _times(tz, "2024-03-09 00:00", 4 * 48, "15min")
    out = resample(_frame(times, 1.0), "D")
    assert out["interval_start"].tolist() == [
        _stamp("2024-03-09 00:00-05:00", tz),
        _stamp("2024-03-10 01:00-04:00", tz),
        _stamp("2024-03-11 00:00-04:00", tz),
    ]
    assert out["volume"].tolist() == [96.0, 92.0, 4.0]


# ---------------------------------------------------------------------------
# Conservation (hypothesis)
# ---------------------------------------------------------------------------

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]
# Starts a few hours before DST changes (and ordinary days)
STARTS = [
    "2024-03-30 20:00",
    "2024-10-26 20:00",
    "2024-03-09 20:00",
    "2024-11-02 20:00",
    "2024-04-06 20:00",
    "2024-10-05 20:00",
    "2024-06-01 00:00",
]
PAIRS = [
    ("5min", "15min"),
    ("5min", "h"),
    ("6min", "30min"),
    ("15min", "h"),
    ("15min", "2h"),
    ("15min", "D"),
    ("30min", "h"),
    ("30min", "D"),
    ("h", "D"),
]


@st.composite
def interval_frames(draw: st.DrawFn) -> tuple[pd.DataFrame, str, str]:
    fine, coarse = draw(st.sampled_from(PAIRS))
    tz = draw(st.sampled_from(ZONES))
    start = draw(st.sampled_from(STARTS))
    # the local wall-clock grid of `fine`: instants (on a 1-minute line) whose local
    # time is a multiple of `fine` from midnight; DST changes leave gaps or repeats
    line = _times(tz, start, 36 * 60, "1min")
    wall = line.tz_localize(None)
    times = line[(wall - wall.normalize()) % _length(fine) == pd.Timedelta(0)]
    periods = len(times)
    pieces = []
    for queue in draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3)):
        if any(p["queue"].iloc[0] == queue for p in pieces):
            continue
        keep = draw(st.lists(st.booleans(), min_size=periods, max_size=periods))
        chosen = times[np.asarray(keep)]
        if len(chosen) < 2:
            chosen = times[:2]
        n = len(chosen)
        volume = draw(
            st.lists(
                st.floats(1e-3, 1e4) | st.just(0.0),
                min_size=n,
                max_size=n,
            )
        )
        aht = draw(st.lists(st.floats(1.0, 3600.0), min_size=n, max_size=n))
        piece = _frame(chosen, volume, aht, queue=queue)
        piece.loc[piece["volume"] == 0, "aht"] = np.nan
        pieces.append(piece)
    frame = pd.concat(pieces, ignore_index=True)
    frame.attrs["freq"] = fine
    return frame, fine, coarse


def _assign_bins(frame: pd.DataFrame, out: pd.DataFrame) -> pd.DataFrame:
    """Each input row joined to the latest output interval of its series starting <= it."""
    left = frame.sort_values("interval_start").reset_index(drop=True)
    right = out[["queue", "interval_start"]].rename(columns={"interval_start": "bin"})
    right = right.sort_values("bin")
    left["key"] = left["interval_start"]
    right["key"] = right["bin"]
    return pd.merge_asof(left, right, on="key", by="queue", direction="backward")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(interval_frames())
def test_aggregation_conserves_volume_and_workload(case: tuple[pd.DataFrame, str, str]) -> None:
    frame, _, coarse = case
    out = resample(frame, coarse)
    assert out.attrs["freq"] == pd.tseries.frequencies.to_offset(coarse).freqstr
    by_queue_in = frame.groupby("queue")
    by_queue_out = out.groupby("queue")
    np.testing.assert_allclose(
        by_queue_out["volume"].sum(), by_queue_in["volume"].sum(), rtol=1e-12, atol=1e-9
    )
    work_in = (frame["volume"] * frame["aht"].fillna(0)).groupby(frame["queue"]).sum()
    work_out = (out["volume"] * out["aht"].fillna(0)).groupby(out["queue"]).sum()
    np.testing.assert_allclose(work_out, work_in, rtol=1e-9, atol=1e-6)
    # aht NaN exactly where the coarse volume is 0
    assert (out["aht"].isna() == (out["volume"] == 0)).all()
    # canonical: sorted, unique, local wall-clock grid
    assert not out.duplicated(["queue", "interval_start"]).any()
    assert out.equals(out.sort_values(["queue", "interval_start"]).reset_index(drop=True))
    # every input row falls in the latest output interval starting at or before it,
    # and the output volume is the sum of exactly those rows
    joined = _assign_bins(frame, out)
    assert joined["bin"].notna().all()
    sums = joined.groupby(["queue", "bin"])["volume"].sum()
    expected = out.set_index(["queue", "interval_start"])["volume"]
    np.testing.assert_allclose(sums.loc[expected.index].to_numpy(), expected.to_numpy())
    # no output interval lasts longer than its nominal length plus a DST shift
    assert ((joined["interval_start"] - joined["bin"]) < _length(coarse) + pd.Timedelta("1h")).all()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(interval_frames(), st.data())
def test_disaggregation_conserves_and_aggregates_back(
    case: tuple[pd.DataFrame, str, str], data: st.DataObject
) -> None:
    frame, fine, coarse = case
    coarse_frame = resample(frame, coarse)
    k = int(_length(coarse) / _length(fine))
    weights = data.draw(
        st.lists(st.floats(0.0, 10.0), min_size=k, max_size=k).filter(lambda w: min(w) > 0)
        | st.just("uniform")
    )
    split = resample(coarse_frame, fine, profile=weights)
    assert split.attrs["freq"] == pd.tseries.frequencies.to_offset(fine).freqstr
    np.testing.assert_allclose(
        split.groupby("queue")["volume"].sum(),
        coarse_frame.groupby("queue")["volume"].sum(),
        rtol=1e-12,
        atol=1e-9,
    )
    back = resample(split, coarse)
    pd.testing.assert_frame_equal(back, coarse_frame, check_exact=False, rtol=1e-9, atol=1e-6)


# ---------------------------------------------------------------------------
# Disaggregation by hand
# ---------------------------------------------------------------------------


def test_profile_splits_volume_and_copies_aht() -> None:
    times = _times("UTC", "2024-01-01 08:00", 2, "h")
    frame = _frame(times, [40.0, 8.0], [200.0, 300.0], queue="q")
    out = resample(frame, "15min", profile=[1, 2, 3, 2])
    assert out["volume"].tolist() == [5.0, 10.0, 15.0, 10.0, 1.0, 2.0, 3.0, 2.0]
    assert out["aht"].tolist() == [200.0] * 4 + [300.0] * 4
    assert out["interval_start"].dt.strftime("%H:%M").tolist()[:4] == [
        "08:00",
        "08:15",
        "08:30",
        "08:45",
    ]
    assert out.attrs["freq"] == "15min"


def test_uniform_profile_and_zero_weights() -> None:
    times = _times("UTC", "2024-01-01 08:00", 1, "30min")
    frame = _frame(times, 9.0, freq="30min")
    assert resample(frame, "10min", profile="uniform")["volume"].tolist() == [3.0, 3.0, 3.0]
    out = resample(frame, "10min", profile=np.array([0.0, 1.0, 0.0]))
    assert out["volume"].tolist() == [0.0, 9.0, 0.0]  # zero-weight slots stay as zero rows


def test_daily_to_hourly_on_short_and_long_days() -> None:
    tz = "Europe/Berlin"
    days = _days(tz, "2024-03-31", 1).append(_days(tz, "2024-10-27", 1))
    frame = _frame(days, 240.0, 180.0, freq="D")
    profile = np.ones(24)
    profile[2] = 5.0  # the 02:00 hour: skipped in March, repeated in October
    out = resample(frame, "h", profile=profile)
    march = out[out["interval_start"].dt.month == 3]
    october = out[out["interval_start"].dt.month == 10]
    assert len(march) == 23
    assert len(october) == 25
    assert march["volume"].sum() == pytest.approx(240.0)
    assert october["volume"].sum() == pytest.approx(240.0)
    assert march["volume"].to_numpy() == pytest.approx(np.full(23, 240.0 / 23))
    # October: both 02:00 hours take the weight 5; 23 others 1: total 33
    two = october["interval_start"].dt.hour == 2
    assert october.loc[two, "volume"].to_numpy() == pytest.approx([240 * 5 / 33] * 2)
    assert october.loc[~two, "volume"].to_numpy() == pytest.approx(np.full(23, 240 / 33))
    assert (out["aht"] == 180.0).all()


def test_profile_weight_only_on_skipped_hour_is_an_error() -> None:
    frame = _frame(_days("Europe/Berlin", "2024-03-31", 1), 10.0, freq="D")
    profile = np.zeros(24)
    profile[2] = 1.0
    with pytest.raises(InputError, match="do not exist"):
        resample(frame, "h", profile=profile)
    # the same profile on an ordinary day is fine
    ordinary = _frame(_days("Europe/Berlin", "2024-04-01", 1), 10.0, freq="D")
    assert resample(ordinary, "h", profile=profile)["volume"].max() == 10.0


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def _quarters() -> pd.DataFrame:
    return _frame(_times("UTC", "2024-01-01 00:00", 8, "15min"), 1.0, 100.0, queue="q")


def test_target_not_a_multiple() -> None:
    frame = _frame(_times("UTC", "2024-01-01 00:00", 10, "6min"), 1.0)
    with pytest.raises(InputError, match=r"15min is not a whole multiple of the frame's 6min"):
        resample(frame, "15min")


def test_target_not_a_divisor() -> None:
    frame = _frame(_times("UTC", "2024-01-01 00:00", 4, "15min"), 1.0)
    with pytest.raises(InputError, match="does not divide"):
        resample(frame, "6min", profile="uniform")


@pytest.mark.parametrize("freq", ["7min", "W", "2D", "banana", "25h"])
def test_unsupported_target(freq: str) -> None:
    with pytest.raises(InputError, match="freq"):
        resample(_quarters(), freq)


def test_unknown_columns_are_listed() -> None:
    frame = _quarters().assign(volume_lo_80=0.0, volume_hi_80=2.0)
    with pytest.raises(InputError, match=r"\['volume_lo_80', 'volume_hi_80'\].*drop them"):
        resample(frame, "h")


def test_missing_volume() -> None:
    with pytest.raises(InputError, match="'volume'"):
        resample(_quarters().drop(columns="volume"), "h")


def test_naive_times() -> None:
    frame = _quarters()
    frame["interval_start"] = frame["interval_start"].dt.tz_localize(None)
    with pytest.raises(InputError, match="timezone-aware"):
        resample(frame, "h")


def test_not_a_dataframe() -> None:
    with pytest.raises(InputError, match="DataFrame"):
        resample([1, 2, 3], "h")  # type: ignore[arg-type]


def test_misaligned_input() -> None:
    # hourly data starting at :30 cannot make 2-hour intervals
    frame = _frame(_times("UTC", "2024-01-01 00:30", 4, "h"), 1.0, freq="h")
    with pytest.raises(InputError, match=r"interval_start=2024-01-01 01:30:00\+00:00.*straddle"):
        resample(frame, "2h")


def test_disaggregation_needs_profile() -> None:
    with pytest.raises(InputError, match=r"profile: needed.*<4 weights>"):
        resample(resample(_quarters(), "h"), "15min")


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ([1.0, 2.0], "needs 4 weights"),
        ([1.0, -1.0, 1.0, 1.0], "non-negative"),
        ([0.0, 0.0, 0.0, 0.0], "positive sum"),
        ([1.0, np.nan, 1.0, 1.0], "finite"),
        ([[1.0, 1.0], [1.0, 1.0]], "needs 4 weights"),
        ("even", "'uniform'"),
        (["a", "b", "c", "d"], "non-negative numbers"),
    ],
)
def test_bad_profiles(profile: object, message: str) -> None:
    hourly = resample(_quarters(), "h")
    with pytest.raises(InputError, match=message):
        resample(hourly, "15min", profile=profile)  # type: ignore[arg-type]


def test_profile_with_aggregation_is_an_error() -> None:
    with pytest.raises(InputError, match="aggregation needs none"):
        resample(_quarters(), "h", profile="uniform")


def test_disaggregating_off_grid_rows() -> None:
    frame = _frame(_times("UTC", "2024-01-01 00:30", 2, "h"), 1.0, freq="h")
    with pytest.raises(InputError, match="not on the h grid"):
        resample(frame, "30min", profile="uniform")


def test_split_on_a_half_hour_dst_day_stays_on_the_grid() -> None:
    # Lord Howe Island, 6 October 2024: clocks jump from 02:00 to 02:30. A day
    # split into hours has no 02:00 slot (found by hypothesis: the slot came out
    # at 02:30, off the hourly grid) and aggregates back to the same day.
    tz = "Australia/Lord_Howe"
    day = pd.DataFrame(
        {"queue": "b", "interval_start": [pd.Timestamp("2024-10-06", tz=tz)], "volume": 23.0,
         "aht": 60.0}
    )  # fmt: skip
    day.attrs["freq"] = "D"
    hours = resample(day, "h", profile="uniform")
    assert len(hours) == 23
    assert (hours["interval_start"].dt.minute == 0).all()
    assert "02:00" not in set(hours["interval_start"].dt.strftime("%H:%M"))
    np.testing.assert_allclose(hours["volume"], 1.0)
    pd.testing.assert_frame_equal(
        resample(hours, "D"), day.assign(interval_start=day["interval_start"].dt.as_unit("ns"))
    )
