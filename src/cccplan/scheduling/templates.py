"""Shift templates: when shifts may start, how long they last, their breaks and cost.

A :class:`ShiftTemplate` describes a family of shifts a contact centre may
plan: the wall-clock start times (a list or a grid), the length, the breaks
with the windows they must start in, the weekdays the template may run, its
cost and how many of its shifts may start per day. A :class:`Break` is one
break of a shift (a 30-minute lunch that starts between hours 3 and 5 of the
shift, a paid 15-minute rest break, ...). Both are frozen pydantic models (they
come from files a planner writes: see :func:`read_shifts`); every invalid field
raises :class:`cccplan.InputError` naming the field, the value and what is
allowed. :func:`templates_frame` lists templates as a tidy frame.

Conventions
-----------
* Durations are seconds (floats); numbers, :class:`pandas.Timedelta` and
  strings such as ``"8h"``, ``"30min"`` or ``"2h30min"`` are accepted.
* Start times are local wall-clock times ``"HH:MM"`` in the time zone of the
  requirements the template is scheduled against.
* A break's window is measured from the shift start: ``Break("30min",
  earliest="3h", latest="5h")`` starts at least 3 h and at most 5 h after the
  shift starts (so it ends at most 5 h 30 min after the start).
* A template's breaks must fit inside the shift and must not be able to
  overlap: each break's earliest start is at or after the previous break's
  latest end. This is what lets the scheduler place breaks implicitly (see
  :mod:`cccplan.scheduling.model`).
* ``cost`` is the cost of one shift; without it, ``cost_per_hour`` times the
  paid hours (the length minus the unpaid breaks); without either, the cost is
  the paid hours (``cost_per_hour=1``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from cccplan.exceptions import InputError

__all__ = ["Break", "ShiftTemplate", "read_shifts", "templates_frame"]

#: Weekday names, Monday first (pandas ``dayofweek`` order).
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_NUMBERS = {name: i for i, name in enumerate(WEEKDAY_NAMES)} | {
    name: i for i, name in enumerate(_FULL_NAMES)
}
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
_DAY_SECONDS = 86_400.0

_ALLOWED: dict[str, str] = {
    "name": "a non-empty name",
    "starts": (
        "start times 'HH:MM' (a list such as ['07:00', '08:30'], or a grid "
        "{'from': '07:00', 'to': '14:00', 'every': '15min'} or '07:00-14:00/15min')"
    ),
    "length": "a duration > 0 and at most 24 h, in seconds or as a string ('8h', '7h30min')",
    "breaks": "a list of Break (or mappings with length, earliest, latest, paid)",
    "days": "weekdays such as 'Mon-Sun', 'Mon-Fri', 'Mon-Fri, Sun' or ['sat', 'sun']",
    "cost": "a cost per shift >= 0, or None",
    "cost_per_hour": "a cost per paid hour >= 0, or None",
    "min_count": "a whole number >= 0 of shifts per day",
    "max_count": "a whole number >= 0 of shifts per day, or None (no limit)",
    "length_break": "a break length > 0 in seconds or as a string ('30min')",
    "earliest": "a duration >= 0 from the shift start, in seconds or as a string ('3h')",
    "latest": "a duration >= earliest from the shift start, in seconds or as a string ('5h')",
    "paid": "true or false",
}


def parse_duration(value: Any) -> Any:
    """Seconds from a number, a Timedelta / timedelta or a string ('8h', '30min', '90').

    Values that are not durations are returned unchanged, for pydantic to reject.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, pd.Timedelta | dt.timedelta):
        return pd.Timedelta(value).total_seconds()
    if isinstance(value, str):
        text = value.strip()
        try:
            return float(text)
        except ValueError:
            pass
        try:
            return pd.Timedelta(text.replace(" ", "")).total_seconds()
        except (ValueError, TypeError):
            return value
    return value


def _clock_minutes(value: object, where: str) -> int:
    """Minutes after midnight of a wall-clock time 'HH:MM' (00:00-23:59) or a time."""
    if isinstance(value, dt.time):
        if value.second or value.microsecond:
            raise ValueError(f"{where}: {value} is not a whole minute")
        return value.hour * 60 + value.minute
    if isinstance(value, str) and (match := _TIME.match(value)):
        hour, minute = int(match[1]), int(match[2])
        if hour < 24 and minute < 60:
            return hour * 60 + minute
    raise ValueError(f"{where}: {value!r} is not a start time; write it as 'HH:MM' (00:00-23:59)")


