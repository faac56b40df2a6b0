"""The summary counts findings by kind: one line for a gap that repeats every day."""

from __future__ import annotations

import pandas as pd

from cccplan.compare import compare
from cccplan.queueing import required_agents
from cccplan.report.reconciliation import html_text
from cccplan.staffing import ServiceTarget


def test_a_gap_repeated_on_two_days_is_one_kind_with_its_totals() -> None:
    times = pd.DatetimeIndex(
        [*pd.date_range("2026-03-02 09:00", periods=4, freq="15min", tz="Europe/Berlin"),
         *pd.date_range("2026-03-03 09:00", periods=4, freq="15min", tz="Europe/Berlin")]
    )  # fmt: skip
    forecast = pd.DataFrame({"queue": "sales", "interval_start": times, "volume": 100.0,
                             "aht": 180.0})  # fmt: skip
    forecast.attrs["freq"] = "15min"
    # 100 calls x 180 s / 900 s = 20 Erlangs: Erlang C needs this many for 80 % in 20 s.
    need = float(required_agents(20.0, 180.0, service_level=0.8, threshold=20.0))
    # 2 agents short at 09:00 and 09:15 on both days: 4 intervals, 4 x 2 x 0.25 = 2 agent-hours.
    agents = [need - 2, need - 2, need, need] * 2
    plan = forecast[["queue", "interval_start"]].assign(agents=agents)
    plan.attrs["freq"] = "15min"
    result = compare(forecast, plan, targets=ServiceTarget(service_level=0.8, threshold=20))
    text = result.summary()
    assert "Findings by kind" in text
    line = next(x for x in text.splitlines() if "understaffed [sales]" in x)
    assert "2 findings, 4 intervals, impact 2.00" in line
    understaffed = [f for f in result.findings if f.code == "understaffed"]
    assert len(understaffed) == 2
    assert sum(f.impact for f in understaffed) == 2.0
    # The same table heads the HTML and Markdown reports.
    assert "<h2>Findings by kind</h2>" in html_text(result)
    assert "## Findings by kind" in result.to_markdown()
