"""Copies the chat widget's prebuilt bundle from node_modules/ (installed by `npm ci`) into bot/web/vendor/.

`make` runs it when the bundle is missing or older than the npm install. The bundle's stylesheet imports
a web font from fonts.googleapis.com; that import is removed so that nothing loads from a CDN (the page's
Content-Security-Policy would block it anyway).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bot import config

PACKAGE = config.ROOT / "node_modules" / "rasa-webchat"
TARGET = Path(__file__).resolve().parent / "vendor"
FILES = {"lib/index.js": "webchat.js", "LICENSE": "webchat.LICENSE"}
CDN_IMPORT = re.compile(r"@import url\(https?://fonts\.googleapis\.com/[^)]*\);?")


def build(package: Path = PACKAGE, target: Path = TARGET) -> list[Path]:
    if not (package / "lib" / "index.js").is_file():
        raise SystemExit(f"{package} is not installed: run `npm ci` (make does)")
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for source, name in FILES.items():
        text = (package / source).read_text(encoding="utf-8")
        if name.endswith(".js"):
            text = CDN_IMPORT.sub("", text)
            if "fonts.googleapis.com" in text:
                raise SystemExit("the widget bundle still refers to fonts.googleapis.com: update bot/web/build.py")
        path = target / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(f"widget asset: {path.relative_to(config.ROOT)}")
    sys.exit(0)
