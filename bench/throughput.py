"""Throughput and latency of one Camino instance (and of two replicas) against a stock `rasa init` bot on the
same Rasa, side by side in one run, over REST on 127.0.0.1.

- stock: `rasa init --no-prompt` in .camino/bench/stock (trained there once, reused on later runs), served by
  `rasa run` (its own defaults: in-memory tracker store, no action server);
- Camino: the current model (`camino train` first) with its action server and SQLite tracker store,
  started directly (no web server); replicas: a second Rasa + action server on other ports and their own
  tracker store, senders split between them (each conversation sticks to one replica, as a load balancer
  with session affinity would do).

Each run sends the same number of messages at concurrency 1 and 8 to each bot (Camino: the held-out family
questions of tests/data/heldout.yml in both languages; stock: its own NLU examples), in conversations of
--turns messages, after a warm-up; it prints messages/s, p50/p95 latency, the Camino/stock ratio, resident
memory per process, the CPU each server process (and the whole machine, bench client included) spent per
message, and the cold start to the first end-to-end answer. Bounded: a fixed number of messages,
each with a timeout. Run it with the thread limits of a shared machine:
OMP_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 .venv/bin/python bench/throughput.py
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import config, servers  # noqa: E402
from bot.training import model_path, rasa_env, rasa_executable  # noqa: E402

HOST = "127.0.0.1"
TIMEOUT_S = 60
COLD_START_TIMEOUT_S = 600


@dataclass
class Bot:
    name: str
    port: int
    texts: list[str]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    cold_start_s: float | None = None
    ports: list[int] = field(default_factory=list)  # every Rasa port that serves it (replicas)

    def url(self, sender_index: int) -> str:
        ports = self.ports or [self.port]
        return f"http://{HOST}:{ports[sender_index % len(ports)]}/webhooks/rest/webhook"


# ------------------------------------------------------------------------------------------ the two bots


def bench_dir() -> Path:
    path = config.ensure_state_dir() / "bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stock_project() -> Path:
    """A `rasa init` project, trained, cached under .camino/bench/stock (created on first use)."""
    project = bench_dir() / "stock"
    if list((project / "models").glob("*.tar.gz")):
        return project
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)  # rasa init wants the directory to exist
    print(f"creating the stock bot: rasa init --no-prompt in {project} (trains it)…", flush=True)
    started = time.monotonic()
    result = subprocess.run(
        [rasa_executable(), "init", "--no-prompt", "--init-dir", str(project)],
        cwd=bench_dir(),
        env=rasa_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        timeout=1800,
    )
    if result.returncode != 0 or not list((project / "models").glob("*.tar.gz")):
        raise SystemExit(f"rasa init failed (exit {result.returncode})")
    print(f"  stock bot trained in {time.monotonic() - started:.0f} s", flush=True)
    return project


def stock_texts(project: Path) -> list[str]:
    nlu = yaml.safe_load((project / "data" / "nlu.yml").read_text(encoding="utf-8"))["nlu"]
    return [line[2:].strip() for item in nlu for line in item["examples"].splitlines() if line.startswith("- ")]


def camino_texts() -> list[str]:
    questions = yaml.safe_load((ROOT / "tests" / "data" / "heldout.yml").read_text(encoding="utf-8"))["questions"]
    english = [q["text"] for q in questions if q["lang"] == "en"]
    spanish = [q["text"] for q in questions if q["lang"] == "es"]
    mixed = [t for pair in zip(english, spanish, strict=False) for t in pair]  # both languages, alternating
    return mixed + english[len(spanish) :] + spanish[len(english) :]


def start_stock(project: Path, port: int, log_dir: Path) -> dict[str, subprocess.Popen]:
    model = sorted((project / "models").glob("*.tar.gz"))[-1]
    command = [rasa_executable(), "run", "--model", str(model), "--port", str(port), "--interface", HOST]
    with open(log_dir / "stock-rasa.log", "wb") as log:
        return {"rasa": subprocess.Popen(command, cwd=project, env=rasa_env(), stdout=log, stderr=subprocess.STDOUT)}


def start_camino(
    model: Path, ports: servers.Ports, state: Path, log_dir: Path, tag: str
) -> dict[str, subprocess.Popen]:
    """Camino's action and Rasa servers (as `camino up` starts them, without the web server)."""
    state.mkdir(parents=True, exist_ok=True)
    env = servers.server_env(ports)
    env["CAMINO_STATE_DIR"] = str(state)  # its own tracker store
    env["CAMINO_DB_URL"] = config.database_url()  # the one knowledge store, read-only
    processes = {}
    for name, command in servers.commands(model, ports).items():
        if name == "web":
            continue
        with open(log_dir / f"{tag}-{name}.log", "wb") as log:
            processes[name] = subprocess.Popen(
                command, cwd=config.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
    return processes


def answers(port: int, text: str) -> bool:
    import requests

    try:
        reply = requests.post(
            f"http://{HOST}:{port}/webhooks/rest/webhook", json={"sender": "bench-ready", "message": text}, timeout=30
        )
        return reply.ok and bool(reply.json())
    except (requests.RequestException, ValueError):
        return False


def wait_ready(bot: Bot, started: float, check) -> None:
    deadline = started + COLD_START_TIMEOUT_S
    while time.monotonic() < deadline:
        for name, process in bot.processes.items():
            if process.poll() is not None:
                raise SystemExit(f"{bot.name}: the {name} server exited with code {process.returncode}")
        if check():
            bot.cold_start_s = time.monotonic() - started
            return
        time.sleep(0.25)
    raise SystemExit(f"{bot.name} did not answer within {COLD_START_TIMEOUT_S} s")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (from /proc)."""
    total = 0
    pids = [pid]
    with contextlib.suppress(OSError):
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    for p in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_s() -> float:
    """CPU seconds the whole machine has spent busy so far (all cores), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def measured(bot: Bot, groups: list[dict[str, subprocess.Popen]], *load_args) -> dict:
    """`load(bot, …)`, with the CPU each server process (and the machine) spent per message."""
    pids = {f"{name}-{i + 1}": p.pid for i, group in enumerate(groups) for name, p in group.items()}
    before = {key: cpu_s(pid) for key, pid in pids.items()}
    machine_before = machine_busy_s()
    result = asyncio.run(load(bot, *load_args))
    count = result["messages"]
    result["cpu_ms_per_message"] = {key: 1000 * (cpu_s(pid) - before[key]) / count for key, pid in pids.items()}
    result["machine_cpu_ms_per_message"] = 1000 * (machine_busy_s() - machine_before) / count
    return result


def stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ------------------------------------------------------------------------------------------ the load


async def load(bot: Bot, messages: int, concurrency: int, turns: int, run: str) -> dict:
    """`messages` REST messages from `concurrency` workers; each worker talks in conversations of `turns`."""
    latencies: list[float] = []
    errors = 0
    per_worker = [messages // concurrency + (w < messages % concurrency) for w in range(concurrency)]
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_S)

    async def worker(w: int, count: int, session: aiohttp.ClientSession) -> None:
        nonlocal errors
        for i in range(count):
            conversation = w * 100_000 + i // turns
            text = bot.texts[(w * 7919 + i) % len(bot.texts)]
            body = {"sender": f"bench-{run}-{conversation}", "message": text}
            started = time.monotonic()
            try:
                # replica by (worker + conversation number): at any moment the workers are spread over the
                # replicas, and a conversation stays on one (as session affinity keeps it)
                async with session.post(bot.url(w + i // turns), json=body) as reply:
                    await reply.read()
                    ok = reply.status == 200
            except (aiohttp.ClientError, asyncio.TimeoutError):
                ok = False
            latencies.append(time.monotonic() - started)
            errors += not ok

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.monotonic()
        await asyncio.gather(*(worker(w, n, session) for w, n in enumerate(per_worker)))
        elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "messages": messages,
        "concurrency": concurrency,
        "rate": messages / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))],
        "errors": errors,
    }


