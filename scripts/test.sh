#!/usr/bin/env bash
# The whole test suite: type check, lint, migrations check, unit + integration tests (real
# PostgreSQL, ffmpeg, the Google SDK against a fake Gemini API), then browser tests in
# Debian's chromium. Installs what is missing first, and runs it all on a Node that satisfies
# package.json's engines (the Active LTS from the npm registry when the machine's is older).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node.sh # Node >= 22.18 first on PATH for everything below (see that file)
bash scripts/setup-system.sh --test
export NEXT_TELEMETRY_DISABLED=1

echo "== typecheck"; npx tsc --noEmit -p .
echo "== lint"; npx eslint . --max-warnings=0
echo "== unit + integration (vitest; includes db:check against a real PostgreSQL)"; npx vitest run
echo "== production build"; npx next build >/tmp/reelfarm-build.log 2>&1 || { tail -50 /tmp/reelfarm-build.log; exit 1; }
echo "== browser (playwright + chromium)"; npx playwright test
