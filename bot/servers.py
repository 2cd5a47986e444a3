"""Starting and stopping the action server, the Rasa server and the web server, in the foreground or the
background.

`camino up` records the process ids it started, so `camino down` stops exactly those; it returns only
once a message sent over the REST channel comes back through the action server.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from bot import config
from bot.serve import RASA_MAX_REQUEST_BYTES
from bot.training import rasa_env

HEALTHCHECK_SENDER = "camino-healthcheck"
SERVE = [sys.executable, "-m", "bot.serve"]  # private, rotated logging first (bot.logs), then the server


@dataclass
class Ports:
    rasa: int
    actions: int
    web: int = 8080


def endpoints_file() -> Path:
    name = "endpoints.production.yml" if config.production() else "endpoints.yml"
    return config.ROOT / name


def server_env(ports: Ports) -> dict[str, str]:
    env = rasa_env()
    env["ACTIONS_PORT"] = str(ports.actions)
    env["RASA_PORT"] = str(ports.rasa)  # the web page points the widget at it
    env["WEB_PORT"] = str(ports.web)  # the default allowed socket.io origins are the web server's
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(config.ROOT), env.get("PYTHONPATH")]))
    env.update(config.production_settings())  # endpoints.production.yml reads them (with our defaults)
    env["CAMINO_ACTIONS_TOKEN"] = config.actions_token()  # endpoints*.yml send it; the action server checks it
    env["SANIC_REQUEST_MAX_SIZE"] = str(RASA_MAX_REQUEST_BYTES)  # Sanic reads it (the action server sets its own)
    env["TICKET_LOCK_LIFETIME"] = str(config.lock_lifetime())  # Rasa's lock store reads it
    return env


def rasa_command(model: Path, port: int, web_port: int | None = None) -> list[str]:
    """One Rasa server (a replica of the cluster, or the only one), through bot.serve's scrubbed logging."""
    return [
        *SERVE,
        "rasa",
        "run",
        "--model",
        str(model),
        "--endpoints",
        str(endpoints_file()),
        "--credentials",
        str(config.ROOT / "credentials.yml"),
        "--port",
        str(port),
        "--interface",
        config.host(),
        "--cors",
        *config.cors_origins(web_port),
    ]


def commands(model: Path, ports: Ports) -> dict[str, list[str]]:
    return {
        "actions": [
            *SERVE,
            "actions",
            "--actions",
            "actions",
            "--host",
            config.actions_host(),
            "--port",
            str(ports.actions),
        ],
        "rasa": rasa_command(model, ports.rasa, ports.web),
        "web": [sys.executable, "-m", "bot.web", "--host", config.host(), "--port", str(ports.web)],
    }


def start(model: Path, ports: Ports, log_dir: Path, detach: bool) -> dict[str, subprocess.Popen]:
    return spawn(commands(model, ports), server_env(ports), log_dir, detach)


def spawn(
    commands_by_name: dict[str, list[str]], env: dict[str, str], log_dir: Path, detach: bool
) -> dict[str, subprocess.Popen]:
    """Starts each command (one instance or a cluster). Each server writes its own rotated, scrubbed
    <name>.log (bot.logs); <name>.out keeps only what bypasses Python (a crash before logging is set up),
    fresh at every start."""
    log_dir.mkdir(parents=True, exist_ok=True)
    processes = {}
    for name, command in commands_by_name.items():
        with open(log_dir / f"{name}.out", "wb") as log:  # the child has its own copy of the descriptor
            processes[name] = subprocess.Popen(
                command,
                cwd=config.ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=detach,
            )
    return processes


def rest_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/webhooks/rest/webhook"


def answers_end_to_end(port: int) -> bool:
    """True once a help request comes back with topic buttons, which only the action server adds."""
    try:
        reply = requests.post(rest_url(port), json={"sender": HEALTHCHECK_SENDER, "message": "/help"}, timeout=30)
        return reply.ok and any(message.get("buttons") for message in reply.json())
    except (requests.RequestException, ValueError):
        return False


def web_answers(port: int) -> bool:
    """True once the web server answers its /healthz (whatever it says about the other servers)."""
    try:
        return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code in (200, 503)
    except requests.RequestException:
        return False


def healthy(port: int) -> bool:
    """True when the web server's /healthz says every server it depends on is up (200)."""
    try:
        return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).ok
    except requests.RequestException:
        return False


def wait_until_ready(ports: Ports, processes: dict[str, subprocess.Popen], timeout: float | None = None) -> None:
    """Returns once the assistant answers end to end (within `timeout` s, default CAMINO_READY_TIMEOUT)."""
    timeout = config.ready_timeout() if timeout is None else timeout
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"the {name} server exited with code {process.returncode}; see its log")
        if answers_end_to_end(ports.rasa) and healthy(ports.web):
            return
        time.sleep(2)
    raise TimeoutError(f"the assistant did not answer within {timeout:.0f} s")


def stop(processes: dict[str, subprocess.Popen], grace: float = 20) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _pid_file() -> Path:
    return config.state_dir() / "run" / "servers.json"


def record(processes: dict[str, subprocess.Popen], ports: Ports | dict) -> None:
    """Writes the ids of what was started (and its ports: `rasa` is where REST answers) for `down`."""
    path = _pid_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(ports, Ports):
        ports = {"rasa": ports.rasa, "actions": ports.actions, "web": ports.web}
    path.write_text(json.dumps({"pids": {n: p.pid for n, p in processes.items()}, "ports": ports}))


def recorded() -> dict | None:
    try:
        return json.loads(_pid_file().read_text())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def stop_recorded(grace: float = 20) -> list[str]:
    """Stop the process groups `up` started; returns what was stopped."""
    state = recorded()
    if not state:
        return []
    stopped = []
    for name, pid in state["pids"].items():
        if _alive(pid):
            try:
                os.killpg(pid, signal.SIGTERM)
            except OSError:
                continue
            stopped.append(f"{name} (pid {pid})")
    deadline = time.monotonic() + grace
    for pid in state["pids"].values():
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid):
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
    _pid_file().unlink(missing_ok=True)
    return stopped
