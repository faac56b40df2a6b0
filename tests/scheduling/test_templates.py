"""ShiftTemplate, Break, templates_frame and read_shifts; the example shifts file."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import tomli_w
import yaml

import cccplan
from cccplan.exceptions import InputError
from cccplan.scheduling import ShiftTemplate, read_shifts, schedule, templates_frame

from . import _check

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "shifts.yaml"

RECORD = {
    "name": "early",
    "starts": {"from": "07:00", "to": "08:00", "every": "30min"},
    "length": "8h",
    "breaks": [
        {"length": "15min", "earliest": "1h30min", "latest": "2h30min", "paid": True},
        {"length": "30min", "earliest": "3h30min", "latest": "4h30min"},
    ],
    "days": "Mon-Fri",
    "cost_per_hour": 20,
    "max_count": 10,
}


def test_template_fields_and_costs():
    template = ShiftTemplate(**RECORD)
    assert template.starts == ("07:00", "07:30", "08:00")
    assert template.length == 28800.0
    assert template.days == ("mon", "tue", "wed", "thu", "fri")
    # Paid hours: 8 h minus the unpaid 30-minute lunch = 7.5 h; x 20 per hour = 150.
    assert template.paid_hours == 7.5
    assert template.shift_cost == 150.0
    assert ShiftTemplate("x", starts="08:00", length="4h", cost=50).shift_cost == 50.0
    # Grid strings, lists, wrapping day spans.
    assert ShiftTemplate("x", starts="07:00-08:00/30min", length="1h").starts == (
        "07:00",
        "07:30",
        "08:00",
    )
    assert ShiftTemplate("x", starts=["09:00", "08:00", "09:00"], length="1h").starts == (
        "08:00",
        "09:00",
    )
    assert ShiftTemplate("x", starts="08:00", length=3600, days="Sat-Mon").days == (
        "mon",
        "sat",
        "sun",
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"breaks": [{"length": "9h", "earliest": 0, "latest": 0}]}, "breaks"),  # longer than shift
        ({"breaks": [{"length": "30min", "earliest": "7h", "latest": "8h"}]}, "breaks"),  # window
        ({"breaks": [{"length": "30min", "earliest": "3h", "latest": "2h"}]}, "latest"),
        ({"breaks": [{"length": "-1min", "earliest": "3h", "latest": "4h"}]}, "length"),
        (
            {
                "breaks": [
                    {"length": "30min", "earliest": "3h", "latest": "4h"},
                    {"length": "15min", "earliest": "4h", "latest": "5h"},
                ]
            },
            "overlap",
        ),
        ({"cost_per_hour": -1}, "cost_per_hour"),
        ({"cost": -5, "cost_per_hour": None}, "cost"),
        ({"cost": 5}, "not both"),
        ({"length": "25h"}, "length"),
        ({"length": 0}, "length"),
        ({"starts": "7:61"}, "starts"),
        ({"starts": {"from": "09:00", "to": "08:00", "every": "15min"}}, "backwards"),
        ({"days": "Mon-Fryday"}, "days"),
        ({"min_count": 11}, "min_count"),
        ({"max_count": -1}, "max_count"),
        ({"colour": "red"}, "unknown field `colour`"),
    ],
)
def test_bad_templates_name_the_field(change, field):
    with pytest.raises(InputError, match=field):
        ShiftTemplate(**(RECORD | change))


def test_templates_frame():
    frame = templates_frame([ShiftTemplate(**RECORD)])
    row = frame.iloc[0]
    assert row["breaks"] == "15min@1h30min-2h30min paid; 30min@3h30min-4h30min"
    assert row["days"] == "Mon-Fri"
    assert row["n_starts"] == 3
    assert row["cost"] == 150.0


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".toml"])
def test_read_shifts_structured_formats(tmp_path, suffix):
    path = tmp_path / f"shifts{suffix}"
    document = {"shifts": [RECORD, {"name": "late", "starts": "12:00", "length": "6h"}]}
    if suffix == ".yaml":
        path.write_text(yaml.safe_dump(document))
    elif suffix == ".json":
        path.write_text(json.dumps(document))
    else:
        path.write_text(tomli_w.dumps(document))
    templates = read_shifts(path)
    assert [t.name for t in templates] == ["early", "late"]
    assert templates[0] == ShiftTemplate(**RECORD)


def test_read_shifts_csv(tmp_path):
    path = tmp_path / "shifts.csv"
    path.write_text(
        "name,starts,length,breaks,days,cost_per_hour,max_count\n"
        'early,07:00-08:00/30min,8h,"15min@1h30min-2h30min paid; 30min@3h30min-4h30min",'
        "Mon-Fri,20,10\n"
        "late,12:00,6h,,Mon-Sun,,\n"
    )
    templates = read_shifts(path)
    assert templates[0] == ShiftTemplate(**RECORD)
    assert templates[1].breaks == ()


def test_read_shifts_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_shifts(tmp_path / "missing.yaml")
    bad = tmp_path / "shifts.txt"
    bad.write_text("x")
    with pytest.raises(InputError, match="unknown file type"):
        read_shifts(bad)
    broken = tmp_path / "shifts.yaml"
    broken.write_text("shifts: [unclosed")
    with pytest.raises(InputError, match="does not parse"):
        read_shifts(broken)
    broken.write_text("templates: []")
    with pytest.raises(InputError, match="no key 'shifts'"):
        read_shifts(broken)
    broken.write_text(yaml.safe_dump({"shifts": [RECORD | {"cost_per_hour": -3}]}))
    with pytest.raises(InputError, match=r"template 1 \('early'\).*cost_per_hour"):
        read_shifts(broken)
    broken.write_text(yaml.safe_dump({"shifts": [RECORD, RECORD]}))
    with pytest.raises(InputError, match="unique"):
        read_shifts(broken)
    csv = tmp_path / "shifts.csv"
    csv.write_text("name,starts,length,breaks\nx,08:00,4h,30min from 1h\n")
    with pytest.raises(InputError, match="LENGTH@EARLIEST-LATEST"):
        read_shifts(csv)


def test_example_shifts_fit_the_example_centre():
    # One Tuesday of the example centre's four queues, staffed from its history and
    # scheduled with examples/shifts.yaml: every queue covered, every invariant holds.
    templates = read_shifts(EXAMPLE)
    centre = cccplan.load_example()
    history = centre.history
    day = history[
        (history["interval_start"] >= pd.Timestamp("2025-06-03", tz="Europe/Berlin"))
        & (history["interval_start"] < pd.Timestamp("2025-06-04", tz="Europe/Berlin"))
    ]
    staffing = cccplan.staff(day, centre.targets)
    result = schedule(staffing, templates, time_limit=20)
    assert result.status in ("optimal", "time_limit")
    assert result.uncovered.empty
    open_times = {
        f"{q}/{c}": pd.DatetimeIndex(rows["interval_start"])
        for (q, c), rows in staffing.groupby(["queue", "channel"])
    }
    _check.check_schedule(result, templates, open_times)
    assert set(result.shifts["group"]) == set(open_times)