def row(name: str, r: dict) -> str:
    line = (
        f"  {name:22s} c={r['concurrency']}: {r['rate']:6.1f} msg/s  p50 {r['p50_ms']:5.0f} ms  "
        f"p95 {r['p95_ms']:5.0f} ms  errors {r['errors']}"
    )
    if "cpu_ms_per_message" in r:
        per = "  ".join(f"{key} {ms:.1f}" for key, ms in r["cpu_ms_per_message"].items())
        line += f"\n  {'':22s} CPU ms per message: {per}  (machine {r['machine_cpu_ms_per_message']:.1f})"
    return line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200, help="messages per bot and concurrency level")
    parser.add_argument(
        "--warmup", type=int, default=None,
        help="warm-up messages per bot (default: each of its texts once, so that every sentence length has "
        "been traced by TensorFlow, as in a server that has run a while)",
    )  # fmt: skip
    parser.add_argument("--turns", type=int, default=4, help="messages per conversation")
    parser.add_argument("--concurrency", default="1,8")
    parser.add_argument("--replicas", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--base-port", type=int, default=15100)
    parser.add_argument("--model", default=None, help="Camino model (default: the current inputs' model)")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]

    model = Path(args.model) if args.model else model_path()
    if not model.is_file():
        raise SystemExit(f"no model {model.name}: run `.venv/bin/camino train` first")
    from bot.knowledge.base import build_store

    build_store()
    project = stock_project()
    log_dir = bench_dir() / "logs"
    log_dir.mkdir(exist_ok=True)
    base = args.base_port
    stock = Bot("stock rasa init", base, stock_texts(project))
    camino = Bot("camino (1 instance)", base + 1, camino_texts())
    replica_ports = [servers.Ports(rasa=base + 1, actions=base + 2), servers.Ports(rasa=base + 3, actions=base + 4)]
    everything: list[dict[str, subprocess.Popen]] = []
    results: dict = {"model": model.name, "levels": {}, "rss_mb": {}, "cold_start_s": {}}
    try:
        # cold start, one bot after the other (each alone on the machine): process start to first answer
        t0 = time.monotonic()
        stock.processes = start_stock(project, stock.port, log_dir)
        everything.append(stock.processes)
        wait_ready(stock, t0, lambda: answers(stock.port, "hello"))
        t0 = time.monotonic()
        camino.processes = start_camino(model, replica_ports[0], bench_dir() / "state-1", log_dir, "camino-1")
        everything.append(camino.processes)
        wait_ready(camino, t0, lambda: servers.answers_end_to_end(camino.port))
        print(f"cold start to first answer: stock {stock.cold_start_s:.1f} s, camino {camino.cold_start_s:.1f} s")
        for bot in (stock, camino):
            warmup = len(set(bot.texts)) if args.warmup is None else args.warmup
            asyncio.run(load(bot, warmup, 1, args.turns, f"warm-{time.time_ns()}"))  # c=1: every text, in order
        print(f"{args.messages} messages per bot and level, conversations of {args.turns}:")
        for level in levels:
            run = f"{level}-{time.time_ns()}"
            s = measured(stock, [stock.processes], args.messages, level, args.turns, run)
            c = measured(camino, [camino.processes], args.messages, level, args.turns, run)
            print(row(stock.name, s))
            print(row(camino.name, c))
            print(f"  ratio camino/stock c={level}: {c['rate'] / s['rate']:.2f}x throughput")
            results["levels"][level] = {"stock": s, "camino": c, "ratio": c["rate"] / s["rate"]}
        if args.replicas:
            second = start_camino(model, replica_ports[1], bench_dir() / "state-2", log_dir, "camino-2")
            everything.append(second)
            replicas = Bot("camino (2 replicas)", base + 3, camino.texts, processes=second)
            wait_ready(replicas, time.monotonic(), lambda: servers.answers_end_to_end(base + 3))
            warmup = len(set(replicas.texts)) if args.warmup is None else args.warmup
            asyncio.run(load(replicas, warmup, 1, args.turns, f"warm-{time.time_ns()}"))  # the new replica alone
            replicas.ports = [base + 1, base + 3]
            level = max(levels)
            one = measured(camino, [camino.processes], args.messages, level, args.turns, f"one-{time.time_ns()}")
            pair = [camino.processes, second]
            two = measured(replicas, pair, args.messages, level, args.turns, f"two-{time.time_ns()}")
            print(row(camino.name, one))
            print(row(replicas.name, two))
            print(f"  ratio 2 replicas / 1 instance c={level}: {two['rate'] / one['rate']:.2f}x throughput")
            results["replicas"] = {"one": one, "two": two, "ratio": two["rate"] / one["rate"]}
        print("resident memory (RSS) per process:")
        labelled = [("stock", stock.processes)] + [(f"camino-{i + 1}", p) for i, p in enumerate(everything[1:])]
        for label, processes in labelled:
            for name, process in processes.items():
                mb = rss_mb(process.pid)
                results["rss_mb"][f"{label} {name}"] = mb
                print(f"  {label:9s} {name:8s} pid {process.pid:7d}: {mb:7.0f} MB")
        results["cold_start_s"] = {"stock": stock.cold_start_s, "camino": camino.cold_start_s}
    finally:
        for processes in everything:
            stop(processes)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
