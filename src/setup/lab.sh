#!/usr/bin/env bash
# JupyterLab on notebooks/ with the repository's own tslab kernel and Jupyter configuration
# (npm run lab -- [jupyter lab options], e.g. npm run lab -- --port 8899 --no-browser).
# JUPYTER_PATH puts .venv's kernelspecs ahead of any user-wide tslab install; JUPYTER_CONFIG_PATH
# adds src/setup/jupyter/ to the user's own configuration: jupyter_server_config.py (HTML export of
# trusted notebooks unsanitised, see that file) and labconfig/page_config.json (turns off the
# debugger extension: tslab has no debugger, and the extension then logs "No active debugger
# session" errors in the browser console at every execution).
# A --notebook-dir (or --ServerApp.root_dir) given on the command line replaces notebooks/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$ROOT/src/setup/setup.sh" --quiet
export JUPYTER_PATH="$ROOT/.venv/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export JUPYTER_CONFIG_PATH="$ROOT/src/setup/jupyter${JUPYTER_CONFIG_PATH:+:$JUPYTER_CONFIG_PATH}"
opts=()
[[ " $* " == *" --notebook-dir"* || " $* " == *" --ServerApp.root_dir"* ]] || opts+=(--notebook-dir="$ROOT/notebooks")
[[ $EUID == 0 ]] && opts+=(--allow-root) # containers, CI images
exec "$ROOT/.venv/bin/jupyter" lab "${opts[@]}" "$@"
