"""Reports of a reconciliation that both the client and the CCC can read.

- :func:`summary_text`: a few lines for a manager;
- :func:`markdown_text`: Markdown (summary, findings, per-queue and daily tables);
- :func:`write_html`: one self-contained HTML file (the figure embedded as a
  base64 PNG, no script, every user string escaped with :func:`html.escape`),
  readable in any browser without Python;
- :func:`write_excel`: one sheet per table, times as local naive time with the
  time zone in the column header (Excel has no time zones).
"""

from __future__ import annotations

import base64
import html
import io
import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cccplan.exceptions import InputError
from cccplan.frames._columns import KEY_COLUMNS
from cccplan.requirements.findings import findings_frame

__all__ = ["markdown_text", "summary_text", "write_excel", "write_html"]

_TOP = 8
_EXCEL_ROWS = 1_048_575  # Excel's row limit, less the header
_PERCENT = {
    "coverage", "efficiency", "line_adherence", "service_level", "service_level_target",
    "abandon_rate", "max_abandon", "wape", "bias", "deviation", "accuracy", "tolerance",
    "aht_deviation",
}  # fmt: skip


def _pct(value: float) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.1%}"


def _hours(value: float) -> str:
    return f"{value:,.1f}"


def _horizon(result: Any) -> str:
    times = result.intervals["interval_start"]
    if times.empty:
        return "no intervals"
    return f"{times.min():%Y-%m-%d %H:%M} to {times.max():%Y-%m-%d %H:%M}"


def _series_count(result: Any) -> int:
    keys = [k for k in KEY_COLUMNS if k in result.intervals.columns]
    return len(result.intervals[keys].drop_duplicates()) if keys else 1


def _counts(result: Any) -> dict[str, int]:
    return {s: sum(f.severity == s for f in result.findings) for s in ("error", "warning", "info")}


def summary_lines(result: Any) -> list[str]:
    """The summary as separate lines (no trailing newlines)."""
    totals = result.totals()
    daily = result.daily
    below = daily["service_level_met"].eq(False).sum() if not daily.empty else 0
    judged = daily["service_level_met"].notna().sum() if not daily.empty else 0
    counts = _counts(result)
    verdict = (
        "the plan does NOT deliver the agreed service on the client's forecast"
        if result.has_errors
        else "no errors: the plan delivers the agreed service on the client's forecast"
    )
    lines = [
        f"Horizon {_horizon(result)} ({result.timezone}, {result.freq} intervals), "
        f"{_series_count(result)} series, {totals['volume']:,.0f} forecast contacts.",
        f"Required {_hours(totals['required_hours'])} net agent-hours, planned "
        f"{_hours(totals['planned_hours'])}: under-staffed {_hours(totals['under_hours'])}, "
        f"over-staffed {_hours(totals['over_hours'])}, missing from the plan "
        f"{_hours(totals['missing_hours'])}, planned outside the forecast "
        f"{_hours(totals['unforecast_hours'])} (never netted).",
        f"Coverage {_pct(totals['coverage'])}, efficiency {_pct(totals['efficiency'])}, line "
        f"adherence {_pct(totals['line_adherence'])} "
        f"(band ±{result.settings.get('adherence_band', 0.05):.0%}).",
        f"Projected service level {_pct(totals['service_level'])} (volume-weighted); "
        f"{int(below)} of {int(judged)} series-days below target.",
        f"Findings: {counts['error']} errors, {counts['warning']} warnings, {counts['info']} "
        f"info: {verdict}.",
    ]
    return lines


