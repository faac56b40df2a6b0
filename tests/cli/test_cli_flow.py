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
    assert err.count("\n") == 1
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
    assert err.count("\n") == 1
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
