"""Read raw tables and write interval frames: CSV, Parquet and Excel.

Two functions, deliberately thin:

* :func:`read_table` reads a table from a ``.csv``, ``.parquet`` or ``.xlsx``
  file and returns it with the file's own column names. It does not map or
  validate columns (that is :func:`cccplan.frames.read.read_volumes`' job); for
  files written by :func:`write_frame` it restores what the format cannot hold
  natively, so that a round trip loses nothing.
* :func:`write_frame` writes a frame (normally a canonical interval frame, see
  DESIGN.md, "Frame conventions") to one of the three formats.

What each format carries (the *frame metadata*: the zone of
``interval_start``, the frequency hint ``frame.attrs["freq"]`` and the dtype of
every column):

CSV
    A UTF-8 file (with a byte order mark, so that Excel shows non-ASCII queue
    names correctly) whose very first line is a comment such as::

        # cccplan frame: version=1; tz=Europe/Berlin; freq=15min; dtypes=queue:str ...

    followed by an ordinary CSV table. Timezone-aware timestamps are written as
    ISO 8601 local time *with* their UTC offset (``2024-10-27T02:00:00+02:00``
    and then ``2024-10-27T02:00:00+01:00`` across the autumn change), which is
    unambiguous and readable by any tool. Floats are written with ``repr``
    precision and read back exactly. Column names and dtypes in the comment are
    percent-encoded, so the comment line contains no comma or semicolon inside
    a value. Other tools see the comment as one text cell above the header; if a
    tool drops it, the file is still a valid table (it then reads as a foreign
    file).
Parquet
    pyarrow stores timezone-aware timestamps and dtypes natively; the frame
    metadata is stored as JSON under the schema metadata key ``cccplan``.
Excel (``.xlsx``)
    Excel has no timezones, so ``interval_start`` is written as naive *local*
    wall-clock datetimes (real date cells, as a planner wants to see them)
    followed by a text column ``utc_offset`` (``+02:00``) that tells the two
    02:00 hours of the autumn change apart. Numbers are written with ``repr``
    precision (openpyxl would otherwise keep only 16 significant digits);
    infinities as the text ``inf``; missing values as empty cells. The data
    sheet is named ``data``; a second sheet ``cccplan`` holds the frame
    metadata as key/value rows (``tz``, ``freq``, ``dtype:<column>``). Other
    timezone-aware columns (a backtest's ``cutoff``, say) are written as ISO 8601
    text with offset. Text that Excel would take for a formula (``=...``) or an
    error code (``#N/A``) is stored as text, and control characters (which XML
    cannot hold, or which it turns into others: a carriage return becomes a line
    feed) are escaped the way Excel does (``_x000D_``).

In CSV and Excel an empty text cell is read back as missing (NaN), except in
the series key columns ``queue`` and ``channel``, which are never missing and
keep an empty string as an empty string.

Files without cccplan metadata (exports from other systems) are read as they
are, with the reader's defaults (pandas' CSV type inference, the first sheet of a
workbook).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from cccplan.exceptions import InputError
from cccplan.frames._columns import CHANNEL, QUEUE, TIME

__all__ = ["read_table", "write_frame"]

_FORMATS: Final = {".csv": "csv", ".parquet": "parquet", ".xlsx": "excel"}
_FORMAT_NAMES: Final = {"csv": "csv", "parquet": "parquet", "excel": "excel", "xlsx": "excel"}
_ALLOWED_SUFFIXES: Final = ", ".join(_FORMATS)

_VERSION: Final = "1"
_CSV_MARKER: Final = "# cccplan frame:"
_PARQUET_KEY: Final = b"cccplan"
_META_SHEET: Final = "cccplan"
_DATA_SHEET: Final = "data"
_OFFSET_COLUMN: Final = "utc_offset"
_EXCEL_MAX_ROWS: Final = 1_048_576
_EXCEL_MAX_COLUMNS: Final = 16_384
# Characters a percent-encoded name or dtype may keep as they are in the CSV comment.
_SAFE: Final = "[]/_-.+@()"
_KEY_COLUMNS: Final = (QUEUE, CHANNEL)
_OFFSET_RE: Final = r"^([+-])(\d{2}):(\d{2})(?::(\d{2}))?$"
_SHOW_ROWS: Final = 5
# Control characters other than tab and line feed: XML 1.0 cannot hold most of them,
# and an XML parser turns a carriage return into a line feed.
_XML_UNSAFE_RE: Final = re.compile(r"[\x00-\x08\x0b-\x1f]")
_XML_ESCAPE_RE: Final = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b-\x1f]")
_XML_UNESCAPE_RE: Final = re.compile(r"_x([0-9A-Fa-f]{4})_")
_PANDAS_3: Final = int(pd.__version__.split(".")[0]) >= 3
# pandas < 3 parses floats fast but not always exactly unless asked; pandas >= 3
# always parses them exactly (and deprecates the option).
_ROUND_TRIP: Final[dict[str, Any]] = {} if _PANDAS_3 else {"float_precision": "round_trip"}


@dataclass
class _Meta:
    """What a file written by :func:`write_frame` records about its frame."""

    tz: str | None = None
    freq: str | None = None
    dtypes: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------


def read_table(path: str | os.PathLike[str], *, sheet: str | None = None) -> pd.DataFrame:
    """Read a raw table from a CSV, Parquet or Excel file.

    The format is chosen by the file's suffix. A CSV file that cccplan did not
    write may be separated by ``,``, ``;``, tabs or ``|`` (the most frequent of
    them in the header line wins); in a ``;``-separated file, columns written
    with a decimal comma (``3,5``) are read as numbers. CSV files must be UTF-8.
    Columns keep the file's own names:
    nothing is mapped or validated here (see
    :func:`cccplan.frames.read.read_volumes`, which does both). For a file
    written by :func:`write_frame` the frame comes back exactly as it was
    written: the timezone of ``interval_start``, the frequency hint
    ``attrs["freq"]``, every column's dtype and every float's value.

    Parameters
    ----------
    path : str or os.PathLike
        File to read; its suffix (``.csv``, ``.parquet`` or ``.xlsx``, any case)
        selects the format.
    sheet : str, optional
        Worksheet of an ``.xlsx`` file. By default the data sheet of a file
        written by :func:`write_frame`, otherwise the workbook's first sheet.
        Only meaningful for ``.xlsx`` files.

    Returns
    -------
    pandas.DataFrame
        The table, with a default RangeIndex. For files written by
        :func:`write_frame`, ``interval_start`` is timezone-aware again, the
        Excel helper column ``utc_offset`` is gone and ``attrs["freq"]`` is set
        when the written frame had it.

    Raises
    ------
    cccplan.InputError
        If the file does not exist, its suffix is not one of the allowed ones,
        ``sheet`` is given for a non-Excel file or names no sheet of the
        workbook, or the cccplan metadata of the file does not fit its content
        (a file edited by hand, for instance).

    See Also
    --------
    write_frame : the inverse.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from cccplan.io import read_table, write_frame
    >>> frame = pd.DataFrame({
    ...     "queue": ["sales", "sales"],
    ...     "interval_start": pd.to_datetime(
    ...         ["2024-10-27 02:00+02:00", "2024-10-27 02:00+01:00"], utc=True
    ...     ).tz_convert("Europe/Berlin"),
    ...     "volume": [12.0, 0.1 + 0.2],
    ... })
    >>> frame.attrs["freq"] = "h"
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_frame(frame, Path(folder) / "volumes.csv")
    ...     back = read_table(path)
    >>> back
       queue            interval_start  volume
    0  sales 2024-10-27 02:00:00+02:00    12.0
    1  sales 2024-10-27 02:00:00+01:00     0.3
    >>> bool(back["volume"].iloc[1] == 0.1 + 0.2), back.attrs["freq"]
    (True, 'h')
    >>> times = back["interval_start"]
    >>> str(times.dt.tz), times.dtype == frame["interval_start"].dtype
    ('Europe/Berlin', True)
    """
    file = Path(path)
    kind = _FORMATS.get(file.suffix.lower())
    if kind is None:
        raise InputError(
            f"path: cannot read {str(file)!r}: the suffix {file.suffix!r} is not one of "
            f"{_ALLOWED_SUFFIXES} (CSV, Parquet, Excel workbook)"
        )
    if not file.exists():
        raise InputError(f"path: no such file {str(file)!r}")
    if not file.is_file():
        raise InputError(f"path: {str(file)!r} is not a file")
    if sheet is not None and kind != "excel":
        raise InputError(
            f"sheet: {sheet!r} given, but {str(file)!r} is not an Excel workbook; "
            "sheet applies only to .xlsx files"
        )
    if kind == "csv":
        return _read_csv(file)
    if kind == "parquet":
        return _read_parquet(file)
    return _read_excel(file, sheet)


def write_frame(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
) -> Path:
    """Write a frame to a CSV, Parquet or Excel file that :func:`read_table` restores.

    Parameters
    ----------
    frame : pandas.DataFrame
        Normally a canonical interval frame (``[queue] [channel]
        interval_start volume [aht] ...``), but any frame with unique string
        column names and an unnamed index works. The index is not written (a
        canonical frame has a plain RangeIndex).
    path : str or os.PathLike
        Destination; an existing file is overwritten. Its folder must exist.
    format : {"csv", "parquet", "xlsx"}, optional
        Overrides the format the suffix of ``path`` selects (``"excel"`` is
        accepted for ``"xlsx"``). :func:`read_table` chooses by suffix, so keep
        the suffix and the format consistent if the file is to be read back.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    cccplan.InputError
        If the format is unknown, the folder does not exist, the column names
        are not unique strings, the index is named, or (Excel only) the frame
        is larger than a worksheet or already has a ``utc_offset`` column.

    Notes
    -----
    What each format records and how is described in the module docstring of
    :mod:`cccplan.io`. In short: CSV gets a first comment line with the zone,
    the frequency and the dtypes and ISO 8601 timestamps with UTC offsets;
    Parquet keeps everything natively plus a ``cccplan`` schema-metadata entry;
    Excel gets local wall-clock datetimes, a ``utc_offset`` column and a
    ``cccplan`` sheet. Excel stores datetimes to the millisecond, which
    interval starts never need.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from cccplan.io import write_frame
    >>> frame = pd.DataFrame({
    ...     "channel": ["voice", "voice"],
    ...     "interval_start": pd.date_range(
    ...         "2024-03-31 01:30", periods=2, freq="30min", tz="Europe/Berlin"
    ...     ),
    ...     "volume": [3.0, 5.0],
    ...     "aht": [240.5, 180.0],
    ... })
    >>> frame.attrs["freq"] = "30min"
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = write_frame(frame, Path(folder) / "volumes.csv")
    ...     print(path.read_text(encoding="utf-8-sig"))  # doctest: +ELLIPSIS
    # cccplan frame: version=1; tz=Europe/Berlin; freq=30min; dtypes=channel:str ... aht:float64
    channel,interval_start,volume,aht
    voice,2024-03-31T01:30:00+01:00,3.0,240.5
    voice,2024-03-31T03:00:00+02:00,5.0,180.0
    <BLANKLINE>
    """
    file = Path(path)
    if format is None:
        kind = _FORMATS.get(file.suffix.lower())
        if kind is None:
            raise InputError(
                f"path: cannot tell the format of {str(file)!r} from its suffix "
                f"{file.suffix!r}: use one of {_ALLOWED_SUFFIXES}, or pass format="
                "'csv', 'parquet' or 'xlsx'"
            )
    else:
        kind = _FORMAT_NAMES.get(str(format).lower())
        if kind is None:
            raise InputError(f"format: {format!r} is not one of 'csv', 'parquet', 'xlsx'")
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"frame: expected a pandas DataFrame, got {type(frame).__name__}")
    _check_writable(frame, file)
    meta = _meta_of(frame)
    if kind == "csv":
        _write_csv(frame, file, meta)
    elif kind == "parquet":
        _write_parquet(frame, file, meta)
    else:
        _write_excel(frame, file, meta)
    return file


# ---------------------------------------------------------------------------
# Frame metadata and dtypes
# ---------------------------------------------------------------------------


def _tz_name(tz: Any) -> str:
    """IANA name of a tzinfo (zoneinfo, pytz, dateutil or datetime.timezone)."""
    for attribute in ("key", "zone"):  # zoneinfo.ZoneInfo, pytz
        name = getattr(tz, attribute, None)
        if isinstance(name, str):
            return name
    filename = getattr(tz, "_filename", None)  # dateutil.tz.tzfile
    if isinstance(filename, str) and "zoneinfo/" in filename:
        return filename.split("zoneinfo/", 1)[1]
    return str(tz)


def _dtype_name(dtype: Any) -> str:
    """The dtype recorded for a column: pandas' own name, zone spelled the IANA way."""
    if isinstance(dtype, pd.DatetimeTZDtype):
        return f"datetime64[{dtype.unit}, {_tz_name(dtype.tz)}]"
    if (isinstance(dtype, np.dtype) and dtype.kind == "O") or (
        isinstance(dtype, pd.StringDtype) and dtype.na_value is not pd.NA
    ):
        # object columns of a canonical frame hold text (keys, model names); the
        # default string dtype of pandas >= 3 ("str") is recorded the same way, so
        # that a file written under one pandas reads back under the other.
        return "str"
    return str(dtype)


