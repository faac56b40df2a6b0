"""Staffing and simulation speed (issue 5 targets).

- Staffing a year of 15-minute intervals for 10 queues across the three channel
  types (voice with Erlang A, chat with concurrency 2, email with a 24-hour
  response window), target: under 2 s.
- A simulated day of a 50-agent voice queue, 20 replications, target: under 10 s.
- The deferred-work model alone on a year of 15-minute e-mail (24-hour window):
  the vectorised reduction, the funnel over what is left, and the whole
  ``deferred_agents`` call.
- One call simulating a day of the example centre's two voice queues and its
  chat queue, with their targets.

The queues are the example centre's series under several seeds (voice, chat and
email), a year each, open intervals only. Run::

    python benchmarks/bench_staffing.py
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd

import cccplan
from cccplan.staffing import deferred


def ten_queues() -> pd.DataFrame:
    parts = []
    for seed in range(3):
        history = cccplan.load_example(seed, days=365).history
        parts.append(history.assign(queue=history["queue"] + f"_{seed}"))
    frame = pd.concat(parts, ignore_index=True)
    keys = frame[["queue", "channel"]].drop_duplicates().head(10)
    frame = frame.merge(keys, on=["queue", "channel"])
    frame.attrs["freq"] = "15min"
    return frame


def targets() -> dict[str, cccplan.ServiceTarget]:
    return {
        "voice": cccplan.ServiceTarget(
            service_level=0.8, threshold=20, max_abandon=0.05, patience=180, shrinkage=0.3
        ),
        "chat": cccplan.ServiceTarget(
            service_level=0.8, threshold=60, concurrency=2, shrinkage=0.3
        ),
        "email": cccplan.ServiceTarget(service_level=0.9, response_window=86_400, shrinkage=0.3),
    }


def voice_day(agents_target: int = 53) -> pd.DataFrame:
    """A 12-hour voice day whose peak needs about ``agents_target`` agents."""
    grid = pd.date_range("2025-03-04 08:00", periods=48, freq="15min", tz="Europe/Berlin")
    shape = np.sin(np.linspace(0.15, np.pi - 0.15, 48)) ** 0.7
    aht = 300.0
    peak_load = agents_target * 0.9
    volume = np.round(peak_load * shape * 900 / aht)
    frame = pd.DataFrame(
        {"queue": "sales", "channel": "voice", "interval_start": grid, "volume": volume, "aht": aht}
    )
    frame.attrs["freq"] = "15min"
    return frame


def main() -> None:
    print(f"cccplan {cccplan.__version__}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    frame = ten_queues()
    n = frame[["queue", "channel"]].drop_duplicates()
    print(f"\n10 queues ({', '.join(sorted(n['channel'].unique()))}): {len(frame):,} intervals")
    cccplan.staff(frame.head(2000), targets())  # warm-up
    start = time.perf_counter()
    plan = cccplan.staff(frame, targets())
    took = time.perf_counter() - start
    print(
        f"staff(): {took:.2f} s (target < 2 s); targets met in "
        f"{plan['target_met'].mean():.1%} of intervals; "
        f"{cccplan.daily(plan)['agent_hours'].sum():,.0f} agent-hours"
    )

    day = voice_day()
    day = cccplan.staff(day, cccplan.ServiceTarget(service_level=0.8, threshold=20, patience=180))
    start = time.perf_counter()
    sim = cccplan.simulate(day, threshold=20, patience=180, replications=20, seed=0)
    took = time.perf_counter() - start
    summary = sim.attrs["summary"]
    print(
        f"\nsimulated day: peak {int(day['agents'].max())} agents, "
        f"{day['volume'].sum():,.0f} calls, 20 replications: {took:.2f} s (target < 10 s)"
    )
    print(
        f"day service level: simulated {summary.service_level:.3f} "
        f"[{summary.service_level_lo:.3f}, {summary.service_level_hi:.3f}], "
        f"Erlang A {summary.erlang_service_level:.3f}"
    )

    email = cccplan.load_example(0, days=365).history
    email = email[email["channel"] == "email"]
    volume = email["volume"].to_numpy(dtype=float)
    aht = email["aht"].to_numpy(dtype=float)
    is_open = np.ones(volume.size, dtype=bool)
    kwargs = {"response_window": 86_400.0, "service_level": 0.9}
    deferred.deferred_agents(volume, aht, is_open, 900.0, **kwargs)  # warm-up
    captured: dict[str, np.ndarray] = {}
    original = deferred._taut_string

    def spy(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
        captured["lower"], captured["upper"] = lower, upper
        return original(lower, upper)

    deferred._taut_string = spy
    start = time.perf_counter()
    deferred.deferred_agents(volume, aht, is_open, 900.0, **kwargs)
    whole = time.perf_counter() - start
    deferred._taut_string = original
    x = np.arange(captured["lower"].size, dtype=float)
    start = time.perf_counter()
    kept, _, _ = deferred._string_support(x, captured["lower"], captured["upper"])
    reduction = time.perf_counter() - start
    start = time.perf_counter()
    original(captured["lower"], captured["upper"])
    string = time.perf_counter() - start
    print(
        f"\ndeferred, a year of e-mail ({volume.size:,} intervals): deferred_agents "
        f"{whole * 1e3:.0f} ms; taut string {string * 1e3:.0f} ms, of which the vectorised "
        f"reduction {reduction * 1e3:.0f} ms keeps {kept.size:,} of {x.size:,} points"
    )

    centre = cccplan.load_example(days=14)
    immediate = centre.history[centre.history["channel"] != "email"]
    first = immediate["interval_start"].dt.date.min()
    one_day = immediate[immediate["interval_start"].dt.date == first]
    staffed = cccplan.staff(one_day, centre.targets)
    start = time.perf_counter()
    several = cccplan.simulate(staffed, targets=centre.targets, replications=20, seed=0)
    took = time.perf_counter() - start
    print(
        f"\nsimulated day of {several[['queue', 'channel']].drop_duplicates().shape[0]} "
        f"series ({staffed['volume'].sum():,.0f} contacts), 20 replications: {took:.2f} s"
    )


if __name__ == "__main__":
    main()
