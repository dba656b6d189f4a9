#!/usr/bin/env bash
# One-command, idempotent setup (npm run setup). Needs only Node >= 20, Python 3 (with venv) and,
# for the native TensorFlow backend, g++/make. Reaches nothing but the npm registry and the pip
# index; works with CI=true and no stdin. Re-runs take a few seconds: each step first checks
# whether its result is already there (stamps under .cache/setup/).
#
#   1. npm deps      `npm ci --ignore-scripts` when node_modules differs from package-lock.json
#   2. Python venv   .venv with src/setup/requirements.txt (Jupyter, nbclient, nbconvert)
#   3. native TF     builds @tensorflow/tfjs-node's addon (see src/setup/README.md); falls back to
#                    a notice (notebooks then use the wasm backend)
#   4. tslab kernel  kernelspec inside .venv/share/jupyter/kernels, never the user's or system's
#
# usage: bash src/setup/setup.sh [--quiet] [--force]
#   --quiet  one summary line per step (full logs in .cache/setup/*.log)
#   --force  redo every step
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
QUIET=0
FORCE=0
for arg in "$@"; do
  case "$arg" in
    --quiet) QUIET=1 ;;
    --force) FORCE=1 ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: option '$arg' is not allowed; expected --quiet, --force or --help" >&2; exit 2 ;;
  esac
done

# Never wait on a network that is not there, nor on a prompt.
export PIP_RETRIES=0 PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1
export npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
export TF_CPP_MIN_LOG_LEVEL=2

STATE="$ROOT/.cache/setup"
WHEELS="$ROOT/.cache/wheels"
VENV="$ROOT/.venv"
TF_WHEEL_CPU='tensorflow-cpu==2.21.0'
# GPU (UNTESTED, no GPU machine was available): the full `tensorflow` wheel is the CUDA build; its
# CUDA libraries come from the nvidia-*-cu12 wheels that `tensorflow[and-cuda]` depends on.
TF_WHEEL_GPU='tensorflow[and-cuda]==2.21.0'
mkdir -p "$STATE"
T_ALL=$SECONDS

say() { echo "setup: $*"; }

# run_logged <log> <cmd...>: shows the output (or, with --quiet, only keeps it in <log>).
run_logged() {
  local log="$1"; shift
  if [[ $QUIET == 1 ]]; then
    "$@" >>"$log" 2>&1
  else
    "$@" 2>&1 | tee -a "$log"
  fi
}

# fail_tail <log>: the end of a step's log, so --quiet still shows why it failed.
fail_tail() { [[ -f "$1" ]] && tail -n 25 "$1" | sed 's/^/    /' >&2; echo "    (full log: ${1#$ROOT/})" >&2; }

hash_of() { cat "$@" | sha256sum | cut -c1-16; }

# ---------------------------------------------------------------------------------------------
# 1. npm dependencies
# ---------------------------------------------------------------------------------------------
step_npm() {
  local t=$SECONDS log="$STATE/npm.log"
  if [[ $FORCE == 0 && -d node_modules ]] && node src/setup/check_node_modules.js >"$STATE/npm-check.txt"; then
    say "npm deps: node_modules matches package-lock.json"
  else
    [[ -d node_modules ]] && [[ $FORCE == 0 ]] && say "npm deps: $(cat "$STATE/npm-check.txt")"
    : >"$log"
    # --ignore-scripts: @tensorflow/tfjs-node's install script deletes deps/ and downloads; step 3
    # builds it instead. The other install scripts are not needed: esbuild (tsx) and zeromq
    # (tslab) ship prebuilt binaries in their packages, core-js only prints a banner. Checked below.
    if ! run_logged "$log" npm ci --ignore-scripts --no-audit --no-fund; then
      say "npm deps: npm ci FAILED"; fail_tail "$log"; exit 1
    fi
    say "npm deps: installed with npm ci ($((SECONDS - t)) s)"
  fi
  if ! node -e "require('esbuild').transformSync('let a: number = 1', { loader: 'ts' })" >/dev/null 2>&1; then
    run_logged "$log" node node_modules/esbuild/install.js || true
    node -e "require('esbuild').transformSync('')" >/dev/null 2>&1 || { say "npm deps: esbuild (needed by tsx) does not load"; exit 1; }
  fi
  if ! node -e "require('zeromq')" >/dev/null 2>&1; then
    # No prebuilt zeromq addon for this platform: its own script builds one (needs cmake).
    (cd node_modules/zeromq && run_logged "$log" node script/install.js) || true
    node -e "require('zeromq')" >/dev/null 2>&1 || { say "npm deps: zeromq (needed by the tslab kernel) does not load"; fail_tail "$log"; exit 1; }
  fi
}

