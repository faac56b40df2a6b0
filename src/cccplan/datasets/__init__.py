"""Datasets shipped with cccplan.

:func:`load_example` simulates the example contact centre (a seeded,
realistic synthetic history with its opening hours, the client's events
calendar and the agreement's targets); :mod:`cccplan.datasets.example`
documents the model, its parameter values and its sources.
"""

from __future__ import annotations

from cccplan.datasets._calendar import OpeningHoursData
from cccplan.datasets.example import ExampleCentre, TargetData, load_example

__all__ = ["ExampleCentre", "OpeningHoursData", "TargetData", "load_example"]
