"""cccplan: contact-centre forecasting and staffing planning (ISO 18295-2, 6.7).

The numerical core lives in :mod:`cccplan.queueing` (Erlang B, C and A, and the
required-agents solver); interval frames (reading, validation, gaps,
resampling, opening hours) in :mod:`cccplan.frames`; file formats in
:mod:`cccplan.io`; the embedded example contact centre in
:mod:`cccplan.datasets`. The public names are listed in ``__all__``.
"""

from __future__ import annotations

from cccplan import frames, queueing
from cccplan.compare import Reconciliation, compare
from cccplan.datasets import load_example
from cccplan.exceptions import (
    CalibrationWarning,
    CccplanError,
    CccplanWarning,
    DataRepairWarning,
    DomainWarning,
    FallbackWarning,
    InputError,
)
from cccplan.forecast.accuracy import accuracy
from cccplan.forecast.api import backtest, forecast
from cccplan.frames import (
    OpeningHours,
    fill_gaps,
    find_gaps,
    read_volumes,
    resample,
    validate_frame,
)
from cccplan.io import read_table, write_frame
from cccplan.requirements import Agreement, Finding
from cccplan.scheduling import Break, Schedule, ShiftTemplate, read_shifts, schedule
from cccplan.simulation import SimulationSummary, simulate
from cccplan.staffing import ServiceTarget, daily, staff, weekly

__all__ = [
    "Agreement",
    "Break",
    "CalibrationWarning",
    "CccplanError",
    "CccplanWarning",
    "DataRepairWarning",
    "DomainWarning",
    "FallbackWarning",
    "Finding",
    "InputError",
    "OpeningHours",
    "Reconciliation",
    "Schedule",
    "ServiceTarget",
    "ShiftTemplate",
    "SimulationSummary",
    "__version__",
    "accuracy",
    "backtest",
    "compare",
    "daily",
    "fill_gaps",
    "find_gaps",
    "forecast",
    "frames",
    "load_example",
    "queueing",
    "read_shifts",
    "read_table",
    "read_volumes",
    "resample",
    "schedule",
    "simulate",
    "staff",
    "validate_frame",
    "weekly",
    "write_frame",
]

__version__ = "0.1.0.dev0"
