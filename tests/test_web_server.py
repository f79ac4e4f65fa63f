"""The worker processes' server (web/server.py): a process that is serving a request accepts no
new connection, and every response ends its connection, so requests go to idle processes."""

from __future__ import annotations

import http.client
import threading
import time

from web_fixtures import serving


def _eventually(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_busy_server_stops_accepting_until_its_request_is_answered() -> None:
    entered, release = threading.Event(), threading.Event()

    def slow_app(environ, start_response):
        entered.set()
        release.wait(10)
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]

    with serving(slow_app) as server:
        client = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=10)
        try:
            assert server.readable()
            client.request("GET", "/")
            assert entered.wait(10)
            assert not server.readable(), "a process serving a request leaves new ones to others"
            release.set()
            response = client.getresponse()
            assert response.read() == b"ok"
            assert response.getheader("Connection") == "close"
            assert _eventually(server.readable), "an idle process accepts again"
        finally:
            release.set()
            client.close()
