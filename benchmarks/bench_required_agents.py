"""Benchmark cccplan.queueing.required_agents against pyworkforce's ErlangC.

Run from the project root::

    python benchmarks/bench_required_agents.py             # full run, 1,000 queues in (c)
    python benchmarks/bench_required_agents.py --quick     # pyworkforce on a sample only
    python benchmarks/bench_required_agents.py --queues 50 # smaller part (c)

Parts (see benchmarks/README.md for what each figure means):

(a) one queue-year (35,040 fifteen-minute intervals), agents for 80 % answered
    within 20 s, Erlang C: cccplan (one vectorised call) vs pyworkforce
    (``ErlangC(...).required_positions`` in a Python loop); speed ratio and a
    comparison of the answers, every difference classified.
(b) the same year under Erlang A (patience 120 s) with cccplan, timed against
    pyworkforce's Erlang C time from (a).
(c) N queue-years (default 1,000, i.e. 35 million intervals), cccplan Erlang C,
    in a subprocess of its own: wall time and peak memory.

pyworkforce is a benchmark-only dependency (``pip install -e .[bench]``);
cccplan itself never imports it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cccplan
from _workload import (
    INTERVAL_SECONDS,
    INTERVALS_PER_YEAR,
    iter_queue_chunks,
    many_queues,
    queue_year,
)
from cccplan.queueing import erlang_a, required_agents, service_level

SL_TARGET = 0.8
THRESHOLD = 20.0  # seconds
PATIENCE = 120.0  # seconds, part (b)
PW_TIME_BUDGET = 180.0  # run pyworkforce on the full year if it is expected to take less
TARGET_SPEEDUP_C = 20.0
TARGET_SPEEDUP_A = 1.0
TARGET_WALL_C = 20.0  # seconds, part (c) at 1,000 queues
TARGET_MEM_GB = 8.0  # part (c) at 1,000 queues
RESULTS_DIR = Path(__file__).resolve().parent / "_results"


# --------------------------------------------------------------------------- helpers


def _best_time(fn: Any, repeat: int) -> tuple[float, float, Any]:
    """Run ``fn`` ``repeat`` times; return (min seconds, median seconds, last result)."""
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), float(np.median(times)), result


def _fmt_s(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} us"
    if seconds < 1.0:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def _maxrss_bytes() -> int:
    """Peak resident set size of this process so far, in bytes.

    On Linux, VmHWM from /proc/self/status: ``ru_maxrss`` would do, but it
    survives ``exec`` and so includes the parent's RSS at the time of the fork,
    which would inflate part (c)'s own figure. Elsewhere ``ru_maxrss``.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024  # kB
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024  # Linux reports KiB


def _pyworkforce_erlang_c() -> Any:
    # Imported lazily: pyworkforce pulls in its scheduling/rostering solvers, which
    # would inflate part (c)'s memory figure, and (c) does not use it.
    from pyworkforce.queuing import ErlangC  # noqa: PLC0415

    return ErlangC


def _pyworkforce_loop(
    volume: np.ndarray, aht: np.ndarray, idx: np.ndarray, threshold: float = THRESHOLD
) -> tuple[np.ndarray, float, int]:
    """pyworkforce ``raw_positions`` for the intervals ``idx``, and the loop's time.

    pyworkforce's ErlangC takes ``transactions`` per ``interval`` and ``aht`` and
    ``asa`` in one time unit (the docstring says minutes, but only ratios are
    used: intensity = transactions / interval * aht), so seconds with
    ``interval=900`` give the same load as cccplan. Its ``asa`` argument is the
    service-level threshold (``service_level`` uses exp(-(n - A) * asa / aht)).
    ``required_positions`` returns a dict; ``raw_positions`` is the productive
    agent count (``positions`` adds shrinkage, 0 here, so it is the same).
    It raises ValueError for transactions <= 0, so zero-volume intervals are
    given 0 agents without calling it (the user of a loop must do the same).
    """
    ErlangC = _pyworkforce_erlang_c()
    out = np.empty(idx.size)
    n_zero = 0
    vol = volume[idx].tolist()
    ah = aht[idx].tolist()
    t0 = time.perf_counter()
    for k in range(idx.size):
        v = vol[k]
        if v <= 0:
            out[k] = 0
            n_zero += 1
            continue
        res = ErlangC(transactions=v, aht=ah[k], asa=threshold, interval=INTERVAL_SECONDS)
        out[k] = res.required_positions(service_level=SL_TARGET)["raw_positions"]
    return out, time.perf_counter() - t0, n_zero


