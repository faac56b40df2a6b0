"""Turn a week of required agents into shifts with breaks, and check the plan.

The CCC's side of ISO 18295-2 clause 6.7: from the agents the agreement's
targets require per 15-minute interval (billing by voice, one week), the
cheapest set of 8-hour and 6-hour shifts with their breaks placed inside
their windows, by mixed-integer programming; then the plan those shifts give
is reconciled with the requirement.

Run::

    python examples/schedule_week.py
"""

from __future__ import annotations

from pathlib import Path

import cccplan

HERE = Path(__file__).resolve().parent


def main() -> None:
    centre = cccplan.load_example()
    agreement = cccplan.Agreement.example()
    times = centre.history["interval_start"]
    week = centre.history[
        (centre.history["queue"] == "billing") & (times >= "2025-11-17") & (times < "2025-11-24")
    ]
    staffing = cccplan.staff(week, agreement.service_targets())

    shifts = cccplan.read_shifts(HERE / "shifts.yaml")
    result = cccplan.schedule(staffing, shifts, time_limit=20, gap=0.01)
    print(result.summary())
    print("\nShifts per day and template:")
    print(result.shifts.groupby(["date", "template"])["count"].sum().unstack(fill_value=0))

    plan = result.to_plan()
    check = cccplan.compare(week, plan, agreement=agreement, check_agreement=False)
    print(f"\nplan against the requirement: coverage {check.totals()['coverage']:.1%}")
    cccplan.write_frame(plan, "plan.xlsx")
    print("written: plan.xlsx")


if __name__ == "__main__":
    main()