# ---------------------------------------------------------------------------------------------
# 2. Python venv with Jupyter
# ---------------------------------------------------------------------------------------------
step_venv() {
  local t=$SECONDS log="$STATE/venv.log" want
  want="$(hash_of src/setup/requirements.txt src/setup/constraints.txt) $(python3 --version 2>&1) $ROOT"
  if [[ $FORCE == 0 && -x "$VENV/bin/python" && "$(cat "$STATE/venv.stamp" 2>/dev/null)" == "$want" ]]; then
    say "python venv: up to date (.venv)"
    return
  fi
  : >"$log"
  rm -rf "$VENV"
  if ! run_logged "$log" python3 -m venv "$VENV"; then
    say "python venv: 'python3 -m venv' FAILED (Debian/Ubuntu: apt-get install python3-venv)"; fail_tail "$log"; exit 1
  fi
  # The constraints file of this machine's pip config is kept; ours is added by requirements.txt.
  if ! run_logged "$log" "$VENV/bin/pip" install --retries 0 --timeout 60 -r src/setup/requirements.txt; then
    say "python venv: pip install FAILED"; fail_tail "$log"; exit 1
  fi
  echo "$want" >"$STATE/venv.stamp"
  say "python venv: created .venv with $(grep -c '==' src/setup/requirements.txt) pinned packages ($((SECONDS - t)) s)"
}

# ---------------------------------------------------------------------------------------------
# 3. Native TensorFlow backend for @tensorflow/tfjs-node (and, on a GPU machine, -gpu)
# ---------------------------------------------------------------------------------------------
loads() { node -e "require('$1')" >/dev/null 2>&1; }

tf_version() {
  node -e "const tf = require('$1'); process.stdout.write(tf.backend().binding.TF_Version)" 2>/dev/null || echo '?'
}

# Node's headers for node-gyp: next to this node (official tarballs, nvm) or /usr (distro node).
node_dir() {
  local d
  d="$(node -p "require('path').resolve(process.execPath, '..', '..')")"
  if [[ -f "$d/include/node/node_api.h" ]]; then echo "$d"
  elif [[ -f /usr/include/node/node_api.h ]]; then echo /usr
  fi
}

# has_internet: true when Google's storage (where install.js downloads from) answers within 5 s.
has_internet() {
  node -e "
    const req = require('https').request('https://storage.googleapis.com/tensorflow/', { method: 'HEAD', timeout: 5000 },
      (res) => process.exit(res.statusCode < 500 ? 0 : 1));
    req.on('error', () => process.exit(1)).on('timeout', () => process.exit(1)).end();" >/dev/null 2>&1
}

# Where the machine has internet: the package's own install script (Google's libtensorflow 2.9.1
# and prebuilt addon, for whatever OS/arch it supports), as a plain `npm install` would run it.
build_by_download() {
  local pkg="$1" kind="$2" log="$3" dir="node_modules/$1"
  has_internet || { echo "no connection to storage.googleapis.com: not trying $dir/scripts/install.js" >>"$log"; return 1; }
  rm -f "$dir/scripts/custom-binary.json"
  (
    cd "$dir"
    export PATH="$ROOT/node_modules/.bin:$PATH"
    nodedir="$(node_dir)"
    [[ -n "$nodedir" ]] && export npm_config_nodedir="$nodedir"
    run_logged "$log" timeout 600 node scripts/install.js "$kind" download
  ) || return 1
  loads "$pkg"
}

