"""Staff one day of 15-minute intervals with Erlang C and Erlang A.

The main job of cccplan in a few lines: from a day's forecast (contacts per
15-minute interval and average handling time), the number of agents needed in
each interval to answer 80 % of contacts within 20 seconds,

* with Erlang C (callers never hang up), and
* with Erlang A (callers abandon after 90 s on average, exponential patience),
  where the 80 % is counted over all offered contacts, abandoned ones included,

and what each staffing gives: service level, average speed of answer,
abandonment, and the day's total in agent-hours.

Run::

    python examples/staff_a_day.py
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cccplan.queueing import asa, erlang_a, required_agents, service_level

INTERVAL_SECONDS = 900
SL_TARGET = 0.80  # share of contacts answered within ...
THRESHOLD = 20.0  # ... this many seconds
PATIENCE = 90.0  # mean caller patience for Erlang A, seconds

# A weekday's forecast, 08:00-20:00: a morning ramp, a peak before 11:00, a
# dip over lunch, the day's main peak mid-afternoon, then a steady decline.
# Contacts offered per 15-minute interval, one row per two hours.
VOLUME = np.array(
    [
        [22, 30, 41, 52, 63, 72, 80, 86],  # 08:00-09:45
        [92, 96, 98, 97, 94, 90, 86, 80],  # 10:00-11:45
        [72, 64, 60, 62, 68, 76, 84, 90],  # 12:00-13:45
        [95, 99, 102, 103, 101, 98, 93, 87],  # 14:00-15:45
        [80, 74, 68, 63, 58, 54, 50, 47],  # 16:00-17:45
        [44, 40, 36, 32, 27, 22, 17, 12],  # 18:00-19:45
    ],
    dtype=float,
).ravel()
AHT = 240.0  # seconds


def main() -> None:
    start = pd.Timestamp("2025-03-04 08:00")
    times = pd.date_range(start, periods=VOLUME.size, freq="15min")
    load = VOLUME * AHT / INTERVAL_SECONDS  # Erlangs

    # Erlang C: one vectorised call for the whole day, then what it achieves.
    agents_c = required_agents(load, AHT, service_level=SL_TARGET, threshold=THRESHOLD)
    sl_c = service_level(agents_c, load, AHT, THRESHOLD)
    asa_c = asa(agents_c, load, AHT)

    # Erlang A: the same target, with callers who abandon.
    agents_a = required_agents(
        load, AHT, service_level=SL_TARGET, threshold=THRESHOLD, patience=PATIENCE
    )
    res_a = erlang_a(agents_a, load, AHT, PATIENCE, threshold=THRESHOLD)

    table = pd.DataFrame(
        {
            "time": times.strftime("%H:%M"),
            "volume": VOLUME.astype(int),
            "load (E)": load,
            "agents C": agents_c.astype(int),
            "SL C": sl_c,
            "ASA C (s)": asa_c,
            "agents A": agents_a.astype(int),
            "SL A": res_a.service_level,
            "abandon %": 100 * res_a.p_abandon,
        }
    )
    pct = "{:.1%}".format
    print(
        f"Staffing for {SL_TARGET:.0%} answered within {THRESHOLD:.0f} s, "
        f"AHT {AHT:.0f} s; Erlang A with mean patience {PATIENCE:.0f} s\n"
    )
    print(
        table.to_string(
            index=False,
            formatters={
                "load (E)": "{:.2f}".format,
                "SL C": pct,
                "ASA C (s)": "{:.1f}".format,
                "SL A": pct,
                "abandon %": "{:.2f}".format,
            },
        )
    )

    hours = INTERVAL_SECONDS / 3600
    weights = VOLUME / VOLUME.sum()  # day figures weighted by contacts offered
    print()
    print(f"contacts offered          {VOLUME.sum():10,.0f}")
    print(f"workload (load x hours)   {load.sum() * hours:10.1f} agent-hours")
    print(
        f"Erlang C staffing         {agents_c.sum() * hours:10.1f} agent-hours, "
        f"day SL {np.sum(weights * sl_c):.1%}, day ASA {np.sum(weights * asa_c):.1f} s"
    )
    print(
        f"Erlang A staffing         {agents_a.sum() * hours:10.1f} agent-hours, "
        f"day SL {np.sum(weights * res_a.service_level):.1%}, "
        f"abandoned {np.sum(weights * res_a.p_abandon):.2%}"
    )


if __name__ == "__main__":
    main()