def _pyworkforce_sl(volume: float, aht: float, n: int, threshold: float) -> float:
    ErlangC = _pyworkforce_erlang_c()
    if n <= volume * aht / INTERVAL_SECONDS:
        return 0.0  # pyworkforce's formula is meaningless for unstable n
    ec = ErlangC(transactions=volume, aht=aht, asa=threshold, interval=INTERVAL_SECONDS)
    return float(ec.service_level(int(n)))


def _compare(
    volume: np.ndarray,
    aht: np.ndarray,
    load: np.ndarray,
    n_cc: np.ndarray,
    n_pw: np.ndarray,
    labels: np.ndarray,
    threshold: float,
) -> dict[str, Any]:
    """Compare cccplan's and pyworkforce's counts; classify and print every difference.

    The right answer is the smallest count that reaches the target, judged with
    cccplan.queueing.service_level and confirmed with pyworkforce's own
    ErlangC.service_level (same Erlang C formula, independent code).
    """
    compared = volume > 0
    same = compared & (n_cc == n_pw)
    diff = compared & (n_cc != n_pw)
    n_same, n_diff = int(same.sum()), int(diff.sum())
    zero_cc = int(((~compared) & (n_cc == 0)).sum())
    # Where pyworkforce's search start round(A + 1) can be too high: frac(A) >= 0.5
    # and the smallest stable count floor(A) + 1 = ceil(A) already meets the target.
    first_stable = np.floor(load) + 1.0
    exposed = (
        compared
        & (np.mod(load, 1.0) >= 0.5)
        & (np.asarray(service_level(first_stable, load, aht, threshold)) >= SL_TARGET)
    )
    print(
        f"answers on {int(compared.sum()):,} compared intervals (volume > 0): "
        f"identical {n_same:,}, differing {n_diff:,}; "
        f"zero-volume intervals {int((~compared).sum()):,} "
        f"(pyworkforce raises ValueError, taken as 0; cccplan gives 0 on {zero_cc:,})"
    )
    print(
        f"intervals exposed to pyworkforce's round(A+1) start (frac(A) >= 0.5 and "
        f"ceil(A) agents already reach 80 % in {threshold:.0f} s): {int(exposed.sum()):,}"
    )

    classes: dict[str, int] = {}
    examples: list[dict[str, Any]] = []
    for k in np.flatnonzero(diff):
        a, c_n, p_n = float(load[k]), int(n_cc[k]), int(n_pw[k])
        lo, hi = min(c_n, p_n), max(c_n, p_n)
        sl_lo = float(service_level(lo, a, aht[k], threshold))
        sl_lo_pw = _pyworkforce_sl(float(volume[k]), float(aht[k]), lo, threshold)
        if abs(sl_lo - SL_TARGET) < 1e-9:
            cls = "floating-point tie: SL at the smaller count is 80 % to 1e-9"
        elif sl_lo >= SL_TARGET and p_n == hi:
            if p_n == round(a + 1) and hi - lo == 1 and (a % 1) >= 0.5:
                cls = (
                    "pyworkforce over-staffs by 1: frac(A) >= 0.5, its search starts at "
                    "round(A+1) (cccplan right)"
                )
            else:
                cls = f"pyworkforce over-staffs by {hi - lo}, other cause (cccplan right)"
        elif sl_lo >= SL_TARGET and c_n == hi:
            cls = f"cccplan over-staffs by {hi - lo} (pyworkforce right) -- BUG"
        elif c_n == lo:
            cls = "cccplan under-staffs: its count misses 80 % (pyworkforce right) -- BUG"
        else:
            cls = "pyworkforce under-staffs: its count misses 80 % (cccplan right)"
        if (sl_lo >= SL_TARGET) != (sl_lo_pw >= SL_TARGET):
            cls += " [pyworkforce's own SL formula disagrees at the smaller count]"
        classes[cls] = classes.get(cls, 0) + 1
        if len(examples) < 3:
            examples.append(
                {
                    "label": int(labels[k]),
                    "volume": float(volume[k]),
                    "aht": float(aht[k]),
                    "load": a,
                    "cccplan": c_n,
                    "pyworkforce": p_n,
                    "sl_smaller_cccplan": sl_lo,
                    "sl_smaller_pyworkforce": sl_lo_pw,
                }
            )
    if classes:
        print(
            "classification of the differing intervals (checked with "
            "cccplan.queueing.service_level, confirmed with pyworkforce's own formula):"
        )
        for cls, cnt in sorted(classes.items(), key=lambda kv: -kv[1]):
            print(f"  {cnt:6,}  {cls}")
        print("  first differing cases:")
        for ex in examples:
            print(
                f"    #{ex['label']}: volume {ex['volume']:.0f}, AHT {ex['aht']:.1f} s, "
                f"A {ex['load']:.4f}: cccplan {ex['cccplan']}, pyworkforce {ex['pyworkforce']}; "
                f"SL at {min(ex['cccplan'], ex['pyworkforce'])} = "
                f"{ex['sl_smaller_cccplan']:.4f} (pyworkforce formula "
                f"{ex['sl_smaller_pyworkforce']:.4f})"
            )
    return {
        "compared": int(compared.sum()),
        "identical": n_same,
        "differing": n_diff,
        "exposed": int(exposed.sum()),
        "classes": classes,
        "examples": examples,
    }


