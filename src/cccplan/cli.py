"""The ``cccplan`` command: forecast, staff, schedule, reconcile and check from files.

Every command reads and writes CSV, Parquet or Excel (chosen by the file's
suffix) and agreements in YAML, TOML or JSON. Run ``cccplan <command> --help``
for the options and an example.

Exit status
-----------
0
    Success (``compare`` and ``check``: no finding of severity "error").
1
    ``compare`` or ``check`` found at least one finding of severity "error"
    (so that the command can gate a plan's submission).
2
    Bad input or usage: a missing file, wrong columns, an invalid agreement,
    an unknown option. One line on standard error says what and where.
3
    An unexpected internal error (a bug): one line, and the traceback with
    ``--debug``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import yaml

from cccplan import __version__
from cccplan.exceptions import CccplanError, CccplanWarning, InputError
from cccplan.forecast.api import forecast
from cccplan.frames import read_volumes
from cccplan.io import read_table, write_frame
from cccplan.queueing import asa, erlang_a, erlang_c, occupancy, required_agents
from cccplan.queueing import service_level as sl_c
from cccplan.report import plot_forecast, plot_heatmap
from cccplan.staffing import ServiceTarget, daily, staff
from cccplan.staffing.targets import _seconds

__all__ = ["EXIT_FINDINGS", "EXIT_INPUT", "EXIT_INTERNAL", "EXIT_OK", "main"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3

_FRAME_SUFFIXES = (".csv", ".parquet", ".pq", ".xlsx")
_DOC_SUFFIXES = (".yaml", ".yml", ".toml", ".json")


class _Parser(argparse.ArgumentParser):
    """argparse with the project's exit status for usage errors (2) and one line."""

    def error(self, message: str) -> Any:  # pragma: no cover - exercised via main()
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _say(message: str = "") -> None:
    print(message, flush=True)


def _progress(message: str) -> None:
    """A stage of a long run, on standard error (standard output keeps the results)."""
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Reading and writing files
# ---------------------------------------------------------------------------


def _existing(path: str | None, option: str) -> Path:
    if path is None:
        raise InputError(f"{option} is required")
    file = Path(path)
    if not file.exists():
        raise InputError(f"{option}: no such file: {path}")
    if file.is_dir():
        raise InputError(f"{option}: {path} is a folder, expected a file")
    return file


def _frame_file(path: str | None, option: str) -> Path:
    file = _existing(path, option)
    if file.suffix.lower() not in _FRAME_SUFFIXES:
        raise InputError(
            f"{option}: {path} has suffix {file.suffix!r}; "
            f"expected one of {', '.join(_FRAME_SUFFIXES)}"
        )
    return file


def _read_intervals(path: str | None, option: str, *, tz: str | None = None) -> pd.DataFrame:
    """A validated interval frame (history, forecast, actuals) from a file."""
    file = _frame_file(path, option)
    try:
        return read_volumes(file, tz=tz)
    except InputError as error:
        raise InputError(f"{option} {path}: {error}") from None


def _read_raw(path: str | None, option: str) -> pd.DataFrame:
    """A table as written (plans, staffing: validated by the command that uses them)."""
    file = _frame_file(path, option)
    try:
        return read_table(file)
    except InputError as error:
        raise InputError(f"{option} {path}: {error}") from None


def _output(path: str, option: str) -> Path:
    file = Path(path)
    if file.suffix.lower() not in _FRAME_SUFFIXES:
        raise InputError(
            f"{option}: {path} has suffix {file.suffix!r}; "
            f"expected one of {', '.join(_FRAME_SUFFIXES)}"
        )
    if not file.parent.exists():
        raise InputError(f"{option}: folder {file.parent} does not exist")
    return file


def _writable(path: str, option: str) -> Path:
    """A file path whose folder exists (reports: any suffix the writer accepts)."""
    file = Path(path)
    if not file.parent.exists():
        raise InputError(f"{option}: folder {file.parent} does not exist")
    if file.is_dir():
        raise InputError(f"{option}: {path} is a folder, expected a file")
    return file


def _write(frame: pd.DataFrame, path: str, option: str) -> Path:
    return write_frame(frame, _output(path, option))


