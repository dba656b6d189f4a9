#!/usr/bin/env bash
# JupyterLab on notebooks/ with the repository's own tslab kernel (npm run lab -- [jupyter lab options]).
# JUPYTER_PATH puts .venv's kernelspecs ahead of any user-wide tslab install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$ROOT/src/setup/setup.sh" --quiet
export JUPYTER_PATH="$ROOT/.venv/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
root_flag=()
[[ $EUID == 0 ]] && root_flag=(--allow-root) # containers, CI images
exec "$ROOT/.venv/bin/jupyter" lab --notebook-dir="$ROOT/notebooks" "${root_flag[@]}" "$@"
