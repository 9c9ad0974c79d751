"""`lumi stats`: reports on the anonymised counters as tables, JSON, CSV or a self-contained
HTML page with charts. Every figure below 5 is shown as "<5" in every format (small-cell
suppression), so that a class of 25 cannot be de-anonymised."""

from __future__ import annotations

import base64
import csv
import html
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Dict, List, Optional, Tuple, Union

from sqlalchemy.engine import Engine

from bot.stats.store import totals

SUPPRESS_BELOW = 5
Cell = Union[int, str, float]


def suppress(n: int) -> Union[int, str]:
    return f"<{SUPPRESS_BELOW}" if 0 < n < SUPPRESS_BELOW else n


@dataclass
class Table:
    title: str
    columns: List[str]
    rows: List[List[Cell]]


def _table(title: str, columns: List[str], counts: Dict[Tuple, int], label=lambda key: list(key)) -> Table:
    rows = [label(key) + [suppress(n)] for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return Table(title, columns, rows)


def build_report(engine: Engine, start: datetime, end: datetime, site: Optional[str] = None) -> List[Table]:
    def q(group: Tuple[str, ...], event: str) -> Dict[Tuple, int]:
        return totals(engine, group, start, end, event=event, site=site)

    sessions_by_hour = q(("hour",), "session_started")
    per_day: Dict[Tuple, int] = {}
    for (hour,), n in sessions_by_hour.items():
        day = (hour.date().isoformat() if isinstance(hour, datetime) else str(hour)[:10],)
        per_day[day] = per_day.get(day, 0) + n
    messages = sum(q((), "message").values())
    fallbacks = sum(q((), "fallback").values())
    feedback = q(("content_id", "detail"), "feedback")
    helpfulness: Dict[Tuple, List[int]] = {}
    for (content_id, detail), n in feedback.items():
        pair = helpfulness.setdefault((content_id,), [0, 0])
        pair[0 if detail == "helpful" else 1] += n
    tables = [
        Table("Sessions per day", ["day", "sessions"], [[d, suppress(n)] for (d,), n in sorted(per_day.items())]),
        _table("Topics", ["topic", "answers"], q(("topic",), "content_served")),
        _table(
            "Content served",
            ["content id", "kind", "audience", "count"],
            q(("content_id", "kind", "audience"), "content_served"),
        ),
        _table("Urgent replies", ["sub-type", "count"], q(("detail",), "urgent_reply")),
        Table(
            "Fallback rate",
            ["messages", "fallbacks", "rate"],
            [
                [
                    suppress(messages),
                    suppress(fallbacks),
                    f"{fallbacks / messages:.1%}"
                    if messages >= SUPPRESS_BELOW and fallbacks >= SUPPRESS_BELOW
                    else "n/a",
                ]
            ],
        ),
        Table(
            "Helpfulness per content item",
            ["content id", "helpful", "not helpful"],
            [[cid, suppress(h), suppress(nh)] for (cid,), (h, nh) in sorted(helpfulness.items())],
        ),
        _table("Audiences", ["audience", "sessions"], q(("audience",), "session_started")),
        _table("Locales", ["locale", "sessions"], q(("locale",), "session_started")),
        _table("Sites", ["site", "sessions"], q(("site",), "session_started")),
        _table("Quiz answers", ["scenario", "result", "count"], q(("content_id", "detail"), "quiz_answer")),
        _table("Self-checks", ["check", "stage", "count"], q(("topic", "detail"), "self_check")),
        _table("Quick exits", ["site", "count"], q(("site",), "quick_exit")),
    ]
    return tables


def as_text(tables: List[Table]) -> str:
    out = []
    for table in tables:
        widths = [max(len(str(x)) for x in [c] + [r[i] for r in table.rows]) for i, c in enumerate(table.columns)]
        out.append(f"\n{table.title}\n" + "  ".join(c.ljust(w) for c, w in zip(table.columns, widths)))
        out += ["  ".join(str(x).ljust(w) for x, w in zip(row, widths)) for row in table.rows] or ["(none)"]
    return "\n".join(out).lstrip("\n") + "\n"


def as_json(tables: List[Table]) -> str:
    return json.dumps({t.title: [dict(zip(t.columns, r)) for r in t.rows] for t in tables}, indent=2, default=str)


def as_csv(tables: List[Table]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["table", "column", "row", "value"])
    for table in tables:
        for index, row in enumerate(table.rows):
            for column, value in zip(table.columns, row):
                writer.writerow([table.title, column, index, value])
    return buffer.getvalue()


def _chart(table: Table) -> Optional[str]:
    """A bar chart of a table's last column as an inline PNG; suppressed cells are drawn as 0 and labelled."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not table.rows or len(table.columns) < 2:
        return None
    labels = [" / ".join(str(x) for x in row[:-1]) for row in table.rows][:15]
    values = [row[-1] if isinstance(row[-1], int) else 0 for row in table.rows][:15]
    figure, axis = plt.subplots(figsize=(7, 0.35 * len(labels) + 1))
    axis.barh(labels[::-1], values[::-1], color="#5b3cc4")
    for y, row in enumerate(table.rows[:15][::-1]):
        if not isinstance(row[-1], int):
            axis.text(0, y, f" {row[-1]}", va="center")
    axis.set_title(table.title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


def as_html(tables: List[Table], title: str) -> str:
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d1b2f}"
        "table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
        "td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}"
        "img{max-width:100%}</style></head><body>",
        f"<h1>{html.escape(title)}</h1><p>Anonymous counts only. Figures below 5 are shown as &lt;5.</p>",
    ]
    for table in tables:
        parts.append(f"<h2>{html.escape(table.title)}</h2>")
        chart = _chart(table) if table.title not in ("Fallback rate",) else None
        if chart:
            parts.append(f"<img alt='Chart: {html.escape(table.title)}' src='data:image/png;base64,{chart}'>")
        head = "".join(f"<th scope='col'>{html.escape(c)}</th>" for c in table.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>" for row in table.rows)
        parts.append(
            f"<table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body or '<tr><td colspan=9>(none)</td></tr>'}</tbody></table>"
        )
    parts.append("</body></html>")
    return "".join(parts)