# --------------------------------------------------------------------------- part (a)


def part_a(args: argparse.Namespace) -> dict[str, Any]:
    print("=" * 78)
    print("(a) One queue-year, Erlang C, 80 % answered within 20 s")
    print("=" * 78)
    qy = queue_year(seed=args.seed)
    load, aht, volume = qy.load, qy.aht, qy.volume
    n = load.size
    print(
        f"workload: {n:,} intervals, {int((volume == 0).sum()):,} with zero volume, "
        f"volume 0..{volume.max():.0f}, AHT {aht.min():.0f}..{aht.max():.0f} s, "
        f"load max {load.max():.1f} E, mean {load.mean():.1f} E"
    )

    def cc() -> np.ndarray:
        return np.asarray(required_agents(load, aht, service_level=SL_TARGET, threshold=THRESHOLD))

    required_agents(load[:96], aht[:96], service_level=SL_TARGET, threshold=THRESHOLD)  # warm-up
    t_cc, t_cc_med, n_cc = _best_time(cc, args.repeat)
    print(
        f"cccplan   required_agents, one call: best {_fmt_s(t_cc)}, "
        f"median {_fmt_s(t_cc_med)} of {args.repeat}"
    )

    # --- pyworkforce: full year, or a random sample if that would take too long.
    rng = np.random.default_rng(args.seed + 1)
    pilot = rng.choice(n, size=min(300, n), replace=False)
    _, t_pilot, _ = _pyworkforce_loop(volume, aht, pilot)
    est_full = t_pilot / pilot.size * n
    if args.pw_sample:
        sample = args.pw_sample
    elif args.quick:
        sample = 2000
    elif est_full > PW_TIME_BUDGET:
        sample = max(1000, int(PW_TIME_BUDGET / 3 / (t_pilot / pilot.size)))
    else:
        sample = 0
    if sample and sample < n:
        idx = np.sort(rng.choice(n, size=sample, replace=False))
        how = f"random sample of {idx.size:,} intervals, time extrapolated to {n:,}"
    else:
        idx = np.arange(n)
        how = "full year, every interval"
    n_pw, t_pw_run, _ = _pyworkforce_loop(volume, aht, idx)
    t_pw = t_pw_run / idx.size * n
    print(
        f"pyworkforce ErlangC loop ({how}): {_fmt_s(t_pw_run)} for {idx.size:,} intervals"
        + (f" -> {_fmt_s(t_pw)} per year" if idx.size < n else "")
        + f"  [pilot estimate {_fmt_s(est_full)}]"
    )
    speedup = t_pw / t_cc
    print(
        f"speed ratio pyworkforce / cccplan: {speedup:,.1f}x  (target >= {TARGET_SPEEDUP_C:.0f}x)"
    )

    # --- cccplan's own consistency over the whole year (its solver vs its formula).
    pos = load > 0
    nan_cc = int(np.isnan(n_cc).sum())
    zero_ok = int(((n_cc == 0) & ~pos).sum())
    sl_at = np.asarray(service_level(n_cc, load, aht, THRESHOLD))
    sl_below = np.asarray(service_level(np.maximum(n_cc - 1, 0), load, aht, THRESHOLD))
    infeasible = int((pos & ~(sl_at >= SL_TARGET)).sum())
    not_min = int((pos & (n_cc >= 1) & (sl_below >= SL_TARGET)).sum())
    non_integer = int((np.isfinite(n_cc) & (n_cc != np.round(n_cc))).sum())
    print(
        f"cccplan self-check over {n:,} intervals: NaN {nan_cc}, non-integer {non_integer}, "
        f"zero-load -> 0 agents {zero_ok}/{int((~pos).sum())}, "
        f"SL(n) < 80 % {infeasible}, SL(n-1) >= 80 % (not minimal) {not_min}"
    )

    # --- compare answers on the intervals pyworkforce ran.
    cmp = _compare(volume[idx], aht[idx], load[idx], n_cc[idx], n_pw, idx, THRESHOLD)

    return {
        "intervals": n,
        "zero_volume": int((volume == 0).sum()),
        "cccplan_s": t_cc,
        "cccplan_median_s": t_cc_med,
        "pyworkforce_run_s": t_pw_run,
        "pyworkforce_intervals": int(idx.size),
        "pyworkforce_year_s": t_pw,
        "pyworkforce_extrapolated": bool(idx.size < n),
        "speedup": speedup,
        **cmp,
        "self_check": {
            "nan": nan_cc,
            "non_integer": non_integer,
            "infeasible": infeasible,
            "not_minimal": not_min,
        },
        "n_cc": n_cc,  # dropped before saving
        "qy": qy,
    }