def findings_by_kind(result: Any) -> pd.DataFrame:
    """Findings counted by kind: severity, clause, code and series, errors first.

    Findings come one per series and day (or per series), so a gap that
    repeats every weekday is many findings of one kind; this is the view a
    manager reads first. Columns: ``severity, clause, code, series,
    findings, intervals, impact`` (impact summed), sorted by severity, then
    impact, largest first.
    """
    columns = ["severity", "clause", "code", "series", "findings", "intervals", "impact"]
    if not result.findings:
        return pd.DataFrame(columns=columns)
    table = findings_frame(result.findings)
    table["series"] = [
        "/".join(str(v) for v in (q, c) if isinstance(v, str)) or "all"
        for q, c in zip(table["queue"], table["channel"], strict=True)
    ]
    rank = {"error": 0, "warning": 1, "info": 2}
    kinds = (
        table.assign(rank=table["severity"].map(rank), code=table["code"].replace("", "-"))
        .groupby(["rank", "severity", "clause", "code", "series"], sort=False)
        .agg(
            findings=("message", "size"), intervals=("n_intervals", "sum"), impact=("impact", "sum")
        )
        .reset_index()
        .sort_values(["rank", "impact", "findings"], ascending=[True, False, False], kind="stable")
    )
    return kinds[columns].reset_index(drop=True)


def kind_lines(result: Any, top: int = _TOP) -> list[str]:
    """The first *top* rows of :func:`findings_by_kind` as summary lines."""
    kinds = findings_by_kind(result)
    lines = [
        f"  - {row.severity} {row.clause} {row.code} [{row.series}]: {row.findings} finding"
        f"{'s' if row.findings > 1 else ''}"
        + (f", {row.intervals} intervals" if row.intervals else "")
        + (f", impact {row.impact:,.2f}" if row.impact else "")
        for row in kinds.head(top).itertuples(index=False)
    ]
    if len(kinds) > top:
        lines.append(f"  ... and {len(kinds) - top} more kinds")
    return lines


def summary_text(result: Any) -> str:
    """A short text a manager can read: totals, verdict, the worst findings and the notes."""
    lines = ["Reconciliation of the CCC's plan with the client's forecast", *summary_lines(result)]
    if result.findings:
        lines.append("Findings by kind (errors first, then by impact):")
        lines += kind_lines(result)
        lines.append("Most important findings:")
        lines += [f"  - {f}" for f in result.findings[:_TOP]]
        if len(result.findings) > _TOP:
            lines.append(f"  ... and {len(result.findings) - _TOP} more")
    if result.notes:
        lines.append("Alignment notes:")
        lines += [f"  - {note}" for note in result.notes]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Tables as text
# ---------------------------------------------------------------------------


def _cell(column: str, value: Any) -> str:  # noqa: PLR0911 - one return per kind of value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value is pd.NaT:
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is None and value == value.normalize():
            return f"{value:%Y-%m-%d}"
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, float | np.floating):
        number = float(value)
        if column in _PERCENT and math.isfinite(number):
            return f"{number:.1%}"
        if math.isinf(number):
            return "inf"
        return f"{number:,.2f}"
    return str(value)


def _rows(frame: pd.DataFrame) -> Iterable[list[str]]:
    columns = list(frame.columns)
    for record in frame.itertuples(index=False, name=None):
        yield [_cell(c, v) for c, v in zip(columns, record, strict=True)]


def _findings_table(result: Any) -> pd.DataFrame:
    table = findings_frame(result.findings)
    keep = [
        "severity",
        "clause",
        "code",
        "queue",
        "channel",
        "message",
        "value",
        "limit",
        "impact",
        "n_intervals",
    ]
    return table[keep].dropna(axis=1, how="all")


