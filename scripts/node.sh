#!/usr/bin/env bash
# The Node.js that runs Reelfarm. Sourced by the scripts behind npm start, npm test and the other
# commands (scripts/with-node.sh, scripts/test.sh, scripts/setup-system.sh); sourcing it twice is
# harmless.
#
# package.json's engines say `node >= 22.18` (graphile-worker 0.18 needs 22.18, @google/genai 3.x
# needs 22). When the `node` on PATH is older or missing, this brings Node $REELFARM_NODE_MAJOR
# (default 26, the Active LTS since 2026-10-28; 22 and 24 work too) from the npm registry - the
# official binary published as the `node-linux-<arch>` package, so nothing is downloaded from
# anywhere but the registry - into a cache dir, and puts it first on PATH for this shell and its
# children. npm, npx, tsx, next, vitest and playwright all start `node` from PATH, and the
# Node processes we spawn use process.execPath, so the whole stack (and `npm ci`, which then
# prints no EBADENGINE warning) runs on that Node.
#
# Cache dir: $REELFARM_NODE_CACHE, else $XDG_CACHE_HOME/reelfarm (~/.cache/reelfarm), else
# .cache/ in the checkout when the home folder is not writable (a fresh clone in CI).
# Only the invoking user runs this Node (the embedded PostgreSQL's `postgres` user never does),
# yet it is made readable by all so a checkout shared between users can use it too.

reelfarm_node_ensure() {
  local root want_major want_minor have major minor cache dir arch tmp
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  # The floor comes from package.json's engines (">=22.18").
  read -r want_major want_minor < <(sed -n 's/.*"node": *">=\([0-9]*\)\.\([0-9]*\)".*/\1 \2/p' "$root/package.json" | head -1)
  : "${want_major:=22}" "${want_minor:=18}"
  if command -v node >/dev/null 2>&1; then
    have="$(node -p 'process.versions.node' 2>/dev/null || true)"
    major="${have%%.*}"; minor="${have#*.}"; minor="${minor%%.*}"
    if [[ -n "$major" ]] && { ((major > want_major)) || { ((major == want_major)) && ((minor >= want_minor)); }; }; then
      return 0
    fi
  fi
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "[node] Node >= $want_major.$want_minor is needed (found ${have:-none}) and no npm build exists for $(uname -m): install it from https://nodejs.org" >&2; return 1 ;;
  esac
  local target="${REELFARM_NODE_MAJOR:-26}"
  cache="${REELFARM_NODE_CACHE:-${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/reelfarm}"
  if ! mkdir -p "$cache" 2>/dev/null || [[ ! -w "$cache" ]]; then cache="$root/.cache"; mkdir -p "$cache"; fi
  dir="$cache/node-$target-linux-$arch"
  if [[ ! -x "$dir/node_modules/node-linux-$arch/bin/node" ]]; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "[node] Node >= $want_major.$want_minor is needed (found ${have:-none}) and npm is missing: install Node $target from https://nodejs.org" >&2
      return 1
    fi
    echo "[node] Node ${have:-(none)} is older than package.json's engines (>= $want_major.$want_minor): fetching Node $target from the npm registry (node-linux-$arch) into $dir"
    # Installed beside the final folder and renamed into place, so an interrupted fetch never
    # leaves a folder that looks complete; run from that folder so the checkout's .npmrc and
    # package.json stay out of it.
    tmp="$dir.tmp.$$"
    rm -rf "$tmp" && mkdir -p "$tmp"
    if ! (cd "$tmp" && npm install --prefix "$tmp" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-$arch@$target" >/dev/null); then
      rm -rf "$tmp"
      echo "[node] could not fetch node-linux-$arch@$target from the npm registry; install Node >= $want_major.$want_minor yourself" >&2
      return 1
    fi
    chmod -R a+rX "$tmp" 2>/dev/null || true
    mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp" # another process won the race: use its copy
  fi
  export PATH="$dir/node_modules/node-linux-$arch/bin:$PATH"
  hash -r
  echo "[node] using Node $(node -v) from $dir (the machine's node is ${have:+v}${have:-missing})"
}

reelfarm_node_ensure || { return 1 2>/dev/null || exit 1; }