def _freq_name(freq: Any) -> str | None:
    if freq is None:
        return None
    if isinstance(freq, str):
        return freq
    name = getattr(freq, "freqstr", None)
    return name if isinstance(name, str) else str(freq)


def _meta_of(frame: pd.DataFrame) -> _Meta:
    tz = None
    if TIME in frame.columns and isinstance(frame[TIME].dtype, pd.DatetimeTZDtype):
        tz = _tz_name(frame[TIME].dtype.tz)
    return _Meta(
        tz=tz,
        freq=_freq_name(frame.attrs.get("freq")),
        dtypes={str(name): _dtype_name(dtype) for name, dtype in frame.dtypes.items()},
    )


def _check_writable(frame: pd.DataFrame, file: Path) -> None:
    if not file.parent.is_dir():
        raise InputError(f"path: the folder of {str(file)!r} does not exist")
    names = list(frame.columns)
    not_text = [name for name in names if not isinstance(name, str)]
    if not_text:
        raise InputError(
            f"frame: column names must be strings; got {not_text[:_SHOW_ROWS]!r} "
            "(rename them, e.g. frame.rename(columns=str))"
        )
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise InputError(f"frame: duplicated column names {duplicated!r}; names must be unique")
    if isinstance(frame.index, pd.MultiIndex) or frame.index.name is not None:
        raise InputError(
            f"frame: the index {list(frame.index.names)!r} would be lost (the index is not "
            "written); move it into columns with frame.reset_index()"
        )