def _md_escape(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def _md_table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "_none_"
    header = "| " + " | ".join(_md_escape(str(c)) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(_md_escape(c) for c in row) + " |" for row in _rows(frame)]
    return "\n".join([header, rule, *body])


_SHOWN_DAILY = (
    "date", "volume", "required_hours", "planned_hours", "under_hours", "over_hours",
    "missing_hours", "coverage", "efficiency", "line_adherence", "service_level",
    "service_level_target",
)  # fmt: skip


def _daily_view(result: Any, table: pd.DataFrame) -> pd.DataFrame:
    keys = [k for k in KEY_COLUMNS if k in table.columns]
    shown = [c for c in (*keys, "week", *_SHOWN_DAILY) if c in table.columns]
    return table[shown]


def markdown_text(result: Any) -> str:
    """The reconciliation as Markdown (every user string escaped: no raw HTML passes)."""
    parts = ["# Reconciliation of the CCC's plan with the client's forecast", ""]
    parts += [_md_escape(line) for line in summary_lines(result)]
    parts += ["", "## Findings by kind", "", _md_table(findings_by_kind(result)), ""]
    parts += ["## Findings", "", _md_table(_findings_table(result)), ""]
    parts += ["## Per queue", "", _md_table(_daily_view(result, result.by_queue)), ""]
    parts += ["## Per day", "", _md_table(_daily_view(result, result.daily)), ""]
    if not result.accuracy.empty:
        parts += ["## Forecast accuracy", "", _md_table(_accuracy_view(result)), ""]
    if result.notes:
        parts += ["## Alignment notes", "", *[f"- {_md_escape(n)}" for n in result.notes], ""]
    return "\n".join(parts)


def _accuracy_view(result: Any) -> pd.DataFrame:
    table = result.accuracy
    return table[table["level"] != "interval"]


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: right; vertical-align: top; }
th { background: #f0f0f0; } td.text { text-align: left; }
tr.error td { background: #fde2e1; } tr.warning td { background: #fff4d6; }
.verdict { font-weight: bold; padding: 0.5em; }
.verdict.fail { background: #fde2e1; } .verdict.pass { background: #e2f5e1; }
img { max-width: 100%; }
"""


def _html_table(frame: pd.DataFrame, *, row_class: Sequence[str] | None = None) -> str:
    if frame.empty:
        return "<p><em>none</em></p>"
    text_columns = {
        c
        for c in frame.columns
        if frame[c].dtype == object or str(frame[c].dtype) in ("category", "str", "string")
    }
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for i, row in enumerate(_rows(frame)):
        cells = "".join(
            f'<td class="text">{html.escape(v)}</td>'
            if c in text_columns
            else f"<td>{html.escape(v)}</td>"
            for c, v in zip(frame.columns, row, strict=True)
        )
        css = f' class="{html.escape(row_class[i])}"' if row_class is not None else ""
        body.append(f"<tr{css}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _figure_png(result: Any) -> str:
    import matplotlib.pyplot as plt  # noqa: PLC0415

    from cccplan.report.compare_plots import plot_reconciliation  # noqa: PLC0415

    figure = plot_reconciliation(result)
    buffer = io.BytesIO()
    try:
        figure.savefig(buffer, format="png")
    finally:
        plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def html_text(result: Any, *, title: str | None = None) -> str:
    """The self-contained HTML report as a string."""
    heading = title or "Reconciliation of the CCC's plan with the client's forecast"
    verdict = "fail" if result.has_errors else "pass"
    lines = summary_lines(result)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(heading)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(heading)}</h1>",
        f'<p class="verdict {verdict}">{html.escape(lines[-1])}</p>',
        "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines[:-1]) + "</ul>",
    ]
    if not result.intervals.empty:
        parts.append(
            f'<img alt="required vs planned agents, projected service level and the over/under '
            f'heatmap" src="data:image/png;base64,{_figure_png(result)}">'
        )
    findings = _findings_table(result)
    parts += [
        "<h2>Findings by kind</h2>",
        _html_table(findings_by_kind(result)),
        f"<h2>Findings ({len(result.findings)})</h2>",
        _html_table(findings, row_class=[f.severity for f in result.findings]),
        "<h2>Per queue</h2>",
        _html_table(_daily_view(result, result.by_queue)),
        "<h2>Per week</h2>",
        _html_table(_daily_view(result, result.weekly)),
        "<h2>Per day</h2>",
        _html_table(_daily_view(result, result.daily)),
    ]
    if not result.accuracy.empty:
        parts += ["<h2>Forecast accuracy</h2>", _html_table(_accuracy_view(result))]
    if result.notes:
        parts += [
            "<h2>Alignment notes</h2>",
            "<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in result.notes) + "</ul>",
        ]
    settings = pd.DataFrame(
        {"setting": list(result.settings), "value": [str(v) for v in result.settings.values()]}
    )
    parts += ["<h2>Settings</h2>", _html_table(settings), "</body></html>"]
    return "\n".join(parts)


def write_html(result: Any, path: str | os.PathLike[str], *, title: str | None = None) -> None:
    """Write the self-contained HTML report to *path* (UTF-8)."""
    file = Path(path)
    if not file.parent.exists():
        raise InputError(f"to_html: the folder {str(file.parent)!r} does not exist")
    file.write_text(html_text(result, title=title), encoding="utf-8")


# ---------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------


def _for_excel(frame: pd.DataFrame, tz: str) -> pd.DataFrame:
    """Timezone-aware columns as local naive time (zone in the header), categories as text."""
    out = {}
    for column in frame.columns:
        values = frame[column]
        name = str(column)
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            values = values.dt.tz_convert(tz).dt.tz_localize(None)
            name = f"{name} ({tz})"
        elif isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(str)
        elif values.dtype == object:
            values = values.map(
                lambda v: (
                    v.tz_convert(tz).tz_localize(None)
                    if isinstance(v, pd.Timestamp) and v.tzinfo
                    else v
                )
            )
        out[name] = values
    return pd.DataFrame(out)


def write_excel(result: Any, path: str | os.PathLike[str]) -> None:
    """Write one sheet per table to an ``.xlsx`` workbook (openpyxl).

    Sheets: ``summary``, ``findings``, ``by_queue``, ``weekly``, ``daily``,
    ``intervals`` (split into ``intervals_2``... beyond Excel's row limit),
    ``accuracy`` (when actuals or a CCC forecast were given) and ``notes``.
    Times are local wall-clock time of the forecast's zone, which every
    timestamp column header names; dates are local dates.
    """
    file = Path(path)
    if file.suffix.lower() != ".xlsx":
        raise InputError(f"to_excel: the file must end in .xlsx; got {str(file)!r}")
    if not file.parent.exists():
        raise InputError(f"to_excel: the folder {str(file.parent)!r} does not exist")
    tz = result.timezone
    totals = result.totals()
    summary = pd.DataFrame(
        {
            "item": ["summary", *[""] * (len(summary_lines(result)) - 1), *totals, *result.settings,
                     "time zone", "interval length"],
            "value": [*summary_lines(result), *[totals[k] for k in totals],
                      *[str(v) for v in result.settings.values()], tz, result.freq],
        }
    )  # fmt: skip
    findings = findings_frame(result.findings)
    findings["intervals"] = [
        ", ".join(f"{t.tz_convert(tz):%Y-%m-%d %H:%M}" for t in f.intervals[:200])
        + (" ..." if len(f.intervals) > 200 else "")
        for f in result.findings
    ]
    sheets: list[tuple[str, pd.DataFrame]] = [
        ("summary", summary),
        ("findings_by_kind", findings_by_kind(result)),
        ("findings", findings),
        ("by_queue", result.by_queue),
        ("weekly", result.weekly),
        ("daily", result.daily),
    ]
    intervals = result.intervals
    for part, start in enumerate(range(0, max(len(intervals), 1), _EXCEL_ROWS)):
        name = "intervals" if part == 0 else f"intervals_{part + 1}"
        sheets.append((name, intervals.iloc[start : start + _EXCEL_ROWS]))
    if not result.accuracy.empty:
        sheets.append(("accuracy", result.accuracy))
    sheets.append(("notes", pd.DataFrame({"note": list(result.notes)})))
    with pd.ExcelWriter(file, engine="openpyxl") as writer:
        for name, table in sheets:
            clean = _for_excel(table, tz)
            clean.to_excel(writer, sheet_name=name, index=False)
            _text_cells(writer.sheets[name], clean)


def _text_cells(sheet: Any, frame: pd.DataFrame) -> None:
    """Keep user strings as text: openpyxl would turn ``"=..."`` into a live formula."""
    for position, column in enumerate(frame.columns, start=1):
        if frame[column].dtype != object and str(frame[column].dtype) not in ("str", "string"):
            continue
        for (cell,) in sheet.iter_rows(min_row=2, min_col=position, max_col=position):
            if cell.data_type == "f":
                cell.data_type = "s"