# Offline: TensorFlow 2.21's C library from the pip wheel, then build the addon against it
# (/work/shared/NATIVE-TF.md, src/setup/README.md).
build_from_wheel() {
  local pkg="$1" spec="$2" log="$3" dir="node_modules/$1" pip wheel cuda_dir=''
  local name="${spec%%\[*}"; name="${name%%==*}"
  # The wheel (and so the library in it) is for Linux x86_64 only.
  [[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] || { echo "no $spec wheel for $(uname -s)-$(uname -m)" >>"$log"; return 1; }
  pip="$VENV/bin/pip"; [[ -x "$pip" ]] || pip="python3 -m pip"
  mkdir -p "$WHEELS"
  wheel="$(ls "$WHEELS"/"${name//-/_}"-2.21.0-*.whl 2>/dev/null | head -n 1 || true)"
  if [[ -z "$wheel" || "$spec" == *and-cuda* ]]; then
    local deps='--no-deps'
    if [[ "$spec" == *and-cuda* ]]; then deps=''; cuda_dir="$WHEELS/cuda"; mkdir -p "$cuda_dir"; fi
    # shellcheck disable=SC2086
    run_logged "$log" $pip download --retries 0 --timeout 60 $deps --only-binary=:all: \
      --python-version 3.11 --platform manylinux_2_27_x86_64 "$spec" -d "${cuda_dir:-$WHEELS}" || return 1
    [[ -n "$cuda_dir" ]] && mv -f "$cuda_dir"/"${name//-/_}"-2.21.0-*.whl "$WHEELS"/ 2>/dev/null
    wheel="$(ls "$WHEELS"/"${name//-/_}"-2.21.0-*.whl 2>/dev/null | head -n 1 || true)"
    [[ -n "$wheel" ]] || return 1
  fi
  run_logged "$log" python3 src/setup/extract_libtensorflow.py "$wheel" "$dir" $cuda_dir || return 1
  # With a custom tf-lib and no custom addon, the package's install.js (e.g. `npm rebuild`) builds
  # from source against deps/ instead of downloading Google's addon for TF 2.9.1.
  echo "{\"tf-lib\": \"pip:$spec, unpacked by src/setup/setup.sh\"}" >"$dir/scripts/custom-binary.json"
  # node-pre-gyp, not bare node-gyp: binding.gyp needs the variables it passes. Without a nodedir
  # holding Node's headers, node-gyp would try to download them.
  (
    cd "$dir"
    nodedir="$(node_dir)"
    [[ -n "$nodedir" ]] && export npm_config_nodedir="$nodedir"
    run_logged "$log" node ../../@mapbox/node-pre-gyp/bin/node-pre-gyp install --build-from-source
  ) || return 1
  loads "$pkg"
}

step_native_tf() {
  local t=$SECONDS log="$STATE/tfjs-node.log" pkg='@tensorflow/tfjs-node'
  if [[ $FORCE == 0 ]] && loads "$pkg"; then
    say "native TF: $pkg loads (TF $(tf_version "$pkg"))"
  else
    : >"$log"
    if build_by_download "$pkg" cpu "$log"; then
      say "native TF: $pkg installed by its own script (TF $(tf_version "$pkg"), $((SECONDS - t)) s)"
    elif build_from_wheel "$pkg" "$TF_WHEEL_CPU" "$log"; then
      say "native TF: $pkg built against $TF_WHEEL_CPU (TF $(tf_version "$pkg"), $((SECONDS - t)) s)"
    else
      say "native TF: NOT available (log: ${log#$ROOT/}); notebooks and tests will use the wasm backend (~3-8x slower)"
      [[ $QUIET == 1 ]] && fail_tail "$log"
    fi
  fi
  # GPU: only where nvidia-smi sees a GPU. UNTESTED (no GPU machine was available when this was
  # written); a failure here never fails setup.
  if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
    t=$SECONDS log="$STATE/tfjs-node-gpu.log" pkg='@tensorflow/tfjs-node-gpu'
    if [[ $FORCE == 0 ]] && loads "$pkg"; then
      say "native TF GPU (untested path): $pkg loads (TF $(tf_version "$pkg"))"
    else
      : >"$log"
      if build_by_download "$pkg" gpu "$log" || build_from_wheel "$pkg" "$TF_WHEEL_GPU" "$log"; then
        say "native TF GPU (untested path): $pkg built (TF $(tf_version "$pkg"), $((SECONDS - t)) s)"
      else
        say "native TF GPU (untested path): $pkg NOT available (log: ${log#$ROOT/}); the CPU backend is used"
      fi
    fi
  fi
}

# ---------------------------------------------------------------------------------------------
# 4. tslab kernel, registered inside .venv
# ---------------------------------------------------------------------------------------------
step_kernel() {
  local log="$STATE/kernel.log" tslab="$ROOT/node_modules/.bin/tslab"
  local spec="$VENV/share/jupyter/kernels/tslab/kernel.json"
  if [[ $FORCE == 0 && -f "$spec" ]] && grep -qF "\"$tslab\"" "$spec"; then
    say "tslab kernel: registered in .venv/share/jupyter/kernels"
    return
  fi
  : >"$log"
  if ! run_logged "$log" "$tslab" install --python "$VENV/bin/python" --prefix "$VENV" --binary "$tslab"; then
    say "tslab kernel: 'tslab install' FAILED"; fail_tail "$log"; exit 1
  fi
  local listed; listed="$("$VENV/bin/jupyter" kernelspec list --json 2>>"$log" || true)"
  if [[ "$listed" != *"$VENV/share/jupyter/kernels/tslab"* ]]; then
    say "tslab kernel: not listed by 'jupyter kernelspec list'"; fail_tail "$log"; exit 1
  fi
  say "tslab kernel: registered in .venv/share/jupyter/kernels (starts $tslab)"
}

# ---------------------------------------------------------------------------------------------
# >>> slurm (grid tests): a local one-node Slurm for test/grid/slurm.test.ts >>>
# Debian's munge, slurmctld, slurmd and slurm-client, installed only when missing and only as
# root with apt-get (the test skips with one line elsewhere; with CI=true it fails instead).
# Nothing is started here: the test starts and stops its own cluster on 127.0.0.1.
# ---------------------------------------------------------------------------------------------
step_slurm() {
  local t=$SECONDS log="$STATE/slurm.log" pkgs='munge slurmctld slurmd slurm-client'
  if [[ $FORCE == 0 && -x /usr/sbin/slurmctld && -x /usr/sbin/slurmd && -x /usr/sbin/munged && -x /usr/bin/sbatch ]]; then
    say "slurm (tests): installed (slurmctld $(dpkg-query -W -f='${Version}' slurmctld 2>/dev/null || echo '?'))"
    echo "$pkgs" >"$STATE/slurm.stamp"
    return
  fi
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    say "slurm (tests): not installed and not root with apt-get; the Slurm grid test will be skipped (as root: apt-get install $pkgs)"
    return
  fi
  : >"$log"
  if run_logged "$log" apt-get update -q && DEBIAN_FRONTEND=noninteractive run_logged "$log" apt-get install -y -q --no-install-recommends $pkgs; then
    echo "$pkgs" >"$STATE/slurm.stamp"
    say "slurm (tests): installed $pkgs ($((SECONDS - t)) s)"
  else
    say "slurm (tests): apt-get install FAILED (log: ${log#$ROOT/}); the Slurm grid test will be skipped outside CI"
  fi
  # slurmctld binds to what `hostname -s` resolves to; make it resolve (to loopback) if it does not.
  local host; host="$(hostname -s 2>/dev/null || true)"
  if [[ -n "$host" ]] && ! getent hosts "$host" >/dev/null 2>&1; then
    echo "127.0.0.1 $host" >>/etc/hosts && say "slurm (tests): added '127.0.0.1 $host' to /etc/hosts"
  fi
}
# <<< slurm (grid tests) <<<

# ---------------------------------------------------------------------------------------------
# >>> chromium (browser test): Debian's chromium for test/browser/jupyterlab.browser.ts >>>
# Installed only when /usr/bin/chromium is missing, as root (or under CI=true with passwordless
# sudo) with apt-get; playwright-core drives it (Playwright's own browser downloads are not
# reachable here). A failed install is stamped, so later runs skip it until --force; elsewhere the
# browser test skips with one line (with CI=true it fails instead).
# ---------------------------------------------------------------------------------------------
step_chromium() {
  local t=$SECONDS log="$STATE/chromium.log" stamp="$STATE/chromium.stamp" sudo=()
  if [[ -x /usr/bin/chromium ]]; then
    say "chromium (browser test): $(/usr/bin/chromium --version 2>/dev/null | head -n 1 || echo installed)"
    return
  fi
  if [[ $FORCE == 0 && -f "$stamp" ]]; then
    say "chromium (browser test): not installed ($(cat "$stamp")); npm run setup -- --force retries"
    return
  fi
  if [[ "$(id -u)" != 0 ]]; then
    if [[ "${CI:-}" == true ]] && sudo -n true >/dev/null 2>&1; then sudo=(sudo -n); else
      say "chromium (browser test): not installed and not root; the browser test will be skipped (as root: apt-get install chromium)"
      return
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    say "chromium (browser test): no apt-get here; install Chromium at /usr/bin/chromium, or the browser test will be skipped"
    return
  fi
  : >"$log"
  if run_logged "$log" "${sudo[@]}" apt-get update -q &&
    run_logged "$log" "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium &&
    [[ -x /usr/bin/chromium ]]; then
    rm -f "$stamp"
    say "chromium (browser test): installed $(/usr/bin/chromium --version 2>/dev/null | head -n 1) ($((SECONDS - t)) s)"
  else
    echo "apt-get install chromium failed on $(date -u +%F); log: ${log#$ROOT/}" >"$stamp"
    say "chromium (browser test): apt-get install FAILED (log: ${log#$ROOT/}); the browser test will be skipped outside CI"
  fi
}
# <<< chromium (browser test) <<<

# ---------------------------------------------------------------------------------------------
# >>> nbstrip (clean notebooks): the git clean filter named in .gitattributes >>>
# `git add` stores notebooks/*.ipynb without outputs (src/notebooks/clean_notebooks.ts --strip),
# whatever a JupyterLab session saved. Only inside a git work tree; writes this clone's .git/config.
# ---------------------------------------------------------------------------------------------
step_nbstrip() {
  git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1 || return 0
  local cmd='node --import tsx src/notebooks/clean_notebooks.ts --strip'
  if [[ "$(git -C "$ROOT" config --get filter.nbstrip.clean 2>/dev/null)" != "$cmd" ]]; then
    git -C "$ROOT" config filter.nbstrip.clean "$cmd"
    git -C "$ROOT" config filter.nbstrip.smudge cat
  fi
  say "nbstrip git filter: notebooks/*.ipynb are committed without outputs"
}
# <<< nbstrip (clean notebooks) <<<

step_npm
step_venv
step_native_tf
step_kernel
step_nbstrip
step_slurm
step_chromium
say "done in $((SECONDS - T_ALL)) s"