def _read_document(path: str | None, option: str) -> Any:
    """Parse a YAML, TOML or JSON file with safe loaders."""
    file = _existing(path, option)
    suffix = file.suffix.lower()
    text = file.read_text(encoding="utf-8")
    try:
        if suffix in (".yaml", ".yml"):
            return yaml.safe_load(text)
        if suffix == ".toml":
            return tomllib.loads(text)
        if suffix == ".json":
            return json.loads(text)
    except Exception as error:  # every parser has its own error type
        raise InputError(f"{option} {path}: not valid {suffix[1:].upper()}: {error}") from None
    raise InputError(
        f"{option}: {path} has suffix {file.suffix!r}; expected one of {', '.join(_DOC_SUFFIXES)}"
    )


def _read_targets(path: str, option: str) -> Any:
    """Service targets from a file: one target, or a mapping per series.

    The file holds either the fields of one :class:`cccplan.ServiceTarget`
    (for every series), or a mapping from ``"queue/channel"``, ``"queue"``,
    ``"channel"`` or ``"default"`` to such fields.
    """
    document = _read_document(path, option)
    if not isinstance(document, dict) or not document:
        raise InputError(f"{option} {path}: expected a mapping of target fields or of series")
    fields = set(ServiceTarget.model_fields)
    if set(document) <= fields:
        return _target(document, f"{option} {path}")
    targets: dict[Any, Any] = {}
    for key, value in document.items():
        if not isinstance(value, dict):
            raise InputError(
                f"{option} {path}: entry {key!r} must be a mapping of target fields "
                f"({', '.join(sorted(fields))}), got {value!r}"
            )
        name = str(key).strip()
        series: Any = None if name.lower() == "default" else name
        if isinstance(series, str) and "/" in series:
            queue, channel = (part.strip() for part in series.split("/", 1))
            series = (queue, channel)
        targets[series] = _target(value, f"{option} {path}, entry {key!r}")
    return targets


def _target(fields: dict[str, Any], where: str) -> Any:
    try:
        return ServiceTarget(**fields)
    except InputError as error:
        raise InputError(f"{where}: {error}") from None


def _read_agreement(path: str | None, option: str = "--agreement") -> Any:
    from cccplan.requirements import Agreement  # noqa: PLC0415 (imported when used)

    file = _existing(path, option)
    try:
        return Agreement.from_file(file)
    except InputError as error:
        raise InputError(f"{option} {path}: {error}") from None


def _agreement_targets(agreement: Any, frame: pd.DataFrame) -> dict[Any, Any]:
    """The agreement's target for every series of *frame*."""
    keys = [c for c in ("queue", "channel") if c in frame.columns]
    if "queue" not in keys:
        raise InputError("--agreement: the frame has no 'queue' column to look targets up by")
    targets: dict[Any, Any] = {}
    for values in frame[keys].drop_duplicates().itertuples(index=False):
        queue = values[0]
        channel = values[1] if len(keys) == 2 else None
        key = (queue, channel) if channel is not None else queue
        targets[key] = agreement.targets_for(queue, channel)
    return targets


def _save_figure(figure: Any, path: str) -> Path:
    file = Path(path)
    if not file.parent.exists():
        raise InputError(f"folder {file.parent} does not exist (for {path})")
    figure.savefig(file, dpi=110, bbox_inches="tight")
    plt.close(figure)
    return file


# ---------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------