def _default_str(values: pd.Series) -> pd.Series:
    """Text column in pandas' default string dtype ("str" in pandas >= 3, else object)."""
    default = pd.Series(["text"]).dtype  # follows pandas' version and options
    if isinstance(default, np.dtype) and default.kind == "O":
        return values.astype(object)
    return values.astype(default)


def _restore_dtype(values: pd.Series, dtype: str, column: str, source: str) -> pd.Series:
    """Convert a column read back as text/objects to the dtype it was written with."""
    try:
        if dtype == "str":
            return _default_str(values)
        target = pd.api.types.pandas_dtype(dtype)
        converted: pd.Series
        if isinstance(target, pd.DatetimeTZDtype):
            converted = _parse_iso(values, column, source).dt.tz_convert(target.tz)
        elif target.kind == "M":
            converted = pd.Series(pd.to_datetime(values, format="ISO8601"), name=values.name)
        elif target.kind == "m":
            converted = pd.Series(pd.to_timedelta(values), name=values.name)
        elif target.kind == "f":
            converted = values.map(_to_float, na_action="ignore")
        elif target.kind == "b" and not pd.api.types.is_bool_dtype(values.dtype):
            converted = values.map(_to_bool, na_action="ignore")
        else:
            converted = values
        return converted.astype(target)
    except InputError:
        raise
    except (TypeError, ValueError, OverflowError) as error:
        raise InputError(
            f"{source}: column {column!r} cannot be read back as {dtype} ({error}); "
            "was the file edited by hand?"
        ) from error


