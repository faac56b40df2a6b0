"""Opening hours: parsing, the interval rule, DST, holidays, frames, inference."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo

import numpy as np
import pandas as pd
import pydantic
import pytest

from cccplan.exceptions import InputError
from cccplan.frames.hours import (
    OpeningHours,
    closed_volume,
    infer_opening_hours,
    is_open,
    mark_open,
    open_intervals,
)

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"


def _frame(series: dict[tuple[str, ...], pd.DatetimeIndex], *, keys=("queue",), volume=1.0):
    """A canonical interval frame: one block of rows per series key."""
    blocks = []
    for values, starts in series.items():
        block = pd.DataFrame(dict(zip(keys, values, strict=True)), index=range(len(starts)))
        block["interval_start"] = starts.as_unit("ns")
        block["volume"] = volume if np.isscalar(volume) else volume[values]
        blocks.append(block)
    frame = pd.concat(blocks, ignore_index=True)
    for key in keys:
        frame[key] = frame[key].astype(str)
    return frame


def _day(date: str, tz: str = BERLIN, freq: str = "15min") -> pd.DatetimeIndex:
    """The intervals of one local date (23, 24 or 25 hours)."""
    start = pd.Timestamp(date, tz=tz)
    end = pd.Timestamp(pd.Timestamp(date) + pd.Timedelta(days=1), tz=tz)
    return pd.date_range(start, end, freq=freq, inclusive="left")


def _open_times(hours: OpeningHours, date: str, freq: str = "15min") -> list[str]:
    starts = _day(date, hours.tz, freq)
    return [t.strftime("%H:%M") for t in starts[hours.is_open(starts, freq=freq)]]


WEEKDAY_HOURS = OpeningHours(tz=BERLIN, weekly={"mon-fri": "08:00-20:00"})


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


def test_weekly_is_normalised_to_seven_days_in_order():
    hours = OpeningHours(
        tz=BERLIN,
        weekly={
            "MON": "08:00-12:00, 13:00-17:00",
            "Tuesday": [("13:00", "17:00"), "08:00-12:00"],
            2: ("8:00", "20:00"),
            "thu": ["08:00-12:00", "12:00-20:00"],  # touching: merged
            "Fri": [],
            "sat-sun": "closed",
        },
    )
    assert list(hours.weekly) == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert hours.weekly["mon"] == (("08:00", "12:00"), ("13:00", "17:00"))
    assert hours.weekly["tue"] == hours.weekly["mon"]
    assert hours.weekly["wed"] == (("08:00", "20:00"),)
    assert hours.weekly["thu"] == (("08:00", "20:00"),)
    assert hours.weekly["fri"] == hours.weekly["sat"] == hours.weekly["sun"] == ()


def test_missing_days_are_closed_and_spans_wrap_round_the_week():
    hours = OpeningHours(tz=BERLIN, weekly={"fri-mon": "10:00-24:00"})
    assert [day for day, ranges in hours.weekly.items() if ranges] == ["mon", "fri", "sat", "sun"]
    assert hours.weekly["sun"] == (("10:00", "24:00"),)


def test_time_objects_and_seconds_are_accepted():
    hours = OpeningHours(tz=BERLIN, weekly={"mon": (dt.time(8), "20:00:00")})
    assert hours.weekly["mon"] == (("08:00", "20:00"),)


def test_closed_dates_sorted_unique_and_special_sorted():
    hours = OpeningHours(
        tz=BERLIN,
        weekly={"mon-fri": "08:00-20:00"},
        closed_dates=["2024-12-26", dt.date(2024, 12, 25), "2024-12-26"],
        special={"2024-12-31": "08:00-12:00", dt.date(2024, 12, 24): "08:00-14:00"},
    )
    assert hours.closed_dates == (dt.date(2024, 12, 25), dt.date(2024, 12, 26))
    assert list(hours.special) == [dt.date(2024, 12, 24), dt.date(2024, 12, 31)]


@pytest.mark.parametrize(
    ("weekly", "message"),
    [
        ({"mo": "08:00-20:00"}, "unknown weekday 'mo'"),
        ({"funday": "08:00-20:00"}, "unknown weekday"),
        ({7: "08:00-20:00"}, "unknown weekday 7"),
        ({"mon": "08:00-12:00, 11:00-13:00"}, "overlap"),
        ({"mon": "20:00-08:00"}, "opens at or after it closes"),
        ({"mon": "08:00-08:00"}, "opens at or after it closes"),
        ({"mon": "24:00-24:00"}, "after the end of the day"),
        ({"mon": "08:00-25:00"}, "not a whole-minute time"),
        ({"mon": "08:00:30-20:00"}, "not a whole-minute time"),
        ({"mon": "eight-20:00"}, "is not a time"),
        ({"mon": "08:00"}, "is not a range"),
        ({"mon": 8}, "is not opening hours"),
        ({"mon": "08:00-20:00", "mon-fri": "09:00-17:00"}, "mon is given twice"),
        ("mon 08:00-20:00", "expected a mapping"),
    ],
)
def test_bad_weekly_is_a_clear_validation_error(weekly, message):
    with pytest.raises(pydantic.ValidationError, match=message) as info:
        OpeningHours(tz=BERLIN, weekly=weekly)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("tz", ["Mars/Olympus_Mons", "", "+01:00", 3])
def test_bad_zone(tz):
    with pytest.raises(pydantic.ValidationError, match="not an IANA time zone name"):
        OpeningHours(tz=tz, weekly={})


def test_zoneinfo_object_is_accepted():
    assert OpeningHours(tz=zoneinfo.ZoneInfo(NEW_YORK), weekly={}).tz == NEW_YORK


def test_other_field_errors():
    with pytest.raises(pydantic.ValidationError, match="both in closed_dates and special"):
        OpeningHours(
            tz=BERLIN, weekly={}, closed_dates=["2024-12-24"], special={"2024-12-24": "08:00-09:00"}
        )
    with pytest.raises(pydantic.ValidationError, match="list of dates"):
        OpeningHours(tz=BERLIN, weekly={}, closed_dates="2024-12-24")
    with pytest.raises(pydantic.ValidationError, match="Extra inputs"):
        OpeningHours(tz=BERLIN, weekly={}, holidays=["2024-12-24"])
    with pytest.raises(pydantic.ValidationError, match=r"special\['2024-12-24'\]"):
        OpeningHours(tz=BERLIN, weekly={}, special={"2024-12-24": "14:00-08:00"})


def test_frozen_and_json_round_trip():
    hours = OpeningHours(
        tz=BERLIN,
        weekly={"mon-fri": "08:00-12:00, 13:00-20:00", "sat": "09:00-24:00"},
        closed_dates=["2024-12-25"],
        special={"2024-12-24": "08:00-14:00", "2024-12-31": []},
    )
    with pytest.raises(pydantic.ValidationError):
        hours.tz = NEW_YORK  # type: ignore[misc]
    assert OpeningHours.model_validate_json(hours.model_dump_json()) == hours
    assert OpeningHours.model_validate(hours.model_dump()) == hours


def test_constructors():
    assert OpeningHours.always(NEW_YORK).weekly["wed"] == (("00:00", "24:00"),)
    hours = OpeningHours.from_weekly(
        BERLIN, {"mon-fri": "08:00-20:00"}, closed_dates=["2024-12-25"], special=None
    )
    assert hours.closed_dates == (dt.date(2024, 12, 25),)
    assert hours == OpeningHours(
        tz=BERLIN, weekly={"mon-fri": "08:00-20:00"}, closed_dates=["2024-12-25"]
    )


def test_ranges_on_precedence():
    hours = OpeningHours(
        tz=BERLIN,
        weekly={"mon-fri": "08:00-20:00"},
        closed_dates=["2024-12-25"],
        special={"2024-12-24": "08:00-14:00", "2024-12-22": "10:00-16:00"},
    )
    assert hours.ranges_on("2024-12-23") == (("08:00", "20:00"),)
    assert hours.ranges_on(dt.date(2024, 12, 24)) == (("08:00", "14:00"),)
    assert hours.ranges_on("2024-12-25") == ()
    assert hours.ranges_on("2024-12-22") == (("10:00", "16:00"),)  # a Sunday, opened


def test_with_holidays_berlin():
    hours = OpeningHours(
        tz=BERLIN,
        weekly={"mon-sat": "08:00-20:00"},
        closed_dates=["2024-12-31"],
        special={"2024-12-26": "10:00-14:00"},
    )
    berlin = hours.with_holidays("DE", subdiv="BE", years=[2024, 2025])
    assert dt.date(2024, 3, 8) in berlin.closed_dates  # International Women's Day, Berlin only
    assert dt.date(2025, 12, 25) in berlin.closed_dates
    assert dt.date(2024, 12, 31) in berlin.closed_dates  # kept
    assert dt.date(2024, 12, 26) not in berlin.closed_dates  # special hours win
    assert berlin.special == hours.special
    assert hours.closed_dates == (dt.date(2024, 12, 31),)  # the original is unchanged
    bavaria = hours.with_holidays("DE", subdiv="BY", years=2024)
    assert dt.date(2024, 3, 8) not in bavaria.closed_dates
    assert dt.date(2024, 1, 6) in bavaria.closed_dates  # Epiphany


@pytest.mark.parametrize(
    ("country", "subdiv", "years", "message"),
    [
        ("XX", None, 2024, "Country XX not available"),
        ("DE", "XX", 2024, "subdivision"),
        ("DE", None, [], "`years`"),
        ("DE", None, ["2024"], "`years`"),
    ],
)
def test_with_holidays_errors(country, subdiv, years, message):
    with pytest.raises(InputError, match=message):
        WEEKDAY_HOURS.with_holidays(country, subdiv=subdiv, years=years)


def test_str():
    text = str(WEEKDAY_HOURS.with_holidays("DE", subdiv="BE", years=2024))
    assert text.splitlines()[:3] == [
        "OpeningHours in Europe/Berlin",
        "  mon-fri  08:00-20:00",
        "  sat-sun  closed",
    ]
    assert "and 5 more" in text.splitlines()[3]


# ---------------------------------------------------------------------------
# The interval rule
# ---------------------------------------------------------------------------


def test_open_and_close_edges():
    # Monday 2024-06-03: 07:45-08:00 ends as the centre opens (closed), 19:45-20:00 is open.
    times = _open_times(WEEKDAY_HOURS, "2024-06-03")
    assert times[0] == "08:00"
    assert times[-1] == "19:45"
    assert len(times) == 48
    assert _open_times(WEEKDAY_HOURS, "2024-06-08") == []  # Saturday


def test_partial_overlap_counts_as_open():
    hours = OpeningHours(tz=BERLIN, weekly={"mon": "08:10-08:20, 17:00-17:05"})
    assert _open_times(hours, "2024-06-03") == ["08:00", "08:15", "17:00"]
    assert _open_times(hours, "2024-06-03", freq="h") == ["08:00", "17:00"]
    assert _open_times(hours, "2024-06-03", freq="30min") == ["08:00", "17:00"]


def test_close_at_midnight_and_multi_range_day():
    hours = OpeningHours(
        tz=BERLIN, weekly={"mon": "06:00-12:00, 13:00-24:00", "tue": "00:00-02:00"}
    )
    monday = _open_times(hours, "2024-06-03")
    assert "11:45" in monday
    assert "12:00" not in monday
    assert "12:45" not in monday
    assert "13:00" in monday
    assert monday[-1] == "23:45"
    assert len(monday) == 24 + 44
    assert _open_times(hours, "2024-06-04") == [
        f"{h:02d}:{m:02d}" for h in (0, 1) for m in (0, 15, 30, 45)
    ]


def test_daily_frequency():
    days = pd.date_range("2024-06-03", periods=7, freq="D", tz=BERLIN)
    assert WEEKDAY_HOURS.is_open(days, freq="D").tolist() == [True] * 5 + [False] * 2


def test_other_zones_and_input_forms_are_converted():
    starts_utc = pd.date_range("2024-06-03 05:30", periods=4, freq="15min", tz="UTC")
    # 07:30-08:30 Berlin (UTC+2): opens at 08:00 local.
    assert is_open(WEEKDAY_HOURS, starts_utc, freq="15min").tolist() == [False, False, True, True]
    series = pd.Series(starts_utc.tz_convert(NEW_YORK))
    assert is_open(WEEKDAY_HOURS, series, freq=pd.Timedelta("15min")).tolist() == [
        False,
        False,
        True,
        True,
    ]
    assert is_open(WEEKDAY_HOURS, starts_utc[3], freq=dt.timedelta(minutes=15)).tolist() == [True]
    assert is_open(WEEKDAY_HOURS, starts_utc[:0], freq="15min").shape == (0,)


def test_interval_crossing_local_midnight():
    # Hourly intervals aligned to UTC start at :30 in India (UTC+05:30), so one of them
    # runs from Sunday 23:30 to Monday 00:30 and meets Monday's opening at midnight.
    hours = OpeningHours(tz="Asia/Kolkata", weekly={"mon": "00:00-00:15"})
    starts = pd.date_range("2024-06-02 16:00", periods=4, freq="h", tz="UTC")
    local = starts.tz_convert("Asia/Kolkata")
    assert [t.strftime("%a %H:%M") for t in local] == [
        "Sun 21:30",
        "Sun 22:30",
        "Sun 23:30",
        "Mon 00:30",
    ]
    assert hours.is_open(starts, freq="h").tolist() == [False, False, True, False]


@pytest.mark.parametrize(
    ("starts", "freq", "message"),
    [
        (pd.date_range("2024-06-03", periods=2, freq="h"), "h", "timezone-naive"),
        (pd.DatetimeIndex(["2024-06-03", None]).tz_localize(BERLIN), "h", "NaT"),
        (["not a time"], "h", "timezone-aware datetimes"),
        (pd.date_range("2024-06-03", periods=2, freq="h", tz=BERLIN), "W", "fixed interval"),
        (pd.date_range("2024-06-03", periods=2, freq="h", tz=BERLIN), "MS", "fixed interval"),
        (pd.date_range("2024-06-03", periods=2, freq="h", tz=BERLIN), "soon", "not a frequency"),
    ],
)
def test_is_open_bad_input(starts, freq, message):
    with pytest.raises(InputError, match=message):
        is_open(WEEKDAY_HOURS, starts, freq=freq)


# ---------------------------------------------------------------------------
# Holidays and special days
# ---------------------------------------------------------------------------


def test_closed_and_special_dates():
    hours = OpeningHours(
        tz=BERLIN,
        weekly={"mon-fri": "08:00-20:00"},
        closed_dates=["2024-12-25", "2024-12-26"],
        special={"2024-12-24": "08:00-14:00", "2024-12-22": "10:00-12:00", "2024-12-23": []},
    )
    christmas_eve = _open_times(hours, "2024-12-24")
    assert christmas_eve[0] == "08:00"
    assert christmas_eve[-1] == "13:45"
    assert _open_times(hours, "2024-12-25") == []
    assert _open_times(hours, "2024-12-23") == []  # special [] closes a Monday
    assert len(_open_times(hours, "2024-12-22")) == 8  # a Sunday, opened
    assert len(_open_times(hours, "2024-12-27")) == 48  # back to the weekly hours
    days = pd.date_range("2024-12-22", "2024-12-27", freq="D", tz=BERLIN)
    assert hours.is_open(days, freq="D").tolist() == [True, False, True, False, False, True]


# ---------------------------------------------------------------------------
# DST
# ---------------------------------------------------------------------------

# Sundays: Berlin springs forward 02:00 -> 03:00 on 2024-03-31 and falls back 03:00 -> 02:00
# on 2024-10-27; New York springs forward 02:00 -> 03:00 on 2024-03-10 and falls back
# 02:00 -> 01:00 on 2024-11-03.


@pytest.mark.parametrize(
    ("tz", "date", "intervals"),
    [
        (BERLIN, "2024-03-31", 92),
        (BERLIN, "2024-10-27", 100),
        (BERLIN, "2024-06-02", 96),
        (NEW_YORK, "2024-03-10", 92),
        (NEW_YORK, "2024-11-03", 100),
    ],
)
def test_dst_days_always_open(tz, date, intervals):
    hours = OpeningHours.always(tz)
    starts = _day(date, tz)
    assert len(starts) == intervals
    assert hours.is_open(starts, freq="15min").all()
    grid = open_intervals(hours, date, pd.Timestamp(date) + pd.Timedelta(days=1), freq="15min")
    assert len(grid) == intervals
    assert grid.equals(starts.rename("interval_start"))


@pytest.mark.parametrize(
    ("tz", "date", "ranges", "hours_open"),
    [
        (BERLIN, "2024-03-31", "08:00-20:00", 12),
        (BERLIN, "2024-10-27", "08:00-20:00", 12),
        (BERLIN, "2024-03-31", "00:00-06:00", 5),  # 02:00-03:00 never happens
        (BERLIN, "2024-10-27", "00:00-06:00", 7),  # 02:00-03:00 happens twice
        (NEW_YORK, "2024-03-10", "01:00-04:00", 2),
        (NEW_YORK, "2024-11-03", "00:00-03:00", 4),
        # Opening in the skipped hour: clocks jump to 03:00, and so does the opening.
        (NEW_YORK, "2024-03-10", "02:30-05:00", 2),
        # Opening in the repeated hour: its first occurrence; closing: its second.
        (NEW_YORK, "2024-11-03", "01:30-02:00", 1.5),
        (NEW_YORK, "2024-11-03", "00:00-01:30", 2.5),
    ],
)
def test_dst_days_in_physical_time(tz, date, ranges, hours_open):
    hours = OpeningHours(tz=tz, weekly={"sun": ranges})
    starts = _day(date, tz)
    assert hours.is_open(starts, freq="15min").sum() == hours_open * 4


def test_spring_forward_skipped_hour_has_no_intervals():
    hours = OpeningHours(tz=NEW_YORK, weekly={"sun": "01:00-04:00"})
    assert _open_times(hours, "2024-03-10") == [
        "01:00",
        "01:15",
        "01:30",
        "01:45",
        "03:00",
        "03:15",
        "03:30",
        "03:45",
    ]


def test_daily_intervals_across_dst():
    hours = OpeningHours(tz=BERLIN, weekly={"sun": "02:00-02:30", "mon": "10:00-11:00"})
    days = pd.date_range("2024-03-30", periods=3, freq="D", tz=BERLIN)
    # 2024-03-31's 02:00-02:30 does not exist (moved to 03:00, empty): closed all day.
    assert hours.is_open(days, freq="D").tolist() == [False, False, True]
    days = pd.date_range("2024-10-26", periods=3, freq="D", tz=BERLIN)
    assert hours.is_open(days, freq="D").tolist() == [False, True, True]
    grid = open_intervals(hours, "2024-10-21", "2024-11-04", freq="D")
    assert [t.strftime("%Y-%m-%d %H:%M%z") for t in grid] == [
        "2024-10-21 00:00+0200",
        "2024-10-27 00:00+0200",
        "2024-10-28 00:00+0100",
        "2024-11-03 00:00+0100",
    ]


# ---------------------------------------------------------------------------
# open_intervals
# ---------------------------------------------------------------------------


def test_open_intervals_grid():
    hours = OpeningHours(
        tz=BERLIN, weekly={"mon-fri": "08:00-20:00"}, special={"2024-12-24": "08:00-14:00"}
    )
    grid = open_intervals(hours, dt.date(2024, 12, 23), dt.date(2024, 12, 30), freq="30min")
    assert grid.name == "interval_start"
    assert str(grid.dtype) == "datetime64[ns, Europe/Berlin]"
    per_day = pd.Series(1, index=grid).groupby(grid.date).size()
    assert per_day.to_dict() == {
        dt.date(2024, 12, 23): 24,
        dt.date(2024, 12, 24): 12,
        dt.date(2024, 12, 25): 24,
        dt.date(2024, 12, 26): 24,
        dt.date(2024, 12, 27): 24,
    }
    aware = open_intervals(
        hours,
        pd.Timestamp("2024-12-23 07:00", tz="UTC"),  # 08:00 Berlin
        pd.Timestamp("2024-12-23 09:00", tz=BERLIN),
        freq="h",
    )
    assert [t.hour for t in aware] == [8]
    assert len(open_intervals(hours, "2024-12-23", "2024-12-23", freq="h")) == 0


def test_open_intervals_errors():
    with pytest.raises(InputError, match="before `start`"):
        open_intervals(WEEKDAY_HOURS, "2024-12-23", "2024-12-22", freq="h")
    with pytest.raises(InputError, match="is not a date"):
        open_intervals(WEEKDAY_HOURS, "someday", "2024-12-22", freq="h")
    with pytest.raises(InputError, match="fixed interval"):
        open_intervals(WEEKDAY_HOURS, "2024-12-01", "2024-12-22", freq="W")


# ---------------------------------------------------------------------------
# mark_open and closed_volume
# ---------------------------------------------------------------------------

SALES = OpeningHours(tz=BERLIN, weekly={"mon-fri": "08:00-18:00"})
NIGHT = OpeningHours(tz=BERLIN, weekly={"mon-sun": "00:00-06:00"})
ALWAYS = OpeningHours.always(BERLIN)


def _two_queue_frame():
    starts = _day("2024-06-03", freq="h")
    return _frame(
        {
            ("sales", "voice"): starts,
            ("sales", "chat"): starts,
            ("billing", "voice"): starts,
        },
        keys=("queue", "channel"),
    )


def test_mark_open_one_hours_for_all():
    frame = _two_queue_frame()
    frame.attrs["freq"] = "h"
    marked = mark_open(frame, SALES)
    assert list(marked.columns) == [*frame.columns, "open"]
    assert marked["open"].dtype == bool
    assert marked["open"].sum() == 3 * 10
    assert marked.attrs == {"freq": "h"}
    assert "open" not in frame.columns  # the input is not modified


@pytest.mark.parametrize(
    ("hours", "open_per_series"),
    [
        ({("sales", "voice"): SALES, "sales": NIGHT, None: ALWAYS}, [10, 6, 24]),
        ({"sales": SALES, "voice": NIGHT}, [10, 10, 6]),
        ({"VOICE": NIGHT, "chat": SALES}, [6, 10, 6]),
        ({("billing", "Voice"): NIGHT, None: SALES}, [10, 10, 6]),
    ],
)
def test_mark_open_lookup_order(hours, open_per_series):
    marked = mark_open(_two_queue_frame(), hours, freq="h")
    counts = marked.groupby(["queue", "channel"], sort=False)["open"].sum().tolist()
    assert counts == open_per_series


def test_mark_open_single_key_and_no_key_frames():
    starts = _day("2024-06-03", freq="h")
    by_channel = _frame({("voice",): starts, ("chat",): starts}, keys=("channel",))
    marked = mark_open(by_channel, {"voice": SALES, "chat": NIGHT}, freq="h")
    assert marked.groupby("channel", sort=False)["open"].sum().tolist() == [10, 6]
    single = _frame({(): starts}, keys=())
    assert mark_open(single, {None: NIGHT}, freq="h")["open"].sum() == 6
    assert mark_open(single, SALES, freq="h")["open"].sum() == 10


def test_mark_open_replaces_an_open_column_and_infers_freq():
    frame = _two_queue_frame()
    frame["open"] = "stale"
    frame["agents"] = 1.0
    marked = mark_open(frame, SALES)  # no attrs: the hourly step is inferred
    assert list(marked.columns) == list(frame.columns)
    assert marked["open"].sum() == 30


def test_mark_open_infers_daily_freq_across_dst():
    days = pd.date_range("2024-03-28", periods=6, freq="D", tz=BERLIN)
    frame = _frame({("sales",): days})
    assert mark_open(frame, SALES)["open"].tolist() == [True, True, False, False, True, True]


def test_mark_open_names_series_without_hours():
    with pytest.raises(InputError, match=r"no opening hours for 2 series: .*'chat'.*'billing'"):
        mark_open(_two_queue_frame(), {("sales", "voice"): SALES}, freq="h")
    with pytest.raises(InputError, match="must be an OpeningHours"):
        mark_open(_two_queue_frame(), {"sales": "08:00-18:00"}, freq="h")
    with pytest.raises(InputError, match="is not a queue, a channel"):
        mark_open(_two_queue_frame(), {1: SALES}, freq="h")
    with pytest.raises(InputError, match="must be an OpeningHours or a mapping"):
        mark_open(_two_queue_frame(), ["sales"], freq="h")


def test_mark_open_bad_frames():
    frame = _two_queue_frame()
    with pytest.raises(InputError, match="no column 'interval_start'"):
        mark_open(frame.rename(columns={"interval_start": "start"}), SALES, freq="h")
    naive = frame.assign(interval_start=frame["interval_start"].dt.tz_localize(None))
    with pytest.raises(InputError, match="timezone-naive"):
        mark_open(naive, SALES, freq="h")
    text = frame.assign(interval_start=frame["interval_start"].astype(str))
    with pytest.raises(InputError, match="timezone-aware"):
        mark_open(text, SALES, freq="h")
    missing = frame.copy()
    missing.loc[4, "interval_start"] = pd.NaT
    with pytest.raises(InputError, match=r"missing \(NaT\) in rows \[queue=sales, channel=voice"):
        mark_open(missing, SALES, freq="h")
    with pytest.raises(InputError, match="cannot infer the interval length"):
        mark_open(frame.groupby(["queue", "channel"]).head(1), SALES)
    # A wrong frequency hint is overruled by the data when the data show the frequency.
    hinted = frame.copy()
    hinted.attrs["freq"] = "monthly"
    assert mark_open(hinted, SALES)["open"].equals(mark_open(frame, SALES)["open"])
    with pytest.raises(InputError, match="DataFrame"):
        mark_open(frame["interval_start"], SALES)


def test_closed_volume_finding():
    starts = _day("2024-06-03", freq="h")
    volume = np.zeros(24)
    volume[[7, 8, 12, 18, 22]] = [2.0, 5.0, 9.0, 1.0, 3.0]  # 07:00, 18:00 and 22:00 are closed
    frame = _frame({("sales",): starts, ("support",): starts}, volume=1.0)
    frame["volume"] = np.concatenate([volume, np.zeros(24)])
    frame["aht"] = 180.0
    found = closed_volume(frame, SALES, freq="h")
    assert list(found.columns) == ["queue", "interval_start", "volume"]
    assert found.index.equals(pd.RangeIndex(3))
    assert [t.hour for t in found["interval_start"]] == [7, 18, 22]
    assert found["volume"].tolist() == [2.0, 1.0, 3.0]
    assert closed_volume(frame, ALWAYS, freq="h").empty
    with pytest.raises(InputError, match="no column 'volume'"):
        closed_volume(frame.drop(columns="volume"), SALES, freq="h")


# ---------------------------------------------------------------------------
# Inference
# ---------------------------------------------------------------------------


def _history(rng: np.random.Generator) -> pd.DataFrame:
    """Eight weeks across the spring DST change, two queues with known hours.

    sales: mon-fri 08:00-20:00, sat 09:00-14:00. support: every day 07:00-12:00 and
    13:00-22:00. Closed intervals are absent. Noise: a public holiday (no rows), a
    Friday exported with zeros, scattered zero intervals, and stray contacts at night.
    """
    starts = pd.date_range("2024-03-04", "2024-04-29", freq="15min", tz=BERLIN, inclusive="left")
    minute = starts.hour * 60 + starts.minute
    weekday = starts.day_of_week
    sales = ((weekday < 5) & (minute >= 480) & (minute < 1200)) | (
        (weekday == 5) & (minute >= 540) & (minute < 840)
    )
    support = ((minute >= 420) & (minute < 720)) | ((minute >= 780) & (minute < 1320))
    frames = []
    for queue, keep in (("sales", sales), ("support", support)):
        block = pd.DataFrame({"queue": queue, "interval_start": starts[keep]})
        block["volume"] = rng.poisson(6.0, size=len(block)).astype(float)
        frames.append(block)
    history = pd.concat(frames, ignore_index=True)
    date = history["interval_start"].dt.date
    easter_monday = date == dt.date(2024, 4, 1)
    history = history[~(easter_monday & (history["queue"] == "sales"))]
    history.loc[(date == dt.date(2024, 3, 15)) & (history["queue"] == "sales"), "volume"] = 0.0
    history.loc[history.sample(frac=0.05, random_state=1).index, "volume"] = 0.0
    stray = pd.DataFrame(
        {
            "queue": "sales",
            "interval_start": pd.DatetimeIndex(
                ["2024-03-10 03:00", "2024-03-12 23:00", "2024-04-14 03:15"]
            ).tz_localize(BERLIN),
            "volume": 1.0,
        }
    )
    history = pd.concat([history, stray], ignore_index=True)
    history["queue"] = history["queue"].astype(str)
    history["interval_start"] = history["interval_start"].dt.as_unit("ns")
    return history.sort_values(["queue", "interval_start"], ignore_index=True)


def test_infer_opening_hours_recovers_known_hours():
    history = _history(np.random.default_rng(7))
    inferred = infer_opening_hours(history, freq="15min")
    assert list(inferred) == ["sales", "support"]
    assert inferred["sales"] == OpeningHours(
        tz=BERLIN, weekly={"mon-fri": "08:00-20:00", "sat": "09:00-14:00"}
    )
    assert inferred["support"] == OpeningHours(
        tz=BERLIN, weekly={"mon-sun": "07:00-12:00, 13:00-22:00"}
    )
    # Round trip: the history's intervals with volume are open under the inferred hours,
    # except the stray night contacts, which are the closed-volume finding.
    found = closed_volume(history, inferred, freq="15min")
    assert len(found) == 3
    assert mark_open(history, inferred, freq="15min")["open"].sum() == len(history) - 3


def test_infer_opening_hours_keys_and_defaults():
    starts = pd.date_range("2024-06-03", "2024-06-17", freq="h", tz=NEW_YORK, inclusive="left")
    starts = starts[(starts.hour >= 9) & (starts.hour < 17) & (starts.day_of_week < 5)]
    both = _frame({("a", "voice"): starts, ("b", "chat"): starts}, keys=("queue", "channel"))
    both.attrs["freq"] = "h"
    inferred = infer_opening_hours(both)
    assert list(inferred) == [("a", "voice"), ("b", "chat")]
    expected = OpeningHours(tz=NEW_YORK, weekly={"mon-fri": "09:00-17:00"})
    assert all(hours == expected for hours in inferred.values())
    assert mark_open(both, inferred)["open"].all()
    single = _frame({(): starts}, keys=())
    assert infer_opening_hours(single) == {None: expected}  # hourly step inferred


def test_infer_opening_hours_daily_and_min_share():
    days = pd.date_range("2024-01-01", "2024-03-31", freq="D", tz=BERLIN)
    days = days[days.day_of_week < 6]
    frame = _frame({("mail",): days})
    frame.loc[frame["interval_start"].dt.day_of_week == 5, "volume"] = np.tile([1.0, 0.0, 0.0], 5)[
        : (days.day_of_week == 5).sum()
    ]
    inferred = infer_opening_hours(frame)["mail"]
    assert inferred.weekly["mon"] == (("00:00", "24:00"),)
    assert inferred.weekly["sat"] == ()  # volume on a third of Saturdays only
    lenient = infer_opening_hours(frame, min_share=0.3)["mail"]
    assert lenient.weekly["sat"] == (("00:00", "24:00"),)


def test_infer_opening_hours_series_without_volume_is_closed():
    starts = _day("2024-06-03", freq="h")
    frame = _frame({("quiet",): starts}, volume=0.0)
    assert infer_opening_hours(frame, freq="h")["quiet"].weekly == dict.fromkeys(
        ("mon", "tue", "wed", "thu", "fri", "sat", "sun"), ()
    )


def test_infer_opening_hours_zone_and_errors():
    starts = _day("2024-06-03", freq="h")
    frame = _frame({("q",): starts})
    fixed = frame.assign(interval_start=frame["interval_start"].dt.tz_convert("+02:00"))
    with pytest.raises(InputError, match="not an IANA zone; pass tz="):
        infer_opening_hours(fixed, freq="h")
    assert infer_opening_hours(fixed, freq="h", tz=BERLIN)["q"].tz == BERLIN
    utc = frame.assign(interval_start=frame["interval_start"].dt.tz_convert("UTC"))
    assert infer_opening_hours(utc, freq="h")["q"].tz == "UTC"
    with pytest.raises(InputError, match="min_share"):
        infer_opening_hours(frame, min_share=0.0, freq="h")
    with pytest.raises(InputError, match="min_share"):
        infer_opening_hours(frame, min_share=1.5, freq="h")
    with pytest.raises(InputError, match="no column 'volume'"):
        infer_opening_hours(frame.drop(columns="volume"), freq="h")
    with pytest.raises(InputError, match="whole minutes"):
        infer_opening_hours(frame, freq="30s")
    with pytest.raises(InputError, match="is not supported"):
        infer_opening_hours(frame, freq="2D")


# ---------------------------------------------------------------------------
# Speed
# ---------------------------------------------------------------------------


def test_a_year_of_quarter_hours_for_several_queues_is_fast():
    starts = pd.date_range("2024-01-01", "2025-01-01", freq="15min", tz=BERLIN, inclusive="left")
    frame = _frame({(f"q{k}",): starts for k in range(6)})
    frame.attrs["freq"] = "15min"
    hours = {
        "q0": SALES.with_holidays("DE", subdiv="BE", years=2024),
        None: OpeningHours(
            tz=BERLIN,
            weekly={"mon-fri": "07:00-12:00, 12:30-20:00", "sat": "09:00-16:00"},
            special={"2024-12-24": "08:00-12:00"},
        ),
    }
    mark_open(frame.head(10), hours)  # warm-up (imports, caches)
    began = time.perf_counter()
    marked = mark_open(frame, hours)
    elapsed = time.perf_counter() - began
    assert len(marked) == 6 * 366 * 96
    assert elapsed < 1.0, f"mark_open took {elapsed:.2f} s"
