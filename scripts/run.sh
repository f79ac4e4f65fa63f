#!/usr/bin/env bash
# Installs Morgue into .venv, indexes the demo articles (archive/samples) on the first run, and
# serves Morgue with waitress at http://127.0.0.1:8000 (MORGUE_DATA_DIR, MORGUE_HOST and
# MORGUE_PORT change where; extra arguments go to `python -m web`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh requirements.txt
data_dir="${MORGUE_DATA_DIR:-data}"
marker="$data_dir/.demo-articles-added"
if [ ! -e "$marker" ]; then
    echo "First run: adding the demo articles in archive/samples to $data_dir/"
    .venv/bin/python -m indexer add --data-dir "$data_dir" archive/samples
    touch "$marker"
fi
exec .venv/bin/python -m web --data-dir "$data_dir" "$@"