def _cmd_erlang(args: argparse.Namespace) -> int:
    aht = float(_seconds(args.aht))
    if aht <= 0:
        raise InputError(f"--aht must be > 0 seconds, got {args.aht}")
    if args.load is not None:
        load = float(args.load)
        where = f"load {load:g} Erlangs"
    else:
        if args.volume is None:
            raise InputError("give --load, or --volume with --interval")
        seconds = pd.Timedelta(args.interval).total_seconds()
        if seconds <= 0:
            raise InputError(f"--interval must be a positive duration, got {args.interval}")
        load = float(args.volume) * aht / seconds
        where = f"{args.volume:g} contacts per {args.interval} x {aht:g} s = {load:.3f} Erlangs"
    if not np.isfinite(load) or load < 0:
        raise InputError(f"the offered load must be a number >= 0, got {load}")
    threshold = None if args.threshold is None else float(_seconds(args.threshold))
    patience = None if args.patience is None else float(_seconds(args.patience))
    target_asa = None if args.asa is None else float(_seconds(args.asa))
    if args.service_level is None and target_asa is None and args.agents is None:
        raise InputError("give a target (--service-level with --threshold, or --asa) or --agents")
    if args.service_level is not None and threshold is None:
        raise InputError("--service-level needs --threshold (seconds)")
    if patience is not None and patience <= 0:
        raise InputError(f"--patience must be > 0 seconds, got {args.patience}")
    model = "Erlang A" if patience is not None else "Erlang C"
    _say(f"{model}: {where}, AHT {aht:g} s" + (f", patience {patience:g} s" if patience else ""))

    rows: list[tuple[str, float]] = []
    if args.service_level is not None or target_asa is not None:
        needed = required_agents(
            load,
            aht,
            service_level=args.service_level,
            threshold=threshold,
            asa=target_asa,
            max_abandon=args.max_abandon,
            max_occupancy=args.max_occupancy,
            patience=patience,
        )
        if not np.isfinite(needed):
            raise InputError("the targets cannot be met with any number of agents")
        rows.append(("required agents", float(needed)))
    agents = float(args.agents) if args.agents is not None else rows[0][1]
    if args.agents is not None:
        rows.append(("agents", agents))
    gate = 0.0 if threshold is None else threshold
    if patience is None:
        rows += [
            ("P(wait)", float(erlang_c(agents, load))),
            (f"service level ({gate:g} s)", float(sl_c(agents, load, aht, gate))),
            ("ASA (s)", float(asa(agents, load, aht))),
            ("occupancy", float(occupancy(agents, load))),
        ]
    else:
        result = erlang_a(agents, load, aht, patience, threshold=gate)
        rows += [
            ("P(wait)", float(result.p_wait)),
            (f"service level ({gate:g} s, of offered)", float(result.service_level)),
            ("abandonment", float(result.p_abandon)),
            ("ASA of answered (s)", float(result.asa)),
            ("occupancy", float(result.occupancy)),
        ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        shown = f"{value:.0f}" if "agents" in name else f"{value:.4g}"
        if name in ("P(wait)", "abandonment", "occupancy") or name.startswith("service level"):
            shown = f"{value:.1%}"
        _say(f"  {name:<{width}}  {shown}")
    return EXIT_OK


def _cmd_forecast(args: argparse.Namespace) -> int:
    history = _read_intervals(args.history, "--history", tz=args.tz)
    events = _read_raw(args.events, "--events") if args.events else None
    out = _output(args.out, "--out")
    started = time.perf_counter()
    result = forecast(
        history,
        args.horizon,
        model=args.model,
        level=tuple(args.level),
        events=events,
        holidays=args.holidays,
        progress=False if args.no_progress else None,
        n_jobs=args.jobs,
    )
    _write(result, str(out), "--out")
    n_series = len(result.groupby([c for c in ("queue", "channel") if c in result], sort=False))
    _say(
        f"forecast: {n_series} series, {len(result):,} intervals, "
        f"{result['volume'].sum():,.0f} contacts in {time.perf_counter() - started:.1f} s -> {out}"
    )
    choice = result.attrs.get("model_choice")
    if isinstance(choice, dict):
        for series, chosen in choice.items():
            name = "/".join(map(str, series)) if isinstance(series, tuple) else series
            if isinstance(chosen, dict):
                _say(f"  {name}: {chosen.get('model')} ({chosen.get('reason', '')})")
            else:
                _say(f"  {name}: {chosen}")
    if args.plot:
        figure = plot_forecast(history, result, **_first_series(result))
        _say(f"  plot -> {_save_figure(figure, args.plot)}")
    return EXIT_OK


def _targets_from(args: argparse.Namespace, frame: pd.DataFrame) -> Any:
    if args.agreement and args.targets:
        raise InputError("give --targets or --agreement, not both")
    if args.agreement:
        return _agreement_targets(_read_agreement(args.agreement), frame)
    if args.targets:
        return _read_targets(args.targets, "--targets")
    raise InputError("give --targets (a YAML/TOML/JSON file of service targets) or --agreement")


def _cmd_staff(args: argparse.Namespace) -> int:
    forecast = _read_intervals(args.forecast, "--forecast", tz=args.tz)
    targets = _targets_from(args, forecast)
    out = _output(args.out, "--out")
    started = time.perf_counter()
    _progress(f"staffing {len(forecast):,} intervals ...")
    staffing = staff(forecast, targets, integer=not args.continuous)
    _write(staffing, str(out), "--out")
    hours = pd.Timedelta(staffing.attrs["freq"]).total_seconds() / 3600
    missed = int((~staffing["target_met"].astype(bool)).sum())
    _say(
        f"staffing: {len(staffing):,} intervals, {staffing['scheduled'].sum() * hours:,.0f} "
        f"scheduled agent-hours, targets missed in {missed} intervals "
        f"({time.perf_counter() - started:.1f} s) -> {out}"
    )
    if args.daily:
        _say(f"  daily roll-up -> {_write(daily(staffing), args.daily, '--daily')}")
    if args.heatmap:
        figure = plot_heatmap(staffing, **_first_series(staffing))
        _say(f"  heatmap -> {_save_figure(figure, args.heatmap)}")
    return EXIT_OK


def _first_series(frame: pd.DataFrame) -> dict[str, Any]:
    """``queue=`` / ``channel=`` of the frame's first series (plots show one series)."""
    first = frame.iloc[0]
    return {key: first[key] for key in ("queue", "channel") if key in frame.columns}


def _cmd_schedule(args: argparse.Namespace) -> int:
    from cccplan.scheduling import read_shifts, schedule  # noqa: PLC0415 (imported when used)

    staffing = _read_raw(args.staffing, "--staffing")
    shifts = read_shifts(_existing(args.shifts, "--shifts"))
    out = _output(args.out, "--out")
    _progress(
        f"scheduling {len(staffing):,} intervals with {len(shifts)} shift templates "
        f"(time limit {args.time_limit:g} s) ..."
    )
    result = schedule(staffing, shifts, time_limit=args.time_limit, gap=args.gap)
    _write(result.to_plan(), str(out), "--out")
    short = result.uncovered
    _say(
        f"schedule: {result.status}, cost {result.cost:,.2f}, MIP gap {result.gap:.2%}, "
        f"{int(result.shifts['count'].sum())} shifts, {len(short)} intervals short "
        f"({result.time:.1f} s) -> {out}"
    )
    if args.shifts_out:
        _say(f"  shifts -> {_write(result.shifts, args.shifts_out, '--shifts-out')}")
    if args.plot:
        _say(f"  plot -> {_save_figure(result.plot(), args.plot)}")
    return EXIT_OK


def _cmd_compare(args: argparse.Namespace) -> int:
    from cccplan.compare import compare  # noqa: PLC0415 (imported when used)

    forecast = _read_intervals(args.forecast, "--forecast")
    plan = _read_raw(args.plan, "--plan")
    agreement = _read_agreement(args.agreement) if args.agreement else None
    targets = _read_targets(args.targets, "--targets") if args.targets else None
    actuals = _read_intervals(args.actuals, "--actuals") if args.actuals else None
    ccc = _read_intervals(args.ccc_forecast, "--ccc-forecast") if args.ccc_forecast else None
    if agreement is None and targets is None:
        raise InputError("give --agreement or --targets: the required agents depend on them")
    _progress(
        f"reconciling {len(plan):,} plan intervals with {len(forecast):,} forecast intervals ..."
    )
    result = compare(
        forecast, plan, agreement=agreement, targets=targets, actuals=actuals, ccc_forecast=ccc
    )
    _say(result.summary())
    if args.report:
        result.to_html(_writable(args.report, "--report"))
        _say(f"report -> {args.report}")
    if args.excel:
        result.to_excel(_writable(args.excel, "--excel"))
        _say(f"workbook -> {args.excel}")
    if args.markdown:
        _writable(args.markdown, "--markdown").write_text(result.to_markdown(), encoding="utf-8")
        _say(f"markdown -> {args.markdown}")
    if args.out:
        _say(f"intervals -> {_write(result.intervals, args.out, '--out')}")
    return EXIT_FINDINGS if result.has_errors else EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    agreement = _read_agreement(args.agreement)
    frames: dict[str, Any] = {}
    if args.forecast:
        frames["forecast"] = _read_intervals(args.forecast, "--forecast")
    if args.plan:
        frames["plan"] = _read_raw(args.plan, "--plan")
    if args.actuals:
        frames["actuals"] = _read_intervals(args.actuals, "--actuals")
    if args.events:
        frames["events"] = _read_raw(args.events, "--events")
    if args.today:
        try:
            frames["today"] = pd.Timestamp(args.today).date()
        except ValueError:
            raise InputError(
                f"--today: expected a date such as 2026-03-02, got {args.today}"
            ) from None
    findings = agreement.check(**frames)
    errors = sum(f.severity == "error" for f in findings)
    warns = sum(f.severity == "warning" for f in findings)
    _say(f"agreement {args.agreement}: valid; {len(findings)} findings")
    _say(f"  {errors} errors, {warns} warnings, {len(findings) - errors - warns} to note or attest")
    for finding in findings:
        _say(f"  {finding}")
    return EXIT_FINDINGS if errors else EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from cccplan.requirements import Agreement  # noqa: PLC0415 (imported when used)

    text = json.dumps(Agreement.json_schema(), indent=2)
    if args.out:
        _writable(args.out, "--out").write_text(text + "\n", encoding="utf-8")
        _say(f"schema -> {args.out}")
    else:
        _say(text)
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from cccplan._demo import run_demo  # noqa: PLC0415 (imported when used)

    run_demo(Path(args.out), echo=_say)
    return EXIT_OK


# ---------------------------------------------------------------------------
# The parser
# ---------------------------------------------------------------------------

_EXAMPLES = {
    "demo": "cccplan demo --out cccplan-demo",
    "erlang": (
        "cccplan erlang --volume 100 --interval 15min --aht 180 --service-level 0.8 "
        "--threshold 20 --patience 90"
    ),
    "forecast": "cccplan forecast --history history.csv --horizon 6W --out forecast.csv",
    "staff": "cccplan staff --forecast forecast.csv --agreement agreement.yaml --out staffing.csv",
    "schedule": "cccplan schedule --staffing staffing.csv --shifts shifts.yaml --out plan.xlsx",
    "compare": (
        "cccplan compare --forecast client.csv --plan ccc_plan.xlsx "
        "--agreement agreement.yaml --report report.html"
    ),
    "check": "cccplan check --agreement agreement.yaml --forecast forecast.csv --plan plan.csv",
    "schema": "cccplan schema --out agreement.schema.json",
}


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cccplan",
        description=(
            "Contact-centre forecasting and staffing planning (ISO 18295-2, clause 6.7). "
            "Exit status: 0 ok, 1 findings of severity error (compare, check), "
            "2 bad input, 3 internal error."
        ),
        epilog="Start with: cccplan demo",
    )
    parser.add_argument("--version", action="version", version=f"cccplan {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", metavar="command", parser_class=_Parser)

    def command(name: str, help_text: str, run: Callable[[argparse.Namespace], int]) -> Any:
        sub = commands.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=f"example:\n  {_EXAMPLES[name]}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.set_defaults(run=run)
        sub.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
        )
        return sub

    demo = command(
        "demo",
        "Run the whole flow on the embedded example centre and write every file into a folder.",
        _cmd_demo,
    )
    demo.add_argument("--out", default="cccplan-demo", help="folder (default: cccplan-demo)")

    erlang = command(
        "erlang", "Agents and KPIs for one interval (Erlang C, or Erlang A with --patience).",
        _cmd_erlang,
    )  # fmt: skip
    erlang.add_argument("--load", type=float, help="offered load in Erlangs")
    erlang.add_argument("--volume", type=float, help="contacts offered in the interval")
    erlang.add_argument("--interval", default="15min", help="interval length (default 15min)")
    erlang.add_argument("--aht", required=True, help="average handle time (seconds, or '3min')")
    erlang.add_argument("--service-level", type=float, help="target share answered in time")
    erlang.add_argument("--threshold", help="service-level threshold (seconds, or '20s')")
    erlang.add_argument("--asa", help="target average speed of answer (seconds)")
    erlang.add_argument("--max-abandon", type=float, help="maximum abandonment (with --patience)")
    erlang.add_argument("--max-occupancy", type=float, help="maximum occupancy, e.g. 0.85")
    erlang.add_argument("--patience", help="mean patience (seconds): use Erlang A")
    erlang.add_argument("--agents", type=float, help="KPIs for this many agents")

    forecast = command(
        "forecast", "Forecast interval volumes and AHT from a history.", _cmd_forecast
    )
    forecast.add_argument("--history", required=True, help="history file (csv, parquet, xlsx)")
    forecast.add_argument("--horizon", required=True, help="'7D', '6W' or a number of intervals")
    forecast.add_argument("--out", required=True, help="forecast file to write")
    forecast.add_argument("--model", default="auto", help="model name (default auto)")
    forecast.add_argument("--level", type=int, nargs="+", default=[80, 95], help="levels, %%")
    forecast.add_argument("--events", help="events file: queue, start, end, uplift/multiplier")
    forecast.add_argument("--holidays", help="public holidays: a country code such as DE")
    forecast.add_argument("--tz", help="IANA time zone of naive timestamps, e.g. Europe/Berlin")
    forecast.add_argument("--jobs", type=int, help="worker processes (default: all cores)")
    forecast.add_argument("--no-progress", action="store_true", help="no progress bar")
    forecast.add_argument("--plot", help="write a plot of the first series (png, svg, pdf)")

    staff = command(
        "staff", "Required and scheduled agents per interval of a forecast.", _cmd_staff
    )
    staff.add_argument("--forecast", required=True, help="forecast file (csv, parquet, xlsx)")
    staff.add_argument("--targets", help="service targets file (yaml, toml, json)")
    staff.add_argument("--agreement", help="agreement file: targets from it")
    staff.add_argument("--out", required=True, help="staffing file to write")
    staff.add_argument("--tz", help="IANA time zone of naive timestamps")
    staff.add_argument("--continuous", action="store_true", help="fractional agents")
    staff.add_argument("--daily", help="also write the daily roll-up (agent-hours, FTE)")
    staff.add_argument("--heatmap", help="write a day x interval heatmap (png, svg, pdf)")

    schedule = command("schedule", "Shifts with breaks from required agents (MILP).", _cmd_schedule)
    schedule.add_argument("--staffing", required=True, help="staffing file (from cccplan staff)")
    schedule.add_argument("--shifts", required=True, help="shift templates (yaml, toml, json, csv)")
    schedule.add_argument("--out", required=True, help="plan file to write (agents per interval)")
    schedule.add_argument("--shifts-out", help="also write the shifts chosen")
    schedule.add_argument("--time-limit", type=float, default=30.0, help="seconds (default 30)")
    schedule.add_argument("--gap", type=float, default=0.01, help="MIP gap (default 0.01)")
    schedule.add_argument("--plot", help="write required vs scheduled (png, svg, pdf)")

    compare = command(
        "compare", "Reconcile a CCC's plan with the client's forecast and the agreement.",
        _cmd_compare,
    )  # fmt: skip
    compare.add_argument("--forecast", required=True, help="client's forecast file")
    compare.add_argument("--plan", required=True, help="CCC's plan: agents or scheduled")
    compare.add_argument("--agreement", help="agreement file (yaml, toml, json)")
    compare.add_argument("--targets", help="service targets file, without an agreement")
    compare.add_argument("--actuals", help="actual volumes and AHT")
    compare.add_argument("--ccc-forecast", help="the CCC's own forecast")
    compare.add_argument("--report", help="write the HTML report")
    compare.add_argument("--excel", help="write the Excel workbook")
    compare.add_argument("--markdown", help="write the Markdown report")
    compare.add_argument("--out", help="write the per-interval table")

    check = command("check", "Check an agreement, and data against it.", _cmd_check)
    check.add_argument("--agreement", required=True, help="agreement file (yaml, toml, json)")
    check.add_argument("--forecast", help="forecast file")
    check.add_argument("--plan", help="plan file")
    check.add_argument("--actuals", help="actuals file")
    check.add_argument("--events", help="events file")
    check.add_argument("--today", help="the date to check deadlines against (default: today)")

    schema = command("schema", "Print (or write) the agreement's JSON schema.", _cmd_schema)
    schema.add_argument("--out", help="file to write instead of printing")
    return parser


def _one_line_warnings() -> None:
    """Show cccplan warnings as one line on standard error, not a source excerpt."""

    def show(message: Any, category: Any, *_: Any, **__: Any) -> None:
        print(f"warning: {message}", file=sys.stderr)

    warnings.showwarning = show
    warnings.simplefilter("default", CccplanWarning)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cccplan`` command; returns the exit status (see the module docstring)."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_INPUT
    debug = bool(args.debug)
    prog = f"cccplan {args.command}"
    with warnings.catch_warnings():
        _one_line_warnings()
        try:
            return int(args.run(args))
        except (InputError, CccplanError, FileNotFoundError, PermissionError) as error:
            if debug:
                raise
            lines = [" ".join(line.split()) for line in str(error).splitlines()]
            text = "; ".join(line for line in lines if line)
            print(f"{prog}: error: {text}", file=sys.stderr)
            return EXIT_INPUT
        except KeyboardInterrupt:
            print(f"{prog}: interrupted", file=sys.stderr)
            return 130
        except Exception as error:
            if debug:
                raise
            print(
                f"{prog}: internal error: {type(error).__name__}: {error} "
                "(run again with --debug for the traceback, and please report it)",
                file=sys.stderr,
            )
            return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
