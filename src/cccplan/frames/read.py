"""Read interval volumes from a file or a frame into the canonical interval frame.

:func:`read_volumes` is the front door of cccplan's data: it maps the caller's
column names onto the canonical ones (explicitly: names are never guessed),
parses and localises the timestamps, validates the result
(:func:`~cccplan.frames.validate.validate_frame`) and, on request, fills the
missing intervals inside each series (:func:`~cccplan.frames.gaps.fill_gaps`).

Time zones. Exports come in three shapes, all handled:

* local wall-clock times without offsets ("naive"), as most WFM and ACD tools
  write them: pass ``tz=``. On the night clocks go back, the repeated hour
  appears twice; the first occurrence (in row order, per series) is read as
  summer time and the second as winter time. A local time that does not exist
  (skipped when clocks go forward) is an error.
* ISO 8601 strings with UTC offsets ("2024-10-27T02:15:00+02:00"): exact; pass
  ``tz=`` to convert them to the centre's zone (necessary when the offsets
  differ, as they do across a DST change).
* timezone-aware datetimes (e.g. UTC): converted to ``tz`` when given.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from cccplan.exceptions import InputError
from cccplan.frames._columns import AHT, KEY_COLUMNS, TIME, VOLUME
from cccplan.frames.gaps import FillValue, _check_value, _fill_canonical
from cccplan.frames.validate import Freq, _row_error, _tz_name, _validate

__all__ = ["read_volumes"]

# A UTC offset at the end of an ISO 8601 time: "Z", "+02:00", "+0200", "-05".
# It must follow a time (":MM"), so that the "-31" of a bare date is not one.
_OFFSET_SUFFIX = r"(?i)(?<=:\d\d)(?:[:.,]\d+)*\s*(Z|[+-]\d\d(?::?\d\d)?)$"
_OFFSET_PATTERN = r"(?i):\d\d(?:[:.,]\d+)*\s*(?:Z|[+-]\d\d(?::?\d\d)?)$"
_ISO_EXAMPLE = "'2024-03-31 08:15' or '2024-03-31T08:15:00+02:00'"


def _check_tz(tz: Any) -> None:
    if tz is None:
        return
    try:
        pd.Timestamp("2000-01-01").tz_localize(tz)
    except Exception as exc:  # pytz, zoneinfo and dateutil raise different errors
        raise InputError(
            f"tz={tz!r} is not a time zone; pass an IANA name such as 'Europe/Berlin'"
        ) from exc


def _load(source: Any, sheet: str | None) -> tuple[pd.DataFrame, str]:
    """The raw table and the name to use for it in messages."""
    if isinstance(source, pd.DataFrame):
        if sheet is not None:
            raise InputError("sheet= applies to Excel files only; source is a DataFrame")
        return source, "source"
    if isinstance(source, str | os.PathLike):
        # Imported here: cccplan.io builds on cccplan.frames, not the other way round.
        from cccplan.io import read_table  # noqa: PLC0415

        return read_table(source, sheet=sheet), f"source {os.fspath(source)!r}"
    raise InputError(
        "source must be a pandas DataFrame or a path to a .csv, .parquet or .xlsx file, "
        f"not {type(source).__name__}"
    )


def _mapping(
    raw: pd.DataFrame,
    *,
    argument: str,
    time_col: str,
    volume_col: str,
    aht_col: str | None,
    keys: Mapping[str, str] | Sequence[str] | None,
) -> dict[str, str]:
    """Canonical name -> the caller's column, each one checked to exist."""
    present = list(raw.columns)
    repeated = raw.columns[raw.columns.duplicated()].unique()
    if len(repeated):
        raise InputError(
            f"{argument} has duplicated column names {list(repeated)}; each column must appear once"
        )
    wanted: dict[str, tuple[str, str]] = {  # canonical -> (parameter, column)
        TIME: ("time_col", time_col),
        VOLUME: ("volume_col", volume_col),
    }
    if aht_col is not None:
        wanted[AHT] = ("aht_col", aht_col)
    elif AHT in present:
        wanted[AHT] = ("aht_col", AHT)

    if keys is None:
        key_map = {k: k for k in KEY_COLUMNS if k in present}
    elif isinstance(keys, Mapping):
        key_map = dict(keys)
    elif isinstance(keys, str):
        raise InputError(
            f"keys={keys!r} must be a sequence of key names (e.g. ['queue']) or a mapping "
            "such as {'queue': 'Skill'}, not a string"
        )
    else:
        key_map = {k: k for k in keys}
    for canonical, column in key_map.items():
        if canonical not in KEY_COLUMNS:
            hint = f" (to key by the column {canonical!r}: keys={{'queue': {canonical!r}}})"
            raise InputError(
                f"keys: {canonical!r} is not a key name; the keys are {list(KEY_COLUMNS)}"
                + (hint if canonical in present else "")
            )
        wanted[canonical] = (f"keys[{canonical!r}]", column)

    for parameter, column in wanted.values():
        if column not in present:
            raise InputError(
                f"{parameter}={column!r}: {argument} has no such column; columns present: {present}"
            )
    used: dict[str, str] = {}
    for parameter, column in wanted.values():
        if column in used:
            raise InputError(
                f"{parameter}={column!r}: the column is already used by {used[column]}; "
                "each column can be mapped once"
            )
        used[column] = parameter
    for canonical, (parameter, column) in wanted.items():
        if canonical != column and canonical in present and canonical not in used:
            raise InputError(
                f"{parameter}={column!r}: {argument} also has a column named {canonical!r}, "
                f"which would be replaced; rename or drop one of them"
            )
    for key in KEY_COLUMNS:
        if key in present and key not in used and key not in wanted:
            raise InputError(
                f"keys={keys!r}: {argument} has a column {key!r} that is not among the keys; "
                f"a column named {key!r} is always a series key: include it in keys, or "
                "rename or drop it"
            )
    return {canonical: column for canonical, (_, column) in wanted.items()}