# --------------------------------------------------------------------------- part (a2)

GRID_THRESHOLD = 900.0  # seconds: e.g. call-backs or e-mails, 80 % within 15 minutes


def part_a2() -> dict[str, Any]:
    """A grid where pyworkforce's over-staffing can happen, to exercise the comparison."""
    print()
    print("=" * 78)
    print(
        f"(a2) Supplement: where the two can differ -- 80 % within {GRID_THRESHOLD:.0f} s, "
        "small loads"
    )
    print("=" * 78)
    vol, ah = np.meshgrid(np.arange(1.0, 201.0), np.arange(180.0, 401.0, 20.0))
    vol, ah = vol.ravel(), ah.ravel()
    load = vol * ah / INTERVAL_SECONDS
    print(
        f"grid: volume 1..200 per 15 min x AHT 180..400 s step 20 = {vol.size:,} cases, "
        f"load {load.min():.2f}..{load.max():.1f} E (untimed)"
    )
    n_cc = np.asarray(required_agents(load, ah, service_level=SL_TARGET, threshold=GRID_THRESHOLD))
    n_pw, _, _ = _pyworkforce_loop(vol, ah, np.arange(vol.size), GRID_THRESHOLD)
    return _compare(vol, ah, load, n_cc, n_pw, np.arange(vol.size), GRID_THRESHOLD)


