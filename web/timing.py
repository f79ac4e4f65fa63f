"""``Server-Timing: app;dur=…`` on every response: how long Morgue itself took, so benchmarks
and browser developer tools can tell server time from network time."""

from __future__ import annotations

import time

from flask import Flask, Response, g


def _start() -> None:
    g.started = time.perf_counter()


def _stop(response: Response) -> Response:
    started = g.get("started")
    if started is not None:
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_stop)
