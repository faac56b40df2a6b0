"""Findings: what a compliance check or a reconciliation found, one record each.

A :class:`Finding` is the one result type shared by
:meth:`cccplan.requirements.Agreement.check` and :func:`cccplan.compare`: the
clause of ISO 18295-2 it concerns, a severity, a message a planner can read,
the queue and intervals it applies to, the measured figure and the agreed
limit. Findings sort by severity, then by ``impact`` (larger first), so the
most consequential come first in every report.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from cccplan.exceptions import InputError

__all__ = ["SEVERITIES", "Finding", "findings_frame", "sort_findings"]

Severity = Literal["error", "warning", "info"]

#: Severities from the most to the least serious. ``"error"``: the agreement or
#: the plan is breached (a command-line run exits non-zero); ``"warning"``: at
#: risk or not verifiable as required; ``"info"``: a note or an item to attest.
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


@dataclasses.dataclass(frozen=True)
class Finding:
    """One result of a compliance check or a reconciliation.

    Parameters
    ----------
    clause : str
        The ISO 18295-2 clause concerned, e.g. ``"6.7"`` or ``"6.10"``.
    severity : {"error", "warning", "info"}
        ``"error"``: a breach (the agreement's limit is not met);
        ``"warning"``: a risk, or something the data cannot confirm;
        ``"info"``: a note, or an item to attest by hand.
    message : str
        What was found, in words a planner understands.
    queue : str or None, default None
        The queue concerned (None: the whole agreement or every queue).
    intervals : sequence of pandas.Timestamp, default ()
        The interval starts concerned (timezone-aware), sorted; empty when the
        finding is not about intervals.
    value : float or None, default None
        The measured figure (e.g. 0.71 for a service level of 71 %).
    limit : float or None, default None
        The agreed limit the figure is compared with (e.g. 0.80).
    impact : float, default 0.0
        A size used to order findings of the same severity, larger first
        (e.g. the agent-hours short); 0 when there is no natural size.
    channel : str or None, default None
        The channel concerned, when the finding is about one channel.
    code : str, default ""
        A short machine-readable kind, e.g. ``"understaffed"``, so that
        programs can filter findings without parsing messages.

    Examples
    --------
    >>> import pandas as pd
    >>> f = Finding("6.7", "error", "plan short of required agents", queue="billing",
    ...             intervals=[pd.Timestamp("2026-03-02 09:00", tz="Europe/Berlin")],
    ...             value=-2, limit=0, impact=0.5, code="understaffed")
    >>> f.severity, f.queue, len(f.intervals)
    ('error', 'billing', 1)
    """

    clause: str
    severity: Severity
    message: str
    queue: str | None = None
    intervals: tuple[pd.Timestamp, ...] = ()
    value: float | None = None
    limit: float | None = None
    impact: float = 0.0
    channel: str | None = None
    code: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.clause, str) or not self.clause.strip():
            raise InputError(
                f"Finding: clause must be a clause number such as '6.7', got {self.clause!r}"
            )
        if self.severity not in SEVERITIES:
            raise InputError(
                f"Finding: severity must be one of {', '.join(SEVERITIES)}, got {self.severity!r}"
            )
        stamps = tuple(pd.Timestamp(t) for t in self.intervals)
        object.__setattr__(self, "intervals", tuple(sorted(stamps)))
        for name in ("value", "limit"):
            number = getattr(self, name)
            if number is not None:
                object.__setattr__(self, name, float(number))
        impact = float(self.impact)
        if not np.isfinite(impact):
            raise InputError(f"Finding: impact must be a finite number, got {self.impact!r}")
        object.__setattr__(self, "impact", impact)

    def to_dict(self) -> dict[str, Any]:
        """The finding as a plain dict (intervals as ISO 8601 strings)."""
        record = dataclasses.asdict(self)
        record["intervals"] = [t.isoformat() for t in self.intervals]
        return record

    def __str__(self) -> str:
        where = f" [{self.queue}]" if self.queue else ""
        return f"{self.severity.upper()} {self.clause}{where}: {self.message}"


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings ordered by severity (errors first), then impact (largest first).

    The order is stable: findings that tie keep their given order.
    """
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(findings, key=lambda f: (rank[f.severity], -f.impact))


def findings_frame(findings: Sequence[Finding]) -> pd.DataFrame:
    """Findings as a tidy frame, one row each, in the given order.

    Columns: ``clause, severity, code, queue, channel, message, value, limit,
    impact, n_intervals, first_interval, last_interval``.
    """
    columns = [
        "clause", "severity", "code", "queue", "channel", "message", "value", "limit",
        "impact", "n_intervals", "first_interval", "last_interval",
    ]  # fmt: skip
    rows = [
        {
            "clause": f.clause,
            "severity": f.severity,
            "code": f.code,
            "queue": f.queue,
            "channel": f.channel,
            "message": f.message,
            "value": np.nan if f.value is None else f.value,
            "limit": np.nan if f.limit is None else f.limit,
            "impact": f.impact,
            "n_intervals": len(f.intervals),
            "first_interval": f.intervals[0] if f.intervals else pd.NaT,
            "last_interval": f.intervals[-1] if f.intervals else pd.NaT,
        }
        for f in findings
    ]
    return pd.DataFrame(rows, columns=columns)
