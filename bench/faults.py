"""Faults under load: two Rasa replicas behind nginx (production profile on a throwaway PostgreSQL and Redis,
started here), conversations over REST, signed Twilio and socket.io running throughout; one fault at a
time:

- replica: one Rasa replica killed (SIGKILL), restarted after the hold;
- postgres: the throwaway PostgreSQL restarted (stopped for the hold, then started);
- redis: the throwaway Redis stopped for the hold, then started;
- actions: the action server stopped for the hold, then started.

Only the failed service is restarted, never the rest. For each fault it prints polite replies, errors and
silences (and answered turns), the recovery time (from the service's return, or from the kill for a
replica, to the last turn that was not answered normally), and lost or duplicated events in PostgreSQL.

    .venv/bin/python bench/faults.py [--hold 8] [--clients 9] [--only postgres,redis]
"""

from __future__ import annotations

import argparse
import collections
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from services import PUBLIC_BASE, TWILIO_TOKEN, Cluster  # noqa: E402
from traffic import TURNS, RestClient, SocketClient, TwilioClient, check_events  # noqa: E402

FAULTS = ("replica", "postgres", "redis", "actions")
MAX_TURNS_PER_CLIENT = 200  # bounds every loop, whatever the timing


def _proc(pid: int) -> tuple[list[str], dict[str, str], str]:
    """A process's command line, environment and working directory, to start it again the same way."""
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:-1]
    env_items = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")[:-1]
    env = dict(item.decode(errors="replace").split("=", 1) for item in env_items if b"=" in item)
    return [a.decode() for a in argv], env, os.readlink(f"/proc/{pid}/cwd")


def _respawn(cluster: Cluster, name: str, argv, env, cwd, log: Path) -> None:
    """Starts it again and records its new id, so that `camino down` stops it."""
    import json

    with open(log, "ab") as out:
        process = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    state_file = cluster.state / "run" / "servers.json"
    state = json.loads(state_file.read_text())
    state["pids"][name] = process.pid
    state_file.write_text(json.dumps(state))


class Load:
    """`clients` conversations (REST, Twilio, socket.io; both languages) asking turn after turn until stopped."""

    def __init__(self, cluster: Cluster, clients: int):
        self.cluster, self.stop = cluster, threading.Event()
        self.clients = []
        for i in range(clients):
            lang = "es" if i % 2 else "en"
            kind = ("rest", "twilio", "socketio")[i % 3]
            if kind == "rest":
                self.clients.append(RestClient(cluster.url, lang))
            elif kind == "twilio":
                secret = cluster.env["CAMINO_SENDER_SECRET"].encode()
                self.clients.append(TwilioClient(cluster.url, lang, TWILIO_TOKEN, PUBLIC_BASE, secret))
            else:
                self.clients.append(SocketClient(cluster.url, lang, ["websocket"]))
        self.threads = [threading.Thread(target=self._run, args=(c,), daemon=True) for c in self.clients]

    def _run(self, client) -> None:
        for n in range(MAX_TURNS_PER_CLIENT):
            if self.stop.is_set():
                break
            turn = client.ask(TURNS[client.lang][n % len(TURNS[client.lang])] + f" ({n})")
            client.conversation.turns.append(turn)
            if isinstance(client, SocketClient) and (client.dropped or turn.outcome in ("silence", "error")):
                # a widget whose socket died reconnects (socket.io does by itself), in the same session
                for _ in range(10):
                    try:
                        client.reconnect()
                        break
                    except Exception:
                        time.sleep(1)
            time.sleep(0.2)

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> list:
        self.stop.set()
        for thread in self.threads:
            thread.join(90)
        for client in self.clients:
            client.close()
        return [c.conversation for c in self.clients]


