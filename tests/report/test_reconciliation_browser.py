"""The HTML report rendered by a real headless Chromium (CI installs it and requires this test)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import matplotlib.image
import pandas as pd
import pytest

from cccplan.compare import compare
from cccplan.staffing import ServiceTarget

EVIL = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CCCPLAN_REQUIRE_BROWSER") == "1":
        pytest.fail("CCCPLAN_REQUIRE_BROWSER=1 but no chromium / chromium-browser / google-chrome")
    pytest.skip("no Chromium found (set CCCPLAN_REQUIRE_BROWSER=1 to make this a failure)")


def run(binary: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    command = [
        binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", *args,
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.browser
def test_report_renders_in_chromium_and_user_scripts_stay_text(tmp_path: Path) -> None:
    binary = chromium()
    times = pd.date_range("2026-03-02 08:00", periods=16, freq="15min", tz="Europe/Berlin")
    forecast = pd.DataFrame({"queue": EVIL, "interval_start": times, "volume": 100.0, "aht": 180.0})
    plan = forecast[["queue", "interval_start"]].assign(agents=[22.0] * 4 + [25.0] * 12)
    result = compare(forecast, plan, targets=ServiceTarget(service_level=0.8, threshold=20))
    page = tmp_path / "report.html"
    result.to_html(page, title="Reconciliation test")
    html = page.read_text(encoding="utf-8")
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in html

    png = tmp_path / "shot.png"
    shot = run(binary, tmp_path, f"--screenshot={png}", "--window-size=1280,2000", page.as_uri())
    assert png.exists(), shot.stderr[-2000:]
    assert png.stat().st_size > 0
    pixels = matplotlib.image.imread(png)
    assert pixels.shape[0] > 100
    assert pixels.shape[1] > 100
    assert float(pixels.std()) > 0  # not a blank page

    dom = run(binary, tmp_path, "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<title>Reconciliation test</title>" in dom.stdout  # no injected script changed it
    assert "pwned</title>" not in dom.stdout
    assert "&lt;script&gt;document.title=" in dom.stdout  # shown as text
