"""Reports of a reconciliation: summary, Markdown, HTML, Excel, plot."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import openpyxl
import pandas as pd
import pytest

from cccplan.compare import Reconciliation, compare
from cccplan.exceptions import InputError
from cccplan.staffing import ServiceTarget

TZ = "Europe/Berlin"
EVIL = "<script>document.title='pwned'</script>"
FORMULA = '=HYPERLINK("http://example.invalid","x")'


def reconciliation() -> Reconciliation:
    times = pd.date_range("2026-03-02 08:00", periods=12, freq="15min", tz=TZ)
    forecast = pd.concat(
        [
            pd.DataFrame({"queue": q, "interval_start": times, "volume": 100.0, "aht": 180.0})
            for q in ("billing", EVIL, FORMULA)
        ],
        ignore_index=True,
    )
    plan = forecast[["queue", "interval_start"]].assign(agents=25.0)
    plan.loc[
        (plan["queue"] == EVIL).to_numpy() & plan["interval_start"].isin(times[2:5]).to_numpy(),
        "agents",
    ] = 20.0
    return compare(forecast, plan, targets=ServiceTarget(service_level=0.8, threshold=20))


def test_summary_states_totals_verdict_and_top_findings() -> None:
    result = reconciliation()
    text = result.summary()
    assert "Required 216.0 net agent-hours" in text  # 3 queues x 12 x 24 agents x 0.25 h
    assert "under-staffed 3.0" in text  # 3 intervals x 4 agents x 0.25 h
    assert "does NOT deliver" in text
    assert "ERROR 6.7" in text
    assert result.has_errors


def test_markdown_escapes_user_strings() -> None:
    text = reconciliation().to_markdown()
    assert text.startswith("# Reconciliation")
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    assert "| severity |" in text


def test_html_is_self_contained_and_escaped(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    reconciliation().to_html(path, title="Plan check <b>March</b>")
    text = path.read_text(encoding="utf-8")
    assert "<script" not in text.lower()
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in text
    assert "Plan check &lt;b&gt;March&lt;/b&gt;" in text
    # No external resource: the figure is an embedded PNG.
    assert not re.search(r'(src|href)="(?!data:)', text)
    match = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)
    assert match is not None
    assert base64.b64decode(match.group(1)).startswith(b"\x89PNG")


def test_excel_has_one_sheet_per_table_and_local_times(tmp_path: Path) -> None:
    result = reconciliation()
    path = tmp_path / "report.xlsx"
    result.to_excel(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "summary",
        "findings_by_kind",
        "findings",
        "by_queue",
        "weekly",
        "daily",
        "intervals",
        "notes",
    ]
    intervals = pd.read_excel(path, sheet_name="intervals")
    assert f"interval_start ({TZ})" in intervals.columns
    assert intervals[f"interval_start ({TZ})"].iloc[0] == pd.Timestamp("2026-03-02 08:00")
    assert len(intervals) == len(result.intervals)
    np.testing.assert_allclose(intervals["gap"], result.intervals["gap"])
    # A queue named like a formula stays text.
    sheet = book["intervals"]
    cells = [c for c in sheet["A"] if c.value == FORMULA]
    assert cells
    assert all(c.data_type == "s" for c in cells)
    kinds = pd.read_excel(path, sheet_name="findings_by_kind")
    assert kinds["findings"].sum() == len(result.findings)
    with pytest.raises(InputError, match=r"\.xlsx"):
        result.to_excel(tmp_path / "report.xls")


def test_plot_has_the_three_panels() -> None:
    result = reconciliation()
    figure = result.plot()
    titles = [ax.get_title() for ax in figure.axes]
    assert any("required vs planned" in t for t in titles)
    assert any("service level" in t for t in titles)
    assert any("by day and time of day" in t for t in titles)
    one = result.plot(queue="billing")
    assert "billing" in one.axes[0].get_title()
    with pytest.raises(InputError, match="no intervals"):
        result.plot(queue="nope")
    plt.close("all")
