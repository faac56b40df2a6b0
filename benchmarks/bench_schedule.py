"""Shift scheduling: cccplan.schedule against pyworkforce's MinRequiredResources (issue 8).

Instances (one run, printed side by side with ratios):

(a) One queue, a week of 15-minute intervals (672), open 07:00-22:00 every day,
    a two-peak daily profile with noise (weekends lower). Shifts of 4, 6 and 8
    hours starting every 15 minutes inside opening hours, cost = hours.
    - (a1) no breaks: cccplan and pyworkforce (CP-SAT) on exactly the same
      candidate shifts, both with a 30 s limit;
    - (a2) with break windows (8 h: 15 min paid 1h30-2h30, 30 min unpaid
      3h30-4h30, 15 min paid 5h30-6h30; 6 h: 15 min paid 2h-3h30; 4 h: 15 min
      paid 1h30-2h). pyworkforce has no break model, so only cccplan runs.
(b) The same queue open 24/7 (672 open intervals), with breaks: cccplan only.
(c) Ten queues, a week each (the example centre's series under three seeds,
    staffed with their targets), with breaks: cccplan only, limit 120 s.

Over-cover is agent-hours on the floor above the requirement in open intervals.
pyworkforce's shifts live inside one day of ``periods`` intervals (no shift
across midnight), which is why (a) is open 07:00-22:00. Run::

    python benchmarks/bench_schedule.py            # everything (about 4 minutes)
    python benchmarks/bench_schedule.py --skip-c   # (a) and (b) only
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
import pandas as pd

import cccplan
from cccplan.scheduling import Break, ShiftTemplate, schedule

TZ = "Europe/Berlin"
PERIODS = 96  # 15-minute intervals per day
LENGTHS = {"4h": 16, "6h": 24, "8h": 32}
BREAKS = {
    "8h": [
        Break("15min", "1h30min", "2h30min", paid=True),
        Break("30min", "3h30min", "4h30min"),
        Break("15min", "5h30min", "6h30min", paid=True),
    ],
    "6h": [Break("15min", "2h", "3h30min", paid=True)],
    "4h": [Break("15min", "1h30min", "2h", paid=True)],
}


def one_queue(open_from: float, open_to: float, seed: int = 1) -> pd.DataFrame:
    times = pd.date_range("2025-06-02", periods=7 * PERIODS, freq="15min", tz=TZ)
    hour = np.asarray(times.hour + times.minute / 60)
    rng = np.random.default_rng(seed)
    profile = (
        3 + 30 * np.exp(-(((hour - 11) / 2.5) ** 2)) + 24 * np.exp(-(((hour - 16) / 2.5) ** 2))
    )
    profile *= np.where(np.asarray(times.day_of_week) >= 5, 0.6, 1.0)
    agents = np.clip(np.ceil(profile + rng.normal(0, 1.5, times.size)), 1, None)
    frame = pd.DataFrame({"queue": "voice", "interval_start": times, "agents": agents})
    open_mask = (hour >= open_from) & (hour < open_to)
    return frame[open_mask].reset_index(drop=True)


def templates(breaks: bool, first: str = "00:00", last: str = "23:45") -> list[ShiftTemplate]:
    return [
        ShiftTemplate(
            name,
            starts=f"{first}-{last}/15min",
            length=name,
            breaks=BREAKS[name] if breaks else [],
            cost=float(name[0]),
        )
        for name in LENGTHS
    ]


def over_cover(result: Any) -> float:
    return result.surplus


def run_pyworkforce(
    need: pd.DataFrame, open_from: float, open_to: float, limit: float
) -> dict[str, Any]:
    from pyworkforce.scheduling import MinRequiredResources  # noqa: PLC0415 - benchmark only

    local = need["interval_start"].dt.tz_convert(TZ)
    day = ((local.dt.normalize() - local.dt.normalize().min()).dt.days).to_numpy()
    period = (local.dt.hour * 4 + local.dt.minute // 15).to_numpy()
    required = np.zeros((7, PERIODS), dtype=int)
    required[day, period] = need["agents"].to_numpy(dtype=int)
    # The same candidates as cccplan: starts every 15 minutes, inside opening hours.
    first, last = int(open_from * 4), int(open_to * 4)
    coverage: dict[str, list[int]] = {}
    cost: dict[str, int] = {}
    for name, length in LENGTHS.items():
        for start in range(first, last - length + 1):
            vector = [0] * PERIODS
            vector[start : start + length] = [1] * length
            key = f"{name}_{start:02d}"
            coverage[key] = vector
            cost[key] = int(name[0])
    model = MinRequiredResources(
        num_days=7,
        periods=PERIODS,
        shifts_coverage=coverage,
        required_resources=required.tolist(),
        max_period_concurrency=int(required.max()) * 3,
        max_shift_concurrency=int(required.max()) * 3,
        cost_dict=cost,
        max_search_time=limit,
        num_search_workers=2,
    )
    started = time.perf_counter()
    solution = model.solve()
    elapsed = time.perf_counter() - started
    planned = np.zeros((7, PERIODS))
    total = 0.0
    for row in solution["resources_shifts"]:
        if row["resources"] and row["resources"] > 0:
            planned[row["day"]] += row["resources"] * np.array(coverage[row["shift"]])
            total += row["resources"] * cost[row["shift"]]
    open_cells = np.zeros((7, PERIODS), dtype=bool)
    open_cells[day, period] = True
    diff = planned - required
    return {
        "status": solution["status"],
        "cost": total,
        "time": elapsed,
        "over": float(np.clip(diff, 0, None)[open_cells].sum()) * 0.25,
        "short": float(np.clip(-diff, 0, None)[open_cells].sum()) * 0.25,
    }


def line(label: str, values: dict[str, Any]) -> str:
    return (
        f"  {label:<26} {values['status']:<12} cost {values['cost']:9,.1f}  "
        f"over {values['over']:7.2f} h  short {values['short']:6.2f} h  "
        f"time {values['time']:6.1f} s" + (f"  gap {values['gap']:.2%}" if "gap" in values else "")
    )


def cc(result: Any) -> dict[str, Any]:
    return {
        "status": result.status,
        "cost": result.cost,
        "time": result.time,
        "over": result.surplus,
        "short": result.shortfall,
        "gap": result.gap,
    }


def ten_queues() -> pd.DataFrame:
    parts = []
    for seed in range(3):
        centre = cccplan.load_example(seed, days=60)
        history = centre.history
        last = history["interval_start"].max().normalize()
        start = last - pd.Timedelta(days=7 + last.day_of_week)
        week = history[
            (history["interval_start"] >= start)
            & (history["interval_start"] < start + pd.Timedelta(days=7))
        ]
        staffed = cccplan.staff(week, centre.targets)
        parts.append(staffed.assign(queue=staffed["queue"] + f"_{seed}"))
    frame = pd.concat(parts, ignore_index=True)
    keys = frame[["queue", "channel"]].drop_duplicates().head(10)
    return frame.merge(keys, on=["queue", "channel"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-c", action="store_true", help="skip the ten-queue instance")
    parser.add_argument("--limit", type=float, default=30.0, help="time limit (a), (b), seconds")
    args = parser.parse_args()

    print("(a) one queue, a week of 15-minute intervals, open 07:00-22:00, 4/6/8 h every 15 min")
    need = one_queue(7, 22)
    print(f"    {len(need)} open intervals of 672, peak {need['agents'].max():.0f} agents")
    plain = cc(schedule(need, templates(False), time_limit=args.limit))
    pw = run_pyworkforce(need, 7, 22, args.limit)
    print(" (a1) no breaks")
    print(line("cccplan (HiGHS)", plain))
    print(line("pyworkforce (CP-SAT)", pw))
    ratio_cost = plain["cost"] / pw["cost"] if pw["cost"] else float("nan")
    print(
        f"  ratios cccplan / pyworkforce: cost {ratio_cost:.3f}, time "
        f"{plain['time'] / pw['time']:.3f}, over-cover {plain['over']:.2f} h vs {pw['over']:.2f} h"
    )
    print(" (a2) with break windows (pyworkforce: no break model)")
    with_breaks = cc(schedule(need, templates(True), time_limit=args.limit))
    print(line("cccplan (HiGHS)", with_breaks))

    print("(b) the same queue open 24/7 (672 open intervals), with breaks")
    need_247 = one_queue(0, 24)
    print(line("cccplan (HiGHS)", cc(schedule(need_247, templates(True), time_limit=args.limit))))

    if not args.skip_c:
        print("(c) ten queues, a week each (example centre, three seeds), with breaks, limit 120 s")
        need_10 = ten_queues()
        n_queues = need_10[["queue", "channel"]].drop_duplicates().shape[0]
        print(f"    {n_queues} queues, {len(need_10)} rows")
        started = time.perf_counter()
        result = schedule(need_10, templates(True), time_limit=120)
        total = time.perf_counter() - started
        print(line("cccplan (HiGHS)", cc(result)) + f"  (with model building {total:.1f} s)")


if __name__ == "__main__":
    main()
