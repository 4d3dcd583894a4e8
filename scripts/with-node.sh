#!/usr/bin/env bash
# Runs a command on a Node that satisfies package.json's engines (see scripts/node.sh).
#   bash scripts/with-node.sh [--setup|--setup-test] <command> [args...]
# --setup first installs what is missing (scripts/setup-system.sh; --setup-test adds chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node.sh
case "${1:-}" in
  --setup) shift; bash scripts/setup-system.sh ;;
  --setup-test) shift; bash scripts/setup-system.sh --test ;;
esac
exec "$@"
