"""Discrete-event check of a staffing plan: time-varying arrivals, planned agents, patience.

:func:`simulate` runs a whole day (or any span) of one queue as an
M(t)/G/n(t)+M queue with the planned agents and reports per interval service
level, ASA and abandonment with confidence intervals beside the per-interval
Erlang figures; :class:`SimulationSummary` holds the whole-span figures. When
and why the two diverge is explained in :mod:`cccplan.simulation.day`.
"""

from __future__ import annotations

from cccplan.simulation.day import SimulationSummary, simulate

__all__ = ["SimulationSummary", "simulate"]
