"""Load: concurrent conversations over REST, signed Twilio and socket.io, in English and Spanish, through nginx
to two Rasa replicas (production profile on a throwaway PostgreSQL and Redis, started here with
`camino up-cluster` and stopped at the end). Afterwards every conversation's events in PostgreSQL are
checked: complete, in order, not duplicated; every request answered. Prints the figures.

    .venv/bin/python bench/load.py [--conversations 60] [--turns 3] [--replicas 2]
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from services import PUBLIC_BASE, TWILIO_TOKEN, Cluster  # noqa: E402
from traffic import TURNS, RestClient, SocketClient, TwilioClient, check_events, percentile  # noqa: E402


def make_client(cluster: Cluster, i: int):
    lang = "es" if i % 2 else "en"
    kind = ("rest", "twilio", "socketio")[i % 3]
    if kind == "rest":
        return RestClient(cluster.url, lang)
    if kind == "twilio":
        return TwilioClient(cluster.url, lang, TWILIO_TOKEN, PUBLIC_BASE, cluster.env["CAMINO_SENDER_SECRET"].encode())
    transports = ["websocket"] if i % 2 else ["polling", "websocket"]  # half of them start on long-polling
    return SocketClient(cluster.url, lang, transports)


def converse(client, turns: int):
    try:
        for text in TURNS[client.lang][:turns]:
            client.conversation.turns.append(client.ask(text))
    finally:
        client.close()
    return client.conversation


def upstream_counts(cluster: Cluster, since: int) -> dict[str, collections.Counter]:
    log = (cluster.state / "logs" / "nginx-access.log").read_text().splitlines()[since:]
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for line in log:
        parts = line.split()
        if len(parts) > 4:
            path = parts[2]
            kind = "socketio" if path.startswith("/socket.io/") else "twilio" if "twilio" in path else "rest"
            counts[kind][parts[4]] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=60)
    parser.add_argument("--turns", type=int, default=3, choices=range(1, len(TURNS["en"]) + 1))
    parser.add_argument("--replicas", type=int, default=2)
    args = parser.parse_args()
    missing = Cluster.missing()
    if missing:
        print(f"cannot run: {missing}")
        return 2
    cluster = Cluster(args.replicas)
    started = time.time()
    up = cluster.up()
    if up.returncode != 0:
        print(up.stdout, up.stderr, cluster.logs(), sep="\n")
        cluster.down()
        return 1
    print(f"cluster up in {time.time() - started:.0f} s: {args.replicas} replicas behind nginx at {cluster.url}")
    try:
        log_path = cluster.state / "logs" / "nginx-access.log"
        since = len(log_path.read_text().splitlines()) if log_path.exists() else 0
        t0 = time.time()
        with ThreadPoolExecutor(max_workers=args.conversations) as pool:
            clients = list(pool.map(lambda i: make_client(cluster, i), range(args.conversations)))
            conversations = list(pool.map(lambda c: converse(c, args.turns), clients))
        wall = time.time() - t0
        turns = [t for c in conversations for t in c.turns]
        outcomes = collections.Counter(t.outcome for t in turns)
        print(
            f"\n{len(conversations)} concurrent conversations x {args.turns} turns = {len(turns)} requests "
            f"in {wall:.1f} s ({len(turns) / wall:.1f} turns/s)"
        )
        print(f"outcomes: {dict(outcomes)}")
        columns = ("convs", "turns", "answered", "p50 s", "p95 s", "max s")
        print(f"{'channel':9} {'lang':4} " + " ".join(f"{c:>{max(5, len(c))}}" for c in columns))
        for channel in ("rest", "twilio", "socketio"):
            for lang in ("en", "es"):
                group = [t for t in turns if t.channel == channel and t.lang == lang]
                convs = sum(1 for c in conversations if c.channel == channel and c.lang == lang)
                seconds = [t.seconds for t in group]
                print(
                    f"{channel:9} {lang:4} {convs:5} {len(group):5} "
                    f"{sum(t.outcome == 'answered' for t in group):8} {percentile(seconds, 50):5.2f} "
                    f"{percentile(seconds, 95):5.2f} {max(seconds, default=float('nan')):5.2f}"
                )
        print("requests per replica (nginx access log):")
        for kind, counter in sorted(upstream_counts(cluster, since).items()):
            print(f"  {kind:9} " + ", ".join(f"{addr} {n}" for addr, n in sorted(counter.items())))
        # A turn is saved after its last message is sent: give the last turns a moment (bounded) to land.
        settle_start = time.time()
        figures = check_events(cluster, conversations)
        while figures["complete"] < len(conversations) and time.time() - settle_start < 20:
            time.sleep(1)
            figures = check_events(cluster, conversations)
        print(f"(events settled {time.time() - settle_start:.1f} s after the last reply)")
        print(
            "PostgreSQL events: "
            + ", ".join(f"{name} {value}" for name, value in figures.items())
            + f" (of {len(conversations)} conversations)"
        )
        from traffic import PROBLEMS

        for problem in PROBLEMS:
            print(f"  incomplete: {problem}")
        ok = (
            outcomes.get("answered", 0) == len(turns)
            and figures["complete"] == len(conversations)
            and not (figures["lost"] or figures["duplicated"] or figures["out_of_order"])
        )
        print("RESULT: " + ("every request answered, every conversation complete in PostgreSQL" if ok else "PROBLEMS"))
        return 0 if ok else 1
    finally:
        cluster.down()


if __name__ == "__main__":
    sys.exit(main())
