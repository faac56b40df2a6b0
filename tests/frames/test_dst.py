"""Days of 23 and 25 hours: reading, validating and gap-finding across DST changes.

Europe/Berlin: clocks go forward 2024-03-31 02:00 -> 03:00 and back 2024-10-27
03:00 -> 02:00. America/New_York: forward 2024-03-10 02:00 -> 03:00, back
2024-11-03 02:00 -> 01:00. A local day then has 92 or 100 quarter-hours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cccplan.exceptions import InputError
from cccplan.frames.gaps import DataRepairWarning, fill_gaps, find_gaps
from cccplan.frames.read import read_volumes
from cccplan.frames.validate import infer_freq, validate_frame

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"

DAYS = [
    pytest.param(BERLIN, "2024-03-31", 92, id="berlin-spring"),
    pytest.param(BERLIN, "2024-10-27", 100, id="berlin-fall"),
    pytest.param(NEW_YORK, "2024-03-10", 92, id="new-york-spring"),
    pytest.param(NEW_YORK, "2024-11-03", 100, id="new-york-fall"),
]


def local_day(zone: str, day: str, freq: str = "15min") -> pd.DatetimeIndex:
    """Every interval start of the local day, as instants in *zone*."""
    start = pd.Timestamp(day).tz_localize(zone)
    end = (pd.Timestamp(day) + pd.Timedelta(days=1)).tz_localize(zone)
    return pd.date_range(start, end, freq=freq, inclusive="left").as_unit("ns")


def interleaved(
    times: pd.DatetimeIndex | list[str], queues: tuple[str, ...] = ("a", "b")
) -> pd.DataFrame:
    """An export sorted by time, then queue (as ACD exports usually are)."""
    n = len(times)
    return pd.DataFrame(
        {
            "queue": np.tile(queues, n),
            "interval_start": np.repeat(np.asarray(times, dtype=object), len(queues)),
            "volume": np.arange(n * len(queues), dtype=float),
        }
    )


def assert_day(out: pd.DataFrame, expected: pd.DatetimeIndex, zone: str) -> None:
    assert str(out["interval_start"].dtype) == f"datetime64[ns, {zone}]"
    assert out.attrs["freq"] == "15min"
    for _, series in out.groupby("queue"):
        times = pd.DatetimeIndex(series["interval_start"])
        assert times.equals(expected)
        assert times.is_unique
        assert (np.diff(times.asi8) == 15 * 60 * 10**9).all()  # no missing, no repeated
    assert len(find_gaps(out)) == 0
    assert infer_freq(out).freqstr == "15min"


@pytest.mark.parametrize(("zone", "day", "count"), DAYS)
def test_naive_local_export(zone: str, day: str, count: int) -> None:
    expected = local_day(zone, day)
    assert len(expected) == count
    wall = expected.tz_localize(None).strftime("%Y-%m-%d %H:%M")  # the fall-back hour twice
    assert wall.is_unique == (count == 92)
    out = read_volumes(interleaved(list(wall)), tz=zone)
    assert_day(out, expected, zone)
    # Row order decides: the first of two equal wall times is the summer one.
    a = out[out["queue"] == "a"].reset_index(drop=True)
    assert a["volume"].is_monotonic_increasing


@pytest.mark.parametrize(("zone", "day", "count"), DAYS)
def test_naive_export_sorted_by_wall_clock(zone: str, day: str, count: int) -> None:
    expected = local_day(zone, day)
    raw = interleaved(list(expected.tz_localize(None).strftime("%Y-%m-%d %H:%M")))
    raw = raw.sort_values(["queue", "interval_start"], kind="stable")  # repeats now adjacent
    assert_day(read_volumes(raw, tz=zone), expected, zone)


@pytest.mark.parametrize(("zone", "day", "count"), DAYS)
def test_naive_datetime_export(zone: str, day: str, count: int) -> None:
    expected = local_day(zone, day)
    raw = interleaved(expected.tz_localize(None))
    raw["interval_start"] = pd.to_datetime(raw["interval_start"])
    assert_day(read_volumes(raw, tz=zone), expected, zone)


@pytest.mark.parametrize(("zone", "day", "count"), DAYS)
def test_utc_export_converted_to_local(zone: str, day: str, count: int) -> None:
    expected = local_day(zone, day)
    raw = interleaved(expected.tz_convert("UTC"))
    raw["interval_start"] = pd.to_datetime(raw["interval_start"], utc=True)
    assert_day(read_volumes(raw, tz=zone), expected, zone)
    strings = interleaved(list(expected.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")))
    assert_day(read_volumes(strings, tz=zone), expected, zone)


@pytest.mark.parametrize(("zone", "day", "count"), DAYS)
def test_offset_bearing_iso_strings(zone: str, day: str, count: int) -> None:
    expected = local_day(zone, day)
    raw = interleaved([t.isoformat() for t in expected])  # e.g. 2024-10-27T02:15:00+01:00
    assert_day(read_volumes(raw, tz=zone), expected, zone)
    with pytest.raises(InputError, match="different UTC offsets"):
        read_volumes(raw)


@pytest.mark.parametrize(("zone", "day", "count"), DAYS)
def test_gap_from_midnight_to_six(zone: str, day: str, count: int) -> None:
    before = pd.Timestamp(day) - pd.Timedelta(days=1)
    full = local_day(zone, str(before.date())).append(local_day(zone, day))
    wall = full.tz_localize(None)
    night = (wall >= pd.Timestamp(day)) & (wall < pd.Timestamp(day) + pd.Timedelta(hours=6))
    frame = pd.DataFrame({"interval_start": full[~night], "volume": 1.0})
    gaps = find_gaps(frame)
    hours = 5 if count == 92 else 7
    assert gaps["intervals"].tolist() == [hours * 4]
    assert gaps["gap_start"].tolist() == [pd.Timestamp(day).tz_localize(zone)]
    assert gaps["gap_end"].tolist() == [
        (pd.Timestamp(day) + pd.Timedelta(hours=6)).tz_localize(zone)
    ]
    with pytest.warns(DataRepairWarning, match=f"filled {hours * 4} missing intervals"):
        filled = fill_gaps(frame)
    assert pd.DatetimeIndex(filled["interval_start"]).equals(full)


@pytest.mark.parametrize(("zone", "day", "count"), DAYS)
def test_hourly_and_half_hourly(zone: str, day: str, count: int) -> None:
    for freq, per_hour in (("h", 1), ("30min", 2)):
        expected = local_day(zone, day, freq)
        assert len(expected) == count // 4 * per_hour
        raw = interleaved(list(expected.tz_localize(None).strftime("%Y-%m-%d %H:%M")))
        out = read_volumes(raw, tz=zone)
        assert out.attrs["freq"] == freq
        assert pd.DatetimeIndex(out.loc[out["queue"] == "a", "interval_start"]).equals(expected)
        assert len(find_gaps(out)) == 0


@pytest.mark.parametrize(
    ("zone", "changes"),
    [(BERLIN, ["2024-03-31", "2024-10-27"]), (NEW_YORK, ["2024-03-10", "2024-11-03"])],
)
def test_daily_data_stays_at_local_midnight(zone: str, changes: list[str]) -> None:
    days = pd.date_range("2024-03-01", "2024-11-30", freq="D")
    expected = days.tz_localize(zone)
    naive = read_volumes(
        pd.DataFrame({"interval_start": days.strftime("%Y-%m-%d"), "volume": 1.0}), tz=zone
    )
    assert naive.attrs["freq"] == "D"
    assert pd.DatetimeIndex(naive["interval_start"]).equals(expected)
    assert (naive["interval_start"].dt.hour == 0).all()
    utc = read_volumes(
        pd.DataFrame({"interval_start": expected.tz_convert("UTC"), "volume": 1.0}), tz=zone
    )
    assert pd.DatetimeIndex(utc["interval_start"]).equals(expected)
    assert infer_freq(utc).freqstr == "D"
    assert len(find_gaps(utc)) == 0
    # Without the DST days, each gap is one day long.
    change = expected.tz_localize(None).isin(pd.to_datetime(changes))
    gaps = find_gaps(utc[~change])
    assert gaps["intervals"].tolist() == [1, 1]
    assert gaps["gap_start"].tolist() == [pd.Timestamp(day, tz=zone) for day in changes]


def test_nonexistent_local_times_are_an_error() -> None:
    raw = pd.DataFrame(
        {
            "queue": ["a", "a", "b"],
            "interval_start": ["2024-03-10 01:45", "2024-03-10 03:00", "2024-03-10 02:30"],
            "volume": [1.0, 2.0, 3.0],
        }
    )
    with pytest.raises(InputError) as excinfo:
        read_volumes(raw, tz=NEW_YORK)
    message = str(excinfo.value)
    for fragment in (
        "'interval_start'",
        "do not exist in America/New_York",
        "row 2",
        "2024-03-10 02:30",
        "queue='b'",
    ):
        assert fragment in message


def test_repeated_hour_seen_once_is_an_error() -> None:
    raw = pd.DataFrame(
        {
            "interval_start": ["2024-10-27 01:45", "2024-10-27 02:00", "2024-10-27 03:00"],
            "volume": [1.0, 2.0, 3.0],
        }
    )
    with pytest.raises(InputError) as excinfo:
        read_volumes(raw, tz=BERLIN, freq="15min")
    message = str(excinfo.value)
    for fragment in ("'interval_start'", "occur twice", "appear once", "row 1", "02:00"):
        assert fragment in message


def test_repeated_hour_three_times_is_a_duplicate() -> None:
    raw = pd.DataFrame(
        {
            "interval_start": ["2024-10-27 02:00"] * 3,
            "volume": [1.0, 2.0, 3.0],
        }
    )
    with pytest.raises(InputError, match="repeats an interval"):
        read_volumes(raw, tz=BERLIN, freq="h")


def test_centre_closed_at_night_has_no_ambiguity() -> None:
    wall = pd.date_range("2024-10-27 08:00", "2024-10-27 19:45", freq="15min")
    out = read_volumes(
        pd.DataFrame({"interval_start": wall.strftime("%Y-%m-%d %H:%M"), "volume": 1.0}), tz=BERLIN
    )
    assert len(out) == 48


def test_validated_utc_data_across_both_changes() -> None:
    instants = pd.date_range("2024-03-30", "2024-10-29", freq="15min", tz="UTC")
    frame = pd.DataFrame({"interval_start": instants.tz_convert(BERLIN), "volume": 1.0})
    out = validate_frame(frame)
    wall_days = out["interval_start"].dt.tz_localize(None).dt.normalize()
    per_day = out.groupby(wall_days).size()
    assert per_day[pd.Timestamp("2024-03-31")] == 92
    assert per_day[pd.Timestamp("2024-10-27")] == 100
    assert len(find_gaps(out)) == 0


def test_midnight_that_does_not_exist() -> None:
    # Brazil's clocks went forward at midnight on 2018-11-04: that day began at 01:00.
    zone = "America/Sao_Paulo"
    raw = pd.DataFrame(
        {"interval_start": ["2018-11-03", "2018-11-04", "2018-11-05"], "volume": [1.0, 2.0, 3.0]}
    )
    out = read_volumes(raw, tz=zone)
    assert out.attrs["freq"] == "D"
    assert out["interval_start"].iloc[1] == pd.Timestamp("2018-11-04 01:00", tz=zone)
    assert len(find_gaps(out)) == 0
    assert len(find_gaps(out.iloc[[0, 2]], freq="D")) == 1
    quarter = read_volumes(
        pd.DataFrame(
            {"interval_start": ["2018-11-03 23:45", "2018-11-04 01:00"], "volume": [1.0, 2.0]}
        ),
        tz=zone,
        freq="15min",
    )
    assert len(find_gaps(quarter)) == 0  # 23:45 -> 01:00 is one quarter-hour


def test_repeated_index_labels_do_not_confuse_localising() -> None:
    expected = local_day(BERLIN, "2024-10-27")
    raw = interleaved(list(expected.tz_localize(None).strftime("%Y-%m-%d %H:%M")))
    raw.index = np.zeros(len(raw), dtype=int)  # e.g. concatenated exports
    assert_day(read_volumes(raw, tz=BERLIN), expected, BERLIN)