# --------------------------------------------------------------------------- part (b)


def part_b(args: argparse.Namespace, a_res: dict[str, Any]) -> dict[str, Any]:
    print()
    print("=" * 78)
    print(f"(b) Same year, Erlang A (patience {PATIENCE:.0f} s), 80 % within 20 s (offered basis)")
    print("=" * 78)
    qy = a_res["qy"]
    load, aht = qy.load, qy.aht

    def ca() -> np.ndarray:
        return np.asarray(
            required_agents(
                load, aht, service_level=SL_TARGET, threshold=THRESHOLD, patience=PATIENCE
            )
        )

    required_agents(
        load[:96], aht[:96], service_level=SL_TARGET, threshold=THRESHOLD, patience=PATIENCE
    )  # warm-up
    repeat = max(1, min(args.repeat, 3))
    t_a, t_a_med, n_a = _best_time(ca, repeat)
    ratio = a_res["pyworkforce_year_s"] / t_a
    print(
        f"cccplan   required_agents(patience=120), one call: best {_fmt_s(t_a)}, "
        f"median {_fmt_s(t_a_med)} of {repeat}"
    )
    print(
        f"pyworkforce Erlang C year from (a): {_fmt_s(a_res['pyworkforce_year_s'])}"
        + (" (extrapolated)" if a_res["pyworkforce_extrapolated"] else "")
    )
    print(
        f"ratio pyworkforce Erlang C / cccplan Erlang A: {ratio:,.1f}x "
        f"(target > {TARGET_SPEEDUP_A:.0f}x)  |  cccplan Erlang A / Erlang C time: "
        f"{t_a / a_res['cccplan_s']:,.1f}x"
    )

    pos = load > 0
    nan_a = int(np.isnan(n_a).sum())
    r_at = erlang_a(n_a, load, aht, PATIENCE, threshold=THRESHOLD)
    r_below = erlang_a(np.maximum(n_a - 1, 0), load, aht, PATIENCE, threshold=THRESHOLD)
    infeasible = int((pos & ~(np.asarray(r_at.service_level) >= SL_TARGET)).sum())
    not_min = int((pos & (n_a >= 1) & (np.asarray(r_below.service_level) >= SL_TARGET)).sum())
    d = n_a - a_res["n_cc"]
    d = d[np.isfinite(d) & pos]
    vals, cnts = np.unique(d, return_counts=True)
    print(
        f"cccplan self-check: NaN {nan_a}, SL(n) < 80 % {infeasible}, "
        f"SL(n-1) >= 80 % (not minimal) {not_min}"
    )
    fewer = d < 0
    print(
        f"Erlang A vs Erlang C agents, intervals with load > 0: fewer {int(fewer.sum()):,} "
        f"(median {-np.median(d[fewer]) if fewer.any() else 0:.0f} fewer, max {-d.min():.0f}), "
        f"same {int((d == 0).sum()):,}, more {int((d > 0).sum()):,}"
    )
    print(
        f"agent-hours over the year: Erlang C {np.nansum(a_res['n_cc']) / 4:,.0f}, "
        f"Erlang A {np.nansum(n_a) / 4:,.0f}"
    )
    return {
        "cccplan_s": t_a,
        "cccplan_median_s": t_a_med,
        "ratio_vs_pyworkforce_c": ratio,
        "nan": nan_a,
        "infeasible": infeasible,
        "not_minimal": not_min,
        "a_minus_c": {int(v): int(c) for v, c in zip(vals, cnts, strict=True)},
    }


# --------------------------------------------------------------------------- part (c)


