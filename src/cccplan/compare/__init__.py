"""Reconciliation: the CCC's staffing plan against the client's forecast (and actuals).

- :func:`compare`: align the plan with the forecast, recompute the required
  agents, and report over/under-staffing, the service the plan delivers,
  forecast accuracy, surplus relief and findings (ISO 18295-2, 6.7, 6.8, 6.10).
- :class:`Reconciliation`: its result, with ``summary()``, ``plot()``,
  ``to_html()``, ``to_excel()`` and ``to_markdown()``.
"""

from __future__ import annotations

from cccplan.compare.api import compare, horizon_totals
from cccplan.compare.result import Reconciliation

__all__ = ["Reconciliation", "compare", "horizon_totals"]
