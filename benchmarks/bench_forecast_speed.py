"""Forecast speed: one queue-year of 15-minute history, and 100 queues at once.

Targets (issue 4): ``auto`` fits and predicts a year of 15-minute history for one
queue in under 0.5 s (its backtest search excluded, which must stay under 10 s
per queue); 100 queues in under 2 minutes on 2 cores.

The queues are the embedded example centre's four series under 25 seeds
(100 series, a year each). Run::

    python benchmarks/bench_forecast_speed.py            # 100 queues
    python benchmarks/bench_forecast_speed.py --queues 20
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np
import pandas as pd

import cccplan
from cccplan.forecast._matrix import to_day_matrix
from cccplan.forecast.api import _blas_on_one_thread, _model
from cccplan.frames import infer_freq


def one_queue(seed: int = 2024) -> pd.DataFrame:
    history = cccplan.load_example(seed, days=365).history
    return history[(history["queue"] == "billing") & (history["channel"] == "voice")]


def many_queues(n: int) -> pd.DataFrame:
    parts = []
    for seed in range(int(np.ceil(n / 4))):
        history = cccplan.load_example(seed, days=365).history
        parts.append(history.assign(queue=history["queue"] + f"_{seed:02d}"))
    frame = pd.concat(parts, ignore_index=True)
    keys = frame[["queue", "channel"]].drop_duplicates().head(n)
    return frame.merge(keys, on=["queue", "channel"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queues", type=int, default=100)
    args = parser.parse_args()
    print(f"cccplan {cccplan.__version__}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")

    history = one_queue()
    matrix = to_day_matrix(history, freq=infer_freq(history))
    dates = matrix.dates[-1] + np.arange(1, 8).astype("timedelta64[D]")
    print(f"\none queue-year: {len(history):,} intervals ({matrix.values.shape[0]} days)")
    for name in ("weekday_average", "topdown", "svd", "statespace", "ensemble"):
        _model(name).fit(matrix).predict(dates)  # warm-up (imports)
        with _blas_on_one_thread():  # as inside forecast()
            start = time.perf_counter()
            _model(name).fit(matrix).predict(dates)
            took = time.perf_counter() - start
        print(f"  fit + predict 7 days, {name:<16} {took:8.3f} s")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cccplan.CccplanWarning)
        start = time.perf_counter()
        fc = cccplan.forecast(history, "7D", model="auto")
    took = time.perf_counter() - start
    choice = fc.attrs["model_choice"][("billing", "voice")]
    print(f"  forecast(model='auto') incl. backtest search: {took:.2f} s -> {choice['model']}")
    # auto without its search: fit and predict what it chose (every member of
    # the combination) on the whole history.
    chosen = sorted({n for w in choice.get("weights", {}).values() for n in w}) or [choice["model"]]
    with _blas_on_one_thread():
        start = time.perf_counter()
        for name in chosen:
            _model(name).fit(matrix).predict(dates)
        took = time.perf_counter() - start
    print(
        f"  auto without its search (fit + predict {', '.join(chosen)}): "
        f"{took:.3f} s (target < 0.5 s)"
    )

    frame = many_queues(args.queues)
    n = frame[["queue", "channel"]].drop_duplicates().shape[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cccplan.CccplanWarning)
        start = time.perf_counter()
        fc = cccplan.forecast(frame, "7D", model="auto", progress=False)
    took = time.perf_counter() - start
    print(
        f"\n{n} queue-years ({len(frame):,} intervals), model='auto', all cores: {took:.1f} s "
        f"(target < 120 s); {len(fc):,} forecast intervals"
    )
    chosen = pd.Series([c["model"] for c in fc.attrs["model_choice"].values()]).value_counts()
    print("auto chose: " + ", ".join(f"{k} {v}" for k, v in chosen.items()))


if __name__ == "__main__":
    main()
