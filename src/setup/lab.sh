#!/usr/bin/env bash
# JupyterLab on notebooks/ with the repository's own tslab kernel and Jupyter configuration
# (npm run lab -- [jupyter lab options], e.g. npm run lab -- --port 8899 --no-browser).
# JUPYTER_PATH puts .venv's kernelspecs ahead of any user-wide tslab install; --config adds
# src/setup/jupyter/jupyter_server_config.py (see that file) to the user's own configuration.
# A --notebook-dir (or --ServerApp.root_dir) given on the command line replaces notebooks/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$ROOT/src/setup/setup.sh" --quiet
export JUPYTER_PATH="$ROOT/.venv/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
opts=(--config="$ROOT/src/setup/jupyter/jupyter_server_config.py")
[[ " $* " == *" --notebook-dir"* || " $* " == *" --ServerApp.root_dir"* ]] || opts+=(--notebook-dir="$ROOT/notebooks")
[[ $EUID == 0 ]] && opts+=(--allow-root) # containers, CI images
exec "$ROOT/.venv/bin/jupyter" lab "${opts[@]}" "$@"
