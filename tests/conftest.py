"""Test-wide set-up: plots render off-screen (no display on CI)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
