"""Tests of cccplan.frames.validate: the canonical interval frame and its frequency."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cccplan.exceptions import InputError
from cccplan.frames._columns import CHANNELS, KEY_COLUMNS
from cccplan.frames.validate import infer_freq, parse_freq, validate_frame

BERLIN = "Europe/Berlin"


def local(*times: str, tz: str = BERLIN) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(list(times), format="ISO8601")).tz_localize(tz)


def quarter_hours(start: str, periods: int, tz: str = BERLIN) -> pd.DatetimeIndex:
    return pd.date_range(start, periods=periods, freq="15min", tz=tz)


def two_series() -> pd.DataFrame:
    """A small, unsorted, valid frame of two series with an extra column."""
    return pd.DataFrame(
        {
            "note": ["x", "y", "z", "w"],
            "volume": [3.0, 4.0, 5.0, 6.0],
            "channel": ["Voice", "voice", "CHAT", "chat"],
            "queue": ["sales", "sales", "sales", "sales"],
            "interval_start": local(
                "2024-03-04 08:15", "2024-03-04 08:00", "2024-03-04 08:15", "2024-03-04 08:00"
            ),
            "aht": [200.0, 210.0, 400.0, 380.0],
        },
        index=[10, 11, 12, 13],
    )


def assert_input_error(excinfo: pytest.ExceptionInfo[InputError], *fragments: str) -> None:
    message = str(excinfo.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"


# ---------------------------------------------------------------------------
# Columns module
# ---------------------------------------------------------------------------


def test_column_constants() -> None:
    assert KEY_COLUMNS == ("queue", "channel")
    assert len(CHANNELS) == 8
    assert "backoffice" in CHANNELS


# ---------------------------------------------------------------------------
# The canonical frame
# ---------------------------------------------------------------------------


def test_canonical_frame_is_sorted_typed_and_ordered() -> None:
    raw = two_series()
    before = raw.copy()
    out = validate_frame(raw)
    assert list(out.columns) == ["queue", "channel", "interval_start", "volume", "aht", "note"]
    assert list(out["channel"]) == ["chat", "chat", "voice", "voice"]
    assert list(out["note"]) == ["w", "z", "y", "x"]
    assert out["interval_start"].is_monotonic_increasing is False  # two series
    assert list(out["interval_start"].dt.strftime("%H:%M")) == ["08:00", "08:15"] * 2
    assert str(out["interval_start"].dtype) == "datetime64[ns, Europe/Berlin]"
    assert out["volume"].dtype == np.float64
    assert out["aht"].dtype == np.float64
    assert isinstance(out.index, pd.RangeIndex)
    assert out.attrs["freq"] == "15min"
    pd.testing.assert_frame_equal(raw, before)  # the input is not modified


def test_validation_is_idempotent() -> None:
    once = validate_frame(two_series())
    twice = validate_frame(once)
    pd.testing.assert_frame_equal(once, twice)
    assert twice.attrs == once.attrs


def test_keys_are_optional_and_strings() -> None:
    frame = pd.DataFrame(
        {"interval_start": quarter_hours("2024-03-04 08:00", 3), "volume": [1.0, 0.0, 2.0]}
    )
    out = validate_frame(frame)
    assert list(out.columns) == ["interval_start", "volume"]
    frame["queue"] = [101, 101, 101]
    assert validate_frame(frame)["queue"].tolist() == ["101"] * 3


def test_microsecond_times_are_canonicalised_to_ns() -> None:
    times = quarter_hours("2024-03-04 08:00", 2).as_unit("us")
    out = validate_frame(pd.DataFrame({"interval_start": times, "volume": [1, 2]}))
    assert str(out["interval_start"].dtype) == "datetime64[ns, Europe/Berlin]"


def test_nullable_integer_volumes_are_accepted() -> None:
    frame = pd.DataFrame(
        {
            "interval_start": quarter_hours("2024-03-04 08:00", 2),
            "volume": pd.array([1, 2], dtype="Int64"),
        }
    )
    assert validate_frame(frame)["volume"].tolist() == [1.0, 2.0]


def test_allow_nan_accepts_missing_volumes() -> None:
    frame = pd.DataFrame(
        {"interval_start": quarter_hours("2024-03-04 08:00", 2), "volume": [1.0, np.nan]}
    )
    assert validate_frame(frame, allow_nan=True)["volume"].isna().sum() == 1


def test_aht_may_be_nan_or_zero_where_there_is_no_volume() -> None:
    frame = pd.DataFrame(
        {
            "interval_start": quarter_hours("2024-03-04 08:00", 3),
            "volume": [0.0, 0.0, 2.0],
            "aht": [np.nan, 0.0, 180.0],
        }
    )
    assert validate_frame(frame, require_aht=True)["aht"].tolist()[1:] == [0.0, 180.0]


def test_empty_frame_with_freq() -> None:
    frame = pd.DataFrame(
        {
            "interval_start": pd.DatetimeIndex([], tz=BERLIN),
            "volume": np.array([], dtype=float),
        }
    )
    assert len(validate_frame(frame, freq="15min")) == 0
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame)
    assert_input_error(excinfo, "empty", "freq=")


# ---------------------------------------------------------------------------
# Errors: each names the argument, the column and a row
# ---------------------------------------------------------------------------


def test_not_a_frame() -> None:
    with pytest.raises(InputError, match="history must be a pandas DataFrame"):
        validate_frame([1, 2], argument="history")  # type: ignore[arg-type]


@pytest.mark.parametrize("column", ["interval_start", "volume"])
def test_missing_required_column(column: str) -> None:
    frame = two_series().drop(columns=column)
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame, argument="history")
    assert_input_error(excinfo, "history has no column", repr(column), "columns present")


def test_missing_aht_when_required() -> None:
    frame = two_series().drop(columns="aht")
    validate_frame(frame)
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame, require_aht=True)
    assert_input_error(excinfo, "'aht'")


def test_timestamps_in_the_index_are_pointed_out() -> None:
    frame = two_series().set_index("interval_start")
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame)
    assert_input_error(excinfo, "reset_index")


def test_duplicated_column_names() -> None:
    frame = pd.concat([two_series(), two_series()[["volume"]]], axis=1)
    with pytest.raises(InputError, match="duplicated column names"):
        validate_frame(frame)


def test_string_volumes() -> None:
    frame = two_series()
    frame["volume"] = ["3", 4, "n/a", 6]
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame, argument="history")
    assert_input_error(excinfo, "history:", "'volume'", "not numeric", "row 10", "row 12")


def test_boolean_volumes() -> None:
    frame = two_series()
    frame["volume"] = [True, False, True, True]
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame)
    assert_input_error(excinfo, "'volume'", "not numeric", "row 10")


@pytest.mark.parametrize(
    ("bad", "problem"),
    [(-1.0, "is negative"), (np.nan, "is missing (NaN)"), (np.inf, "is infinite")],
)
def test_bad_volumes(bad: float, problem: str) -> None:
    frame = two_series()
    frame.loc[12, "volume"] = bad
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame)
    assert_input_error(
        excinfo, "column 'volume'", problem, "in 1 row", "row 12", "channel='CHAT'", ">= 0"
    )


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        (0.0, "missing or 0 where volume > 0"),
        (np.nan, "missing or 0 where volume > 0"),
        (-5.0, "is negative"),
        (np.inf, "is infinite"),
    ],
)
def test_bad_aht(bad: float, problem: str) -> None:
    frame = two_series()
    frame.loc[11, "aht"] = bad
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame)
    assert_input_error(excinfo, "column 'aht'", problem, "row 11", "> 0 where volume > 0")


def test_negative_aht_is_an_error_even_without_volume() -> None:
    frame = two_series()
    frame.loc[11, ["volume", "aht"]] = [0.0, -1.0]
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame)
    assert_input_error(excinfo, "'aht'", "is negative", "row 11")


def test_string_aht() -> None:
    frame = two_series()
    frame["aht"] = ["200s", 210.0, 400.0, 380.0]
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame)
    assert_input_error(excinfo, "'aht'", "not numeric", "row 10")


def test_duplicate_intervals() -> None:
    frame = two_series()
    frame.loc[12, "channel"] = "voice"  # now two voice rows at 08:15
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame)
    assert_input_error(
        excinfo, "'interval_start'", "repeats an interval", "row 10", "row 12", "2 rows"
    )


def test_same_instant_in_different_series_is_fine() -> None:
    validate_frame(two_series())


def test_off_grid_sub_daily() -> None:
    frame = pd.DataFrame(
        {
            "queue": ["a"] * 4,
            "interval_start": local(
                "2024-03-04 08:00", "2024-03-04 08:15", "2024-03-04 08:30", "2024-03-04 08:52"
            ),
            "volume": [1, 2, 3, 4],
        }
    )
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame)
    assert_input_error(
        excinfo, "'interval_start'", "off the interval grid", "row 3", "08:52", "15min"
    )


def test_grid_is_local_wall_clock_not_utc() -> None:
    # Kolkata is UTC+05:30: local 08:00 is 02:30 UTC, on the hourly local grid.
    frame = pd.DataFrame(
        {
            "interval_start": pd.date_range(
                "2024-03-04 08:00", periods=3, freq="h", tz="Asia/Kolkata"
            ),
            "volume": [1, 2, 3],
        }
    )
    assert validate_frame(frame).attrs["freq"] == "h"
    utc_grid = frame.assign(interval_start=frame["interval_start"] + pd.Timedelta("30min"))
    with pytest.raises(InputError, match="off the interval grid"):
        validate_frame(utc_grid)


def test_daily_data_must_be_at_local_midnight() -> None:
    frame = pd.DataFrame(
        {
            "interval_start": local("2024-03-04", "2024-03-05", "2024-03-06 06:00"),
            "volume": [10, 20, 30],
        }
    )
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame)
    assert_input_error(excinfo, "'interval_start'", "midnight", "row 2")


def test_freq_given_that_the_data_do_not_fit() -> None:
    frame = pd.DataFrame(
        {"interval_start": quarter_hours("2024-03-04 08:00", 4), "volume": [1, 2, 3, 4]}
    )
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame, freq="h")
    assert_input_error(excinfo, "off the interval grid", "row 1", "08:15")


def test_mixed_frequencies() -> None:
    frame = pd.DataFrame(
        {
            "queue": ["a"] * 3 + ["b"] * 3,
            "interval_start": quarter_hours("2024-03-04 08:00", 3).append(
                pd.date_range("2024-03-04 08:00", periods=3, freq="30min", tz=BERLIN)
            ),
            "volume": 1.0,
        }
    )
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame)
    assert_input_error(
        excinfo,
        "mixed frequencies",
        "'interval_start'",
        "15min",
        "30min",
        "queue='a'",
        "queue='b'",
    )
    # Given explicitly, the longer steps are gaps of a 15-minute frame.
    assert validate_frame(frame, freq="15min").attrs["freq"] == "15min"


def test_naive_timestamps() -> None:
    frame = two_series()
    frame["interval_start"] = frame["interval_start"].dt.tz_localize(None)
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame)
    assert_input_error(
        excinfo, "'interval_start'", "without a time zone", "row 10", "tz=", "read_volumes"
    )


def test_mixed_time_zones() -> None:
    frame = pd.DataFrame(
        {
            "interval_start": pd.Series(
                [
                    pd.Timestamp("2024-03-04 08:00", tz=BERLIN),
                    pd.Timestamp("2024-03-04 08:15", tz=BERLIN),
                    pd.Timestamp("2024-03-04 07:30", tz="UTC"),
                ],
                dtype=object,
            ),
            "volume": [1, 2, 3],
        }
    )
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame)
    assert_input_error(excinfo, "'interval_start'", "mixes time zones", "UTC", BERLIN, "row 2")


def test_object_column_of_one_zone_is_accepted() -> None:
    frame = pd.DataFrame(
        {
            "interval_start": pd.Series(list(quarter_hours("2024-03-04 08:00", 2)), dtype=object),
            "volume": [1, 2],
        }
    )
    assert str(validate_frame(frame)["interval_start"].dtype) == "datetime64[ns, Europe/Berlin]"


def test_strings_are_not_parsed_here() -> None:
    frame = pd.DataFrame({"interval_start": ["2024-03-04 08:00"], "volume": [1]})
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame)
    assert_input_error(excinfo, "'interval_start'", "not timestamps", "row 0", "read_volumes")


def test_missing_timestamps() -> None:
    frame = two_series()
    frame.loc[13, "interval_start"] = pd.NaT
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame)
    assert_input_error(excinfo, "'interval_start'", "missing (NaT)", "row 13")


def test_unknown_channel() -> None:
    frame = two_series()
    frame.loc[12, "channel"] = "Fax"
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame)
    assert_input_error(excinfo, "'channel'", "'Fax'", "row 12", "voice, chat, messaging")


def test_channel_is_case_insensitive_and_stripped() -> None:
    frame = two_series()
    frame["channel"] = [" Voice", "VOICE", "Chat ", "chat"]
    assert set(validate_frame(frame)["channel"]) == {"voice", "chat"}


def test_missing_key_values() -> None:
    frame = two_series()
    frame.loc[11, "queue"] = None
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame)
    assert_input_error(excinfo, "'queue'", "is missing", "row 11")


# ---------------------------------------------------------------------------
# Frequencies
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("freq", "alias"),
    [
        ("15min", "15min"),
        ("30min", "30min"),
        ("h", "h"),
        ("60min", "h"),
        ("6min", "6min"),
        ("D", "D"),
        ("1D", "D"),
        ("24h", "D"),
        (pd.Timedelta("5min"), "5min"),
    ],
)
def test_parse_freq(freq: str | pd.Timedelta, alias: str) -> None:
    assert parse_freq(freq).freqstr == alias


@pytest.mark.parametrize("freq", ["7min", "2D", "W", "MS", "bogus", "25h"])
def test_unsupported_freq(freq: str) -> None:
    with pytest.raises(InputError, match="freq="):
        parse_freq(freq)


def test_infer_freq_ignores_closed_nights() -> None:
    day1 = quarter_hours("2024-03-04 08:00", 40)
    day2 = quarter_hours("2024-03-05 08:00", 40)
    frame = pd.DataFrame({"interval_start": day1.append(day2), "volume": 1.0})
    assert infer_freq(frame).freqstr == "15min"


def test_infer_freq_daily_with_weekends_missing() -> None:
    days = pd.bdate_range("2024-03-01", "2024-04-30", tz=BERLIN)
    frame = pd.DataFrame({"interval_start": days, "volume": 1.0})
    assert infer_freq(frame).freqstr == "D"


def test_infer_freq_of_single_intervals() -> None:
    frame = pd.DataFrame(
        {
            "queue": ["a", "b"],
            "interval_start": local("2024-03-04 08:00", "2024-03-04 08:00"),
            "volume": [1.0, 2.0],
        }
    )
    with pytest.raises(InputError) as excinfo:
        infer_freq(frame)
    assert_input_error(excinfo, "'interval_start'", "freq=")
    frame.attrs["freq"] = "30min"  # the hint a validated frame carries
    assert infer_freq(frame).freqstr == "30min"
    assert validate_frame(frame).attrs["freq"] == "30min"


def test_infer_freq_uses_one_series_when_the_other_is_single() -> None:
    frame = pd.DataFrame(
        {
            "queue": ["a", "a", "b"],
            "interval_start": local("2024-03-04 08:00", "2024-03-04 08:30", "2024-03-04 09:00"),
            "volume": [1.0, 2.0, 3.0],
        }
    )
    assert infer_freq(frame).freqstr == "30min"


def test_infer_freq_hint_reconciles_a_sparse_series() -> None:
    frame = pd.DataFrame(
        {
            "queue": ["a"] * 3 + ["b"] * 3,
            "interval_start": quarter_hours("2024-03-04 08:00", 3).append(
                pd.date_range("2024-03-04 08:00", periods=3, freq="30min", tz=BERLIN)
            ),
            "volume": 1.0,
        }
    )
    frame.attrs["freq"] = "15min"
    assert infer_freq(frame).freqstr == "15min"


def test_infer_freq_data_win_over_a_stale_hint() -> None:
    frame = pd.DataFrame(
        {
            "interval_start": pd.date_range("2024-03-04", periods=3, freq="h", tz=BERLIN),
            "volume": 1.0,
        }
    )
    frame.attrs["freq"] = "15min"
    assert infer_freq(frame).freqstr == "h"


def test_infer_freq_unsupported_length() -> None:
    frame = pd.DataFrame(
        {
            "interval_start": pd.date_range("2024-03-04", periods=4, freq="7min", tz=BERLIN),
            "volume": 1.0,
        }
    )
    with pytest.raises(InputError, match="not supported"):
        infer_freq(frame)


def test_infer_freq_needs_datetimes() -> None:
    with pytest.raises(InputError, match="must hold datetimes"):
        infer_freq(pd.DataFrame({"interval_start": ["2024-03-04"], "volume": [1]}))
    with pytest.raises(InputError, match="has no column 'interval_start'"):
        infer_freq(pd.DataFrame({"volume": [1]}))


def test_long_error_lists_are_shortened() -> None:
    frame = pd.DataFrame({"interval_start": quarter_hours("2024-03-04 08:00", 8), "volume": -1.0})
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame)
    assert_input_error(excinfo, "in 8 rows", "row 4", "... and 3 more")
    assert "row 5" not in str(excinfo.value)


def test_object_numbers_are_numeric() -> None:
    frame = pd.DataFrame(
        {
            "interval_start": quarter_hours("2024-03-04 08:00", 2),
            "volume": pd.Series([1, 2.5], dtype=object),
        }
    )
    assert validate_frame(frame)["volume"].tolist() == [1.0, 2.5]


def test_object_column_without_timestamps() -> None:
    frame = pd.DataFrame(
        {"interval_start": pd.Series([None, None], dtype=object), "volume": [1.0, 2.0]}
    )
    with pytest.raises(InputError) as excinfo:
        validate_frame(frame, freq="15min")
    assert_input_error(excinfo, "'interval_start'", "missing (NaT)", "row 0")


def test_infer_freq_of_naive_wall_clock_data() -> None:
    times = pd.date_range("2024-03-04 08:00", periods=3, freq="30min")
    assert infer_freq(pd.DataFrame({"interval_start": times})).freqstr == "30min"
    with pytest.raises(InputError, match="missing"):
        infer_freq(pd.DataFrame({"interval_start": [times[0], pd.NaT]}))
    with pytest.raises(InputError, match="must be a pandas DataFrame"):
        infer_freq(times)  # type: ignore[arg-type]


def test_infer_freq_weekly_samples_of_a_daily_frame() -> None:
    frame = pd.DataFrame(
        {
            "interval_start": pd.date_range("2024-03-04", periods=4, freq="7D", tz=BERLIN),
            "volume": 1.0,
        }
    )
    with pytest.raises(InputError, match="not supported"):
        infer_freq(frame)
    frame.attrs["freq"] = "D"
    assert infer_freq(frame).freqstr == "D"
