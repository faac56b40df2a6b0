"""The command line across the flow: compare, check, schema (files in, reports out)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import cccplan
from cccplan._demo import example_plan
from cccplan.cli import EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, main

ROOT = Path(__file__).resolve().parents[2]
AGREEMENT = ROOT / "examples" / "agreements" / "agreement.yaml"
MINIMAL = ROOT / "examples" / "agreements" / "minimal.yaml"
BROKEN = ROOT / "tests" / "requirements" / "data" / "broken.yaml"


def problems(err):
    """The lines of standard error that are not progress lines (those end with ' ...')."""
    return [line for line in err.splitlines() if not line.endswith(" ...")]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A week of the example centre as the client's forecast, its staffing and two plans."""
    folder = tmp_path_factory.mktemp("flow")
    centre = cccplan.load_example()
    times = centre.history["interval_start"]
    week = centre.history[(times >= "2025-11-17") & (times < "2025-11-24")].reset_index(drop=True)
    staffing = cccplan.staff(week, cccplan.Agreement.example().service_targets())
    cccplan.write_frame(week, folder / "forecast.csv")
    cccplan.write_frame(example_plan(staffing), folder / "gappy_plan.xlsx")
    full = staffing[["queue", "channel", "interval_start", "agents"]]
    cccplan.write_frame(full, folder / "full_plan.parquet")
    targets = "\n".join(
        f"{q}/{c}: {json.dumps(fields)}" for (q, c), fields in centre.targets.items()
    )
    (folder / "targets.yaml").write_text(targets + "\n")
    return folder


def test_compare_gappy_plan_exits_1_and_writes_reports(capsys, files):
    code, out, err = run(
        capsys, "compare", "--forecast", files / "forecast.csv",
        "--plan", files / "gappy_plan.xlsx", "--agreement", AGREEMENT,
        "--report", files / "report.html", "--excel", files / "r.xlsx",
        "--markdown", files / "r.md", "--out", files / "intervals.csv",
    )  # fmt: skip
    assert code == EXIT_FINDINGS, err
    assert "does NOT deliver" in out
    html = (files / "report.html").read_text("utf-8")
    assert "<img" in html
    assert "billing" in html
    assert pd.ExcelFile(files / "r.xlsx").sheet_names
    assert (files / "r.md").read_text("utf-8").startswith("#")
    intervals = cccplan.read_table(files / "intervals.csv")
    short = intervals[(intervals["queue"] == "billing") & (intervals["gap"] < 0)]
    assert len(short) > 0
    assert (short["interval_start"].dt.hour.between(9, 10)).all()


def test_compare_full_plan_with_targets_exits_0(capsys, files):
    code, out, err = run(
        capsys, "compare", "--forecast", files / "forecast.csv", "--plan",
        files / "full_plan.parquet", "--targets", files / "targets.yaml",
    )  # fmt: skip
    assert code == EXIT_OK, out + err
    assert "under-staffed 0.0" in out


def test_compare_needs_targets_or_agreement(capsys, files):
    code, _, err = run(capsys, "compare", "--forecast", files / "forecast.csv",
                       "--plan", files / "full_plan.parquet")  # fmt: skip
    assert code == EXIT_INPUT
    assert "--agreement or --targets" in err


def test_compare_plan_with_wrong_columns(capsys, files, tmp_path):
    bad = tmp_path / "plan.csv"
    pd.DataFrame({"queue": ["billing"], "when": ["2025-11-17 09:00"], "heads": [3]}).to_csv(bad)
    code, _, err = run(capsys, "compare", "--forecast", files / "forecast.csv", "--plan", bad,
                       "--targets", files / "targets.yaml")  # fmt: skip
    assert code == EXIT_INPUT
    assert len(problems(err)) == 1
    assert "plan" in err


def test_check_valid_minimal_agreement_exit_0(capsys):
    code, out, _ = run(capsys, "check", "--agreement", MINIMAL, "--today", "2026-02-01")
    assert code == EXIT_OK
    assert "valid" in out
    assert "to attest" in out


