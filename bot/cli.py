"""The `camino` command: knowledge store, training, and running the assistant."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections import Counter

from bot import config


def _kb_validate(args: argparse.Namespace) -> int:
    from bot.knowledge.files import load_knowledge

    knowledge = load_knowledge(config.knowledge_dir())
    for problem in knowledge.problems:
        print(problem)
    if knowledge.problems:
        print(f"{len(knowledge.problems)} problem(s) in the knowledge files")
        return 1
    print(f"ok: {len(knowledge.topics)} topics, {len(knowledge.entries)} entries, {len(knowledge.schools)} schools")
    return 0


def _kb_build(args: argparse.Namespace) -> int:
    from bot.knowledge.base import build_store

    knowledge, counts = build_store()
    if knowledge.problems:
        for problem in knowledge.problems:
            print(problem)
        print(f"not built: {len(knowledge.problems)} problem(s) in the knowledge files")
        return 1
    print(
        f"knowledge store built: {counts['topics']} topics, {counts['entries']} entries, "
        f"{counts['schools']} schools -> {_safe_url(config.database_url())}"
    )
    return 0


def _safe_url(url: str) -> str:
    """The store URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _kb_stats(args: argparse.Namespace) -> int:
    from bot.knowledge import store
    from bot.knowledge.files import load_topic_ids

    knowledge = store.load(config.database_url())
    if knowledge is None:
        print("the knowledge store is empty: run `camino kb build`")
        return 1
    expected = load_topic_ids(config.knowledge_dir() / "topics.yml")
    print(f"store: {_safe_url(config.database_url())}")
    print(
        f"topics: {len(knowledge.topics)} of {len(expected)}; entries: {len(knowledge.entries)}; "
        f"yearly-changing entries: {sum(e.changes_yearly for e in knowledge.entries)}"
    )
    for topic_id in expected:
        topic = knowledge.topics.get(topic_id)
        print(f"  {topic_id:30} {len(topic.entries) if topic else 0:3} entries{'' if topic else '  MISSING'}")
    by_type = Counter(t for school in knowledge.schools.values() for t in school.types)
    print(f"schools: {len(knowledge.schools)}")
    for kind, count in sorted(by_type.items()):
        print(f"  {kind:30} {count:3}")
    missing = [t for t in expected if t not in knowledge.topics]
    _print_grounding()
    return 1 if missing else 0


def _print_grounding() -> None:
    from bot.knowledge.files import load_knowledge
    from bot.knowledge.grounding import grounding

    files = load_knowledge(config.knowledge_dir())
    report = grounding(files)
    total = sum(report.source_mix.values())
    print(
        f"sources cited by entries: {total} distinct URLs; "
        + ", ".join(f"{kind} {count}" for kind, count in report.source_mix.items())
        + f"; pre-2020 {report.pre_2020}, undated {report.undated}"
    )
    print(
        f"entries resting only on third-party or pre-2020 pages: {len(report.weak_entries)} "
        f"(each carries confirm_with: the answer tells the family whom to confirm with)"
    )
    for entry in report.weak_entries:
        print(f"  {entry.id:45} -> {entry.confirm.get('en', 'NO confirm_with')}")
    print(f"entries resting only on a stale third-party page: {len(report.stale_third_party_entries)}")
    for entry in report.stale_third_party_entries:
        print(f"  {entry.id}")
    from bot.knowledge.coverage import by_topic

    coverage = by_topic(files.coverage)
    total_covered = sum(c for _, c, _ in coverage.values())
    total = sum(c + m for _, c, m in coverage.values())
    print(f"official FAQ coverage (knowledge/coverage.yml): {total_covered} of {total} questions answered")
    for topic_id, (pages, covered, missing) in sorted(coverage.items()):
        print(f"  {topic_id:30} {pages:2} page(s) {covered:3} covered {missing:3} not covered")


def _kb_stale(args: argparse.Namespace) -> int:
    import datetime as dt

    from bot.knowledge.files import load_knowledge
    from bot.knowledge.grounding import stale_entries

    on = dt.date.fromisoformat(args.on) if args.on else dt.date.today()
    stale = stale_entries(load_knowledge(config.knowledge_dir()), on)
    for entry in stale:
        reason = (
            f"cycle {entry.cycle} ended {entry.cycle_ends}"
            if entry.cycle_ends and entry.cycle_ends < on.isoformat()
            else f"review by {entry.review_by}"
        )
        print(f"{entry.id:45} as of {entry.as_of}  {reason}")
    print(f"{len(stale)} entr{'y' if len(stale) == 1 else 'ies'} to review on {on.isoformat()}")
    return 0


