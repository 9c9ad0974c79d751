"""The `lumi` command line: content review and statistics reports for operators.

lumi content check                     lint all content, print the coverage table
lumi content review ID --by NAME [--locale xx]  sign an item off as reviewed
lumi stats [--from D] [--to D] [--site S] [--format table|json|csv] [--html FILE]
lumi stats purge --older-than 365d     delete counters older than the retention period
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import List, Optional

from bot.library.content import ContentError
from bot.settings import get_settings


def _days(value: str) -> timedelta:
    match = re.fullmatch(r"(\d+)d", value.strip())
    if not match:
        raise argparse.ArgumentTypeError("use a number of days, like 365d")
    return timedelta(days=int(match.group(1)))


def _date(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y-%m-%d")
    except ValueError as error:
        raise argparse.ArgumentTypeError("use a date like 2026-11-25") from error


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="lumi", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    groups = main.add_subparsers(dest="group", required=True)

    content = groups.add_parser("content", help="check and review content")
    content_cmd = content.add_subparsers(dest="command", required=True)
    check = content_cmd.add_parser("check", help="lint all content and print the coverage table")
    check.add_argument("--locale", default="en")
    review = content_cmd.add_parser("review", help="sign an item off as reviewed")
    review.add_argument("item_id")
    review.add_argument("--by", required=True, help="the reviewer's name")
    review.add_argument("--locale", default="en", help="the item's language (default: en)")

    stats = groups.add_parser("stats", help="anonymised usage reports")
    stats.add_argument("--from", dest="start", type=_date, default=None, help="first day (default: 30 days ago)")
    stats.add_argument("--to", dest="end", type=_date, default=None, help="last day, inclusive (default: today)")
    stats.add_argument("--site", default=None, help="only this site key")
    stats.add_argument("--format", choices=("table", "json", "csv"), default="table")
    stats.add_argument("--html", type=Path, default=None, help="write a self-contained HTML report with charts")
    stats_cmd = stats.add_subparsers(dest="command")
    purge = stats_cmd.add_parser("purge", help="delete counters older than the retention period")
    purge.add_argument("--older-than", type=_days, required=True)
    return main


def content_command(args: argparse.Namespace) -> int:
    from bot.library.content_check import coverage_table, review, run_check

    if args.command == "review":
        try:
            path = review(args.item_id, args.by, locale=args.locale)
        except ContentError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        print(f"{args.item_id} marked reviewed by {args.by} in {path}")
        return 0
    report = run_check(locale=args.locale)
    if report.coverage:
        print(coverage_table(report))
    for warning in report.warnings:
        print(f"warning: {warning}")
    for problem in report.errors:
        print(f"error: {problem}", file=sys.stderr)
    print("content check: " + ("OK" if report.ok else f"{len(report.errors)} error(s)"))
    return 0 if report.ok else 1


def stats_command(args: argparse.Namespace) -> int:
    from bot.stats.report import as_csv, as_html, as_json, as_text, build_report
    from bot.stats.store import make_engine, migrate, purge

    engine = make_engine(get_settings().stats_url)
    migrate(engine)
    if args.command == "purge":
        removed = purge(engine, args.older_than)
        print(f"removed {removed} counter rows older than {args.older_than.days} days")
        return 0
    end = (args.end or datetime.utcnow().replace(hour=0, minute=0, second=0, microsecond=0)) + timedelta(days=1)
    start = args.start or end - timedelta(days=31)
    tables = build_report(engine, start, end, args.site)
    if args.html:
        title = f"Lumi usage {start:%Y-%m-%d} to {end - timedelta(days=1):%Y-%m-%d}" + (
            f", site {args.site}" if args.site else ""
        )
        args.html.write_text(as_html(tables, title), encoding="utf-8")
        print(f"wrote {args.html}")
        return 0
    print({"table": as_text, "json": as_json, "csv": as_csv}[args.format](tables), end="")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    args = parser().parse_args(argv)
    return content_command(args) if args.group == "content" else stats_command(args)


if __name__ == "__main__":
    sys.exit(main())
