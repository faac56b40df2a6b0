"""Tests of cccplan.frames.gaps: finding and filling missing intervals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cccplan.exceptions import InputError
from cccplan.frames.gaps import DataRepairWarning, fill_gaps, find_gaps
from cccplan.frames.validate import validate_frame

BERLIN = "Europe/Berlin"


def at(*times: str) -> list[pd.Timestamp]:
    return [pd.Timestamp(t, tz=BERLIN) for t in times]


def gappy() -> pd.DataFrame:
    """Two series: 'a' misses 08:30-09:00 and 09:30; 'b' is complete."""
    return pd.DataFrame(
        {
            "queue": ["a"] * 5 + ["b"] * 3,
            "channel": "voice",
            "interval_start": at(
                "2024-03-04 08:00",
                "2024-03-04 08:15",
                "2024-03-04 09:00",
                "2024-03-04 09:15",
                "2024-03-04 09:45",
                "2024-03-04 07:00",
                "2024-03-04 07:15",
                "2024-03-04 07:30",
            ),
            "volume": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
            "aht": 300.0,
            "site": "Leipzig",
        }
    )


def test_find_gaps_lists_each_run() -> None:
    gaps = find_gaps(gappy())
    assert list(gaps.columns) == ["queue", "channel", "gap_start", "gap_end", "intervals"]
    assert gaps["queue"].tolist() == ["a", "a"]
    assert gaps["gap_start"].tolist() == at("2024-03-04 08:30", "2024-03-04 09:30")
    assert gaps["gap_end"].tolist() == at("2024-03-04 09:00", "2024-03-04 09:45")
    assert gaps["intervals"].tolist() == [2, 1]
    assert gaps.attrs["freq"] == "15min"


def test_find_gaps_without_gaps_or_keys() -> None:
    frame = pd.DataFrame(
        {"interval_start": at("2024-03-04 08:00", "2024-03-04 08:15"), "volume": [1.0, 2.0]}
    )
    gaps = find_gaps(frame)
    assert list(gaps.columns) == ["gap_start", "gap_end", "intervals"]
    assert len(gaps) == 0
    assert str(gaps["gap_start"].dtype) == "datetime64[ns, Europe/Berlin]"


def test_find_gaps_single_rows_have_no_gaps() -> None:
    frame = pd.DataFrame({"interval_start": at("2024-03-04 08:00"), "volume": [1.0]})
    assert len(find_gaps(frame, freq="15min")) == 0


def test_find_gaps_of_a_sparse_series_with_freq() -> None:
    frame = pd.DataFrame(
        {
            "interval_start": at("2024-03-04 08:00", "2024-03-04 09:00", "2024-03-04 10:00"),
            "volume": [1.0, 2.0, 3.0],
        }
    )
    assert len(find_gaps(frame)) == 0  # hourly
    assert find_gaps(frame, freq="15min")["intervals"].tolist() == [3, 3]


def test_find_gaps_daily() -> None:
    frame = pd.DataFrame(
        {
            "interval_start": at("2024-03-01", "2024-03-02", "2024-03-05", "2024-03-06"),
            "volume": [1.0, 2.0, 3.0, 4.0],
        }
    )
    gaps = find_gaps(frame)
    assert gaps["gap_start"].tolist() == at("2024-03-03")
    assert gaps["intervals"].tolist() == [2]


def test_find_gaps_validates() -> None:
    frame = gappy()
    frame.loc[2, "volume"] = -1.0
    with pytest.raises(InputError, match="'volume' is negative"):
        find_gaps(frame)


def test_fill_gaps_zero() -> None:
    raw = gappy()
    with pytest.warns(DataRepairWarning, match="filled 3 missing intervals in 1 of 2 series"):
        filled = fill_gaps(raw)
    assert list(filled.columns) == list(validate_frame(raw).columns)
    assert len(filled) == 11
    a = filled[filled["queue"] == "a"]
    assert a["interval_start"].diff().dropna().eq(pd.Timedelta("15min")).all()
    added = a[
        a["interval_start"].isin(at("2024-03-04 08:30", "2024-03-04 08:45", "2024-03-04 09:30"))
    ]
    assert added["volume"].tolist() == [0.0, 0.0, 0.0]
    assert added["aht"].isna().all()
    assert added["site"].isna().all()
    assert added["channel"].tolist() == ["voice"] * 3
    assert isinstance(filled.index, pd.RangeIndex)
    assert filled.attrs == {"freq": "15min", "filled_intervals": 3}
    assert len(find_gaps(filled)) == 0


def test_fill_gaps_nan_is_not_a_valid_staffing_frame() -> None:
    with pytest.warns(DataRepairWarning, match="volume NaN"):
        filled = fill_gaps(gappy(), value="nan")
    assert filled["volume"].isna().sum() == 3
    with pytest.raises(InputError, match="missing"):
        validate_frame(filled)
    assert len(validate_frame(filled, allow_nan=True)) == 11


def test_fill_gaps_nothing_to_fill() -> None:
    frame = gappy().iloc[5:]
    filled = fill_gaps(frame)  # no warning: warnings are errors in this suite
    pd.testing.assert_frame_equal(filled, validate_frame(frame))


def test_fill_gaps_warning_points_at_the_caller() -> None:
    with pytest.warns(DataRepairWarning) as record:
        fill_gaps(gappy())
    assert Path(record[0].filename).name == "test_gaps.py"


def test_fill_gaps_bad_value() -> None:
    with pytest.raises(InputError, match="value='ffill' is not a fill value"):
        fill_gaps(gappy(), value="ffill")  # type: ignore[arg-type]


def test_fill_gaps_large_frame_is_vectorised() -> None:
    times = pd.date_range("2024-01-01", periods=96 * 28, freq="15min", tz=BERLIN).as_unit("ns")
    frame = pd.DataFrame({"interval_start": times, "volume": 1.0})
    sparse = frame[np.arange(len(frame)) % 7 != 3]
    with pytest.warns(DataRepairWarning):
        filled = fill_gaps(sparse, freq="15min")
    pd.testing.assert_series_equal(filled["interval_start"], frame["interval_start"])