def test_check_with_data_reports_findings(capsys, files):
    code, out, _ = run(capsys, "check", "--agreement", AGREEMENT, "--forecast",
                       files / "forecast.csv", "--plan", files / "gappy_plan.xlsx",
                       "--today", "2025-11-10")  # fmt: skip
    assert code == EXIT_FINDINGS
    assert "ERROR 5.4" in out or "ERROR 6.7" in out


def test_check_broken_agreement_is_one_line_naming_clause_and_field(capsys):
    code, _, err = run(capsys, "check", "--agreement", BROKEN)
    assert code == EXIT_INPUT
    assert len(problems(err)) == 1
    assert "clause 5.4/6.3" in err
    assert "timezone" in err


def test_check_bad_date(capsys):
    code, _, err = run(capsys, "check", "--agreement", MINIMAL, "--today", "someday")
    assert code == EXIT_INPUT
    assert "--today" in err


def test_schema_is_the_agreements(capsys, tmp_path):
    code, out, _ = run(capsys, "schema")
    assert code == EXIT_OK
    assert json.loads(out) == cccplan.Agreement.json_schema()
    code, _, _ = run(capsys, "schema", "--out", tmp_path / "s.json")
    assert code == EXIT_OK
    assert json.loads((tmp_path / "s.json").read_text()) == cccplan.Agreement.json_schema()


SHIFTS = """\
- name: day
  starts: {from: "08:00", to: "12:00", every: 1h}
  length: 8h
  breaks: [{length: 30min, earliest: 3h, latest: 5h}]
  days: Mon-Sat
- name: short
  starts: {from: "08:00", to: "16:00", every: 1h}
  length: 4h
  days: Mon-Sat
"""


def test_schedule_then_compare_the_plan(capsys, files, tmp_path):
    staffing = cccplan.read_table(files / "full_plan.parquet")
    billing_day = staffing[
        (staffing["queue"] == "billing") & (staffing["interval_start"].dt.day == 17)
    ]
    cccplan.write_frame(billing_day, tmp_path / "staffing.csv")
    (tmp_path / "shifts.yaml").write_text(SHIFTS)
    code, out, err = run(
        capsys, "schedule", "--staffing", tmp_path / "staffing.csv", "--shifts",
        tmp_path / "shifts.yaml", "--out", tmp_path / "plan.xlsx", "--shifts-out",
        tmp_path / "shifts.csv", "--time-limit", "20", "--plot", tmp_path / "plan.png",
    )  # fmt: skip
    assert code == EXIT_OK, err
    assert "intervals short" in out
    plan = cccplan.read_table(tmp_path / "plan.xlsx")
    assert len(plan) == len(billing_day)
    assert (plan["agents"] >= 0).all()
    shifts = cccplan.read_table(tmp_path / "shifts.csv")
    assert set(shifts["template"]) <= {"day", "short"}
    assert (tmp_path / "plan.png").stat().st_size > 0
    # The scheduled plan is what compare reads.
    forecast = cccplan.read_table(files / "forecast.csv")
    forecast = forecast[
        (forecast["queue"] == "billing") & (forecast["interval_start"].dt.day == 17)
    ]
    cccplan.write_frame(forecast, tmp_path / "forecast.csv")
    code, out, err = run(capsys, "compare", "--forecast", tmp_path / "forecast.csv", "--plan",
                         tmp_path / "plan.xlsx", "--targets", files / "targets.yaml")  # fmt: skip
    assert code in (EXIT_OK, EXIT_FINDINGS), err
    assert "Coverage" in out


def test_schedule_bad_shifts_file(capsys, files, tmp_path):
    (tmp_path / "shifts.yaml").write_text(
        "- name: x\n  starts: ['08:00']\n  length: 2h\n"
        "  breaks: [{length: 3h, earliest: 0h, latest: 1h}]\n"
    )
    code, _, err = run(capsys, "schedule", "--staffing", files / "forecast.csv", "--shifts",
                       tmp_path / "shifts.yaml", "--out", tmp_path / "plan.csv")  # fmt: skip
    assert code == EXIT_INPUT
    assert len(problems(err)) == 1
    assert "break" in err.lower()