def _kb_import(args: argparse.Namespace) -> int:
    from bot.knowledge import importer, store
    from bot.knowledge.files import load_knowledge

    try:
        report = importer.parse(importer.fetch(args.location))
    except importer.ImportError_ as error:
        print(f"import failed: {error}")
        return 1
    from bot.knowledge.catalog import Catalog

    curated = Catalog(load_knowledge(config.knowledge_dir()).schools.values())
    fresh, twins = [], 0
    for school in report.accepted:
        if importer.curated_twin(school, curated):
            twins += 1
        else:
            fresh.append(school)
    counts = store.upsert_imported(fresh, config.database_url())
    counts["kept_curated"] += twins
    print(
        f"imported {len(report.accepted)} school(s): {counts['added']} added, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged, {counts['kept_curated']} left as curated"
    )
    if report.rejected:
        print(f"rejected {len(report.rejected)} row(s):")
        for line, reason in report.rejected:
            print(f"  line {line}: {reason}")
    return 0


def _nlu_sync(args: argparse.Namespace) -> int:
    from bot.nlu_sync import sync, target_path

    changed = sync()
    print(f"{target_path()} {'updated' if changed else 'already up to date'}")
    return 0


def _train(args: argparse.Namespace) -> int:
    from bot.training import ensure_model

    print(f"model: {ensure_model(force=args.force)}")
    return 0


def _prepare():
    from bot.knowledge.base import build_store
    from bot.training import ensure_model

    knowledge, _ = build_store()
    if knowledge.problems:
        for problem in knowledge.problems:
            print(problem)
        raise SystemExit("fix the knowledge files first (camino kb validate)")
    return ensure_model()


def _preflight() -> None:
    """The production profile's pre-flight (bot/preflight.py): exits with the message on a problem."""
    if not config.production():
        return
    from bot.preflight import PreflightError, check_production

    try:
        for done in check_production():
            print(done, flush=True)
    except PreflightError as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None


def _ports():
    from bot.servers import Ports

    return Ports(rasa=config.rasa_port(), actions=config.actions_port(), web=config.web_port())


def _print_urls(ports) -> None:
    print(
        f"Camino is answering:\n  REST:      http://127.0.0.1:{ports.rasa}/webhooks/rest/webhook\n"
        f"  socket.io: http://127.0.0.1:{ports.rasa}/socket.io\n"
        f"  actions:   http://127.0.0.1:{ports.actions}/health\n"
        f"  widget:    http://127.0.0.1:{ports.web}/\n"
        f"  staff:     http://127.0.0.1:{ports.web}/staff",
        flush=True,
    )


