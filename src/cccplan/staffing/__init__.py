"""Staffing: from a forecast and service targets to required agents per interval.

- :class:`ServiceTarget`: a queue's targets and staffing rules (service level,
  ASA, abandonment, occupancy, patience, concurrency, response window,
  shrinkage, minimum cover), named as in :func:`cccplan.queueing.required_agents`.
- :func:`staff`: required and scheduled agents with achieved KPIs per series
  and interval, for immediate channels (Erlang C / A), chat with concurrency
  (:mod:`cccplan.staffing.concurrency`) and deferred work
  (:mod:`cccplan.staffing.deferred`).
- :func:`daily` and :func:`weekly`: roll-ups in agent-hours and FTE.
"""

from __future__ import annotations

from cccplan.staffing.api import daily, staff, weekly
from cccplan.staffing.targets import ServiceTarget

__all__ = ["ServiceTarget", "daily", "staff", "weekly"]
