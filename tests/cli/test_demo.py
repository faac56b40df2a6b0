"""`cccplan demo` in a fresh folder: every promised file, and a report a browser renders."""

from __future__ import annotations

import matplotlib.image
import pandas as pd
import pytest

import cccplan
from cccplan.cli import EXIT_OK, main

PROMISED = [
    "agreement.yaml", "forecast.csv", "forecast.png", "staffing.csv", "staffing_daily.csv",
    "required_agents.png", "ccc_plan.csv", "reconciliation_intervals.csv", "report.html",
    "report.xlsx", "report.md", "reconciliation.png",
]  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "cccplan-demo"
    assert main(["demo", "--out", str(out)]) == EXIT_OK
    return out


@pytest.mark.slow
def test_demo_writes_every_promised_file(demo, capsys):
    for name in PROMISED:
        assert (demo / name).stat().st_size > 0, name
    assert sorted(p.name for p in demo.iterdir()) == sorted(PROMISED)
    # The files are what they say: the agreement reloads, the plan has the gaps.
    agreement = cccplan.Agreement.from_file(demo / "agreement.yaml")
    assert agreement == cccplan.Agreement.example()
    intervals = cccplan.read_table(demo / "reconciliation_intervals.csv")
    billing = intervals[intervals["queue"] == "billing"]
    short = billing[billing["gap"] < 0]
    local = short["interval_start"]
    assert (local.dt.day_of_week < 5).all()
    assert local.dt.hour.isin([9, 10]).all()
    chat = intervals[(intervals["channel"] == "chat") & (intervals["gap"] > 0)]
    assert (chat["interval_start"].dt.day_of_week >= 5).all()
    sheets = pd.ExcelFile(demo / "report.xlsx").sheet_names
    assert len(sheets) >= 4


@pytest.mark.slow
@pytest.mark.browser
def test_demo_report_renders_in_chromium(demo, headless_chromium, tmp_path):
    png = tmp_path / "report.png"
    page = (demo / "report.html").as_uri()
    shot = headless_chromium(f"--screenshot={png}", "--window-size=1280,3000", page)
    assert png.exists(), shot.stderr[-2000:]
    pixels = matplotlib.image.imread(png)
    assert pixels.shape[:2] == (3000, 1280)
    assert float(pixels.std()) > 0.05  # text, tables and plots, not a blank page
    dom = headless_chromium("--dump-dom", page)
    assert dom.returncode == 0
    assert "billing" in dom.stdout
