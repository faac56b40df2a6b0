"""Forecasting interval volumes and AHT per series (ISO 18295-2, 6.7).

:func:`cccplan.forecast` (the function; this package is ``cccplan.forecast``
only for imports of its modules) and :func:`cccplan.backtest` live in
:mod:`cccplan.forecast.api`; accuracy metrics in :mod:`cccplan.forecast.accuracy`;
prediction intervals in :mod:`cccplan.forecast.intervals`; the models, one
module per family, in :mod:`cccplan.forecast.models`.
"""

from __future__ import annotations

from cccplan.forecast.accuracy import accuracy
from cccplan.forecast.api import MODELS, backtest, forecast

__all__ = ["MODELS", "accuracy", "backtest", "forecast"]
