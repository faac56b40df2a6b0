"""Tests of cccplan.frames.read.read_volumes: mapping, parsing, localising, filling."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from cccplan.exceptions import InputError
from cccplan.frames.gaps import DataRepairWarning
from cccplan.frames.read import read_volumes
from cccplan.io import write_frame

BERLIN = "Europe/Berlin"


def export() -> pd.DataFrame:
    """A WFM export with its own column names and naive local times."""
    return pd.DataFrame(
        {
            "Skill": ["Sales", "Sales", "Sales", "Support", "Support"],
            "Media": ["Voice", "Voice", "Voice", "Chat", "Chat"],
            "Start": [
                "2024-03-04 08:00",
                "2024-03-04 08:15",
                "2024-03-04 08:45",
                "2024-03-04 08:00",
                "2024-03-04 08:15",
            ],
            "Offered": [10, 12, 9, 3, 0],
            "AHT (s)": [240.0, 250.0, 260.0, 500.0, np.nan],
            "Site": ["Leipzig"] * 5,
        }
    )


MAPPING = {
    "time_col": "Start",
    "volume_col": "Offered",
    "aht_col": "AHT (s)",
    "keys": {"queue": "Skill", "channel": "Media"},
    "tz": BERLIN,
}


def assert_input_error(excinfo: pytest.ExceptionInfo[InputError], *fragments: str) -> None:
    message = str(excinfo.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"


# ---------------------------------------------------------------------------
# Mapping
# ---------------------------------------------------------------------------


def test_explicit_mapping() -> None:
    raw = export()
    before = raw.copy()
    out = read_volumes(raw, **MAPPING)  # type: ignore[arg-type]
    assert list(out.columns) == ["queue", "channel", "interval_start", "volume", "aht", "Site"]
    assert list(out["queue"]) == ["Sales"] * 3 + ["Support"] * 2
    assert list(out["channel"]) == ["voice"] * 3 + ["chat"] * 2
    assert out["interval_start"].iloc[0] == pd.Timestamp("2024-03-04 08:00", tz=BERLIN)
    assert out["volume"].tolist() == [10.0, 12.0, 9.0, 3.0, 0.0]
    assert out.attrs["freq"] == "15min"
    pd.testing.assert_frame_equal(raw, before)


def test_canonical_names_need_no_mapping_and_aht_is_picked_up() -> None:
    raw = pd.DataFrame(
        {
            "queue": ["a", "a"],
            "interval_start": ["2024-03-04T08:00:00+01:00", "2024-03-04T08:30:00+01:00"],
            "volume": [1, 2],
            "aht": [100.0, 200.0],
        }
    )
    out = read_volumes(raw, tz=BERLIN)
    assert list(out.columns) == ["queue", "interval_start", "volume", "aht"]
    assert out.attrs["freq"] == "30min"


def test_keys_as_a_sequence() -> None:
    raw = export().rename(columns={"Skill": "queue"}).drop(columns="Media")
    raw = raw.iloc[:3]
    out = read_volumes(raw, time_col="Start", volume_col="Offered", keys=["queue"], tz=BERLIN)
    assert list(out.columns[:2]) == ["queue", "interval_start"]
    assert "AHT (s)" in out.columns  # unmapped: kept as an extra column


@pytest.mark.parametrize(
    ("override", "parameter"),
    [
        ({"time_col": "Begin"}, "time_col='Begin'"),
        ({"volume_col": "Calls"}, "volume_col='Calls'"),
        ({"aht_col": "Handle"}, "aht_col='Handle'"),
        ({"keys": {"queue": "Split"}}, "keys['queue']='Split'"),
    ],
)
def test_missing_mapped_column(override: dict[str, object], parameter: str) -> None:
    arguments = {**MAPPING, **override}
    with pytest.raises(InputError) as excinfo:
        read_volumes(export(), **arguments)  # type: ignore[arg-type]
    assert_input_error(excinfo, parameter, "no such column", "'Skill'", "'Offered'")


def test_default_columns_are_not_guessed() -> None:
    with pytest.raises(InputError) as excinfo:
        read_volumes(export(), tz=BERLIN)
    assert_input_error(excinfo, "time_col='interval_start'", "columns present", "'Start'")


def test_unknown_key_name() -> None:
    with pytest.raises(InputError) as excinfo:
        read_volumes(export(), time_col="Start", volume_col="Offered", keys=["Skill"], tz=BERLIN)
    assert_input_error(excinfo, "'Skill' is not a key name", "keys={'queue': 'Skill'}")


def test_key_column_left_out_of_keys() -> None:
    raw = export().rename(columns={"Skill": "queue", "Media": "channel"})
    with pytest.raises(InputError) as excinfo:
        read_volumes(raw, time_col="Start", volume_col="Offered", keys=["queue"], tz=BERLIN)
    assert_input_error(excinfo, "'channel'", "not among the keys")


def test_mapped_column_clashes_with_a_canonical_one() -> None:
    raw = export().assign(volume=1)
    with pytest.raises(InputError) as excinfo:
        read_volumes(raw, **MAPPING)  # type: ignore[arg-type]
    assert_input_error(excinfo, "volume_col='Offered'", "column named 'volume'")


def test_column_mapped_twice() -> None:
    with pytest.raises(InputError, match="already used"):
        read_volumes(export(), **{**MAPPING, "aht_col": "Offered"})  # type: ignore[arg-type]


def test_keys_as_a_string_is_refused() -> None:
    with pytest.raises(InputError, match="not a string"):
        read_volumes(export(), **{**MAPPING, "keys": "queue"})  # type: ignore[arg-type]


def test_errors_name_the_callers_columns() -> None:
    raw = export()
    raw.loc[2, "Offered"] = -3
    with pytest.raises(InputError) as excinfo:
        read_volumes(raw, **MAPPING)  # type: ignore[arg-type]
    assert_input_error(
        excinfo,
        "source:",
        "'Offered' (volume)",
        "is negative",
        "row 2",
        "Skill='Sales'",
        "Offered=-3",
    )


def test_bad_source_type() -> None:
    with pytest.raises(InputError, match="must be a pandas DataFrame or a path"):
        read_volumes(42)  # type: ignore[arg-type]


def test_sheet_with_a_frame() -> None:
    with pytest.raises(InputError, match="sheet="):
        read_volumes(export(), sheet="data", **MAPPING)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Timestamps
# ---------------------------------------------------------------------------


def test_naive_times_need_tz() -> None:
    with pytest.raises(InputError) as excinfo:
        read_volumes(export(), **{**MAPPING, "tz": None})  # type: ignore[arg-type]
    assert_input_error(excinfo, "'Start' (interval_start)", "without a time zone", "tz=", "row 0")


def test_naive_datetimes_are_localised() -> None:
    raw = export()
    raw["Start"] = pd.to_datetime(raw["Start"])
    out = read_volumes(raw, **MAPPING)  # type: ignore[arg-type]
    assert str(out["interval_start"].dtype) == "datetime64[ns, Europe/Berlin]"
    assert out["interval_start"].iloc[2] == pd.Timestamp("2024-03-04 08:45", tz=BERLIN)


def test_unknown_tz() -> None:
    with pytest.raises(InputError, match="tz='Europe/Berln' is not a time zone"):
        read_volumes(export(), **{**MAPPING, "tz": "Europe/Berln"})  # type: ignore[arg-type]


def test_tz_as_tzinfo() -> None:
    out = read_volumes(export(), **{**MAPPING, "tz": ZoneInfo(BERLIN)})  # type: ignore[arg-type]
    assert out["interval_start"].iloc[0] == pd.Timestamp("2024-03-04 08:00", tz=BERLIN)


def test_unparsable_times() -> None:
    raw = export()
    raw.loc[3, "Start"] = "04/03/2024 08:00"
    with pytest.raises(InputError) as excinfo:
        read_volumes(raw, **MAPPING)  # type: ignore[arg-type]
    assert_input_error(
        excinfo, "'Start' (interval_start)", "not ISO 8601", "row 3", "'04/03/2024 08:00'"
    )


def test_missing_times() -> None:
    raw = export()
    raw.loc[1, "Start"] = None
    with pytest.raises(InputError) as excinfo:
        read_volumes(raw, **MAPPING)  # type: ignore[arg-type]
    assert_input_error(excinfo, "'Start' (interval_start)", "is missing", "row 1")


def test_offsets_and_no_offsets_mixed() -> None:
    raw = export()
    raw.loc[4, "Start"] = "2024-03-04T08:15:00+01:00"
    with pytest.raises(InputError) as excinfo:
        read_volumes(raw, **MAPPING)  # type: ignore[arg-type]
    assert_input_error(excinfo, "with and without UTC offsets", "row 4")


def test_offsets_are_converted_to_tz() -> None:
    raw = pd.DataFrame(
        {
            "interval_start": [
                "2024-03-04T07:00:00Z",
                "2024-03-04T08:15:00+01:00",
                "2024-03-04T02:30:00-05:00",
            ],
            "volume": [1, 2, 3],
        }
    )
    out = read_volumes(raw, tz=BERLIN)
    assert list(out["interval_start"].dt.strftime("%H:%M")) == ["08:00", "08:15", "08:30"]


def test_several_offsets_without_tz() -> None:
    raw = pd.DataFrame(
        {
            "interval_start": ["2024-03-31T00:00:00+01:00", "2024-04-01T00:00:00+02:00"],
            "volume": [1, 2],
        }
    )
    with pytest.raises(InputError) as excinfo:
        read_volumes(raw)
    assert_input_error(excinfo, "2 different UTC offsets", "tz=", "row 0", "row 1")
    assert read_volumes(raw, tz=BERLIN).attrs["freq"] == "D"


def test_one_offset_without_tz_gives_a_fixed_offset_zone() -> None:
    raw = pd.DataFrame(
        {"interval_start": ["2024-03-04T08:00:00+0100", "2024-03-04T08:15+01:00"], "volume": [1, 2]}
    )
    out = read_volumes(raw)
    assert out["interval_start"].dt.tz.utcoffset(None) == dt.timedelta(hours=1)
    utc = read_volumes(raw.assign(interval_start=["2024-03-04T07:00Z", "2024-03-04T07:15Z"]))
    assert str(utc["interval_start"].dt.tz) == "UTC"


def test_date_strings_are_not_mistaken_for_offsets() -> None:
    raw = pd.DataFrame(
        {"interval_start": ["2024-03-30", "2024-03-31", "2024-04-01"], "volume": [1, 2, 3]}
    )
    out = read_volumes(raw, tz=BERLIN)
    assert out.attrs["freq"] == "D"
    assert (out["interval_start"].dt.hour == 0).all()


def test_aware_datetimes_are_converted_to_tz() -> None:
    raw = pd.DataFrame(
        {
            "interval_start": pd.date_range("2024-03-04 07:00", periods=3, freq="15min", tz="UTC"),
            "volume": [1, 2, 3],
        }
    )
    out = read_volumes(raw, tz=BERLIN)
    assert str(out["interval_start"].dtype) == "datetime64[ns, Europe/Berlin]"
    assert out["interval_start"].iloc[0].hour == 8
    assert str(read_volumes(raw)["interval_start"].dt.tz) == "UTC"


def test_object_datetimes_of_several_zones() -> None:
    raw = pd.DataFrame(
        {
            "interval_start": pd.Series(
                [
                    pd.Timestamp("2024-03-04 08:00", tz=BERLIN),
                    pd.Timestamp("2024-03-04 07:15", tz="UTC"),
                ],
                dtype=object,
            ),
            "volume": [1, 2],
        }
    )
    with pytest.raises(InputError) as excinfo:
        read_volumes(raw)
    assert_input_error(excinfo, "mixes time zones", "row 1")
    out = read_volumes(raw, tz=BERLIN)
    assert list(out["interval_start"].dt.strftime("%H:%M")) == ["08:00", "08:15"]


def test_object_datetimes_naive_and_aware() -> None:
    raw = pd.DataFrame(
        {
            "interval_start": pd.Series(
                [pd.Timestamp("2024-03-04 08:00", tz=BERLIN), pd.Timestamp("2024-03-04 08:15")],
                dtype=object,
            ),
            "volume": [1, 2],
        }
    )
    with pytest.raises(InputError) as excinfo:
        read_volumes(raw, tz=BERLIN)
    assert_input_error(excinfo, "with and without a time zone", "row 1")


def test_numbers_are_not_timestamps() -> None:
    raw = pd.DataFrame({"interval_start": [1_700_000_000, 1_700_000_900], "volume": [1, 2]})
    with pytest.raises(InputError) as excinfo:
        read_volumes(raw, tz=BERLIN)
    assert_input_error(excinfo, "'interval_start'", "not timestamps", "row 0")


def test_freq_is_passed_on() -> None:
    out = read_volumes(export().iloc[[0, 2]], **MAPPING, freq="15min")  # type: ignore[arg-type]
    assert out.attrs["freq"] == "15min"


# ---------------------------------------------------------------------------
# Filling
# ---------------------------------------------------------------------------


def test_gaps_are_kept_by_default() -> None:
    out = read_volumes(export(), **MAPPING)  # type: ignore[arg-type]
    assert len(out) == 5


def test_fill_zero() -> None:
    with pytest.warns(DataRepairWarning, match="filled 1 missing intervals in 1 of 2 series"):
        out = read_volumes(export(), **MAPPING, fill="zero")  # type: ignore[arg-type]
    assert len(out) == 6
    added = out[out["interval_start"] == pd.Timestamp("2024-03-04 08:30", tz=BERLIN)]
    added = added[added["queue"] == "Sales"]
    assert added["volume"].tolist() == [0.0]
    assert added["aht"].isna().all()
    assert added["channel"].tolist() == ["voice"]
    assert out.attrs["filled_intervals"] == 1


def test_fill_warning_points_at_the_caller() -> None:
    with pytest.warns(DataRepairWarning) as record:
        read_volumes(export(), **MAPPING, fill="zero")  # type: ignore[arg-type]
    assert Path(record[0].filename).name == "test_read.py"


def test_fill_nan() -> None:
    with pytest.warns(DataRepairWarning, match="volume NaN"):
        out = read_volumes(export(), **MAPPING, fill="nan")  # type: ignore[arg-type]
    assert out["volume"].isna().sum() == 1


def test_fill_without_gaps_does_not_warn() -> None:
    raw = export().iloc[[3, 4]]
    out = read_volumes(raw, **MAPPING, fill="zero")  # type: ignore[arg-type]
    assert len(out) == 2


def test_bad_fill() -> None:
    with pytest.raises(InputError, match="fill='ffill' is not a fill value"):
        read_volumes(export(), **MAPPING, fill="ffill")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# Files (through cccplan.io.read_table)
# ---------------------------------------------------------------------------


def test_csv_file(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    export().to_csv(path, index=False)
    out = read_volumes(path, **MAPPING)  # type: ignore[arg-type]
    expected = read_volumes(export(), **MAPPING)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(out, expected, check_dtype=False)
    assert out.attrs["freq"] == "15min"


def test_csv_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    export().drop(columns="Offered").to_csv(path, index=False)
    with pytest.raises(InputError) as excinfo:
        read_volumes(str(path), **MAPPING)  # type: ignore[arg-type]
    assert_input_error(excinfo, "export.csv", "volume_col='Offered'", "columns present")


def test_parquet_file(tmp_path: Path) -> None:
    path = tmp_path / "export.parquet"
    raw = export()
    raw["Start"] = pd.to_datetime(raw["Start"]).dt.tz_localize(BERLIN).dt.tz_convert("UTC")
    raw.to_parquet(path)
    out = read_volumes(path, **MAPPING)  # type: ignore[arg-type]
    assert str(out["interval_start"].dtype) == "datetime64[ns, Europe/Berlin]"
    assert out["interval_start"].iloc[0] == pd.Timestamp("2024-03-04 08:00", tz=BERLIN)


def test_excel_file(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    raw = export()
    raw["Start"] = pd.to_datetime(raw["Start"])
    raw.to_excel(path, index=False, sheet_name="Volumes")
    out = read_volumes(path, **MAPPING, sheet="Volumes")  # type: ignore[arg-type]
    assert len(out) == 5
    assert out["interval_start"].iloc[2] == pd.Timestamp("2024-03-04 08:45", tz=BERLIN)


def test_frame_written_by_cccplan_reads_back(tmp_path: Path) -> None:
    frame = read_volumes(export(), **MAPPING)  # type: ignore[arg-type]
    path = write_frame(frame, tmp_path / "volumes.csv")
    back = read_volumes(path)
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)
    assert back.attrs["freq"] == "15min"


def test_duplicated_column_names() -> None:
    raw = pd.concat([export(), export()[["Start"]]], axis=1)
    with pytest.raises(InputError, match="duplicated column names"):
        read_volumes(raw, **MAPPING)  # type: ignore[arg-type]


def test_object_datetimes_of_one_zone_and_naive_ones() -> None:
    aware = pd.DataFrame(
        {
            "interval_start": pd.Series(
                list(pd.date_range("2024-03-04 08:00", periods=2, freq="15min", tz=BERLIN)),
                dtype=object,
            ),
            "volume": [1, 2],
        }
    )
    assert str(read_volumes(aware)["interval_start"].dt.tz) == BERLIN
    naive = pd.DataFrame(
        {
            "interval_start": pd.Series(
                [dt.datetime(2024, 3, 4, 8, 0), dt.datetime(2024, 3, 4, 8, 15)], dtype=object
            ),
            "volume": [1, 2],
        }
    )
    out = read_volumes(naive, tz=BERLIN)
    assert out["interval_start"].iloc[1] == pd.Timestamp("2024-03-04 08:15", tz=BERLIN)
