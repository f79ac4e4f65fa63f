#!/usr/bin/env bash
# Installs Morgue into .venv and runs it: for now, parses the demo articles and prints them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh requirements.txt
exec .venv/bin/python -m indexer parse archive/samples "$@"
