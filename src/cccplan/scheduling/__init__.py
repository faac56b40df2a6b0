"""Shift scheduling: shifts, breaks and days off from required agents (scipy MILP / HiGHS).

* :class:`ShiftTemplate` and :class:`Break` describe the shifts a centre may
  plan; :func:`read_shifts` reads them from YAML, TOML, JSON or CSV and
  :func:`templates_frame` lists them as a tidy frame.
* :func:`schedule` plans them against a requirement (the output of
  :func:`cccplan.staff`) and returns a :class:`Schedule`: shifts with their
  breaks, coverage (required, planned, gap), cost, solver status, plots and
  ``to_plan()`` for ``cccplan.compare``.

The MILP (implicit breaks after Bechtold & Jacobs 1990 and Aykin 1996) is in
:mod:`cccplan.scheduling.model`.
"""

from __future__ import annotations

from cccplan.scheduling.api import schedule
from cccplan.scheduling.result import Schedule
from cccplan.scheduling.templates import Break, ShiftTemplate, read_shifts, templates_frame

__all__ = ["Break", "Schedule", "ShiftTemplate", "read_shifts", "schedule", "templates_frame"]