def _worker_c(n_queues: int, seed: int, chunk_queues: int) -> None:
    """Runs in its own process so that ru_maxrss is part (c)'s own figure."""
    rss_start = _maxrss_bytes()
    required_agents(
        np.array([1.0, 10.0]),
        np.array([200.0, 200.0]),
        service_level=SL_TARGET,
        threshold=THRESHOLD,
    )  # imports, warm-up
    out: dict[str, Any] = {
        "queues": n_queues,
        "intervals": n_queues * INTERVALS_PER_YEAR,
        "chunk_queues": chunk_queues,
    }
    t_gen = 0.0
    t_compute = 0.0
    nan = 0
    agents_sum = 0.0
    agents_max = 0.0
    load_max = 0.0
    if chunk_queues <= 0:
        t0 = time.perf_counter()
        load, aht = many_queues(n_queues, seed=seed)
        t_gen = time.perf_counter() - t0
        rss_inputs = _maxrss_bytes()
        t0 = time.perf_counter()
        n = np.asarray(required_agents(load, aht, service_level=SL_TARGET, threshold=THRESHOLD))
        t_compute = time.perf_counter() - t0
        nan = int(np.isnan(n).sum())
        agents_sum = float(np.nansum(n))
        agents_max = float(np.nanmax(n))
        load_max = float(load.max())
        out["input_bytes"] = int(load.nbytes + aht.nbytes)
    else:
        rss_inputs = _maxrss_bytes()
        t_wall0 = time.perf_counter()
        for load, aht in iter_queue_chunks(n_queues, chunk_queues, seed=seed):
            t0 = time.perf_counter()
            n = np.asarray(required_agents(load, aht, service_level=SL_TARGET, threshold=THRESHOLD))
            t_compute += time.perf_counter() - t0
            nan += int(np.isnan(n).sum())
            agents_sum += float(np.nansum(n))
            agents_max = max(agents_max, float(np.nanmax(n)))
            load_max = max(load_max, float(load.max()))
        t_gen = time.perf_counter() - t_wall0 - t_compute
        out["input_bytes"] = int(2 * 8 * min(chunk_queues, n_queues) * INTERVALS_PER_YEAR)
    rss_peak = _maxrss_bytes()
    out.update(
        {
            "generate_s": t_gen,
            "compute_s": t_compute,
            "nan": nan,
            "agent_hours": agents_sum / 4,
            "agents_max": agents_max,
            "load_max": load_max,
            "rss_start_bytes": rss_start,
            "rss_after_inputs_bytes": rss_inputs,
            "rss_peak_bytes": rss_peak,
        }
    )
    print("RESULT " + json.dumps(out))


def part_c(args: argparse.Namespace, chunk_queues: int) -> dict[str, Any]:
    print()
    print("=" * 78)
    mode = (
        "one call over all intervals"
        if chunk_queues <= 0
        else f"caller-side chunks of {chunk_queues} queue-years"
    )
    print(
        f"(c) {args.queues:,} queue-years ({args.queues * INTERVALS_PER_YEAR:,} intervals), "
        f"Erlang C, {mode}, own subprocess"
    )
    print("=" * 78)
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--_worker-c",
        "--queues",
        str(args.queues),
        "--seed",
        str(args.seed),
        "--chunk-queues",
        str(chunk_queues),
    ]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    t_proc = time.perf_counter() - t0
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        print(
            f"worker failed (exit code {proc.returncode}, {t_proc:.1f} s); "
            f"a negative code is the signal, -9 usually the OOM killer"
        )
        print(proc.stderr[-3000:])
        return {"failed": True, "returncode": proc.returncode}
    res: dict[str, Any] = json.loads(line[len("RESULT ") :])
    gb = 1e9
    print(
        f"generate workload: {res['generate_s']:.2f} s (not counted), inputs "
        f"{res['input_bytes'] / gb:.2f} GB (load + aht, float64)"
    )
    print(
        f"required_agents:   {res['compute_s']:.2f} s wall  "
        f"({res['intervals'] / res['compute_s'] / 1e6:.2f} M intervals/s)"
        f"  (target < {TARGET_WALL_C:.0f} s at 1,000 queues)"
    )
    print(
        f"peak RSS of the process: {res['rss_peak_bytes'] / gb:.2f} GB  "
        f"(after imports {res['rss_start_bytes'] / gb:.2f} GB, with inputs "
        f"{res['rss_after_inputs_bytes'] / gb:.2f} GB; required_agents added "
        f"{(res['rss_peak_bytes'] - res['rss_after_inputs_bytes']) / gb:.2f} GB)"
        f"  (target < {TARGET_MEM_GB:.0f} GB)"
    )
    print(
        f"results: NaN {res['nan']:,}, max agents {res['agents_max']:.0f} "
        f"(max load {res['load_max']:.1f} E), agent-hours {res['agent_hours']:,.0f}"
    )
    return res