def _run(args: argparse.Namespace) -> int:
    from bot import servers

    _preflight()
    model = _prepare()
    ports = _ports()
    log_dir = config.state_dir() / "logs"
    processes = servers.start(model, ports, log_dir, detach=False)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        print(f"starting (logs in {log_dir})…", flush=True)
        servers.wait_until_ready(ports, processes)
        _print_urls(ports)
        print("Ctrl-C stops everything.", flush=True)
        while all(p.poll() is None for p in processes.values()):
            signal.pause() if hasattr(signal, "pause") else None
        return 1
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
        return 0
    except (RuntimeError, TimeoutError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        servers.stop(processes)


def _up(args: argparse.Namespace) -> int:
    from bot import servers

    if servers.recorded():
        servers.stop_recorded()
    _preflight()
    model = _prepare()
    ports = _ports()
    log_dir = config.state_dir() / "logs"
    processes = servers.start(model, ports, log_dir, detach=True)
    servers.record(processes, ports)
    try:
        servers.wait_until_ready(ports, processes)
    except (RuntimeError, TimeoutError) as error:
        servers.stop_recorded()
        print(f"error: {error} (logs in {log_dir})", file=sys.stderr)
        return 1
    _print_urls(ports)
    print("`make down` stops it.")
    return 0


def _up_cluster(args: argparse.Namespace) -> int:
    from bot import cluster, servers

    if not config.production():
        print(
            "error: up-cluster needs CAMINO_PROFILE=production: the replicas share the PostgreSQL tracker store "
            "and the Redis lock store (`make up-cluster` sets it)",
            file=sys.stderr,
        )
        return 2
    if args.replicas < 1:
        print("error: --replicas must be at least 1", file=sys.stderr)
        return 2
    nginx = cluster.nginx_available()
    if not nginx:
        print(
            "error: nginx is not installed (apt-get install nginx; `make up-cluster` does it as root)", file=sys.stderr
        )
        return 2
    if servers.recorded():
        servers.stop_recorded()
    _preflight()
    model = _prepare()
    ports = cluster.cluster_ports(args.replicas)
    log_dir = config.state_dir() / "logs"
    try:
        processes = cluster.start(model, ports, log_dir, nginx)
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    servers.record(
        processes,
        {"rasa": ports.proxy, "proxy": ports.proxy, "actions": ports.actions, "web": ports.web, "replicas": ports.rasa},
    )
    try:
        cluster.wait_until_ready(ports, processes)
    except (RuntimeError, TimeoutError) as error:
        servers.stop_recorded()
        print(f"error: {error} (logs in {log_dir})", file=sys.stderr)
        return 1
    print(
        f"Camino is answering through nginx at http://{config.host()}:{ports.proxy}/ "
        f"({args.replicas} Rasa replica(s) on ports {', '.join(map(str, ports.rasa))}):\n"
        f"  REST:      http://127.0.0.1:{ports.proxy}/webhooks/rest/webhook\n"
        f"  socket.io: http://127.0.0.1:{ports.proxy}/socket.io (sticky)\n"
        f"  widget:    http://127.0.0.1:{ports.proxy}/\n"
        f"  health:    http://127.0.0.1:{ports.proxy}/healthz\n"
        "`make down` stops it.",
        flush=True,
    )
    return 0


def _down(args: argparse.Namespace) -> int:
    from bot import servers

    stopped = servers.stop_recorded()
    print("stopped: " + ", ".join(stopped) if stopped else "nothing was running")
    return 0


def _shell(args: argparse.Namespace) -> int:
    """A terminal conversation over the REST channel of the running assistant."""
    import requests

    from bot import servers

    state = servers.recorded()
    port = state["ports"]["rasa"] if state else config.rasa_port()
    sender = f"shell-{__import__('uuid').uuid4().hex[:8]}"
    print("Type a message (Ctrl-D to quit).")
    for line in sys.stdin:
        reply = requests.post(servers.rest_url(port), json={"sender": sender, "message": line.strip()}, timeout=60)
        for message in reply.json():
            if message.get("text"):
                print(f"bot> {message['text']}")
            for i, button in enumerate(message.get("buttons") or [], 1):
                print(f"     {i}. {button['title']}  ({button['payload']})")
            if message.get("custom"):
                print(f"     [answer payload] {message['custom']}")
    return 0


def _ask(args: argparse.Namespace) -> int:
    """Staff lookup: the best checked answer in English and Spanish, with sources and school year."""
    from bot.web.staff import BadQuestion, lookup, terminal_text

    try:
        result = lookup(" ".join(args.question))
    except BadQuestion as error:
        print("\n".join(error.messages.values()), file=sys.stderr)
        return 2
    print(terminal_text(result))
    return 0 if result["answer"] else 1


def _purge(args: argparse.Namespace) -> int:
    from bot.retention import purge_all

    removed = purge_all(args.days)
    print(
        f"removed {removed['conversations']} conversation(s) idle for more than {args.days} days, "
        f"{removed['sms_replies']} remembered SMS repl(ies) past their day, {removed['logs']} old log file(s), "
        f"{removed['unanswered']} unanswered question(s)"
    )
    if "reminders_ended" in removed:
        print(
            f"removed {removed['reminders_ended']} reminder subscription(s) past their last date (numbers deleted), "
            f"{removed['reminder_consents']} consent record(s) closed more than four years ago"
        )
    return 0


def _report_unanswered(args: argparse.Namespace) -> int:
    """What the assistant could not answer, by likely topic, for the people who keep the knowledge base."""
    import json

    from bot.unanswered import report

    if args.days < 1:
        print("error: --days must be at least 1", file=sys.stderr)
        return 2
    result = report.recent(args.days)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else report.as_text(result))
    return 0