def _to_float(value: Any) -> float:
    return float(value)


def _to_bool(value: Any) -> bool:
    if isinstance(value, str):
        if value in ("True", "true", "TRUE", "1"):
            return True
        if value in ("False", "false", "FALSE", "0"):
            return False
        raise ValueError(f"{value!r} is not a truth value")
    return bool(value)


def _parse_iso(values: pd.Series, column: str, source: str) -> pd.Series:
    """ISO 8601 text with UTC offsets -> UTC timestamps."""
    text = values.astype(object)
    present = text.notna() & (text != "")
    has_offset = text[present].astype(str).str.contains(r"(?:[+-]\d{2}:?\d{2}(?::\d{2})?|Z)$")
    if not has_offset.all():
        bad = text[present][~has_offset]
        raise InputError(
            f"{source}: column {column!r} holds timestamps without a UTC offset, e.g. rows "
            f"{_show(bad)}; cccplan files write them as 2024-10-27T02:00:00+02:00"
        )
    return pd.Series(
        pd.to_datetime(text.where(present), utc=True, format="ISO8601"),
        index=values.index,
        name=values.name,
    )


def _show(values: pd.Series) -> str:
    return ", ".join(f"{index}: {value!r}" for index, value in values.head(_SHOW_ROWS).items())


def _per_distinct(
    stamps: pd.Series, format_distinct: Callable[[pd.Series], pd.Series]
) -> pd.Series:
    """Format the distinct timestamps only: the series of a frame share their intervals."""
    codes, distinct = pd.factorize(stamps)
    text = format_distinct(pd.Series(distinct)).to_numpy(dtype=object)
    out = np.full(len(stamps), np.nan, dtype=object)
    present = codes >= 0
    out[present] = text[codes[present]]
    return pd.Series(out, index=stamps.index, dtype=object)


def _offset_text(stamps: pd.Series) -> pd.Series:
    """UTC offsets of timezone-aware timestamps as "+02:00" text (vectorised)."""
    return _per_distinct(stamps, _offsets_of)