def inject(fault: str, cluster: Cluster, hold: float) -> tuple[float, float]:
    """Causes the fault, waits `hold` s, repairs it; returns (fault time, repair time)."""
    pids = cluster.recorded_pids()
    logs = cluster.state / "logs"
    if fault == "replica":
        pid = pids["rasa-1"]
        argv, env, cwd = _proc(pid)
        t_fault = time.time()
        os.killpg(pid, signal.SIGKILL)
        time.sleep(hold)
        _respawn(cluster, "rasa-1", argv, env, cwd, logs / "rasa-1.log")  # back in nginx's pool once it listens
        return t_fault, t_fault  # recovery counts from the kill: nginx routes around it
    if fault == "postgres":
        t_fault = time.time()
        cluster.pg.stop()
        time.sleep(hold)
        cluster.pg.start()
        return t_fault, time.time()
    if fault == "redis":
        t_fault = time.time()
        cluster.redis.stop()
        time.sleep(hold)
        cluster.redis.start()
        return t_fault, time.time()
    if fault == "actions":
        pid = pids["actions"]
        argv, env, cwd = _proc(pid)
        t_fault = time.time()
        os.killpg(pid, signal.SIGTERM)
        time.sleep(hold)
        _respawn(cluster, "actions", argv, env, cwd, logs / "actions-restarted.log")
        t_repair = time.time()
        return t_fault, t_repair
    raise ValueError(fault)


def wait_replicas(cluster: Cluster, timeout: float = 300) -> bool:
    import requests

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if all(
                requests.get(cluster.replica_url(i) + "/webhooks/rest/", timeout=5).ok
                for i in range(len(cluster.rasa_ports))
            ):
                return True
        except requests.RequestException:
            pass
        time.sleep(2)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hold", type=float, default=8.0, help="seconds each fault lasts")
    parser.add_argument("--clients", type=int, default=9, help="concurrent conversations during each fault")
    parser.add_argument("--settle", type=float, default=15.0, help="seconds of load after the repair")
    parser.add_argument("--only", default=",".join(FAULTS))
    args = parser.parse_args()
    faults = [f for f in args.only.split(",") if f]
    if set(faults) - set(FAULTS):
        parser.error(f"faults are {', '.join(FAULTS)}")
    missing = Cluster.missing()
    if missing:
        print(f"cannot run: {missing}")
        return 2
    cluster = Cluster(2)
    up = cluster.up()
    if up.returncode != 0:
        print(up.stdout, up.stderr, cluster.logs(), sep="\n")
        cluster.down()
        return 1
    print(f"cluster up: 2 replicas behind nginx at {cluster.url}; {args.clients} conversations per fault\n")
    header = (
        f"{'fault':9} {'turns':>5} {'answered':>8} {'polite':>6} {'errors':>6} {'silence':>7} "
        f"{'recovery s':>10} {'lost':>4} {'dup':>4} {'extra':>5}"
    )
    rows = []
    try:
        for fault in faults:
            load = Load(cluster, args.clients)
            load.start()
            time.sleep(3)  # steady state first
            t_fault, t_repair = inject(fault, cluster, args.hold)
            time.sleep(args.settle)
            conversations = load.finish()
            turns = [t for c in conversations for t in c.turns]
            during = [t for t in turns if t.started + t.seconds >= t_fault]
            outcomes = collections.Counter(t.outcome for t in during)
            bad_after = [t.started + t.seconds for t in turns if t.outcome != "answered" and t.started >= t_repair]
            recovery = max(bad_after) - t_repair if bad_after else 0.0
            figures = check_events(cluster, conversations)
            rows.append(
                f"{fault:9} {len(during):5} {outcomes['answered']:8} {outcomes['polite']:6} {outcomes['error']:6} "
                f"{outcomes['silence']:7} {recovery:10.1f} {figures['lost']:4} {figures['duplicated']:4} "
                f"{figures['extra']:5}"
            )
            print(header if len(rows) == 1 else "", rows[-1], sep="\n" if len(rows) == 1 else "", flush=True)
            from traffic import PROBLEMS

            for problem in PROBLEMS[:4]:
                print(f"          incomplete: {problem}", flush=True)
            by_channel = collections.Counter((t.channel, t.outcome) for t in during if t.outcome != "answered")
            if by_channel:
                print("          not answered normally: " + ", ".join(
                    f"{channel} {outcome} {n}" for (channel, outcome), n in sorted(by_channel.items())
                ), flush=True)  # fmt: skip
            if fault == "replica" and not wait_replicas(cluster):
                print("the killed replica did not come back; stopping")
                break
            time.sleep(2)
        print(
            "\nturns counted from the fault on; recovery: from the repair (the kill, for a replica) to the end of "
            "the last turn not answered normally; lost: answered turns missing in PostgreSQL; dup: turns stored "
            "twice; extra: stored turns whose reply was not an answer"
        )
        return 0
    finally:
        cluster.down()


if __name__ == "__main__":
    sys.exit(main())
