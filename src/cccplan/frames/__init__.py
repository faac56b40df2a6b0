"""Tidy interval frames: column names, validation, reading, gaps, resampling, opening hours.

Every stage of cccplan passes a long-format frame with one row per series and
interval (see the project's DESIGN.md, "Frame conventions"): key columns
``queue`` and/or ``channel``, a timezone-aware ``interval_start``, ``volume``
and optionally ``aht`` (seconds). The interval length is the frame's
frequency, inferred and validated, never a column; it is also kept as a hint
in ``frame.attrs["freq"]``. Closed intervals are usually absent: absent is not
zero and not an error.

- :func:`read_volumes` reads a DataFrame or a CSV / Parquet / Excel file with
  explicit column mapping and returns the canonical frame;
  :func:`validate_frame` checks one; :func:`infer_freq` and :func:`parse_freq`
  handle interval lengths.
- :func:`find_gaps` reports missing intervals, :func:`fill_gaps` fills them
  when asked (with a :class:`cccplan.DataRepairWarning`).
- :func:`resample` aggregates to a coarser frequency (volume summed, AHT
  volume-weighted) and disaggregates only with a profile.
- :class:`OpeningHours` (weekly hours, holidays, special days in an IANA zone)
  with :func:`is_open`, :func:`mark_open`, :func:`open_intervals`,
  :func:`infer_opening_hours` and :func:`closed_volume`.
"""

from __future__ import annotations

from cccplan.frames._columns import AHT, CHANNEL, CHANNELS, KEY_COLUMNS, QUEUE, TIME, VOLUME
from cccplan.frames.gaps import fill_gaps, find_gaps
from cccplan.frames.hours import (
    WEEKDAYS,
    OpeningHours,
    closed_volume,
    infer_opening_hours,
    is_open,
    mark_open,
    open_intervals,
)
from cccplan.frames.read import read_volumes
from cccplan.frames.resample import resample
from cccplan.frames.validate import infer_freq, parse_freq, validate_frame

__all__ = [
    "AHT",
    "CHANNEL",
    "CHANNELS",
    "KEY_COLUMNS",
    "QUEUE",
    "TIME",
    "VOLUME",
    "WEEKDAYS",
    "OpeningHours",
    "closed_volume",
    "fill_gaps",
    "find_gaps",
    "infer_freq",
    "infer_opening_hours",
    "is_open",
    "mark_open",
    "open_intervals",
    "parse_freq",
    "read_volumes",
    "resample",
    "validate_frame",
]
