"""`camino reminders send-due [--now ISO]` (for cron) and `camino reminders list` (counts, no numbers)."""

from __future__ import annotations

import argparse

from bot.language import LANGUAGES


def _send_due(args: argparse.Namespace) -> int:
    from bot.reminders.sending import parse_now, send_due

    try:
        now = parse_now(args.now)
    except ValueError:
        print(f"error: --now must be an ISO date and time, not {args.now!r}")
        return 2
    report = send_due(now)
    if report.quiet:
        print(f"outside sending hours (8 a.m. to 8 p.m. Los Angeles time): nothing sent; {report.ended} ended")
        return 0
    if not report.configured:
        print("not sent: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and CAMINO_TWILIO_FROM are needed")
        return 1
    print(f"{report.sent} sent, {report.failed} failed, {report.skipped} skipped, {report.ended} ended")
    return 1 if report.failed and not report.sent else 0


def counts_table() -> tuple[int, list[dict]]:
    """(families subscribed, one row per deadline: id, date, per-language counts), for the CLI and staff."""
    from bot.reminders import deadlines as dl
    from bot.reminders.store import ReminderStore

    store = ReminderStore()
    try:
        counts, families = store.counts(), store.families()
    finally:
        store.dispose()
    known = dl.by_id(dl.load())
    rows = []
    for deadline_id in sorted(counts, key=lambda i: (str(known[i].day) if i in known else "9999", i)):
        by_lang = {lang: counts[deadline_id].get(lang, 0) for lang in LANGUAGES}
        deadline = known.get(deadline_id)
        rows.append(
            {
                "deadline": deadline_id,
                "date": deadline.day.isoformat()[: 7 if deadline.month_only else 10] if deadline else None,
                "families": sum(counts[deadline_id].values()),
                "by_language": by_lang,
            }
        )
    return families, rows


def _list(args: argparse.Namespace) -> int:
    families, rows = counts_table()
    print(f"families subscribed: {families}")
    for row in rows:
        langs = ", ".join(f"{lang} {n}" for lang, n in row["by_language"].items())
        print(f"  {row['deadline']:32} {row['date'] or '(no longer dated)':10} {row['families']:5} ({langs})")
    return 0


def add_parser(sub) -> None:
    reminders = sub.add_parser("reminders", help="deadline reminders by SMS/WhatsApp").add_subparsers(
        dest="reminders_command", required=True
    )
    due = reminders.add_parser("send-due", help="send the reminders due now (8 a.m.-8 p.m. Los Angeles time)")
    due.add_argument("--now", help="the time to act as, ISO (no offset: Los Angeles time)")
    due.set_defaults(func=_send_due)
    reminders.add_parser("list", help="how many families are subscribed per deadline (no numbers)").set_defaults(
        func=_list
    )
