"""Tests of cccplan.io: lossless round trips through CSV, Parquet and Excel."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cccplan.exceptions import InputError
from cccplan.frames._columns import CHANNELS
from cccplan.io import read_table, write_frame

FORMATS = ["csv", "parquet", "xlsx"]
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]
FREQS = ["15min", "30min", "h", "D"]
# Local starts a day before DST changes in the zones above (and an ordinary week)
STARTS = [
    "2024-03-30",
    "2024-10-26",
    "2024-03-09",
    "2024-11-02",
    "2024-04-06",
    "2024-10-05",
    "2023-06-05",
]
AWKWARD = ["a,b", 'say "hi"', "=SUM(A1:A2)", "#N/A", "  padded ", "x\ny", "x\r\ny", "_x000D_"]


# ---------------------------------------------------------------------------
# Canonical frames (built here, independent of cccplan.frames.validate)
# ---------------------------------------------------------------------------


def _grid(tz: str, start: str, freq: str, hours: int) -> pd.DatetimeIndex:
    """The local wall-clock grid of `freq` from local `start`, over `hours` hours."""
    if freq == "D":
        return pd.date_range(start, periods=hours // 24, freq="D").tz_localize(tz).as_unit("ns")
    first = pd.Timestamp(start).tz_localize(tz).tz_convert("UTC")
    line = pd.date_range(first, periods=hours * 4, freq="15min").tz_convert(tz)
    wall = line.tz_localize(None)
    step = pd.Timedelta(pd.tseries.frequencies.to_offset(freq).nanos)
    return line[(wall - wall.normalize()) % step == pd.Timedelta(0)].as_unit("ns")


def _canonical(frame: pd.DataFrame, freq: str) -> pd.DataFrame:
    keys = [k for k in ("queue", "channel") if k in frame.columns]
    for key in keys:
        frame[key] = frame[key].astype(str)
    out = frame.sort_values([*keys, "interval_start"]).reset_index(drop=True)
    out.attrs["freq"] = freq
    return out


text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=8)
queues = st.one_of(text, st.sampled_from(AWKWARD), st.sampled_from(["sales", "Kundenservice"]))


@st.composite
def canonical_frames(draw: st.DrawFn) -> pd.DataFrame:
    tz = draw(st.sampled_from(ZONES))
    freq = draw(st.sampled_from(FREQS))
    start = draw(st.sampled_from(STARTS))
    grid = _grid(tz, start, freq, hours=draw(st.sampled_from([6, 48])) if freq != "D" else 24 * 9)
    with_queue, with_channel, with_aht = draw(
        st.tuples(st.booleans(), st.booleans(), st.booleans())
    )
    series = draw(
        st.lists(
            st.tuples(queues, st.sampled_from(CHANNELS)),
            min_size=1,
            max_size=3,
            unique_by=lambda s: (s[0] if with_queue else "", s[1] if with_channel else ""),
        )
    )
    pieces = []
    for queue, channel in series:
        keep = draw(st.lists(st.booleans(), min_size=len(grid), max_size=len(grid)))
        times = grid[np.asarray(keep)] if any(keep) else grid[:1]
        n = len(times)
        volume = draw(
            st.lists(
                st.floats(min_value=0.0, allow_nan=False, allow_infinity=False) | st.just(0.0),
                min_size=n,
                max_size=n,
            )
        )
        piece: dict[str, object] = {}
        if with_queue:
            piece["queue"] = queue
        if with_channel:
            piece["channel"] = channel
        piece["interval_start"] = times
        piece["volume"] = np.asarray(volume, dtype=np.float64)
        if with_aht:
            aht = np.asarray(
                draw(st.lists(st.floats(1e-3, 1e5), min_size=n, max_size=n)), dtype=np.float64
            )
            # NaN aht where no contacts (allowed), sometimes
            aht[(np.asarray(volume) == 0) & draw(st.booleans())] = np.nan
            piece["aht"] = aht
        pieces.append(pd.DataFrame(piece))
    return _canonical(pd.concat(pieces, ignore_index=True), freq)


@pytest.fixture
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def _round_trip(frame: pd.DataFrame, suffix: str, folder: Path) -> pd.DataFrame:
    return read_table(write_frame(frame, folder / f"frame.{suffix}"))


def _assert_same(back: pd.DataFrame, frame: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    assert list(back.columns) == list(frame.columns)
    assert back.attrs == frame.attrs
    assert isinstance(back.index, pd.RangeIndex)
    if "interval_start" in frame.columns:
        assert str(back["interval_start"].dtype).startswith("datetime64[ns, ")
        assert back["interval_start"].dtype == frame["interval_start"].dtype


# ---------------------------------------------------------------------------
# Round trips (hypothesis)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", FORMATS)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=canonical_frames())
def test_round_trip(suffix: str, frame: pd.DataFrame) -> None:
    with tempfile.TemporaryDirectory() as name:
        _assert_same(_round_trip(frame, suffix, Path(name)), frame)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=canonical_frames())
def test_chain_csv_parquet_excel(frame: pd.DataFrame) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        from_csv = _round_trip(frame, "csv", folder)
        from_parquet = _round_trip(from_csv, "parquet", folder)
        from_excel = _round_trip(from_parquet, "xlsx", folder)
        _assert_same(from_excel, frame)


@pytest.mark.parametrize("suffix", FORMATS)
def test_extreme_floats_are_exact(suffix: str, folder: Path) -> None:
    values = [0.1 + 0.2, 1 / 3, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1e16]
    values += [123456789.12345679, 0.0, 2.0**53 + 2]
    frame = pd.DataFrame(
        {
            "interval_start": _grid("UTC", "2024-01-01", "h", len(values) + 1)[: len(values)],
            "volume": values,
        }
    )
    back = _round_trip(frame, suffix, folder)
    assert back["volume"].tolist() == values


@pytest.mark.parametrize("suffix", FORMATS)
def test_other_columns_round_trip(suffix: str, folder: Path) -> None:
    times = _grid("Europe/Berlin", "2024-10-27", "h", 5)
    frame = pd.DataFrame(
        {
            "queue": ["a", "a", "b", "b", "b"],
            "interval_start": times,
            "volume": [1.0, 2.0, 3.0, 4.0, 5.0],
            "volume_lo_80": [0.5, 1.5, 2.5, 3.5, 4.5],
            "model": ["ets", None, "ets", "naive", "naive"],
            "cutoff": pd.Timestamp("2024-10-27 02:30+01:00").tz_convert("America/New_York"),
            "naive": pd.Timestamp("2024-01-01 12:00:00.5"),
            "agents": np.array([1, 2, 3, 4, 5], dtype=np.int64),
            "target_met": [True, False, True, True, False],
            "asa": [0.0, np.inf, 12.5, -np.inf, np.nan],
            "length": pd.Timedelta("15min"),
        }
    )
    frame.attrs["freq"] = "h"
    back = _round_trip(frame, suffix, folder)
    _assert_same(back, frame)


@pytest.mark.parametrize("suffix", FORMATS)
def test_empty_frame(suffix: str, folder: Path) -> None:
    frame = pd.DataFrame(
        {
            "queue": pd.Series([], dtype=str),
            "interval_start": pd.DatetimeIndex([], tz="Asia/Kolkata").as_unit("ns"),
            "volume": pd.Series([], dtype=np.float64),
            "aht": pd.Series([], dtype=np.float64),
        }
    )
    frame.attrs["freq"] = "30min"
    _assert_same(_round_trip(frame, suffix, folder), frame)


@pytest.mark.parametrize("suffix", FORMATS)
def test_control_characters_and_escapes(suffix: str, folder: Path) -> None:
    queues = ["a\x00b", "tab\tcr\rlf\n", "_x0041_", "_x005F_x0041_", "\x1f\x7f\x85\u2028", "\ufeff"]
    frame = pd.DataFrame(
        {
            "queue": queues,
            "interval_start": _grid("UTC", "2024-01-01", "h", 6),
            "volume": [36029.563384702844, 0.1 + 0.2, 5e-324, 1e308, 1 / 3, 2 / 3],
            "agents": np.arange(6, dtype=np.int64) * 10**15,
        }
    )
    # (a NUL makes pandas < 3 parse the CSV with its python engine: numbers stay exact)
    _assert_same(_round_trip(frame, suffix, folder), frame)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_empty_text_is_missing_except_in_keys(suffix: str, folder: Path) -> None:
    frame = pd.DataFrame(
        {
            "queue": ["", "x"],
            "interval_start": _grid("UTC", "2024-01-01", "h", 2),
            "volume": 1.0,
            "model": ["", "ets"],
        }
    )
    back = _round_trip(frame, suffix, folder)
    assert back["queue"].tolist() == ["", "x"]
    assert pd.isna(back["model"].iloc[0])
    assert back["model"].iloc[1] == "ets"


# ---------------------------------------------------------------------------
# What the files look like
# ---------------------------------------------------------------------------


def _fall_back_frame() -> pd.DataFrame:
    times = _grid("Europe/Berlin", "2024-10-27 01:00", "h", 3)  # 01:00+02, 02:00+02, 02:00+01
    frame = pd.DataFrame(
        {
            "queue": "Kundenservice, 1st level",
            "channel": "voice",
            "interval_start": times,
            "volume": [10.0, 12.5, 0.1 + 0.2],
            "aht": [240.0, 250.0, np.nan],
        }
    )
    frame.attrs["freq"] = "h"
    return frame


def test_csv_layout(folder: Path) -> None:
    path = write_frame(_fall_back_frame(), folder / "volumes.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf# cccplan frame: ")  # BOM, then the comment
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith("# cccplan frame: version=1; tz=Europe/Berlin; freq=h; dtypes=")
    assert "," not in lines[0]  # one cell in spreadsheet programs
    assert lines[1] == "queue,channel,interval_start,volume,aht"
    assert lines[2] == '"Kundenservice, 1st level",voice,2024-10-27T01:00:00+02:00,10.0,240.0'
    assert lines[3].split(",")[-3] == "2024-10-27T02:00:00+02:00"
    assert (
        lines[4]
        == '"Kundenservice, 1st level",voice,2024-10-27T02:00:00+01:00,0.30000000000000004,'
    )
    # any CSV reader that skips the first line sees an ordinary table
    plain = pd.read_csv(path, skiprows=1)
    assert list(plain.columns) == ["queue", "channel", "interval_start", "volume", "aht"]


def test_csv_handwritten_comment_restores_zone_and_freq(folder: Path) -> None:
    path = folder / "hand.csv"
    path.write_text(
        "# cccplan frame: tz=Europe/Berlin; freq=15min\n"
        "queue,interval_start,volume\n"
        "007,2024-10-27T02:00:00+02:00,3\n"
        "007,2024-10-27T02:00:00+01:00,4\n",
        encoding="utf-8",
    )
    back = read_table(path)
    assert back.attrs == {"freq": "15min"}
    assert back["queue"].tolist() == ["007", "007"]  # keys stay text
    assert str(back["interval_start"].dt.tz) == "Europe/Berlin"
    assert back["interval_start"].diff().iloc[1] == pd.Timedelta("1h")
    assert back["volume"].tolist() == [3, 4]


def test_csv_handwritten_comment_needs_offsets(folder: Path) -> None:
    path = folder / "hand.csv"
    path.write_text(
        "# cccplan frame: tz=Europe/Berlin\ninterval_start,volume\n2024-10-27 02:00,3\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="without a UTC offset"):
        read_table(path)


def test_foreign_csv_is_read_as_it_is(folder: Path) -> None:
    path = folder / "export.csv"
    path.write_text(
        "Date,Calls\n2024-01-01 08:00,3\n# cccplan frame: tz=UTC\n", encoding="utf-8-sig"
    )
    back = read_table(path)
    assert list(back.columns) == ["Date", "Calls"]
    assert back.attrs == {}
    assert back["Date"].iloc[0] == "2024-01-01 08:00"  # no parsing, no mapping


def test_parquet_metadata(folder: Path) -> None:
    path = write_frame(_fall_back_frame(), folder / "volumes.parquet")
    record = json.loads(pq.read_schema(path).metadata[b"cccplan"])
    assert record["tz"] == "Europe/Berlin"
    assert record["freq"] == "h"
    assert record["dtypes"]["volume"] == "float64"
    # plain pandas reads the zone natively
    plain = pd.read_parquet(path)
    assert str(plain["interval_start"].dt.tz) == "Europe/Berlin"


def test_excel_layout(folder: Path) -> None:
    frame = _fall_back_frame()
    frame.loc[0, "queue"] = "=SUM(A1:A2)"
    path = write_frame(frame, folder / "volumes.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["data", "cccplan"]
    data = book["data"]
    rows = list(data.iter_rows(values_only=True))
    assert rows[0] == ("queue", "channel", "interval_start", "utc_offset", "volume", "aht")
    assert [r[2] for r in rows[1:]] == [
        dt.datetime(2024, 10, 27, 1),
        dt.datetime(2024, 10, 27, 2),
        dt.datetime(2024, 10, 27, 2),
    ]  # real date cells, local wall clock
    assert [r[3] for r in rows[1:]] == ["+02:00", "+02:00", "+01:00"]
    assert rows[3][4] == 0.1 + 0.2
    assert rows[3][5] is None  # NaN aht: empty cell
    assert data["A2"].data_type == "s"  # text, not a formula
    assert data["A2"].value == "=SUM(A1:A2)"
    meta = dict(book["cccplan"].iter_rows(values_only=True))
    assert meta["tz"] == "Europe/Berlin"
    assert meta["freq"] == "h"
    assert meta["sheet"] == "data"
    assert meta["dtype:volume"] == "float64"
    # what pandas' own reader sees: wall clock, offsets as text
    plain = pd.read_excel(path)
    assert plain["interval_start"].iloc[2] == pd.Timestamp("2024-10-27 02:00")
    assert plain["utc_offset"].iloc[2] == "+01:00"
    assert read_table(path)["queue"].iloc[0] == "=SUM(A1:A2)"


def test_foreign_excel_and_sheets(folder: Path) -> None:
    path = folder / "export.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"Interval": ["08:00", "08:15"], "Offered": [3, 4]}).to_excel(
            writer, sheet_name="Summary", index=False
        )
        pd.DataFrame({"Agent": ["x"]}).to_excel(writer, sheet_name="Agents", index=False)
    first = read_table(path)
    assert first.to_dict("list") == {"Interval": ["08:00", "08:15"], "Offered": [3, 4]}
    assert read_table(path, sheet="Agents")["Agent"].tolist() == ["x"]
    with pytest.raises(InputError, match=r"'Nope' is not a sheet.*\['Summary', 'Agents'\]"):
        read_table(path, sheet="Nope")


def test_cccplan_workbook_other_sheet_and_data_sheet(folder: Path) -> None:
    path = write_frame(_fall_back_frame(), folder / "volumes.xlsx")
    _assert_same(read_table(path, sheet="data"), _fall_back_frame())
    meta = read_table(path, sheet="cccplan")  # read as it is
    assert list(meta.columns) == ["key", "value"]


def test_write_format_override(folder: Path) -> None:
    path = write_frame(_fall_back_frame(), folder / "volumes.dat", format="csv")
    assert path == folder / "volumes.dat"
    assert path.read_text(encoding="utf-8-sig").startswith("# cccplan frame:")
    path = write_frame(_fall_back_frame(), folder / "book.xlsx", format="excel")
    _assert_same(read_table(path), _fall_back_frame())


def test_upper_case_suffix(folder: Path) -> None:
    path = write_frame(_fall_back_frame(), folder / "VOLUMES.CSV")
    _assert_same(read_table(path), _fall_back_frame())


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def test_read_bad_suffix(folder: Path) -> None:
    path = folder / "volumes.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match=r"volumes\.json.*'\.json'.*\.csv, \.parquet, \.xlsx"):
        read_table(path)


def test_read_missing_file(folder: Path) -> None:
    with pytest.raises(InputError, match=r"no such file.*missing\.csv"):
        read_table(folder / "missing.csv")


def test_read_directory(folder: Path) -> None:
    (folder / "dir.csv").mkdir()
    with pytest.raises(InputError, match="is not a file"):
        read_table(folder / "dir.csv")


def test_sheet_only_for_excel(folder: Path) -> None:
    path = write_frame(_fall_back_frame(), folder / "volumes.csv")
    with pytest.raises(InputError, match=r"sheet applies only to \.xlsx"):
        read_table(path, sheet="data")


def test_not_a_workbook(folder: Path) -> None:
    path = folder / "broken.xlsx"
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(InputError, match=r"not a readable \.xlsx"):
        read_table(path)


def test_not_parquet(folder: Path) -> None:
    path = folder / "broken.parquet"
    path.write_text("not parquet", encoding="utf-8")
    with pytest.raises(InputError, match="not a readable Parquet"):
        read_table(path)


def test_write_errors(folder: Path) -> None:
    frame = _fall_back_frame()
    with pytest.raises(InputError, match=r"suffix '\.txt'"):
        write_frame(frame, folder / "volumes.txt")
    with pytest.raises(InputError, match="format: 'json'"):
        write_frame(frame, folder / "volumes.csv", format="json")
    with pytest.raises(InputError, match=r"folder .* does not exist"):
        write_frame(frame, folder / "nowhere" / "volumes.csv")
    with pytest.raises(InputError, match="DataFrame"):
        write_frame([1, 2], folder / "volumes.csv")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="index"):
        write_frame(frame.set_index("queue"), folder / "volumes.csv")
    with pytest.raises(InputError, match="duplicated column names"):
        write_frame(pd.concat([frame, frame["volume"]], axis=1), folder / "volumes.csv")
    with pytest.raises(InputError, match="column names must be strings"):
        write_frame(frame.rename(columns={"aht": 3}), folder / "volumes.csv")
    with pytest.raises(InputError, match="utc_offset"):
        write_frame(frame.assign(utc_offset="x"), folder / "volumes.xlsx")


def test_edited_workbook_with_bad_offset(folder: Path) -> None:
    path = write_frame(_fall_back_frame(), folder / "volumes.xlsx")
    book = openpyxl.load_workbook(path)
    book["data"]["D3"] = "two hours"
    book.save(path)
    with pytest.raises(InputError, match=r"utc_offset.*'\+02:00'"):
        read_table(path)


# --- foreign CSV exports: separators and decimal commas -------------------------------


@pytest.mark.parametrize("sep", [";", "\t", "|", ","])
def test_foreign_csv_separator_is_detected(tmp_path, sep):
    path = tmp_path / "export.csv"
    rows = ["Start", "Queue", "Offered"], ["2024-03-04 08:00", "Sales", "12"]
    path.write_text("\n".join(sep.join(r) for r in rows) + "\n", encoding="utf-8")
    table = read_table(path)
    assert table.columns.tolist() == ["Start", "Queue", "Offered"]
    assert table["Offered"].tolist() == [12]


def test_semicolon_csv_with_decimal_commas_reads_numbers(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Datum;Warteschlange;Angebot;AHT\n"
        "2024-03-31 01:45:00;Service, Hotline;3;200,5\n"
        "2024-03-31 03:00:00;Service, Hotline;4;1.210,25\n",
        encoding="utf-8",
    )
    table = read_table(path)
    assert table["Warteschlange"].tolist() == ["Service, Hotline", "Service, Hotline"]
    assert table["AHT"].tolist() == [200.5, 1210.25]
    assert table["Angebot"].tolist() == [3, 4]
