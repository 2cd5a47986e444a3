"""Held-out evaluation over REST: topic accuracy and reply-language accuracy, per language.

Sends every question of tests/data/heldout.yml (never used for training) to the running assistant
(`make up` first, or pass --url) in a fresh conversation, and scores the answer payload:
- topic accuracy: the payload's topic is the expected one (out-of-scope questions: no payload);
- reply-language accuracy: the reply is in the question's language (payload lang, else the text's);
- also counted: fallbacks whose "did you mean" buttons offer the right topic.
Prints a summary per language and the misses; `--json FILE` also writes them for analysis.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections import defaultdict
from pathlib import Path

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.language import clear_language  # noqa: E402


def ask(url: str, text: str) -> list[dict]:
    reply = requests.post(
        f"{url}/webhooks/rest/webhook", json={"sender": f"eval-{uuid.uuid4().hex}", "message": text}, timeout=60
    )
    reply.raise_for_status()
    return reply.json()


def reply_language(messages: list[dict]) -> str | None:
    for message in messages:
        answer = (message.get("custom") or {}).get("answer")
        if answer:
            return answer["lang"]
    return clear_language(" ".join(m.get("text", "") for m in messages))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=None, help="Rasa server (default: the one `make up` started)")
    parser.add_argument("--data", default=str(ROOT / "tests" / "data" / "heldout.yml"))
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    url = args.url
    if not url:
        from bot import config, servers

        state = servers.recorded()
        url = f"http://127.0.0.1:{state['ports']['rasa'] if state else config.rasa_port()}"
    questions = yaml.safe_load(Path(args.data).read_text(encoding="utf-8"))["questions"]
    stats = defaultdict(lambda: {"n": 0, "topic": 0, "lang": 0, "suggested": 0})
    misses = []
    for q in questions:
        messages = ask(url, q["text"])
        topics = [m["custom"]["answer"]["topic"] for m in messages if (m.get("custom") or {}).get("answer")]
        got = topics[0] if len(topics) == 1 else (None if not topics else "several")
        lang_ok = reply_language(messages) == q["lang"]
        buttons = [b.get("payload") for m in messages for b in m.get("buttons") or []]
        s = stats[q["lang"]]
        s["n"] += 1
        s["topic"] += got == q["topic"]
        # a "did you mean" that offers the right topic as a button
        s["suggested"] += got is None and q["topic"] is not None and f"/ask_{q['topic']}" in buttons
        s["lang"] += lang_ok
        if got != q["topic"] or not lang_ok:
            misses.append(
                {"text": q["text"], "lang": q["lang"], "expected": q["topic"], "got": got, "reply_lang_ok": lang_ok}
            )
    print(f"held-out evaluation: {len(questions)} questions against {url}")
    for lang, s in sorted(stats.items()):
        print(
            f"  {lang}: topic accuracy {s['topic'] / s['n']:.1%} ({s['topic']}/{s['n']}), "
            f"reply-language accuracy {s['lang'] / s['n']:.1%} ({s['lang']}/{s['n']}); "
            f"right topic offered by 'did you mean' {s['suggested']} more"
        )
    print(f"misses ({len(misses)}):")
    for m in misses:
        print(
            f"  [{m['lang']}] {m['text']!r}: expected {m['expected']}, got {m['got']}"
            f"{'' if m['reply_lang_ok'] else ' (wrong reply language)'}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps({"stats": stats, "misses": misses}, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