def _offset_minutes(text: pd.Series) -> pd.Series:
    """Minutes east of UTC of each ISO 8601 string's offset suffix."""
    suffix = text.str.extract(_OFFSET_SUFFIX, expand=False).str.upper()
    sign = np.where(suffix.str.startswith("-"), -1, 1)
    digits = suffix.str.replace(r"[^0-9]", "", regex=True).str.ljust(4, "0")
    hours = pd.to_numeric(digits.str[:2], errors="coerce").fillna(0)
    minutes = pd.to_numeric(digits.str[2:4], errors="coerce").fillna(0)
    return pd.Series(sign * (hours * 60 + minutes), index=text.index).astype(np.int64)


def _parse_strings(
    frame: pd.DataFrame, tz: Any, argument: str, names: Mapping[str, str]
) -> pd.Series:
    """ISO 8601 strings -> datetimes: tz-aware if they carry offsets, else naive.

    Each distinct string is parsed once: in a long frame every timestamp repeats
    for every series.
    """
    codes, uniques = pd.factorize(frame[TIME])
    text = pd.Series(np.asarray(uniques, dtype=object)).astype(str).str.strip()
    blank = (codes < 0) | (text == "").to_numpy()[codes]
    if blank.any():
        raise _row_error(
            frame,
            blank,
            TIME,
            "is missing",
            "every interval needs a start time",
            argument=argument,
            names=names,
        )
    unique_has_offset = text.str.contains(_OFFSET_PATTERN, regex=True).to_numpy()
    has_offset = unique_has_offset[codes]
    if has_offset.any() and not has_offset.all():
        minority = ~has_offset if has_offset.sum() * 2 >= len(has_offset) else has_offset
        raise _row_error(
            frame,
            minority,
            TIME,
            "mixes timestamps with and without UTC offsets",
            "either every timestamp carries an offset, or none does (then pass tz=)",
            argument=argument,
            names=names,
        )
    parsed = pd.to_datetime(text, format="ISO8601", utc=bool(has_offset.any()), errors="coerce")
    unparsed = parsed.isna().to_numpy()[codes]
    if unparsed.any():
        raise _row_error(
            frame,
            unparsed,
            TIME,
            "has values that are not ISO 8601 timestamps",
            f"write them like {_ISO_EXAMPLE}, or parse them with pandas.to_datetime(..., "
            "format=...) and pass the frame",
            argument=argument,
            names=names,
        )
    times = pd.Series(parsed.array.take(codes), index=frame.index, name=TIME)
    if not has_offset.any():
        return times
    if tz is not None:
        return times.dt.tz_convert(tz)
    minutes = _offset_minutes(text).to_numpy()[codes]
    distinct = pd.unique(minutes)
    if len(distinct) > 1:
        first = [int(np.flatnonzero(minutes == m)[0]) for m in distinct]
        mask = np.zeros(len(frame), dtype=bool)
        mask[first] = True
        raise _row_error(
            frame,
            mask,
            TIME,
            f"has {len(distinct)} different UTC offsets",
            "they are usually one time zone across a daylight-saving change: pass tz= "
            "(e.g. tz='Europe/Berlin') to convert them to it",
            argument=argument,
            names=names,
        )
    zone = dt.UTC if distinct[0] == 0 else dt.timezone(dt.timedelta(minutes=int(distinct[0])))
    return times.dt.tz_convert(zone)


