"""Test-wide set-up: plots render off-screen (no display on CI); a headless browser."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import matplotlib
import pytest
from hypothesis import settings

matplotlib.use("Agg")

# CI runs every property test on the same examples (a red CI blocks a landing,
# so it must not depend on the draw); developers' runs keep exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CCCPLAN_CI") == "1":
    settings.load_profile("ci")


@pytest.fixture
def headless_chromium(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run headless Chromium with the given arguments (e.g. ``--screenshot=...``, a URL).

    Skips when no Chromium is installed, unless ``CCCPLAN_REQUIRE_BROWSER=1``
    (set by CI, which installs it), where a missing browser is a failure.
    The flags keep Chromium off the network, which the test machines do not have.
    """
    binary = next(
        (found for name in ("chromium", "chromium-browser", "google-chrome")
         if (found := shutil.which(name))),
        None,
    )  # fmt: skip
    if binary is None:
        if os.environ.get("CCCPLAN_REQUIRE_BROWSER") == "1":
            pytest.fail(
                "CCCPLAN_REQUIRE_BROWSER=1 but no chromium / chromium-browser / google-chrome"
            )
        pytest.skip("no Chromium found (set CCCPLAN_REQUIRE_BROWSER=1 to make this a failure)")
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [
            binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={profile}", *args,
        ]  # fmt: skip
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    return run
