"""Reconciliation speed and memory (issue 7 targets).

- ``compare``: 100 queues x a year of 15-minute intervals (3.5 million
  intervals) with Erlang A targets, the plan at 30-minute intervals (so the
  alignment repeats it over the quarter-hours): target under 60 s and under
  8 GB peak memory.
- The HTML report for 20 queues x 4 weeks: target under 10 s.

There is no peer with a reconciliation to compare with (pyworkforce and the
commercial WFM tools have none that a script can call), so the reference is
the time of ``cccplan.staff`` alone on the same forecast: the required-agents
step that the reconciliation itself contains.

The forecast is the synthetic workload of ``_workload.py``; the plan is the
square-root staffing rule ``ceil(A + sqrt(A))`` per half hour with one agent
of noise either way, i.e. a plausible plan that is sometimes short and
sometimes over. Run::

    python benchmarks/bench_compare.py                  # full size
    python benchmarks/bench_compare.py --queues 10      # smaller
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import cccplan
from _workload import many_queues
from cccplan.compare import compare

TARGET = cccplan.ServiceTarget(service_level=0.8, threshold=20, patience=180, max_abandon=0.05)
INTERVALS = 365 * 96


def peak_gb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def inputs(n_queues: int, days: int, seed: int = 2025) -> tuple[pd.DataFrame, pd.DataFrame]:
    load, aht = many_queues(n_queues, seed=seed)
    per = days * 96
    load = load.reshape(n_queues, INTERVALS)[:, :per]
    aht = aht.reshape(n_queues, INTERVALS)[:, :per]
    times = pd.date_range("2025-01-06", periods=per, freq="15min", tz="Europe/Berlin")
    names = np.array([f"q{i:03d}" for i in range(n_queues)])
    volume = load * 900.0 / aht
    forecast = pd.DataFrame(
        {
            "queue": pd.Categorical(np.repeat(names, per)).astype(str),
            "interval_start": np.tile(times, n_queues),
            "volume": volume.ravel(),
            "aht": aht.ravel(),
        }
    )
    forecast.attrs["freq"] = "15min"
    half = load.reshape(n_queues, per // 2, 2).max(axis=2)
    rng = np.random.default_rng(seed)
    agents = np.ceil(half + np.sqrt(half)) + rng.integers(-1, 2, half.shape)
    plan = pd.DataFrame(
        {
            "queue": np.repeat(names, per // 2),
            "interval_start": np.tile(times[::2], n_queues),
            "agents": np.maximum(agents, 0).ravel(),
        }
    )
    plan.attrs["freq"] = "30min"
    return forecast, plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queues", type=int, default=100)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--report-queues", type=int, default=20)
    args = parser.parse_args()
    print(f"cccplan {cccplan.__version__}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    print("No peer library reconciles a plan with a forecast; the reference is cccplan.staff.")

    forecast, plan = inputs(args.queues, args.days)
    print(
        f"\n{args.queues} queues x {args.days} days: {len(forecast):,} forecast intervals "
        f"(15 min), {len(plan):,} plan intervals (30 min); Erlang A targets"
    )
    before = peak_gb()
    start = time.perf_counter()
    staffed = cccplan.staff(forecast, TARGET)
    staff_time = time.perf_counter() - start
    print(f"staff() alone: {staff_time:.1f} s ({staffed['agents'].sum() / 4:,.0f} agent-hours)")
    del staffed

    start = time.perf_counter()
    result = compare(forecast, plan, targets=TARGET)
    took = time.perf_counter() - start
    totals = result.totals()
    print(
        f"compare(): {took:.1f} s (target < 60 s; {took / staff_time:.1f} x staff alone); "
        f"peak memory {peak_gb():.2f} GB (target < 8 GB; {before:.2f} GB before)"
    )
    print(
        f"  {len(result.intervals):,} result rows, {len(result.findings):,} findings; "
        f"coverage {totals['coverage']:.1%}, efficiency {totals['efficiency']:.1%}, "
        f"line adherence {totals['line_adherence']:.1%}, projected service level "
        f"{totals['service_level']:.1%}"
    )
    del result

    small_forecast, small_plan = inputs(args.report_queues, 28, seed=7)
    small = compare(small_forecast, small_plan, targets=TARGET)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.html"
        start = time.perf_counter()
        small.to_html(path)
        took = time.perf_counter() - start
        size = path.stat().st_size
    print(
        f"\nHTML report, {args.report_queues} queues x 4 weeks ({len(small.intervals):,} "
        f"intervals, {len(small.findings):,} findings): {took:.1f} s (target < 10 s), "
        f"{size / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
