"""Held-out evaluation over REST, per language: first-reply topic accuracy, confident wrong answers,
"did you mean" rate, reply language, out-of-scope handling, and two-turn follow-ups.

Sends every question of a held-out file (never used for training) to the running assistant (`make up`
first, or pass --url), each in a fresh conversation, and scores the reply by its payloads:
- right: one answer (or tool) payload on the expected topic (`alt_topic` also counts);
- wrong answer: an answer payload on another topic, or any answer to an out-of-scope question (the worst
  outcome: a confident answer to something else);
- "did you mean": no answer, topic buttons offered (counted separately when the right topic is among them,
  and when it is the first button);
- out of scope: right when no answer payload is sent.
Two-turn items send the first message, then the second in the same conversation, and score the second.
The default runs tests/data/real_heldout.yml (real families' questions, word for word, with sources) and
tests/data/heldout.yml (written by us, a second, flattering figure). `--json FILE` writes every result.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.language import clear_language  # noqa: E402

SETS = {"real": ROOT / "tests" / "data" / "real_heldout.yml", "written": ROOT / "tests" / "data" / "heldout.yml"}
OUT_OF_SCOPE = {None, "out_of_scope"}


def ask(url: str, text: str, sender: str) -> list[dict]:
    reply = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
    reply.raise_for_status()
    return reply.json()


def payload_topics(messages: list[dict]) -> list[str]:
    topics = []
    for message in messages:
        custom = message.get("custom") or {}
        if custom.get("answer"):
            topics.append(custom["answer"]["topic"])
        elif custom.get("tool"):
            topics.append(f"tool:{custom['tool']['name']}")
    return topics


def reply_language(messages: list[dict]) -> str | None:
    for message in messages:
        custom = message.get("custom") or {}
        for key in ("answer", "tool"):
            if custom.get(key):
                return custom[key]["lang"]
    return clear_language(" ".join(m.get("text", "") for m in messages))


def score(item: dict[str, Any], messages: list[dict]) -> dict[str, Any]:
    expected = item.get("topic")
    accepted = {expected, item.get("alt_topic")} - {None}
    topics = payload_topics(messages)
    buttons = [b.get("payload") or "" for m in messages for b in m.get("buttons") or []]
    offered = [b[len("/ask_") :] for b in buttons if b.startswith("/ask_")]
    answered = [t for t in topics if not t.startswith("tool:")]
    if expected in OUT_OF_SCOPE:
        outcome = "wrong" if answered else "right"
    elif len(topics) == 1 and (topics[0] in accepted):
        outcome = "right"
    elif answered:
        outcome = "wrong"
    elif len(offered) >= 2:
        outcome = "did_you_mean_right" if accepted & set(offered) else "did_you_mean"
    else:
        outcome = "no_answer"
    return {
        "text": item.get("second") or item["text"],
        "lang": item["lang"],
        "expected": expected,
        "got": topics[0] if topics else None,
        "outcome": outcome,
        "offered": offered[:3],
        "first_button_right": bool(offered) and offered[0] in accepted,
        "lang_ok": reply_language(messages) == item["lang"],
        "source": item.get("source"),
    }


def run(url: str, path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    results = []
    for item in data.get("questions") or []:
        results.append({**score(item, ask(url, item["text"], f"eval-{uuid.uuid4().hex}")), "kind": "single"})
    for item in data.get("two_turn") or []:
        sender = f"eval-{uuid.uuid4().hex}"
        ask(url, item["first"], sender)
        results.append({**score(item, ask(url, item["second"], sender)), "kind": "two_turn"})
    return {"file": str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path), "results": results}


def summarize(name: str, report: dict[str, Any]) -> None:
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in report["results"]:
        kind = "out_of_scope" if r["expected"] in OUT_OF_SCOPE else r["kind"]
        groups[(r["lang"], kind)].append(r)
    print(f"\n{name}: {report['file']} ({len(report['results'])} items)")
    for (lang, kind), items in sorted(groups.items()):
        n = len(items)
        outcomes = [r["outcome"] for r in items]
        count = outcomes.count
        dym = count("did_you_mean") + count("did_you_mean_right")
        first = sum(1 for r in items if r["outcome"].startswith("did_you_mean") and r.get("first_button_right"))
        print(
            f"  {lang} {kind:12} n={n:3}  first-reply right {count('right') / n:6.1%}  "
            f"wrong answer {count('wrong') / n:6.1%}  did-you-mean {dym / n:6.1%} "
            f"({dym} shown: first button right {first}, right topic offered {count('did_you_mean_right')})  "
            f"no answer {count('no_answer') / n:5.1%}  reply language {sum(r['lang_ok'] for r in items) / n:6.1%}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=None, help="Rasa server (default: the one `make up` started)")
    parser.add_argument("--set", choices=[*SETS, "all"], default="all")
    parser.add_argument("--data", default=None, help="another held-out file")
    parser.add_argument("--json", default=None)
    parser.add_argument("--misses", action="store_true", help="print every item not answered right")
    args = parser.parse_args()
    url = args.url
    if not url:
        from bot import config, servers

        state = servers.recorded()
        url = f"http://127.0.0.1:{state['ports']['rasa'] if state else config.rasa_port()}"
    paths = (
        {"custom": Path(args.data).resolve()}
        if args.data
        else (SETS if args.set == "all" else {args.set: SETS[args.set]})
    )
    reports = {name: run(url, path) for name, path in paths.items()}
    for name, report in reports.items():
        summarize(name, report)
        if args.misses:
            for r in report["results"]:
                if r["outcome"] != "right":
                    where = f"    [{r['lang']}] {r['outcome']:18} expected {r['expected']}, got {r['got']}"
                    print(f"{where}: {r['text'][:80]!r}")
    if args.json:
        Path(args.json).write_text(json.dumps(reports, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
