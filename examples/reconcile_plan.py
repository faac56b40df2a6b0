"""Reconcile a contact centre's staffing plan with the client's forecast.

The client forecasts a week, the CCC submits its plan (here: the staffing the
agreement's targets require, but 3 agents short on billing's weekday
mornings), and `cccplan.compare` says where the plan cannot deliver the
agreed service, by how much, and writes a report both sides can open.

Run::

    python examples/reconcile_plan.py
"""

from __future__ import annotations

import cccplan


def main() -> None:
    centre = cccplan.load_example()
    agreement = cccplan.Agreement.example()
    times = centre.history["interval_start"]
    forecast = centre.history[(times >= "2025-11-17") & (times < "2025-11-24")]

    staffing = cccplan.staff(forecast, agreement.service_targets())
    plan = staffing[["queue", "channel", "interval_start", "agents"]].copy()
    t = plan["interval_start"]
    morning = (plan["queue"] == "billing") & (t.dt.day_of_week < 5) & t.dt.hour.isin([9, 10])
    plan.loc[morning, "agents"] -= 3

    # The plan against the agreement's targets; the agreement's own clause checks
    # (a 6-week horizon, reviews, retention) are examples/check_agreement.py's job.
    result = cccplan.compare(forecast, plan, agreement=agreement, check_agreement=False)
    print(result.summary())
    short = result.intervals[result.intervals["gap"] < 0]
    print(f"\nintervals short: {len(short)}, agent-hours short: {short['under_hours'].sum():.1f}")
    print(result.daily[["queue", "channel", "required_hours", "planned_hours", "coverage"]].head())
    result.to_html("reconciliation.html")
    result.to_excel("reconciliation.xlsx")
    print("\nwritten: reconciliation.html, reconciliation.xlsx")


if __name__ == "__main__":
    main()
