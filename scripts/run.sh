#!/usr/bin/env bash
# Entry point behind the root npm scripts: provisions Node, dependencies and system tools, then
# runs the requested task with the provisioned Node first on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
task="${1:-}"
shift || true
# shellcheck source=scripts/bootstrap.sh
. scripts/bootstrap.sh
echo "[run] node $(node -v), task: $task" >&2
case "$task" in
  test) exec npx turbo run build typecheck lint test --output-logs=new-only "$@" ;;
  generate) exec npx turbo run generate --output-logs=errors-only "$@" ;;
  check) exec npx turbo run build typecheck lint "$@" ;;
  demo)
    if [ -f scripts/demo.mjs ]; then exec node scripts/demo.mjs "$@"; fi
    echo "The demo is not built yet: it arrives with the example services (examples/). Node, npm dependencies, Prometheus and Alertmanager are now installed; run 'npm test' to exercise them."
    ;;
  *) echo "usage: scripts/run.sh test|generate|check|demo [args...]" >&2; exit 2 ;;
esac
