"""`python -m web [--host H] [--port N] [--data-dir D] [--workers W]`: serve an archive.

waitress serves each process with threads; Python runs one thread at a time per process, so
several worker processes share one listening socket to use every core (searches are CPU work).
Each request goes to an idle process (web/server.py), so one process per core keeps every core
busy; more processes each see fewer of the searches, keep fewer posting lists of common words
decoded and share the cores in turns (search page p95 at 8 clients, 100,000 articles, alternated
runs: 120-139 ms with 2 processes on 2 cores, 157-190 ms with 4, 18 against 21-22 ms of CPU per
page). The index's arrays are read once before the processes fork, so they share those pages
instead of each holding its own copy.

The objects alive at start (the app, the index) are frozen out of Python's cycle collector, and
it runs every GC_THRESHOLD container allocations instead of 700: a search page allocates a few
thousand objects, nearly all freed by reference counting, and at 700 the collector scanned the
survivors about once a page (9% of a page's CPU, measured). Freezing also keeps the collector
from writing to the pages the forked workers share.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import signal
import socket
import sys
from pathlib import Path

import config
from archive import datadir, open_index
from archive.errors import MorgueError
from web.secret import load_secret_key

GC_THRESHOLD = 10_000
DEFAULT_WORKERS = min(os.cpu_count() or 1, 8)


def _serve(sock: socket.socket, data_dir: Path, *, shared: bool) -> None:
    """Serve on ``sock``; ``shared``: other worker processes accept from it too."""
    from waitress import serve

    from web import create_app
    from web.server import THREADS, balanced_server

    app = create_app({"DATA_DIR": data_dir})
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD)
    with contextlib.suppress(KeyboardInterrupt):
        if shared:
            balanced_server(app, sock).run()
        else:
            serve(app, sockets=[sock], threads=THREADS, ident="Morgue")


def _read_index(data_dir: Path) -> None:
    """The index's arrays, read before the workers fork, are shared by them (copy-on-write
    pages that nobody writes to) until a commit changes the segments they come from."""
    if not datadir.index_dir(data_dir).is_dir():
        return
    try:
        open_index(data_dir).snapshot()
    except Exception:  # noqa: BLE001 - only a head start: each worker reports its own errors
        return


def _run_workers(sock: socket.socket, data_dir: Path, workers: int) -> int:
    """Fork the workers and wait; stopping the parent (Ctrl+C, SIGTERM) stops them all."""
    children = []
    gc.freeze()  # before the fork, so the first collection in a worker copies no shared page
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            _serve(sock, data_dir, shared=True)
            os._exit(0)
        children.append(pid)
    # The parent serves nothing: its files of the index close (a commit may delete them), the
    # workers keep their own.
    if datadir.index_dir(data_dir).is_dir():
        open_index(data_dir).close()

    def stop(*_):
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    try:
        for pid in children:
            os.waitpid(pid, 0)
    except KeyboardInterrupt:
        stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m web", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=config.HOST, help="address to listen on [%(default)s]")
    parser.add_argument("--port", type=int, default=config.PORT, help="port [%(default)s]")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=config.DATA_DIR,
        help="the archive's data folder [$MORGUE_DATA_DIR or ./data]",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help="server processes [one per core, at most 8: %(default)s]",
    )
    args = parser.parse_args(argv)
    if args.data_dir.exists() and not args.data_dir.is_dir():
        print(f"{args.data_dir} is not a folder.", file=sys.stderr)
        return 2
    try:
        sock = socket.create_server((args.host, args.port), backlog=1024)
    except (OSError, OverflowError) as exc:  # OverflowError: a port outside 0-65535
        reason = getattr(exc, "strerror", None) or exc
        print(f"Cannot listen on {args.host}:{args.port}: {reason}", file=sys.stderr)
        return 1
    try:
        data_dir = datadir.create(args.data_dir.resolve())
    except MorgueError as exc:
        print(exc, file=sys.stderr)
        return 2
    load_secret_key(data_dir, config.SECRET_KEY)  # once, before the workers share it
    print(f"Morgue is serving {data_dir} at http://{args.host}:{args.port}/", flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    _read_index(data_dir)
    if args.workers <= 1 or not hasattr(os, "fork"):
        _serve(sock, data_dir, shared=False)
        return 0
    return _run_workers(sock, data_dir, args.workers)


if __name__ == "__main__":
    sys.exit(main())
