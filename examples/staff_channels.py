"""Staff voice, chat and e-mail for a week, and roll the result up into FTE.

Voice with Erlang A (callers abandon), chat with two sessions per agent, and
e-mail with a 24-hour response goal staffed by the backlog model (work carried
across the night), each with 30 % shrinkage: the planning side of ISO 18295-2
clause 6.7.

Run::

    python examples/staff_channels.py
"""

from __future__ import annotations

import pandas as pd

import cccplan


def main() -> None:
    centre = cccplan.load_example()
    times = centre.history["interval_start"]
    week = centre.history[(times >= "2025-11-17") & (times < "2025-11-24")]

    # Staff the week that happened as if it had been forecast exactly.
    targets = {
        ("billing", "voice"): cccplan.ServiceTarget(
            service_level=0.8, threshold=20, patience=180, max_abandon=0.05, shrinkage=0.3,
            min_agents=2,
        ),
        ("support", "voice"): cccplan.ServiceTarget(
            service_level=0.8, threshold=20, patience=180, max_abandon=0.05, shrinkage=0.3,
            min_agents=2,
        ),
        ("support", "chat"): cccplan.ServiceTarget(
            service_level=0.8, threshold=60, concurrency=2, shrinkage=0.3, min_agents=1
        ),
        ("orders", "email"): cccplan.ServiceTarget(
            service_level=0.9, response_window="24h", shrinkage=0.3
        ),
    }  # fmt: skip
    staffing = cccplan.staff(week, targets)

    hours = pd.Timedelta(staffing.attrs["freq"]).total_seconds() / 3600
    summary = staffing.groupby(["queue", "channel"]).agg(
        contacts=("volume", "sum"),
        agent_hours=("agents", lambda a: a.sum() * hours),
        scheduled_hours=("scheduled", lambda s: s.sum() * hours),
        peak_agents=("agents", "max"),
        intervals_met=("target_met", "mean"),
    )
    print("A week of staffing per series:")
    print(summary.round(2).to_string())

    weekly = cccplan.weekly(staffing, hours_per_fte=37.5)
    print("\nWeekly roll-up (37.5 hours per FTE):")
    print(weekly.round({"agent_hours": 1, "scheduled_hours": 1, "fte": 1}).to_string(index=False))

    email = staffing[staffing["channel"] == "email"]
    print(
        f"\ne-mail backlog: at most {email['backlog'].max():.0f} waiting, "
        f"{email['backlog'].iloc[-1]:.0f} at the end of the week"
    )


if __name__ == "__main__":
    main()