def _offsets_of(stamps: pd.Series) -> pd.Series:
    wall = stamps.dt.tz_localize(None)
    utc = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    seconds = (wall - utc).dt.total_seconds().astype(np.int64)
    magnitude = seconds.abs()
    sign = pd.Series(np.where(seconds < 0, "-", "+"), index=stamps.index)
    offset = (
        sign
        + (magnitude // 3600).astype(str).str.zfill(2)
        + ":"
        + (magnitude % 3600 // 60).astype(str).str.zfill(2)
    )
    odd_seconds = (magnitude % 60) != 0  # historical local mean times, e.g. +00:53:28
    if odd_seconds.any():
        offset = offset.where(
            ~odd_seconds, offset + ":" + (magnitude % 60).astype(str).str.zfill(2)
        )
    return offset


def _iso_with_offset(stamps: pd.Series) -> pd.Series:
    """Timezone-aware timestamps -> ISO 8601 local time with UTC offset (vectorised)."""
    return _per_distinct(stamps, _iso_of)


def _iso_of(stamps: pd.Series) -> pd.Series:
    wall = stamps.dt.tz_localize(None)
    text = wall.dt.strftime("%Y-%m-%dT%H:%M:%S")
    nanoseconds = wall.dt.microsecond * 1000 + wall.dt.nanosecond
    fraction = nanoseconds != 0
    if fraction.any():
        digits = nanoseconds.astype(np.int64).astype(str).str.zfill(9).str.rstrip("0")
        text = text.where(~fraction, text + "." + digits)
    return text + _offsets_of(stamps)


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------


def _csv_comment(meta: _Meta) -> str:
    parts = [f"version={_VERSION}"]
    if meta.tz is not None:
        parts.append(f"tz={quote(meta.tz, safe=_SAFE)}")
    if meta.freq is not None:
        parts.append(f"freq={quote(meta.freq, safe=_SAFE)}")
    dtypes = " ".join(
        f"{quote(name, safe=_SAFE)}:{quote(dtype, safe=_SAFE)}"
        for name, dtype in meta.dtypes.items()
    )
    parts.append(f"dtypes={dtypes}")
    return f"{_CSV_MARKER} " + "; ".join(parts)


def _parse_csv_comment(line: str, file: Path) -> _Meta:
    meta = _Meta()
    for part in line[len(_CSV_MARKER) :].split(";"):
        key, equals, value = part.strip().partition("=")
        if not equals:
            continue
        if key == "tz":
            meta.tz = unquote(value) or None
        elif key == "freq":
            meta.freq = unquote(value) or None
        elif key == "dtypes":
            for item in value.split():
                name, colon, dtype = item.partition(":")
                if not colon:
                    raise InputError(
                        f"path: the cccplan comment of {str(file)!r} has a malformed dtype "
                        f"entry {item!r} (expected name:dtype)"
                    )
                meta.dtypes[unquote(name)] = unquote(dtype)
    return meta


def _write_csv(frame: pd.DataFrame, file: Path, meta: _Meta) -> None:
    out = frame.copy(deep=False)
    for name in out.columns:
        if isinstance(out[name].dtype, pd.DatetimeTZDtype):
            out[name] = _iso_with_offset(out[name])
    # utf-8-sig: a byte order mark lets Excel recognise UTF-8; it sits in front of
    # the comment line, so even readers that ignore it never see it in a column name.
    with file.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write(_csv_comment(meta) + "\r\n")
        # CRLF (RFC 4180) makes the csv module quote every field holding "\r" or "\n",
        # which a "\n" terminator would leave bare ("\r" would then split a row).
        out.to_csv(handle, index=False, lineterminator="\r\n")


def _read_csv(file: Path) -> pd.DataFrame:
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
    except UnicodeDecodeError as error:
        raise InputError(
            f"path: {str(file)!r} is not UTF-8 text ({error}); save it as UTF-8 CSV"
        ) from error
    if not first.startswith(_CSV_MARKER):
        return _read_foreign_csv(file)
    meta = _parse_csv_comment(first.rstrip("\r\n"), file)
    header = pd.read_csv(file, skiprows=1, nrows=0, encoding="utf-8-sig")
    names = [str(name) for name in header.columns]
    options = _csv_options(file)
    # With the C parser numbers are parsed (exactly) by pandas; the python parser
    # is not exact, so there numbers are read as text and converted by float().
    native = ("f", "i", "u") if "engine" not in options else ()
    dtype: dict[str, Any] = {}
    na_values: dict[str, list[str]] = {}
    for name in names:
        recorded = meta.dtypes.get(name)
        if name in _KEY_COLUMNS and recorded in (None, "str"):
            dtype[name], na_values[name] = str, []
        elif _parse_kind(recorded) in native:
            dtype[name], na_values[name] = recorded, [""]
        elif recorded is None and not (name == TIME and meta.tz is not None):
            na_values[name] = [""]  # no dtype recorded: pandas infers it
        else:
            dtype[name], na_values[name] = str, [""]
    table = pd.read_csv(
        file,
        skiprows=1,
        encoding="utf-8-sig",
        dtype=dtype,
        keep_default_na=False,
        na_values=na_values,
        **options,
    )
    source = f"path {str(file)!r}"
    for name in names:
        recorded = meta.dtypes.get(name)
        if recorded is not None and _parse_kind(recorded) not in native:
            table[name] = _restore_dtype(table[name], recorded, name, source)
        elif recorded is None and name == TIME and meta.tz is not None:
            table[name] = _parse_iso(table[name], name, source).dt.tz_convert(meta.tz)
    return _finish(table, meta)


def _csv_options(file: Path) -> dict[str, Any]:
    """Parser options that read every value back exactly."""
    if not _PANDAS_3 and b"\x00" in file.read_bytes():
        # the C parser of pandas < 3 ends a field at a NUL character
        return {"engine": "python"}
    return _ROUND_TRIP


_SEPARATORS: Final = (",", ";", "\t", "|")
_DECIMAL_COMMA: Final = r"^\s*[-+]?\d+(?:\.\d{3})*(?:,\d+)?\s*$"


def _separator(header: str) -> str:
    """The field separator of a foreign CSV: the candidate most frequent in its header.

    Spreadsheet exports in much of Europe use ``;`` (because ``,`` is their
    decimal mark); tab- and pipe-separated exports are common from WFM tools.
    """
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _decimal_commas(table: pd.DataFrame) -> pd.DataFrame:
    """Convert text columns written with a decimal comma ("3,5", "1.234,5") to floats.

    Only columns in which every non-empty value has that form are converted, so
    a key column such as a queue name is never touched.
    """
    for name in table.columns:
        column = table[name]
        if column.dtype.kind in "fiub" or isinstance(column.dtype, pd.DatetimeTZDtype):
            continue
        text = column.dropna().astype(str)
        if text.empty or not text.str.fullmatch(_DECIMAL_COMMA).all():
            continue
        if not text.str.contains(",", regex=False).any():
            continue  # whole numbers are parsed by pandas already
        cleaned = column.astype(str).str.replace(".", "", regex=False)
        table[name] = pd.to_numeric(
            cleaned.str.replace(",", ".", regex=False).where(column.notna())
        )
    return table


def _read_foreign_csv(file: Path) -> pd.DataFrame:
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            sep = _separator(handle.readline())
        table = pd.read_csv(file, encoding="utf-8-sig", sep=sep)
        return _decimal_commas(table) if sep == ";" else table
    except UnicodeDecodeError as error:
        raise InputError(
            f"path: {str(file)!r} is not UTF-8 text ({error}); save it as UTF-8 CSV"
        ) from error
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(f"path: {str(file)!r} is not a readable CSV table: {error}") from error


def _parse_kind(dtype: str | None) -> str | None:
    """The numpy kind letter of a recorded dtype ("str" -> "O"), None if unknown."""
    if dtype is None:
        return None
    if dtype == "str":
        return "O"
    try:
        kind = pd.api.types.pandas_dtype(dtype).kind
    except TypeError:
        return None
    return str(kind)


def _finish(table: pd.DataFrame, meta: _Meta) -> pd.DataFrame:
    table = table.reset_index(drop=True)
    if meta.freq is not None:
        table.attrs["freq"] = meta.freq
    return table


# ---------------------------------------------------------------------------
# Parquet
# ---------------------------------------------------------------------------


def _write_parquet(frame: pd.DataFrame, file: Path, meta: _Meta) -> None:
    # attrs are carried by cccplan's own metadata record (tz, freq), not by
    # pandas' (which warns on non-string keys such as a forecast's model choice).
    bare = frame.copy(deep=False)
    bare.attrs = {}
    table = pa.Table.from_pandas(bare, preserve_index=False)
    record = {"version": _VERSION, "tz": meta.tz, "freq": meta.freq, "dtypes": meta.dtypes}
    metadata = dict(table.schema.metadata or {})
    metadata[_PARQUET_KEY] = json.dumps(record).encode("utf-8")
    pq.write_table(table.replace_schema_metadata(metadata), file)


def _read_parquet(file: Path) -> pd.DataFrame:
    try:
        schema = pq.read_schema(file)
        table = pd.read_parquet(file, engine="pyarrow")
    except (pa.ArrowException, OSError) as error:
        raise InputError(f"path: {str(file)!r} is not a readable Parquet file: {error}") from error
    raw = (schema.metadata or {}).get(_PARQUET_KEY)
    if raw is None:
        return table
    record = json.loads(raw)
    meta = _Meta(tz=record.get("tz"), freq=record.get("freq"), dtypes=record.get("dtypes", {}))
    source = f"path {str(file)!r}"
    for name, dtype in meta.dtypes.items():
        if name in table.columns and _dtype_name(table[name].dtype) != dtype:
            table[name] = _restore_native(table[name], dtype, name, source)
    return _finish(table, meta)


def _restore_native(values: pd.Series, dtype: str, column: str, source: str) -> pd.Series:
    """Parquet already holds typed values; only the pandas dtype may differ."""
    try:
        if dtype == "str":
            return _default_str(values)
        return values.astype(pd.api.types.pandas_dtype(dtype))
    except (TypeError, ValueError) as error:
        raise InputError(f"{source}: column {column!r} cannot be read as {dtype}") from error


# ---------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------


def _write_excel(frame: pd.DataFrame, file: Path, meta: _Meta) -> None:
    if len(frame) + 1 > _EXCEL_MAX_ROWS or len(frame.columns) + 1 > _EXCEL_MAX_COLUMNS:
        raise InputError(
            f"frame: {len(frame)} rows x {len(frame.columns)} columns do not fit an Excel "
            f"worksheet ({_EXCEL_MAX_ROWS - 1} rows below the header, {_EXCEL_MAX_COLUMNS} "
            "columns); write CSV or Parquet, or split the frame"
        )
    local_time = TIME in frame.columns and isinstance(frame[TIME].dtype, pd.DatetimeTZDtype)
    if local_time and _OFFSET_COLUMN in frame.columns:
        raise InputError(
            f"frame: has a column {_OFFSET_COLUMN!r}, which the Excel format uses for the "
            f"UTC offset of {TIME!r}; rename it or write CSV or Parquet"
        )

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_DATA_SHEET)

    def text_cell(value: str) -> Any:
        # Force a text cell: openpyxl would turn "=..." into a formula and "#N/A"
        # into an error value.
        cell = WriteOnlyCell(sheet)
        cell._value = _escape_text(value)
        cell.data_type = "s"
        return cell

    def number_cell(value: float | int) -> Any:
        # openpyxl writes "%.16g"; repr is the shortest text that reads back exactly.
        cell = WriteOnlyCell(sheet)
        cell._value = repr(value)
        cell.data_type = "n"
        return cell

    headers: list[str] = []
    columns: list[list[Any]] = []
    for name in frame.columns:
        values = frame[name]
        headers.append(name)
        if name == TIME and local_time:
            columns.append(_excel_datetimes(values.dt.tz_localize(None)))
            headers.append(_OFFSET_COLUMN)
            offsets = _offset_text(values)
            columns.append([None if pd.isna(v) else text_cell(v) for v in offsets])
        else:
            columns.append(_excel_values(values, text_cell, number_cell))

    for index, name in enumerate(headers, start=1):
        width = 20 if name == TIME else max(10, min(40, len(name) + 2))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([text_cell(name) for name in headers])
    for row in zip(*columns, strict=True):
        sheet.append(row)

    info = workbook.create_sheet(_META_SHEET)
    info.append(["key", "value"])
    rows = [("format", "cccplan frame"), ("version", _VERSION), ("sheet", _DATA_SHEET)]
    if meta.tz is not None:
        rows.append(("tz", meta.tz))
    if meta.freq is not None:
        rows.append(("freq", meta.freq))
    rows.extend((f"dtype:{name}", dtype) for name, dtype in meta.dtypes.items())
    for key, value in rows:
        info.append([text_cell(key), text_cell(value)])
    workbook.save(file)


def _escape_text(value: str) -> str:
    """OOXML escape: control characters XML cannot hold (or would alter) as _xHHHH_.

    A literal ``_xHHHH_`` in the text is protected as ``_x005F_xHHHH_``, as Excel
    does, so that :func:`_unescape_text` restores every string exactly.
    """
    if "_x" not in value and not _XML_UNSAFE_RE.search(value):
        return value
    return _XML_ESCAPE_RE.sub(lambda match: f"_x{ord(match.group(0)):04X}_", value)


def _unescape_text(value: str) -> str:
    if "_x" not in value:
        return value
    return _XML_UNESCAPE_RE.sub(lambda match: chr(int(match.group(1), 16)), value)


def _excel_datetimes(wall: pd.Series) -> list[Any]:
    return [None if pd.isna(v) else v.to_pydatetime() for v in wall]


def _excel_values(
    values: pd.Series,
    text_cell: Callable[[str], Any],
    number_cell: Callable[[float | int], Any],
) -> list[Any]:
    dtype = values.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        return [None if pd.isna(v) else v for v in _iso_with_offset(values)]
    kind = dtype.kind
    if kind == "M":
        return _excel_datetimes(values)
    if kind == "m":
        return [None if pd.isna(v) else str(v) for v in values]
    if kind == "f":
        return [_excel_float(float(v), text_cell, number_cell) for v in values]
    if kind in ("i", "u") and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return [number_cell(int(v)) for v in values]
    return [_excel_object(v, text_cell, number_cell) for v in values]


def _excel_float(
    value: float, text_cell: Callable[[str], Any], number_cell: Callable[[float | int], Any]
) -> Any:
    if np.isnan(value):
        return None
    if np.isinf(value):
        return text_cell("inf" if value > 0 else "-inf")
    return number_cell(value)


def _excel_object(
    value: Any, text_cell: Callable[[str], Any], number_cell: Callable[[float | int], Any]
) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return text_cell(value) if value else None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return number_cell(int(value))
    if isinstance(value, float | np.floating):
        return _excel_float(float(value), text_cell, number_cell)
    return text_cell(str(value))


def _read_excel(file: Path, sheet: str | None) -> pd.DataFrame:
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, KeyError, lxml ... errors
        raise InputError(
            f"path: {str(file)!r} is not a readable .xlsx workbook: {error}"
        ) from error
    try:
        names = list(workbook.sheetnames)
        if sheet is not None and sheet not in names:
            raise InputError(
                f"sheet: {sheet!r} is not a sheet of {str(file)!r}; its sheets are {names!r}"
            )
        meta_rows = None
        if _META_SHEET in names:
            meta_rows = {
                str(row[0]): row[1]
                for row in _rows(workbook[_META_SHEET].iter_rows(values_only=True))
                if row and row[0] is not None
            }
        data_sheet = None if meta_rows is None else str(meta_rows.get("sheet", _DATA_SHEET))
        if (
            meta_rows is None
            or data_sheet not in names
            or (sheet is not None and sheet != data_sheet)
        ):
            # not a cccplan workbook, or another sheet of one: read it as it is
            return pd.read_excel(file, sheet_name=sheet if sheet is not None else 0)
        rows = list(_rows(workbook[data_sheet].iter_rows(values_only=True)))
    finally:
        workbook.close()

    meta = _Meta(
        tz=_text_or_none(meta_rows.get("tz")),
        freq=_text_or_none(meta_rows.get("freq")),
        dtypes={
            key[len("dtype:") :]: str(value)
            for key, value in meta_rows.items()
            if key.startswith("dtype:") and value is not None
        },
    )
    source = f"path {str(file)!r}, sheet {data_sheet!r}"
    if not rows:
        raise InputError(f"{source}: the sheet is empty (no header row)")
    first = list(rows[0])
    while first and first[-1] is None:  # read-only sheets may report extra empty cells
        first.pop()
    header = [str(name) for name in first]
    body = [row[: len(header)] + (None,) * (len(header) - len(row)) for row in rows[1:]]
    columns = list(zip(*body, strict=True)) if body else [() for _ in header]
    raw = {
        name: pd.Series(list(values), dtype=object)
        for name, values in zip(header, columns, strict=True)
    }

    table: dict[str, pd.Series] = {}
    for name in header:
        if name == _OFFSET_COLUMN and meta.tz is not None and TIME in raw:
            continue
        values = raw[name]
        if name == TIME and meta.tz is not None and _OFFSET_COLUMN in raw:
            values = _excel_local_time(values, raw[_OFFSET_COLUMN], meta.tz, source)
            recorded = meta.dtypes.get(name)
            if recorded is not None:
                values = values.astype(pd.api.types.pandas_dtype(recorded))
            table[name] = values
            continue
        recorded = meta.dtypes.get(name)
        if name in _KEY_COLUMNS and recorded in (None, "str"):
            values = values.map(lambda v: "" if v is None else str(v))
        elif recorded == "str" or (recorded is not None and _parse_kind(recorded) == "O"):
            values = values.map(lambda v: np.nan if v is None else str(v))
        else:
            values = values.map(lambda v: np.nan if v is None else v)
        if recorded is not None:
            values = _restore_dtype(values, recorded, name, source)
        else:
            values = pd.Series(values.tolist(), dtype=None) if len(values) else values
        table[name] = values
    frame = pd.DataFrame(table)
    if not header:
        frame = pd.DataFrame()
    return _finish(frame, meta)


def _rows(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Rows of a read-only worksheet of a cccplan workbook, text unescaped.

    All-empty rows (which Excel may leave after editing) are skipped.
    """
    for row in rows:
        if any(value is not None for value in row):
            yield tuple(_unescape_text(v) if isinstance(v, str) else v for v in row)


def _text_or_none(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _excel_local_time(wall: pd.Series, offsets: pd.Series, tz: str, source: str) -> pd.Series:
    """Naive local wall-clock datetimes + "+02:00" offsets -> timezone-aware timestamps."""
    try:
        naive = pd.Series(pd.to_datetime(wall.tolist()), dtype="datetime64[ns]")
    except (TypeError, ValueError) as error:
        raise InputError(
            f"{source}: column {TIME!r} must hold date-time cells ({error})"
        ) from error
    parts = offsets.astype(object).where(offsets.notna(), "").astype(str).str.extract(_OFFSET_RE)
    bad = parts[0].isna() & naive.notna().to_numpy()
    if bad.any():
        raise InputError(
            f"{source}: column {_OFFSET_COLUMN!r} must hold UTC offsets like '+02:00'; rows "
            f"{_show(offsets[bad])} do not"
        )
    sign = np.where(parts[0] == "-", -1, 1)
    seconds = (
        parts[1].fillna("0").astype(np.int64) * 3600
        + parts[2].fillna("0").astype(np.int64) * 60
        + parts[3].fillna("0").astype(np.int64)
    ) * sign
    utc = naive - pd.to_timedelta(seconds, unit="s")
    return pd.Series(utc.dt.tz_localize("UTC").dt.tz_convert(tz), name=wall.name)
