#!/usr/bin/env bash
# Provisions what the toolkit needs on a fresh machine, then returns with PATH pointing at it:
#   1. a supported Node (>= 22.15, what the OpenTelemetry packages require); when the machine's is older, Node 24 LTS from the npm `node`
#      package into the git-ignored .tools/node (no system install, no root needed);
#   2. npm dependencies (npm ci when the lockfile changed or node_modules is missing);
#   3. Prometheus, promtool, Alertmanager, amtool and Chromium (the HTML report test) from Debian when
#      root, else a clear message.
# Source it (`. scripts/bootstrap.sh`) so the PATH change reaches the caller.
# Set TRACSEQ_SKIP_SYSTEM_TOOLS=1 to skip step 3 (e.g. for lint-only runs).

TRACSEQ_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRACSEQ_NODE_VERSION="24.21.0"
TRACSEQ_NODE_DIR="$TRACSEQ_ROOT/.tools/node"
export TURBO_TELEMETRY_DISABLED=1 NEXT_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

tracseq_log() { printf '[bootstrap] %s\n' "$*" >&2; }

tracseq_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=15)?0:1)'
}

tracseq_ensure_node() {
  if [ -x "$TRACSEQ_NODE_DIR/node_modules/.bin/node" ]; then
    export PATH="$TRACSEQ_NODE_DIR/node_modules/.bin:$PATH"
  fi
  if tracseq_node_ok; then return 0; fi
  if ! command -v npm >/dev/null 2>&1; then
    tracseq_log "Node >= 22.15 is required and neither node nor npm is installed. Install Node 24 LTS (https://nodejs.org) and retry."
    return 1
  fi
  tracseq_log "machine Node is $(node -v 2>/dev/null || echo missing); installing Node $TRACSEQ_NODE_VERSION into .tools/node (npm package 'node')"
  mkdir -p "$TRACSEQ_NODE_DIR"
  npm install --prefix "$TRACSEQ_NODE_DIR" --no-save --no-audit --no-fund --loglevel=error \
    "node@$TRACSEQ_NODE_VERSION" >&2 || { tracseq_log "could not install Node $TRACSEQ_NODE_VERSION from the npm registry"; return 1; }
  export PATH="$TRACSEQ_NODE_DIR/node_modules/.bin:$PATH"
  tracseq_node_ok || { tracseq_log "Node $TRACSEQ_NODE_VERSION was installed but does not run"; return 1; }
}

tracseq_ensure_deps() {
  local stamp="$TRACSEQ_ROOT/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$TRACSEQ_ROOT/package-lock.json" ] && [ "${CI:-}" != "true" ]; then
    return 0
  fi
  local verb=ci
  [ -f "$TRACSEQ_ROOT/package-lock.json" ] || verb=install
  tracseq_log "installing npm dependencies (npm $verb)"
  (cd "$TRACSEQ_ROOT" && npm "$verb" --no-audit --no-fund --loglevel=error >&2)
}

tracseq_missing_tools() {
  local missing=()
  command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
  command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
  # The HTML report's test renders the page in Debian's Chromium (driven by playwright-core,
  # which downloads no browser of its own).
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' '
}

tracseq_ensure_system_tools() {
  [ "${TRACSEQ_SKIP_SYSTEM_TOOLS:-}" = "1" ] && return 0
  local missing
  missing="$(tracseq_missing_tools)"
  missing="${missing% }"
  [ -z "${missing// /}" ] && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    tracseq_log "installing Debian packages: $missing"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2 ||
      { tracseq_log "apt-get install $missing failed"; return 1; }
  else
    tracseq_log "missing Debian packages: $missing. Install them with: sudo apt-get install $missing"
    tracseq_log "(tests that need Prometheus, Alertmanager or Chromium will fail with the same message)"
  fi
}

tracseq_ensure_node && tracseq_ensure_deps && tracseq_ensure_system_tools
