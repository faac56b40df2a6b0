"""Requirement objects for ISO 18295-2 and the findings of checks against them.

- :class:`Finding`: one result of a compliance check or a reconciliation.
"""

from __future__ import annotations

from cccplan.requirements.findings import SEVERITIES, Finding, findings_frame, sort_findings

__all__ = ["SEVERITIES", "Finding", "findings_frame", "sort_findings"]