def _localize(
    frame: pd.DataFrame,
    wall: pd.Series,
    tz: Any,
    argument: str,
    names: Mapping[str, str],
) -> pd.Series:
    """Naive local times -> tz-aware, resolving the repeated fall-back hour by row order.

    Works by position (never by index label), so a frame with repeated index
    labels is read correctly.
    """
    local = pd.DatetimeIndex(wall).as_unit("ns")
    every = np.ones(len(local), dtype=bool)
    summer = local.tz_localize(tz, ambiguous=every, nonexistent="NaT")
    winter = local.tz_localize(tz, ambiguous=~every, nonexistent="NaT")
    midnight = np.asarray(local == local.normalize(), dtype=bool)
    summer_ns = np.array(summer.asi8, dtype=np.int64)
    winter_ns = np.array(winter.asi8, dtype=np.int64)

    nonexistent = np.asarray(summer.isna(), dtype=bool)
    if nonexistent.any():
        if (nonexistent & ~midnight).any():
            raise _row_error(
                frame,
                nonexistent & ~midnight,
                TIME,
                f"has local times that do not exist in {tz} (skipped when clocks go forward)",
                "such times cannot come from a clock in that zone: check tz=, or export the "
                "timestamps with UTC offsets",
                argument=argument,
                names=names,
            )
        # A zone that springs forward at midnight: that day starts at the first
        # instant after the gap.
        # (pandas' "shift_forward" assumes a one-hour jump: step back and add a tick.)
        shifted = local[nonexistent].tz_localize(
            tz, ambiguous=every[nonexistent], nonexistent="shift_backward"
        )
        shifted = shifted + pd.Timedelta(1, unit=shifted.unit)
        summer_ns[nonexistent] = shifted.asi8
        winter_ns[nonexistent] = shifted.asi8

    ambiguous = summer_ns != winter_ns
    use_winter = np.zeros(len(local), dtype=bool)
    if ambiguous.any():
        # The repeated hour: per series, in row order, the first occurrence of a
        # wall time is summer time, the second winter time (a third is a
        # duplicate, which validation reports). A midnight seen once starts its
        # day, so it is the first instance.
        keys = [k for k in KEY_COLUMNS if k in frame.columns]
        subset = pd.DataFrame({k: frame[k].to_numpy()[ambiguous] for k in keys})
        subset["wall"] = local[ambiguous]
        groups = subset.groupby([*keys, "wall"], sort=False, dropna=False)
        occurrence = groups.cumcount().to_numpy()
        size = groups["wall"].transform("size").to_numpy()
        single = (size == 1) & ~midnight[ambiguous]
        if single.any():
            mask = np.zeros(len(frame), dtype=bool)
            mask[np.flatnonzero(ambiguous)[single]] = True
            raise _row_error(
                frame,
                mask,
                TIME,
                f"has local times that occur twice in {tz} (when clocks go back) but appear "
                "once in their series",
                "cccplan cannot tell whether they are summer or winter time: export the "
                "timestamps with UTC offsets, or localise the column yourself with "
                ".dt.tz_localize(tz, ambiguous=...)",
                argument=argument,
                names=names,
            )
        use_winter[np.flatnonzero(ambiguous)[occurrence >= 1]] = True
    instants = np.where(use_winter, winter_ns, summer_ns).view("datetime64[ns]")
    aware = pd.DatetimeIndex(instants).tz_localize("UTC").tz_convert(tz)
    return pd.Series(aware, index=frame.index, name=TIME)


