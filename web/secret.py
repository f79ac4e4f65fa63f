"""The key that signs sessions and CSRF tokens.

When ``config.SECRET_KEY`` is empty, a random key is generated once and kept in the data folder,
so tokens survive restarts and every archive has its own key.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from archive import datadir


def load_secret_key(data_dir: Path, configured: str = "") -> str:
    if configured:
        return configured
    path = datadir.secret_key_path(data_dir)
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process wrote it first: use theirs
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key)
    return key
