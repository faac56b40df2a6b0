"""Forecast accuracy on real call data: cccplan's forecasters against peers.

Run from the project root::

    python benchmarks/bench_forecast.py                    # 12 origins, 7-day horizon, 30 min
    python benchmarks/bench_forecast.py --quick            # 3 origins
    python benchmarks/bench_forecast.py --no-statsforecast # numpy peers (and cccplan) only
    python benchmarks/bench_forecast.py --example-centre   # auto on the embedded example centre

Data: the "Anonymous Bank" of Israel, incoming calls of 1999 (see
``benchmarks/_bank_data.py``), read from ``../shared/data/`` seen from the
project root and summed to ``--freq`` intervals (30 minutes by default).

Rolling origin: ``--origins`` forecast origins (local midnights) spaced 7 days
apart, the last one leaving exactly ``--horizon-days`` days of test data before
the end of the year. Each forecast uses all history before its origin and covers
the ``--horizon-days`` days after it.

Methods, side by side (see benchmarks/README.md, "Forecast accuracy"):

* peers computed here with numpy: *seasonal naive* (the same interval one week
  earlier) and the *4-week weekday average* (mean of the same interval on the
  same weekday over the last four weeks of history);
* statsforecast ``MSTL(season_length=[day, week], trend_forecaster=AutoETS(model="ZZN"))``
  (48 and 336 intervals at 30 minutes). statsforecast is not installable next to
  cccplan (it pins pandas < 3), so when this interpreter lacks it the part runs
  in a subprocess with the interpreter of ``--sf-python`` (default
  ``$CCCPLAN_SF_PYTHON``: a virtual environment with statsforecast and cccplan
  installed ``--no-deps``), exchanging arrays
  through a temporary ``.npz`` file;
* cccplan's models through :func:`cccplan_methods`, once ``cccplan.forecast``
  exists (until then the run says "cccplan.forecast not available yet").

Metrics, over all intervals and over open intervals only: WAPE on horizon day
1, on the last horizon day and on all days, MAE, bias, WAPE / Poisson floor, and
every WAPE as a ratio to statsforecast's. Figures are also written to
``benchmarks/_results/forecast.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _bank_data as bank

RESULTS_DIR = Path(__file__).resolve().parent / "_results"
SF_PYTHON_DEFAULT = os.environ.get("CCCPLAN_SF_PYTHON", "")
STEP_DAYS = 7
WEEKDAY_AVERAGE_WEEKS = 4
CCCPLAN_MODELS = (
    "seasonal_naive",
    "weekday_average",
    "topdown",
    "svd",
    "statespace",
    "ensemble",
    "auto",
)
SF_NAME = "statsforecast MSTL+AutoETS"

ForecastFn = Callable[[Any, int], Any]  # (history frame, horizon days) -> forecast frame


# --------------------------------------------------------------------------- cccplan

INTERVAL_COLUMNS = ("volume_lo_80", "volume_hi_80", "volume_lo_95", "volume_hi_95")


def cccplan_methods(models: tuple[str, ...] = CCCPLAN_MODELS) -> dict[str, ForecastFn]:
    """cccplan's forecasters as ``{name: f(history_frame, horizon_days) -> forecast_frame}``.

    ``history_frame`` is a tidy frame of cccplan's conventions (``queue``,
    ``channel``, timezone-aware ``interval_start``, ``volume``) holding every
    interval before the origin; the forecast frame must have ``interval_start``
    and ``volume`` for the intervals of the next ``horizon_days`` days (other
    columns are ignored; absent intervals count as closed, i.e. a forecast of 0).
    Returns ``{}`` when ``cccplan.forecast`` does not exist yet.
    """
    try:
        import cccplan  # noqa: PLC0415 - optional: the peers run without it
    except ImportError as error:
        print(f"cccplan not importable ({error}); cccplan.forecast not available yet")
        return {}
    forecast = getattr(cccplan, "forecast", None)
    if not callable(forecast):
        print("cccplan.forecast not available yet")
        return {}

    def make(model: str) -> ForecastFn:
        def run(history: Any, horizon_days: int) -> Any:
            # DESIGN.md: horizon is a pandas offset ("7D") or a number of intervals.
            return forecast(history, f"{horizon_days}D", model=model)

        return run

    return {f"cccplan {model}": make(model) for model in models}


# --------------------------------------------------------------------------- peers


def seasonal_naive(matrix: np.ndarray, origin: int, horizon_days: int) -> np.ndarray:
    """Same interval one week earlier; beyond a week the last week repeats."""
    rows = origin - STEP_DAYS + np.arange(horizon_days) % STEP_DAYS
    return matrix[rows]


def weekday_average(matrix: np.ndarray, origin: int, horizon_days: int) -> np.ndarray:
    """Mean of the same interval on the same weekday over the last four weeks of history."""
    last = origin - STEP_DAYS + np.arange(horizon_days) % STEP_DAYS
    rows = last[:, None] - STEP_DAYS * np.arange(WEEKDAY_AVERAGE_WEEKS)[None, :]
    return matrix[rows].mean(axis=1)


def _sf_forecasts(
    series: np.ndarray, origins: np.ndarray, horizon: int, seasons: list[int]
) -> dict[str, Any]:
    """Fit MSTL + AutoETS on ``series[:origin]`` for each origin (interval index).

    Runs in whichever interpreter has statsforecast; numpy in, numpy out.
    """
    # Imported here: the statsforecast interpreter may be another one, without cccplan.
    import statsforecast  # noqa: PLC0415
    from statsforecast.models import MSTL, AutoETS  # noqa: PLC0415

    def model() -> Any:
        return MSTL(season_length=seasons, trend_forecaster=AutoETS(model="ZZN"))

    # First call compiles numba code; time it apart from the forecasts.
    start = time.perf_counter()
    model().forecast(y=series[: 4 * max(seasons)], h=horizon)
    warmup = time.perf_counter() - start

    forecasts = np.empty((len(origins), horizon))
    seconds = np.empty(len(origins))
    for k, origin in enumerate(origins):
        start = time.perf_counter()
        forecasts[k] = model().forecast(y=series[:origin], h=horizon)["mean"]
        seconds[k] = time.perf_counter() - start
    return {
        "forecasts": forecasts,
        "seconds": seconds,
        "warmup": warmup,
        "version": f"statsforecast {statsforecast.__version__}, Python "
        f"{platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}",
    }


def _sf_worker(path_in: str, path_out: str) -> None:
    with np.load(path_in) as data:
        result = _sf_forecasts(
            data["series"], data["origins"], int(data["horizon"]), data["seasons"].tolist()
        )
    np.savez(path_out, **result)


def run_statsforecast(
    series: np.ndarray,
    origins: np.ndarray,
    horizon: int,
    seasons: list[int],
    sf_python: str,
    *,
    subprocess_only: bool = False,
) -> dict[str, Any] | None:
    """statsforecast forecasts, in-process if importable here, else in ``sf_python``."""
    start = time.perf_counter()
    if not subprocess_only and importlib.util.find_spec("statsforecast") is not None:
        result = _sf_forecasts(series, origins, horizon, seasons)
        result["where"] = "in-process"
    else:
        if not Path(sf_python).is_file():
            print(f"statsforecast: not importable here and {sf_python} not found; skipped")
            return None
        with tempfile.TemporaryDirectory() as tmp:
            path_in, path_out = Path(tmp) / "in.npz", Path(tmp) / "out.npz"
            np.savez(
                path_in,
                series=series,
                origins=origins,
                horizon=horizon,
                seasons=np.asarray(seasons),
            )
            command = [sf_python, str(Path(__file__).resolve()), "--sf-worker", str(path_in)]
            proc = subprocess.run(
                [*command, str(path_out)], capture_output=True, text=True, check=False
            )
            if proc.returncode != 0 or not path_out.is_file():
                print(f"statsforecast subprocess failed ({sf_python}):\n{proc.stderr[-3000:]}")
                return None
            with np.load(path_out) as data:
                result = {key: data[key] for key in data.files}
        result["version"] = str(result["version"])
        result["warmup"] = float(result["warmup"])
        result["where"] = f"subprocess {sf_python}"
    result["wall"] = time.perf_counter() - start
    return result


# --------------------------------------------------------------------------- evaluation


@dataclass
class Method:
    name: str
    forecasts: np.ndarray  # (origins, horizon days, intervals per day)
    seconds: list[float]  # fit + forecast time per origin
    note: str = ""
    clipped: int = 0  # negative forecast values set to 0
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.clipped = int((self.forecasts < 0).sum())
        self.forecasts = np.maximum(self.forecasts, 0.0)


def poisson_floor(actual: np.ndarray) -> float:
    """WAPE of a perfect mean forecast of Poisson counts: sum sqrt(2 mu / pi) / sum mu.

    E|Y - mu| ~ sqrt(2 mu / pi) for Y ~ Poisson(mu) (normal approximation); mu
    is unknown and approximated by the actual count.
    """
    return float(np.sqrt(2.0 * actual / np.pi).sum() / actual.sum())


def metrics(forecast: np.ndarray, actual: np.ndarray, mask: np.ndarray) -> dict[str, float]:
    """Accuracy of ``forecast`` against ``actual`` (origins x days x intervals) where ``mask``."""
    error = forecast - actual

    def wape(day: slice | int) -> float:
        m = mask[:, day]
        return float(np.abs(error[:, day][m]).sum() / actual[:, day][m].sum())

    total = float(actual[mask].sum())
    result = {
        "wape_day1": wape(0),
        "wape_last_day": wape(-1),
        "wape": wape(slice(None)),
        "mae": float(np.abs(error[mask]).mean()),
        "bias": float(error[mask].sum() / total),
        "floor": poisson_floor(actual[mask]),
        "wape_by_day": [wape(day) for day in range(actual.shape[1])],
    }
    result["wape_over_floor"] = result["wape"] / result["floor"]
    return result


def _grid_from_frame(
    frame: Any, first_day: Any, horizon_days: int, per_day: int, tz: str, column: str = "volume"
) -> tuple[np.ndarray, int, int]:
    """A cccplan forecast frame on the naive wall-clock grid of the test days.

    Returns (days x intervals array, forecast rows used, rows outside the test
    window). Absent intervals are 0 (closed); the two passes of a fall-back hour
    add up onto its single wall-clock interval, as in the data file.
    """
    times = pd.DatetimeIndex(frame["interval_start"])
    if times.tz is not None:
        times = times.tz_convert(tz).tz_localize(None)
    step = pd.Timedelta(minutes=1440 // per_day)
    offset = times - pd.Timestamp(first_day)
    position = np.asarray(offset // step)
    aligned = np.asarray(offset % step == pd.Timedelta(0))
    inside = aligned & (position >= 0) & (position < horizon_days * per_day)
    grid = np.zeros(horizon_days * per_day)
    np.add.at(grid, position[inside], np.asarray(frame[column], dtype=float)[inside])
    return grid.reshape(horizon_days, per_day), int(inside.sum()), int((~inside).sum())


def run_cccplan(
    methods: dict[str, ForecastFn],
    histories: list[Any],
    test_days: list[Any],
    horizon_days: int,
    per_day: int,
    tz: str,
) -> list[Method]:
    results = []
    for name, function in methods.items():
        forecasts = np.empty((len(histories), horizon_days, per_day))
        bounds: dict[str, np.ndarray] = {}
        seconds, used, outside = [], 0, 0
        try:
            for k, history in enumerate(histories):
                start = time.perf_counter()
                frame = function(history, horizon_days)
                seconds.append(time.perf_counter() - start)
                forecasts[k], n_used, n_out = _grid_from_frame(
                    frame, test_days[k], horizon_days, per_day, tz
                )
                used += n_used
                outside += n_out
                for column in INTERVAL_COLUMNS:
                    if column in frame.columns:
                        grid = bounds.setdefault(column, np.zeros_like(forecasts))
                        grid[k] = _grid_from_frame(
                            frame, test_days[k], horizon_days, per_day, tz, column
                        )[0]
        except Exception as error:
            print(f"{name}: failed at origin {len(seconds) + 1} of {len(histories)}: {error!r}")
            print("".join(traceback.format_exception(error)[-3:]).rstrip())
            continue
        note = f"{used:,} rows" + (f", {outside:,} outside the test window" if outside else "")
        results.append(Method(name, forecasts, seconds, note=note, extra={"bounds": bounds}))
        print(f"{name}: done in {sum(seconds):.1f} s ({note})")
    return results


# --------------------------------------------------------------------------- example centre


def run_example_centre(models: tuple[str, ...], origins: int, horizon_days: int) -> None:
    """Rolling-origin check of cccplan's models on the embedded example centre (synthetic).

    ``origins`` weekly origins (local midnights), the last leaving ``horizon_days``
    of the two-year history; each forecast is ``cccplan.forecast(history before
    the origin, f"{horizon_days}D", model=..., opening_hours=centre.hours)`` for
    all four series at once, compared with the history's intervals (absent
    forecast intervals count as 0). Prints WAPE on day 1, the last day and all
    days, pooled over series and origins, and the 80 % / 95 % coverage.
    """
    import warnings  # noqa: PLC0415

    import cccplan  # noqa: PLC0415

    centre = cccplan.load_example()
    history = centre.history
    keys = ["queue", "channel"]
    tz = history["interval_start"].dt.tz
    end = history["interval_start"].max().tz_localize(None).normalize() + pd.Timedelta(days=1)
    print(
        f"example centre (seed {centre.seed}): {history[keys].drop_duplicates().shape[0]} "
        f"series, {origins} origins 7 days apart, horizon {horizon_days} days"
    )
    print(
        f"{'model':<18}{'WAPE d1':>9}{'WAPE d' + str(horizon_days):>9}{'WAPE':>8}"
        f"{'cov 80':>8}{'cov 95':>8}{'seconds':>9}"
    )
    for model in models:
        parts, seconds = [], 0.0
        for k in range(origins):
            origin = end - pd.Timedelta(days=horizon_days + 7 * k)
            cutoff = origin.tz_localize(tz)
            window_end = (origin + pd.Timedelta(days=horizon_days)).tz_localize(tz)
            past = history[history["interval_start"] < cutoff]
            truth = history[
                (history["interval_start"] >= cutoff) & (history["interval_start"] < window_end)
            ]
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", cccplan.CccplanWarning)
                fc = cccplan.forecast(
                    past, f"{horizon_days}D", model=model, opening_hours=centre.hours
                )
            seconds += time.perf_counter() - start
            joined = truth.merge(
                fc, on=[*keys, "interval_start"], how="left", suffixes=("", "_forecast")
            )
            columns = ["volume_forecast", *INTERVAL_COLUMNS]
            joined[columns] = joined[columns].fillna(0.0)
            local = joined["interval_start"].dt.tz_localize(None)
            joined["day"] = (local - origin) // pd.Timedelta(days=1) + 1
            parts.append(joined)
        data = pd.concat(parts, ignore_index=True)
        error = (data["volume_forecast"] - data["volume"]).abs()

        def wape(rows: Any, error: Any = error, data: Any = data) -> float:
            return float(error[rows].sum() / data.loc[rows, "volume"].sum())

        coverage = [
            float(
                (
                    (data["volume"] >= data[f"volume_lo_{level}"])
                    & (data["volume"] <= data[f"volume_hi_{level}"])
                ).mean()
            )
            for level in (80, 95)
        ]
        every = np.ones(len(data), dtype=bool)
        print(
            f"{model:<18}{_pct(wape(data['day'] == 1)):>9}"
            f"{_pct(wape(data['day'] == horizon_days)):>9}{_pct(wape(every)):>8}"
            f"{_pct(coverage[0]):>8}{_pct(coverage[1]):>8}{seconds:>9.1f}"
        )


# --------------------------------------------------------------------------- output


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _ratio(value: float, reference: float | None) -> str:
    return f"{value / reference:.2f}" if reference else "n/a"


def _fmt_s(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} us"
    if seconds < 1.0:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:  # not available on this platform
        return "n/a"


def print_table(
    title: str, scores: dict[str, dict[str, float]], reference: str | None, horizon_days: int
) -> None:
    ref = scores.get(reference) if reference else None
    last = f"d{horizon_days}"
    name_width = max(len(name) for name in scores) + 2
    header = (
        f"{'method':<{name_width}}{'WAPE d1':>9}{'WAPE ' + last:>9}{'WAPE':>8}"
        f"{'/SF d1':>8}{'/SF ' + last:>8}{'/SF':>7}{'MAE':>8}{'bias':>8}{'/floor':>8}"
    )
    print(title)
    print(header)
    print("-" * len(header))
    for name, score in scores.items():
        print(
            f"{name:<{name_width}}{_pct(score['wape_day1']):>9}{_pct(score['wape_last_day']):>9}"
            f"{_pct(score['wape']):>8}"
            f"{_ratio(score['wape_day1'], ref and ref['wape_day1']):>8}"
            f"{_ratio(score['wape_last_day'], ref and ref['wape_last_day']):>8}"
            f"{_ratio(score['wape'], ref and ref['wape']):>7}"
            f"{score['mae']:>8.2f}{score['bias'] * 100:>+7.1f}%{score['wape_over_floor']:>8.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--origins", type=int, default=None, help="forecast origins (default 12)")
    parser.add_argument("--horizon-days", type=int, default=7, help="days forecast (default 7)")
    parser.add_argument("--freq", default="30min", help="interval length (default 30min)")
    parser.add_argument("--quick", action="store_true", help="3 origins (unless --origins)")
    parser.add_argument(
        "--step-days",
        type=int,
        default=7,
        help="days between origins (default 7: every origin on the same weekday; "
        "8 rotates the weekday of day 1)",
    )
    parser.add_argument("--no-statsforecast", action="store_true", help="skip statsforecast")
    parser.add_argument("--no-cccplan", action="store_true", help="peers only")
    parser.add_argument(
        "--cccplan-models",
        default=",".join(CCCPLAN_MODELS),
        help="comma-separated cccplan model names (default: all)",
    )
    parser.add_argument(
        "--cccplan-history",
        choices=("all", "open"),
        default="all",
        help="history given to cccplan: every interval (default), or closed zero intervals "
        "dropped (absent = closed)",
    )
    parser.add_argument(
        "--sf-python",
        default=SF_PYTHON_DEFAULT,
        help="interpreter with statsforecast, used when this one lacks it "
        "(default $CCCPLAN_SF_PYTHON)",
    )
    parser.add_argument(
        "--sf-subprocess",
        action="store_true",
        help="run statsforecast with --sf-python even if this interpreter has it",
    )
    parser.add_argument(
        "--example-centre",
        action="store_true",
        help="instead of the bank data: cccplan's models (--cccplan-models, default auto and "
        "weekday_average) on the embedded example centre, --origins weekly origins (default 6)",
    )
    parser.add_argument("--sf-worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.example_centre:
        given = args.cccplan_models != ",".join(CCCPLAN_MODELS)
        names = args.cccplan_models if given else "auto,weekday_average"
        models = tuple(m.strip() for m in names.split(",") if m.strip())
        run_example_centre(models, args.origins or 6, args.horizon_days)
        return

    if args.sf_worker:  # statsforecast's side, in its own interpreter
        _sf_worker(*args.sf_worker)
        return

    n_origins = args.origins or (3 if args.quick else 12)
    horizon_days = args.horizon_days
    matrix, days = bank.wall_clock_matrix(args.freq)
    n_days, per_day = matrix.shape
    last_origin = n_days - horizon_days
    origins = last_origin - args.step_days * np.arange(n_origins - 1, -1, -1)
    if n_origins < 1 or horizon_days < 1 or origins[0] < WEEKDAY_AVERAGE_WEEKS * STEP_DAYS:
        sys.exit(
            f"{n_origins} origins x {STEP_DAYS} days with a {horizon_days}-day horizon need "
            f"{WEEKDAY_AVERAGE_WEEKS} weeks of history before the first origin; "
            f"the data has {n_days} days"
        )
    seasons = [per_day, STEP_DAYS * per_day]
    actual = np.stack([matrix[o : o + horizon_days] for o in origins])
    # Open: had calls, or open by the usual hours learnt from the history before the origin.
    scheduled = np.stack(
        [
            bank.weekly_schedule(matrix[:o], days[:o])[
                np.asarray(days[o : o + horizon_days].day_of_week)
            ]
            for o in origins
        ]
    )
    open_mask = scheduled | (actual > 0)
    all_mask = np.ones_like(actual, dtype=bool)

    print(
        f"Anonymous Bank calls, 1999, {args.freq} intervals ({per_day} a day): "
        f"{n_origins} origins every {STEP_DAYS} days, "
        f"{days[origins[0]].date()} .. {days[origins[-1]].date()} "
        f"({days[origins[0]].day_name()}s), horizon {horizon_days} days, "
        f"history from {days[0].date()}"
    )
    print(
        f"test intervals: {actual.size:,} ({int(actual.sum()):,} calls), "
        f"{int((actual == 0).sum()):,} of them zero; open {int(open_mask.sum()):,} = "
        f"{int(scheduled.sum()):,} open by schedule ({int((scheduled & (actual == 0)).sum())} "
        f"zero) + {int((~scheduled & (actual > 0)).sum())} outside it with calls "
        f"({int(actual[~scheduled].sum())} calls)"
    )
    print(
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"{os.cpu_count()} CPUs, load average {_load()}"
    )
    print()

    methods: list[Method] = []
    for name, function in (
        ("seasonal naive", seasonal_naive),
        ("weekday average (4 wk)", weekday_average),
    ):
        seconds, forecasts = [], []
        for o in origins:
            start = time.perf_counter()
            forecasts.append(function(matrix, int(o), horizon_days))
            seconds.append(time.perf_counter() - start)
        methods.append(Method(name, np.stack(forecasts), seconds, note="numpy"))

    sf_result = None
    if not args.no_statsforecast:
        print(f"{SF_NAME}: season lengths {seasons}, {n_origins} fits ...", flush=True)
        series = matrix.reshape(-1)
        sf_result = run_statsforecast(
            series,
            origins * per_day,
            horizon_days * per_day,
            seasons,
            args.sf_python,
            subprocess_only=args.sf_subprocess,
        )
        if sf_result is not None:
            sf_forecasts = np.asarray(sf_result["forecasts"]).reshape(actual.shape)
            method = Method(
                SF_NAME,
                sf_forecasts,
                [float(s) for s in sf_result["seconds"]],
                note=f"{sf_result['version']}; {sf_result['where']}",
            )
            method.extra = {
                "warmup": sf_result["warmup"],
                "wall": sf_result["wall"],
                "subprocess": sf_result["where"] != "in-process",
            }
            methods.append(method)
            print(
                f"{SF_NAME}: done in {sf_result['wall']:.1f} s wall "
                f"({sum(method.seconds):.1f} s fitting, {sf_result['warmup']:.1f} s warm-up); "
                f"{method.clipped:,} negative forecast values set to 0"
            )

    if not args.no_cccplan:
        models = tuple(m.strip() for m in args.cccplan_models.split(",") if m.strip())
        functions = cccplan_methods(models)
        if functions:
            frame = bank.load_bank(args.freq)
            starts = frame["interval_start"]
            test_days = [days[o] for o in origins]
            histories = []
            for o in origins:
                cutoff = pd.Timestamp(days[o]).tz_localize(bank.TZ)
                history = frame[starts < cutoff].reset_index(drop=True)
                history.attrs.update(frame.attrs)
                if args.cccplan_history == "open":
                    table = bank.weekly_schedule(matrix[:o], days[:o])
                    history = bank.drop_closed_intervals(history, table)
                histories.append(history)
            methods += run_cccplan(functions, histories, test_days, horizon_days, per_day, bank.TZ)
    print()

    reference = SF_NAME if any(m.name == SF_NAME for m in methods) else None
    report: dict[str, Any] = {
        "data": str(bank.DATA_FILE),
        "freq": args.freq,
        "origins": [str(days[o].date()) for o in origins],
        "horizon_days": horizon_days,
        "python": platform.python_version(),
        "evaluations": {},
        "methods": {},
    }
    for label, mask in (("all intervals", all_mask), ("open intervals only", open_mask)):
        scores = {m.name: metrics(m.forecasts, actual, mask) for m in methods}
        floor = poisson_floor(actual[mask])
        print_table(
            f"== {label}: {int(mask.sum()):,} intervals, {int(actual[mask].sum()):,} calls; "
            f"Poisson floor WAPE {_pct(floor)} ==",
            scores,
            reference,
            horizon_days,
        )
        print()
        report["evaluations"][label] = {"intervals": int(mask.sum()), "floor": floor, **scores}

    coverage_rows = [m for m in methods if m.extra.get("bounds")]
    if coverage_rows:
        print("== prediction-interval coverage (share of actuals inside [lo, hi]) ==")
        for label, mask in (("all intervals", all_mask), ("open intervals only", open_mask)):
            for m in coverage_rows:
                shares = []
                for level in (80, 95):
                    lo = m.extra["bounds"].get(f"volume_lo_{level}")
                    hi = m.extra["bounds"].get(f"volume_hi_{level}")
                    if lo is None or hi is None:
                        continue
                    inside = (actual >= lo) & (actual <= hi)
                    share = float(inside[mask].mean())
                    shares.append(f"{level}%: {_pct(share)}")
                    report.setdefault("coverage", {}).setdefault(label, {}).setdefault(m.name, {})[
                        str(level)
                    ] = share
                print(f"{label:<22}{m.name:<28}{'  '.join(shares)}")
        print()

    print("== timings (fit + forecast, all history before each origin) ==")
    name_width = max(len(m.name) for m in methods) + 2
    print(f"{'method':<{name_width}}{'total':>10}{'per origin':>12}  notes")
    for m in methods:
        notes = [m.note] if m.note else []
        if "warmup" in m.extra:
            notes.append(f"+ {m.extra['warmup']:.1f} s numba warm-up, {m.extra['wall']:.1f} s wall")
            if m.extra.get("subprocess"):
                notes[-1] += " incl. interpreter start, imports and data exchange"
        if m.clipped:
            notes.append(f"{m.clipped:,} negative values set to 0")
        print(
            f"{m.name:<{name_width}}{_fmt_s(sum(m.seconds)):>10}"
            f"{_fmt_s(float(np.mean(m.seconds))):>12}  {'; '.join(notes)}"
        )
        report["methods"][m.name] = {
            "seconds": m.seconds,
            "note": m.note,
            "clipped": m.clipped,
            **{k: v for k, v in m.extra.items() if k != "bounds"},
        }
    print(f"load average at the end: {_load()}")
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "forecast.json").write_text(json.dumps(report, indent=2, default=float))
    print(f"\nfigures written to {RESULTS_DIR / 'forecast.json'}")


if __name__ == "__main__":
    main()
