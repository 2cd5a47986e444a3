"""The README's 'Overview of the files' names every module of bot/ (or the package that holds it)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def overview() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(r"## Overview of the files\n(.*?)\n## ", readme, re.S).group(1)


def test_the_overview_names_every_module():
    text = overview()
    names = set(re.findall(r"[\w.]+\.(?:py|yml)", text)) | set(re.findall(r"(\w+)/", text))
    missing = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        if path.name in ("__init__.py", "__main__.py") or "vendor" in path.parts:
            continue
        if path.name not in names and path.parent.name not in names - {"bot", "knowledge", "channels", "sms"}:
            missing.append(str(path.relative_to(ROOT)))
    assert missing == [], "add them to the README's 'Overview of the files'"