def _points(args: argparse.Namespace) -> int:
    import json

    from bot.tools.points import estimate

    result = estimate(
        waitlist_years=args.waitlist_years,
        matriculation=args.matriculation,
        sibling=args.sibling,
        resident=args.resident,
        late=args.late,
        enrolled_in_magnet=args.enrolled_in_magnet,
        lang=args.lang,
    )
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(result["summary"])
    for part in result["parts"]:
        print(f"  + {part['text']}")
    for note in result["notes"]:
        print(f"  - {note}")
    print(f"  ({result['as_of']}: {', '.join(result['sources'])})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="camino", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    kb = sub.add_parser("kb", help="the knowledge store").add_subparsers(dest="kb_command", required=True)
    kb.add_parser("build", help="validate the files and load them into the store").set_defaults(func=_kb_build)
    kb.add_parser("validate", help="check every knowledge file").set_defaults(func=_kb_validate)
    kb.add_parser("stats", help="what the store holds, and what it rests on").set_defaults(func=_kb_stats)
    stale = kb.add_parser("stale", help="entries past their review date or whose Choices cycle is over")
    stale.add_argument("--on", help="the day to check for, YYYY-MM-DD (default: today)")
    stale.set_defaults(func=_kb_stale)
    kb_import = kb.add_parser("import", help="add schools from a district program export (CSV file or https URL)")
    kb_import.add_argument("location")
    kb_import.set_defaults(func=_kb_import)
    nlu = sub.add_parser("nlu", help="training data").add_subparsers(dest="nlu_command", required=True)
    nlu.add_parser("sync", help="write the knowledge questions as training examples").set_defaults(func=_nlu_sync)
    train = sub.add_parser("train", help="train the model if its inputs changed")
    train.add_argument("--force", action="store_true")
    train.set_defaults(func=_train)
    sub.add_parser("run", help="serve in the foreground; Ctrl-C stops").set_defaults(func=_run)
    sub.add_parser("up", help="serve in the background; returns once it answers").set_defaults(func=_up)
    cluster = sub.add_parser(
        "up-cluster", help="N Rasa replicas behind nginx (production profile); returns once it answers"
    )
    cluster.add_argument("--replicas", type=int, default=2)
    cluster.set_defaults(func=_up_cluster)
    sub.add_parser("down", help="stop what `up` or `up-cluster` started").set_defaults(func=_down)
    sub.add_parser("shell", help="talk to the running assistant").set_defaults(func=_shell)
    purge = sub.add_parser("purge", help="delete conversations idle for longer than the retention period")
    purge.add_argument("--days", type=int, default=30)
    purge.set_defaults(func=_purge)
    reports = sub.add_parser("report", help="reports for the people who keep the knowledge base")
    unanswered = reports.add_subparsers(dest="report_command", required=True).add_parser(
        "unanswered", help="questions that got a fallback, a did-you-mean, no answer or a quick rephrase"
    )
    unanswered.add_argument("--days", type=int, default=30, help="the last N days (default 30)")
    unanswered.add_argument("--json", action="store_true", help="print the report as JSON")
    unanswered.set_defaults(func=_report_unanswered)
    ask = sub.add_parser("ask", help="staff lookup: the best answer to a question, in English and Spanish")
    ask.add_argument("question", nargs="+")
    ask.set_defaults(func=_ask)
    points = sub.add_parser("points", help="estimate one applicant's magnet priority points")
    points.add_argument(
        "--waitlist-years",
        type=int,
        default=0,
        choices=range(0, 21),
        metavar="N",
        help="consecutive years on an on-time magnet waiting list",
    )
    points.add_argument(
        "--matriculation",
        action="store_true",
        help="finishing a magnet's top grade and applying to a magnet at the next level",
    )
    points.add_argument("--sibling", action="store_true", help="a sibling attends and will stay at that magnet")
    points.add_argument(
        "--resident",
        choices=("phbao", "overcrowded", "none", "unknown"),
        default="none",
        help="what the resident (neighborhood) school is",
    )
    points.add_argument("--late", action="store_true", help="a late application")
    points.add_argument("--enrolled-in-magnet", action="store_true", help="the student is in a magnet now")
    points.add_argument("--lang", choices=("en", "es"), default="en")
    points.add_argument("--json", action="store_true", help="print the result as JSON")
    points.set_defaults(func=_points)
    from bot.tools import ag_check

    ag_check.add_parser(sub)
    from bot.tools.options import add_parser as add_options

    add_options(sub)
    from bot.reminders.cli import add_parser as add_reminders

    add_reminders(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    import os

    os.umask(0o077)  # the state dir's files (stores, secrets, logs, pids) are the owner's only
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
