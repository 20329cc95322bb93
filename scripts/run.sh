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
  # One task at a time: the suites start real servers and load them; two cores shared by
  # several suites at once turns timing-sensitive integration tests into flakes.
  test)
    # The dependency graph is checked on built packages (imports resolve through their exports).
    npx turbo run build --output-logs=errors-only
    npm run --silent lint:repo
    exec npx turbo run build typecheck lint test --concurrency=1 --output-logs=new-only "$@"
    ;;
  generate)
    npx turbo run generate --output-logs=errors-only "$@"
    exec node scripts/generate-deploy.mjs
    ;;
  check) exec npx turbo run build typecheck lint "$@" ;;
  demo)
    npx turbo run build --output-logs=errors-only >&2
    exec node scripts/demo.mjs "$@"
    ;;
  bench)
    npx turbo run build --output-logs=errors-only >&2
    exec node bench/run.mjs "$@"
    ;;
  *) echo "usage: scripts/run.sh test|generate|check|demo|bench [args...]" >&2; exit 2 ;;
esac
