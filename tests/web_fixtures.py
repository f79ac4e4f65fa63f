"""Fixtures for the web tests (a pytest plugin registered in conftest.py): the
archive of webdata.py indexed in tmp_path, and the app serving it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from waitress import wasyncore
from webdata import ADMIN_TOKEN, articles

from archive import open_index
from web import create_app
from web.server import IdleAcceptingServer, balanced_server


@pytest.fixture
def archive_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    open_index(folder).upsert(articles())
    return folder


@pytest.fixture
def make_app(archive_dir: Path):
    def make(**overrides):
        settings = {
            "TESTING": True,
            "DATA_DIR": archive_dir,
            "SECRET_KEY": "test-secret",
            "ADMIN_TOKEN": ADMIN_TOKEN,
            "RESULTS_PER_PAGE": 10,
            "MAX_QUERY_LENGTH": 500,
        }
        return create_app({**settings, **overrides})

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@contextmanager
def serving(app: Callable) -> Iterator[IdleAcceptingServer]:
    """``app`` served on a free local port as a worker of ``python -m web`` serves it."""
    server = balanced_server(app, socket.create_server(("127.0.0.1", 0)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.task_dispatcher.shutdown()
        wasyncore.close_all(server._map)  # the loop ends when its map is empty
        thread.join(timeout=5)
