"""Every script in examples/ runs, in a scratch folder, and prints what it promises."""

from __future__ import annotations

import runpy
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))

#: What each script's output must contain (a check that it did its job).
PROMISES = {
    "staff_a_day.py": ["agent-hours", "Erlang A staffing"],
    "forecast_queues.py": ["Model chosen per series", "written: forecast.csv"],
    "staff_channels.py": ["Weekly roll-up", "e-mail backlog"],
    # 8 quarter-hours (09:00-11:00) x 5 weekdays = 40 intervals; x 3 agents x 0.25 h = 30 h.
    "reconcile_plan.py": ["intervals short: 40, agent-hours short: 30.0", "written:"],
    "check_agreement.py": ["valid agreement", "items to attest by hand"],
    # Shortfall-free: the shift templates can cover billing's whole week.
    "schedule_week.py": ["shortfall   0.00 agent-hours", "coverage 100.0%", "written: plan.xlsx"],
}


def test_every_script_has_a_promise():
    assert sorted(PROMISES) == sorted(p.name for p in SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_example_runs(script, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(script), run_name="__main__")
    out = capsys.readouterr().out
    for needle in PROMISES[script.name]:
        assert needle in out, f"{script.name} did not print {needle!r}"
    plt.close("all")