# --------------------------------------------------------------------------- main


def _pyworkforce_version() -> str:
    import pyworkforce  # noqa: PLC0415  (see _pyworkforce_erlang_c)

    return str(getattr(pyworkforce, "__version__", "?"))


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--queues",
        type=int,
        default=1000,
        help="number of queue-years in part (c) (default 1000 = 35 M intervals)",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="run pyworkforce on a random sample of 2,000 intervals and extrapolate",
    )
    p.add_argument(
        "--pw-sample",
        type=int,
        default=0,
        help="run pyworkforce on this many random intervals (overrides --quick)",
    )
    p.add_argument(
        "--c-mode",
        choices=("one", "chunked", "both"),
        default="both",
        help="part (c): one required_agents call over all intervals, a call per "
        "chunk of --chunk-queues queue-years (generated chunk by chunk), "
        "or both (default)",
    )
    p.add_argument(
        "--chunk-queues",
        type=int,
        default=100,
        help="part (c) chunked mode: queue-years per call (default 100 = 3.5 M intervals)",
    )
    p.add_argument("--repeat", type=int, default=5, help="timing repeats for cccplan (best kept)")
    p.add_argument("--seed", type=int, default=2025)
    p.add_argument("--skip-c", action="store_true", help="skip part (c)")
    p.add_argument("--_worker-c", dest="worker_c", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.worker_c:
        _worker_c(args.queues, args.seed, args.chunk_queues)
        return 0

    try:
        pw_version = _pyworkforce_version()
    except ImportError:
        print("pyworkforce is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    print(
        f"cccplan {cccplan.__version__}, pyworkforce {pw_version}, numpy {np.__version__}, "
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f} (timings are wall clock: a busy machine "
        f"slows cccplan's threaded solver more than pyworkforce's single-threaded loop)"
    )

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # a warning in the benchmark is a finding: report it
        a = part_a(args)
        a2 = part_a2()
        b = part_b(args, a)
    if caught:
        print(f"\nWARNINGS raised during (a)/(b): {len(caught)}")
        for wm in caught[:10]:
            print(f"  {wm.category.__name__}: {wm.message} ({wm.filename}:{wm.lineno})")
    c_runs: dict[str, dict[str, Any]] = {}
    if not args.skip_c:
        if args.c_mode in ("one", "both"):
            c_runs["one call"] = part_c(args, 0)
        if args.c_mode in ("chunked", "both"):
            c_runs[f"chunks of {args.chunk_queues}"] = part_c(args, args.chunk_queues)

    print()
    print("=" * 78)
    print("Summary")
    print("=" * 78)
    rows: list[tuple[str, str, str, str]] = []
    pw_note = " (extrap.)" if a["pyworkforce_extrapolated"] else ""
    rows.append(("(a) Erlang C year: cccplan", _fmt_s(a["cccplan_s"]), "", ""))
    rows.append(
        ("(a) Erlang C year: pyworkforce loop" + pw_note, _fmt_s(a["pyworkforce_year_s"]), "", "")
    )
    rows.append(
        (
            "(a) speed ratio pyworkforce/cccplan",
            f"{a['speedup']:,.1f}x",
            f">= {TARGET_SPEEDUP_C:.0f}x",
            _verdict(a["speedup"] >= TARGET_SPEEDUP_C),
        )
    )
    sc = a["self_check"]
    bad = (
        sum(v for k, v in a["classes"].items() if "BUG" in k or "disagrees" in k)
        + sc["infeasible"]
        + sc["not_minimal"]
        + sc["nan"]
        + sc["non_integer"]
    )
    rows.append(
        ("(a) answers identical / compared", f"{a['identical']:,} / {a['compared']:,}", "", "")
    )
    for cls, cnt in a["classes"].items():
        rows.append((f"      differ: {cls[:44]}", f"{cnt:,}", "", ""))
    rows.append(("(a) cccplan wrong answers found", f"{bad:,}", "0", _verdict(bad == 0)))
    rows.append(
        (
            "(a2) grid, 15-min threshold: identical / compared",
            f"{a2['identical']:,} / {a2['compared']:,}",
            "",
            "",
        )
    )
    for cls, cnt in a2["classes"].items():
        rows.append((f"      differ: {cls[:44]}", f"{cnt:,}", "", ""))
    bad2 = sum(v for k, v in a2["classes"].items() if "BUG" in k or "disagrees" in k)
    rows.append(("(a2) cccplan wrong answers found", f"{bad2:,}", "0", _verdict(bad2 == 0)))
    rows.append(("(b) Erlang A year: cccplan", _fmt_s(b["cccplan_s"]), "", ""))
    rows.append(
        (
            "(b) ratio pyworkforce C / cccplan A",
            f"{b['ratio_vs_pyworkforce_c']:,.1f}x",
            f"> {TARGET_SPEEDUP_A:.0f}x",
            _verdict(b["ratio_vs_pyworkforce_c"] > TARGET_SPEEDUP_A),
        )
    )
    bad_b = b["nan"] + b["infeasible"] + b["not_minimal"]
    rows.append(
        ("(b) cccplan Erlang A self-check failures", f"{bad_b:,}", "0", _verdict(bad_b == 0))
    )
    for label, c in c_runs.items():
        scale = f"{args.queues:,} queues, {label}"
        if c.get("failed"):
            rows.append((f"(c) {scale}", "worker failed", "", "FAIL"))
        else:
            full = args.queues >= 1000
            rows.append(
                (
                    f"(c) {scale}: wall time",
                    f"{c['compute_s']:.2f} s",
                    f"< {TARGET_WALL_C:.0f} s",
                    _verdict(c["compute_s"] < TARGET_WALL_C) if full else "n/a (<1000)",
                )
            )
            rows.append(
                (
                    f"(c) {scale}: peak RSS",
                    f"{c['rss_peak_bytes'] / 1e9:.2f} GB",
                    f"< {TARGET_MEM_GB:.0f} GB",
                    _verdict(c["rss_peak_bytes"] / 1e9 < TARGET_MEM_GB) if full else "n/a (<1000)",
                )
            )
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    w = max(len(r[0]) for r in rows)
    print(f"{'figure':<{w}}  {'value':>16}  {'target':>9}  verdict")
    for name, val, tgt, ver in rows:
        print(f"{name:<{w}}  {val:>16}  {tgt:>9}  {ver}")

    RESULTS_DIR.mkdir(exist_ok=True)
    saved = {
        "argv": sys.argv[1:],
        "a": {k: v for k, v in a.items() if k not in ("n_cc", "qy")},
        "a2": a2,
        "b": b,
        "c": c_runs,
    }
    out = RESULTS_DIR / "required_agents.json"
    out.write_text(json.dumps(saved, indent=2, default=float))
    print(f"\nfigures saved to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