def _format_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _grid(first: object, last: object, every: object) -> list[int]:
    start = _clock_minutes(first, "starts 'from'")
    stop = _clock_minutes(last, "starts 'to'")
    step_seconds = parse_duration(every)
    if (
        not isinstance(step_seconds, int | float)
        or not step_seconds > 0
        or step_seconds % 60
        or not math.isfinite(step_seconds)
    ):
        raise ValueError(f"starts 'every': {every!r} is not a whole number of minutes > 0")
    if stop < start:
        raise ValueError(
            f"starts: the grid runs from {_format_clock(start)} to {_format_clock(stop)}, "
            "which is backwards; 'to' is the last start of the day and must not be before 'from'"
        )
    return list(range(start, stop + 1, int(step_seconds // 60)))


def _parse_starts(value: object) -> tuple[str, ...]:
    minutes: list[int]
    if isinstance(value, Mapping):
        unknown = set(value) - {"from", "to", "every"}
        if unknown or not {"from", "to", "every"} <= set(value):
            raise ValueError(
                "starts: a grid needs exactly the keys 'from', 'to' and 'every'; "
                f"got {sorted(value)}"
            )
        minutes = _grid(value["from"], value["to"], value["every"])
    elif isinstance(value, str) and "/" in value:
        span, _, every = value.partition("/")
        first, dash, last = span.partition("-")
        if not dash:
            raise ValueError(f"starts: {value!r} is not a grid; write it as '07:00-14:00/15min'")
        minutes = _grid(first, last, every.strip())
    elif isinstance(value, str):
        minutes = [_clock_minutes(part, "starts") for part in value.split(",") if part.strip()]
    elif isinstance(value, dt.time):
        minutes = [_clock_minutes(value, "starts")]
    elif isinstance(value, Iterable):
        minutes = [_clock_minutes(part, "starts") for part in value]
    else:
        raise ValueError(f"starts: {value!r} is not a list of start times or a grid")
    if not minutes:
        raise ValueError("starts: no start time given")
    return tuple(_format_clock(m) for m in sorted(set(minutes)))


def parse_days(value: object) -> tuple[str, ...]:
    """Weekday names (mon..sun, Monday first) from 'Mon-Fri', 'Mon-Fri, Sun', a list or 0-6."""
    items: list[object]
    if isinstance(value, str):
        items = [part for part in re.split(r"[,;]", value) if part.strip()]
    elif isinstance(value, Iterable):
        items = list(value)
    else:
        raise ValueError(f"days: {value!r} is not a list of weekdays")

    def index(name: object) -> int:
        if isinstance(name, int) and not isinstance(name, bool) and 0 <= name <= 6:
            return name
        if isinstance(name, str) and name.strip().lower() in _DAY_NUMBERS:
            return _DAY_NUMBERS[name.strip().lower()]
        raise ValueError(
            f"days: unknown weekday {name!r}; use Mon..Sun (any case), full names, 0-6 "
            "(Monday = 0) or spans such as 'Mon-Fri'"
        )

    numbers: set[int] = set()
    for item in items:
        if isinstance(item, str) and "-" in item:
            first, _, last = item.partition("-")
            start, stop = index(first), index(last)
            # A span may wrap round the week: "Sat-Mon" is Saturday, Sunday, Monday.
            numbers.update((start + k) % 7 for k in range((stop - start) % 7 + 1))
        else:
            numbers.add(index(item))
    if not numbers:
        raise ValueError("days: no weekday given")
    return tuple(WEEKDAY_NAMES[n] for n in sorted(numbers))


def describe_days(days: Sequence[str]) -> str:
    """'Mon-Fri', 'Mon-Wed, Sat' ...: a compact description of weekday names."""
    numbers = sorted(WEEKDAY_NAMES.index(d) for d in days)
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = []
    for run in runs:
        first, last = WEEKDAY_NAMES[run[0]].title(), WEEKDAY_NAMES[run[-1]].title()
        parts.append(first if len(run) == 1 else f"{first}-{last}")
    return ", ".join(parts)


def _errors_to_input_error(owner: str, exc: ValidationError, data: Mapping[str, Any]) -> InputError:
    parts: list[str] = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        field = ".".join(loc)
        last = loc[-1] if loc else ""
        key = "length_break" if owner == "Break" and last == "length" else last
        if error["type"] == "extra_forbidden":
            fields = Break.model_fields if owner == "Break" else ShiftTemplate.model_fields
            parts.append(f"unknown field `{field}`; the fields are {', '.join(fields)}")
        elif error["type"] == "value_error" or key not in _ALLOWED or len(loc) > 1:
            message = str(error["msg"]).removeprefix("Value error, ").removeprefix(f"{last}: ")
            parts.append(f"`{field}`: {message}" if loc else message)
        else:
            parts.append(f"`{field}` must be {_ALLOWED[key]}; got {data.get(last)!r}")
    name = data.get("name")
    label = f"{owner} {name!r}" if isinstance(name, str) else owner
    return InputError(f"{label}: " + "; ".join(parts))


class Break(BaseModel):
    """One break of a shift, placed by the scheduler inside its window.

    Parameters
    ----------
    length : float or str
        Length of the break in seconds (or "15min", "30min"), > 0.
    earliest, latest : float or str
        Window of the break's start, in seconds after the shift start (or
        "3h", "4h30min"): the break starts at or after ``earliest`` and at or
        before ``latest``.
    paid : bool, default False
        Paid breaks count towards the paid hours (the shift's cost when it is
        costed per hour); both kinds take the agent off the floor.

    Raises
    ------
    InputError
        Naming the field, for a length <= 0, a negative ``earliest`` or
        ``latest < earliest``.

    Examples
    --------
    >>> lunch = Break("30min", earliest="3h", latest="5h")
    >>> lunch.length, lunch.earliest, lunch.latest, lunch.paid
    (1800.0, 10800.0, 18000.0, False)
    >>> Break(length="1h", earliest="2h", latest="1h")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cccplan.exceptions.InputError: Break: `latest`: ... before the earliest ...
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    length: float = Field(gt=0.0, allow_inf_nan=False)
    earliest: float = Field(ge=0.0, allow_inf_nan=False)
    latest: float = Field(ge=0.0, allow_inf_nan=False)
    paid: bool = False

    def __init__(
        self,
        length: float | str | pd.Timedelta | None = None,
        earliest: float | str | pd.Timedelta | None = None,
        latest: float | str | pd.Timedelta | None = None,
        **data: Any,
    ) -> None:
        for name, value in (("length", length), ("earliest", earliest), ("latest", latest)):
            if value is not None:
                data[name] = value
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise _errors_to_input_error("Break", exc, data) from None

    @field_validator("length", "earliest", "latest", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return parse_duration(value)

    @model_validator(mode="after")
    def _window(self) -> Break:
        if self.latest < self.earliest:
            raise ValueError(
                f"`latest`: the window's latest start ({self.latest:g} s) is before the "
                f"earliest ({self.earliest:g} s); both are measured from the shift start"
            )
        return self


class ShiftTemplate(BaseModel):
    """A family of shifts: start times, length, breaks, weekdays, cost and counts.

    Parameters
    ----------
    name : str
        The template's name (unique within a schedule).
    starts : list of str, str or mapping
        Local wall-clock start times: ``["07:00", "08:30"]``, ``"07:00, 08:30"``,
        a grid ``{"from": "07:00", "to": "14:00", "every": "15min"}`` (``to`` is
        the last start, included) or ``"07:00-14:00/15min"``. Stored as sorted
        unique ``"HH:MM"`` strings.
    length : float or str
        Length of the shift in seconds (or "8h", "7h30min"), breaks included;
        > 0 and at most 24 h. Lengths are physical time: an 8-hour shift over
        a DST change ends 8 hours after it starts.
    breaks : sequence of Break (or mappings), default ()
        The shift's breaks, each with its window from the shift start. They
        must fit inside the shift (``latest + length <= shift length``) and
        must not be able to overlap (sorted by ``earliest``, each break's
        ``earliest`` is at or after the previous break's ``latest + length``).
    days : str or sequence, default "Mon-Sun"
        Weekdays the template may run: "Mon-Fri", "Mon-Fri, Sun", ["sat", "sun"],
        0-6 (Monday = 0). Stored as names "mon".."sun", Monday first.
    cost : float, optional
        Cost of one shift (>= 0). Exclusive with ``cost_per_hour``.
    cost_per_hour : float, optional
        Cost per paid hour (>= 0): the shift's length minus its unpaid breaks.
        Without ``cost`` and ``cost_per_hour`` a shift costs its paid hours.
    min_count, max_count : int, optional
        Fewest and most shifts of this template starting on one day for one
        queue (or pool); ``max_count=None`` is no limit.

    Raises
    ------
    InputError
        Naming the field: a bad start time, a length <= 0 or over 24 h, a
        break longer than the shift or with its window outside the shift,
        overlapping break windows, unknown weekdays, negative costs, both costs
        given, counts < 0 or ``min_count > max_count``.

    Examples
    --------
    >>> early = ShiftTemplate(
    ...     "early",
    ...     starts={"from": "07:00", "to": "08:00", "every": "30min"},
    ...     length="8h",
    ...     breaks=[Break("30min", earliest="3h", latest="5h")],
    ...     days="Mon-Fri",
    ... )
    >>> early.starts, early.length, early.days
    (('07:00', '07:30', '08:00'), 28800.0, ('mon', 'tue', 'wed', 'thu', 'fri'))
    >>> early.paid_hours, early.shift_cost
    (7.5, 7.5)
    >>> ShiftTemplate("x", starts="08:00", length="4h", breaks=[Break("5h", 0, 0)])
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cccplan.exceptions.InputError: ShiftTemplate 'x': `breaks`: break 1 ... does not fit ...
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    starts: tuple[str, ...]
    length: float = Field(gt=0.0, le=_DAY_SECONDS, allow_inf_nan=False)
    breaks: tuple[Break, ...] = ()
    days: tuple[str, ...] = WEEKDAY_NAMES
    cost: float | None = Field(default=None, ge=0.0, allow_inf_nan=False)
    cost_per_hour: float | None = Field(default=None, ge=0.0, allow_inf_nan=False)
    min_count: int = Field(default=0, ge=0)
    max_count: int | None = Field(default=None, ge=0)

    def __init__(
        self,
        name: str | None = None,
        starts: Any = None,
        length: float | str | pd.Timedelta | None = None,
        **data: Any,
    ) -> None:
        for key, value in (("name", name), ("starts", starts), ("length", length)):
            if value is not None:
                data[key] = value
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise _errors_to_input_error("ShiftTemplate", exc, data) from None

    @field_validator("starts", mode="before")
    @classmethod
    def _starts(cls, value: Any) -> tuple[str, ...]:
        return _parse_starts(value)

    @field_validator("length", mode="before")
    @classmethod
    def _length(cls, value: Any) -> Any:
        return parse_duration(value)

    @field_validator("days", mode="before")
    @classmethod
    def _days(cls, value: Any) -> tuple[str, ...]:
        return parse_days(value)

    @field_validator("breaks", mode="before")
    @classmethod
    def _breaks(cls, value: Any) -> Any:
        if isinstance(value, Break | Mapping):
            value = [value]
        if not isinstance(value, Iterable) or isinstance(value, str):
            return value
        out: list[Any] = []
        for number, item in enumerate(value, start=1):
            if isinstance(item, Mapping):
                try:
                    out.append(Break(**{str(k): v for k, v in item.items()}))
                except InputError as exc:
                    raise ValueError(f"break {number}: {exc}") from None
            else:
                out.append(item)
        return tuple(out)

    @model_validator(mode="after")
    def _consistent(self) -> ShiftTemplate:
        previous_end = -math.inf
        ordered = sorted(self.breaks, key=lambda b: b.earliest)
        for number, item in enumerate(ordered, start=1):
            if item.latest + item.length > self.length:
                raise ValueError(
                    f"`breaks`: break {number} ({item.length:g} s starting up to "
                    f"{item.latest:g} s after the shift start) does not fit in the shift of "
                    f"{self.length:g} s; the window must end by latest + length <= length"
                )
            if item.earliest < previous_end:
                raise ValueError(
                    f"`breaks`: break {number} may start at {item.earliest:g} s, before the "
                    f"previous break can end ({previous_end:g} s); break windows must not "
                    "overlap (each break's earliest start at or after the previous break's "
                    "latest start plus its length)"
                )
            previous_end = item.latest + item.length
        if self.cost is not None and self.cost_per_hour is not None:
            raise ValueError("`cost`: give cost (per shift) or cost_per_hour, not both")
        if self.max_count is not None and self.min_count > self.max_count:
            raise ValueError(
                f"`min_count`: {self.min_count} is more than max_count ({self.max_count})"
            )
        # Sorted by window, so that the break numbers of results follow the shift.
        object.__setattr__(self, "breaks", tuple(ordered))
        return self

    @property
    def paid_hours(self) -> float:
        """Paid hours of one shift: its length minus its unpaid breaks, in hours."""
        unpaid = sum(b.length for b in self.breaks if not b.paid)
        return (self.length - unpaid) / 3600.0

    @property
    def shift_cost(self) -> float:
        """Cost of one shift: ``cost``, else ``cost_per_hour`` (default 1) x paid hours."""
        if self.cost is not None:
            return self.cost
        rate = 1.0 if self.cost_per_hour is None else self.cost_per_hour
        return rate * self.paid_hours


def templates_frame(shifts: Iterable[ShiftTemplate]) -> pd.DataFrame:
    """Shift templates as a tidy frame, one row per template.

    Parameters
    ----------
    shifts : iterable of ShiftTemplate

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``starts`` (comma-separated "HH:MM"), ``n_starts``,
        ``length`` (seconds), ``paid_hours``, ``breaks`` (e.g.
        ``"30min@3h-5h; 15min@1h-2h paid"``), ``days`` (e.g. "Mon-Fri"),
        ``cost`` (of one shift), ``min_count``, ``max_count``.

    Examples
    --------
    >>> frame = templates_frame([ShiftTemplate("late", starts="12:00, 13:00", length="6h",
    ...                                        breaks=[Break("15min", "2h", "3h", paid=True)])])
    >>> print(frame[["name", "starts", "length", "breaks", "days", "cost"]].to_string(index=False))
    name       starts  length           breaks    days  cost
    late 12:00, 13:00 21600.0 15min@2h-3h paid Mon-Sun   6.0
    """
    rows = []
    for template in shifts:
        rows.append(
            {
                "name": template.name,
                "starts": ", ".join(template.starts),
                "n_starts": len(template.starts),
                "length": template.length,
                "paid_hours": template.paid_hours,
                "breaks": "; ".join(_describe_break(b) for b in template.breaks),
                "days": describe_days(template.days),
                "cost": template.shift_cost,
                "min_count": template.min_count,
                "max_count": template.max_count,
            }
        )
    columns = ["name", "starts", "n_starts", "length", "paid_hours", "breaks", "days", "cost"]
    return pd.DataFrame(rows, columns=[*columns, "min_count", "max_count"])


def _short(seconds: float) -> str:
    minutes = round(seconds / 60)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours}h{rest}min"
    return f"{hours}h" if hours else f"{rest}min"


def _describe_break(item: Break) -> str:
    text = f"{_short(item.length)}@{_short(item.earliest)}-{_short(item.latest)}"
    return text + (" paid" if item.paid else "")


_BREAK_TEXT = re.compile(r"^\s*([^@]+)@\s*([^-]+)-\s*(\S+)\s*(paid|unpaid)?\s*$", re.IGNORECASE)


def _parse_break_text(text: str, where: str) -> Break:
    match = _BREAK_TEXT.match(text)
    if not match:
        raise InputError(
            f"read_shifts: {where}: break {text!r} is not LENGTH@EARLIEST-LATEST, e.g. "
            "'30min@3h-5h' or '15min@1h-2h paid'"
        )
    paid = (match[4] or "").lower() == "paid"
    return Break(match[1].strip(), match[2].strip(), match[3].strip(), paid=paid)


def _from_record(record: Mapping[str, Any], where: str) -> ShiftTemplate:
    data = {str(k): v for k, v in record.items()}
    try:
        return ShiftTemplate(**data)
    except InputError as exc:
        raise InputError(f"read_shifts: {where}: {exc}") from None


def _csv_record(row: Mapping[str, Any], where: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in row.items():
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if isinstance(value, str) and not value.strip():
            continue
        data[str(key)] = value
    if isinstance(data.get("breaks"), str):
        data["breaks"] = [
            _parse_break_text(part, where) for part in data["breaks"].split(";") if part.strip()
        ]
    for key in ("min_count", "max_count"):
        value = data.get(key)
        if isinstance(value, float) and value.is_integer():
            data[key] = int(value)
    return data


def read_shifts(path: str | Path) -> list[ShiftTemplate]:
    """Read shift templates from a YAML, TOML, JSON or CSV file.

    Parameters
    ----------
    path : str or Path
        The file; its suffix chooses the format (``.yaml``/``.yml``,
        ``.toml``, ``.json``, ``.csv``). YAML, TOML and JSON hold a list of
        templates under the key ``shifts`` (YAML and JSON may also be the bare
        list), each a mapping of :class:`ShiftTemplate` fields with breaks as
        mappings of :class:`Break` fields. A CSV file has one row per template
        with the field names as columns, ``starts`` written as
        ``"07:00, 07:30"`` or ``"07:00-14:00/15min"`` and ``breaks`` as
        ``"30min@3h-5h; 15min@1h-2h paid"``.

    Returns
    -------
    list of ShiftTemplate

    Raises
    ------
    InputError
        For a missing file, an unknown suffix, a file that does not parse,
        no templates, duplicate names, or an invalid template (naming the
        template, by name or position, and the field).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> text = '''
    ... shifts:
    ...   - name: day
    ...     starts: {from: "08:00", to: "10:00", every: 1h}
    ...     length: 8h
    ...     breaks: [{length: 30min, earliest: 3h, latest: 5h}]
    ...     days: Mon-Fri
    ... '''
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "shifts.yaml"
    ...     _ = path.write_text(text)
    ...     [t.name for t in read_shifts(path)], read_shifts(path)[0].starts
    (['day'], ('08:00', '09:00', '10:00'))
    """
    file = Path(path)
    if not file.is_file():
        raise InputError(f"read_shifts: no such file: {str(path)!r}")
    suffix = file.suffix.lower()
    records: Any
    try:
        if suffix in (".yaml", ".yml"):
            records = yaml.safe_load(file.read_text(encoding="utf-8"))
        elif suffix == ".json":
            records = json.loads(file.read_text(encoding="utf-8"))
        elif suffix == ".toml":
            records = tomllib.loads(file.read_text(encoding="utf-8"))
        elif suffix == ".csv":
            table = pd.read_csv(file, dtype=str, keep_default_na=False)
            records = [
                _csv_record(row, f"row {number}")
                for number, row in enumerate(table.to_dict("records"), start=1)
            ]
        else:
            raise InputError(
                f"read_shifts: unknown file type {suffix!r} of {file.name!r}; use .yaml, .yml, "
                ".toml, .json or .csv"
            )
    except (
        yaml.YAMLError,
        json.JSONDecodeError,
        tomllib.TOMLDecodeError,
        UnicodeDecodeError,
    ) as exc:
        raise InputError(f"read_shifts: {file.name!r} does not parse as {suffix}: {exc}") from None
    if isinstance(records, Mapping):
        if "shifts" not in records:
            raise InputError(
                f"read_shifts: {file.name!r} has no key 'shifts' (keys: {sorted(records)}); "
                "put the templates in a list under 'shifts'"
            )
        records = records["shifts"]
    if not isinstance(records, list) or not records:
        raise InputError(f"read_shifts: {file.name!r} holds no list of shift templates")
    templates: list[ShiftTemplate] = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, Mapping):
            raise InputError(
                f"read_shifts: template {number} in {file.name!r} is {record!r}, not a mapping "
                "of ShiftTemplate fields"
            )
        name = record.get("name")
        where = f"template {number}" + (f" ({name!r})" if name is not None else "")
        templates.append(_from_record(record, where))
    names = [t.name for t in templates]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InputError(f"read_shifts: template names must be unique; repeated: {duplicates}")
    return templates
