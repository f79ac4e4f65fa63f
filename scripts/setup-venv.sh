#!/usr/bin/env bash
# Creates .venv in the repository root (if missing) and installs the given requirements file into it.
# Used by scripts/run.sh and scripts/test.sh; needs only Python 3.11+ with venv.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements="${1:-requirements.txt}"
python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Morgue needs Python 3.11 or newer as '$python' (set PYTHON=... to choose another)." >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    if ! "$python" -m venv .venv 2>/dev/null; then
        echo "Could not create .venv: on Debian, install venv support with: apt-get install python3-venv" >&2
        exit 1
    fi
fi
# Install only when the requirements changed since the last install, so that starting Morgue
# again works without a network.
stamp=".venv/installed-$(basename "$requirements").sha256"
if ! sha256sum --check --status "$stamp" 2>/dev/null; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r "$requirements"
    sha256sum requirements*.txt > "$stamp"  # requirements-dev.txt includes requirements.txt
fi
