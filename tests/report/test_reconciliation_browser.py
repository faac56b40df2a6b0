"""The HTML report rendered by a real headless Chromium (CI installs it and requires this test)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.image
import pandas as pd
import pytest

from cccplan.compare import compare
from cccplan.staffing import ServiceTarget

EVIL = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"


@pytest.mark.browser
def test_report_renders_in_chromium_and_user_scripts_stay_text(
    tmp_path: Path, headless_chromium: Any
) -> None:
    times = pd.date_range("2026-03-02 08:00", periods=16, freq="15min", tz="Europe/Berlin")
    forecast = pd.DataFrame({"queue": EVIL, "interval_start": times, "volume": 100.0, "aht": 180.0})
    plan = forecast[["queue", "interval_start"]].assign(agents=[22.0] * 4 + [25.0] * 12)
    result = compare(forecast, plan, targets=ServiceTarget(service_level=0.8, threshold=20))
    page = tmp_path / "report.html"
    result.to_html(page, title="Reconciliation test")
    html = page.read_text(encoding="utf-8")
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in html

    png = tmp_path / "shot.png"
    shot = headless_chromium(f"--screenshot={png}", "--window-size=1280,2000", page.as_uri())
    assert png.exists(), shot.stderr[-2000:]
    assert png.stat().st_size > 0
    pixels = matplotlib.image.imread(png)
    assert pixels.shape[0] > 100
    assert pixels.shape[1] > 100
    assert float(pixels.std()) > 0  # not a blank page

    dom = headless_chromium("--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<title>Reconciliation test</title>" in dom.stdout  # no injected script changed it
    assert "pwned</title>" not in dom.stdout
    assert "&lt;script&gt;document.title=" in dom.stdout  # shown as text