def _parse_times(
    frame: pd.DataFrame, tz: Any, argument: str, names: Mapping[str, str]
) -> pd.Series:
    """The time column as timezone-aware datetimes (in *tz* when given)."""
    times = frame[TIME]
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        return times if tz is None else times.dt.tz_convert(tz)
    if pd.api.types.is_datetime64_dtype(times.dtype):
        naive = times
    else:
        kind = infer_dtype(times, skipna=True)
        if kind == "string":
            parsed = _parse_strings(frame, tz, argument, names)
            if isinstance(parsed.dtype, pd.DatetimeTZDtype):
                return parsed
            naive = parsed
        elif kind in ("datetime", "datetime64", "date"):
            zones = times.map(_tz_name)
            present = times.notna().to_numpy()
            aware = present & zones.notna().to_numpy()
            if aware.any() and (aware != present).any():
                raise _row_error(
                    frame,
                    present & ~aware,
                    TIME,
                    "mixes timestamps with and without a time zone",
                    "either every timestamp is timezone-aware, or none is (then pass tz=)",
                    argument=argument,
                    names=names,
                )
            if aware.any():
                if tz is None:
                    return times  # one zone or several: validation decides
                return pd.to_datetime(times, utc=True).dt.tz_convert(tz)
            naive = pd.to_datetime(times)
        else:
            return times  # validation says what is wrong with it
    missing = naive.isna().to_numpy()
    if missing.any():
        raise _row_error(
            frame,
            missing,
            TIME,
            "is missing",
            "every interval needs a start time",
            argument=argument,
            names=names,
        )
    if tz is None:
        raise _row_error(
            frame,
            np.ones(len(frame), dtype=bool),
            TIME,
            "has timestamps without a time zone",
            "pass tz= (the IANA zone the export was written in, e.g. tz='Europe/Berlin'); "
            "the repeated hour when clocks go back is resolved by row order",
            argument=argument,
            names=names,
        )
    return _localize(frame, naive, tz, argument, names)


