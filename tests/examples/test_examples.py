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
