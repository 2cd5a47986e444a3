"""`python -m bot.web --host H --port P`: serve the widget page and the staff lookup."""

from __future__ import annotations

import argparse
import logging

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from bot import config, logs
from bot.web.app import create_app


class PathOnlyAccessLogger(AbstractAccessLogger):
    """Logs method, path and status, never the query string: staff questions may hold family details."""

    def log(self, request, response, time):  # noqa: A002 - aiohttp's signature
        self.logger.info("%s %s %s %.3fs", request.method, request.path, response.status, time)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.web", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=config.web_port())
    args = parser.parse_args(argv)
    logs.setup("web")
    web.run_app(
        create_app(warm_up=True, purge_daily=True, send_reminders=config.reminders_scheduler()),
        host=args.host,
        port=args.port,
        access_log_class=PathOnlyAccessLogger,
        print=lambda message: logging.getLogger("bot.web").info(message),
    )


if __name__ == "__main__":
    main()
