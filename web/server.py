"""waitress for several worker processes sharing one listening socket: each request goes to an
idle process.

A search is CPU work and Python runs one thread at a time per process, so Morgue serves with a
few forked processes (web/__main__.py). Plain waitress in each of them balances connections, not
requests: a keep-alive connection stays with the process that accepted it, and under load the
connections ended up 3/3/1/1 on four processes, three searches sharing one interpreter while
another process idled (search page p95 157-238 ms at 8 clients, 100,000 articles). Here a
process stops accepting while it serves a request, and every response ends its connection
(``Connection: close``), so the next request of a client is a new connection, taken from the
shared queue by a process that has nothing to do: the way pre-forking servers without keep-alive
balance CPU-bound work. A new connection on loopback or a LAN costs a fraction of a millisecond.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher, WSGITask

THREADS = 8


class ClosingTask(WSGITask):
    """A request answered as if its client had asked to close the connection after it (the
    application may not set ``Connection`` itself: a hop-by-hop header is the server's)."""

    def build_response_header(self) -> bytes:
        self.request.headers["CONNECTION"] = "close"
        return super().build_response_header()


class ClosingChannel(HTTPChannel):
    task_class = ClosingTask


class IdleAcceptingServer(TcpWSGIServer):
    """Accepts a connection only while none of its connections has a request in service."""

    channel_class = ClosingChannel

    def readable(self) -> bool:
        accepting = super().readable()  # also runs waitress's clean-up of idle connections
        return accepting and not any(channel.requests for channel in self.active_channels.values())


def balanced_server(app: Callable, sock: socket.socket) -> IdleAcceptingServer:
    """A server for ``app`` on a listening socket that other processes accept from too."""
    adjustments = Adjustments(sockets=[sock], threads=THREADS, ident="Morgue")
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(THREADS)
    return IdleAcceptingServer(
        app,
        map={},
        _sock=sock,
        dispatcher=dispatcher,
        adj=adjustments,
        bind_socket=False,
        sockinfo=(sock.family, sock.type, sock.proto, sock.getsockname()),
    )
