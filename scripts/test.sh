#!/usr/bin/env bash
# Installs everything the tests need (Debian's chromium for the browser test, .venv with the dev
# requirements) and runs the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
bash scripts/setup-venv.sh requirements-dev.txt
exec .venv/bin/python -m pytest "$@"