def read_volumes(
    source: pd.DataFrame | str | os.PathLike[str],
    *,
    time_col: str = TIME,
    volume_col: str = VOLUME,
    aht_col: str | None = None,
    keys: Mapping[str, str] | Sequence[str] | None = None,
    tz: str | dt.tzinfo | None = None,
    freq: Freq | None = None,
    fill: FillValue | None = None,
    sheet: str | None = None,
) -> pd.DataFrame:
    """Read interval volumes into a validated canonical interval frame.

    Parameters
    ----------
    source : DataFrame, str or path
        A frame, or a path to a ``.csv``, ``.parquet`` or ``.xlsx`` file (read
        with :func:`cccplan.io.read_table`).
    time_col : str, default "interval_start"
        The column holding the interval start times: datetimes, or ISO 8601
        strings with or without UTC offsets.
    volume_col : str, default "volume"
        The column of offered contacts per interval.
    aht_col : str, optional
        The column of average handle times in seconds. Default: the column
        ``aht`` if there is one, else none.
    keys : mapping or sequence of str, optional
        The series keys: a mapping from canonical key to the caller's column,
        e.g. ``{"queue": "Skill", "channel": "Media"}``, or the canonical key
        columns already present, e.g. ``["queue"]``. Default: ``queue`` and
        ``channel`` where present. Column names are never guessed.
    tz : str or tzinfo, optional
        The IANA time zone of the contact centre, e.g. ``"Europe/Berlin"``.
        Required for naive timestamps (they are local wall-clock times in
        *tz*); timestamps with offsets or time zones are converted to it.
    freq : str, Timedelta or offset, optional
        The interval length ("15min", "30min", "h", "D", ...). Default: inferred.
    fill : {None, "zero", "nan"}, default None
        What to do with missing intervals between each series' first and last
        interval: keep them missing (None; absent is not an error), insert
        them with volume 0 ("zero"), or with volume NaN ("nan"; the frame is
        then not valid for staffing or forecasting until the NaNs are
        replaced). Inserted rows have aht NaN.
    sheet : str, optional
        The worksheet of an ``.xlsx`` file (default: see
        :func:`cccplan.io.read_table`).

    Returns
    -------
    pandas.DataFrame
        The canonical interval frame: ``[queue] [channel] interval_start volume
        [aht] [other columns]``, sorted, with ``attrs["freq"]`` set (see
        :func:`~cccplan.frames.validate.validate_frame`).

    Warns
    -----
    DataRepairWarning
        When *fill* inserted intervals, saying how many in how many series.

    Raises
    ------
    InputError
        When a mapped column does not exist (listing those that do) or is
        mapped twice; when a column named ``queue``/``channel``/``volume``...
        would clash with a mapped one; when timestamps are naive and no *tz*
        is given, are not ISO 8601, mix offsets with no offsets, carry several
        UTC offsets without *tz*, or name local times that do not exist in
        *tz* (or that occur twice there but once in their series); when *tz*,
        *fill* or *freq* are not valid; and for every check of
        :func:`~cccplan.frames.validate.validate_frame`.

    Examples
    --------
    >>> import pandas as pd
    >>> export = pd.DataFrame({
    ...     "Skill": ["Sales", "Sales", "Sales"],
    ...     "Start": ["2024-10-27 02:00", "2024-10-27 02:00", "2024-10-27 03:00"],
    ...     "Offered": [7, 5, 6],
    ... })
    >>> read_volumes(export, time_col="Start", volume_col="Offered",
    ...              keys={"queue": "Skill"}, tz="Europe/Berlin", freq="h")
       queue            interval_start  volume
    0  Sales 2024-10-27 02:00:00+02:00     7.0
    1  Sales 2024-10-27 02:00:00+01:00     5.0
    2  Sales 2024-10-27 03:00:00+01:00     6.0
    """
    if fill is not None:
        _check_value(fill, "fill")
    _check_tz(tz)
    raw, argument = _load(source, sheet)
    mapping = _mapping(
        raw,
        argument=argument,
        time_col=time_col,
        volume_col=volume_col,
        aht_col=aht_col,
        keys=keys,
    )
    names = {canonical: column for canonical, column in mapping.items() if canonical != column}
    frame = raw.rename(columns={column: canonical for canonical, column in names.items()})
    frame[TIME] = _parse_times(frame, tz, argument, names).array  # by position
    canonical = _validate(
        frame, argument=argument, freq=freq, require_aht=False, allow_nan=False, names=names
    )
    if fill is None:
        return canonical
    return _fill_canonical(canonical, fill, stacklevel=3)
