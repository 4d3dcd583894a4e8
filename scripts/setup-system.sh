#!/usr/bin/env bash
# Installs the system packages Reelfarm needs, only those missing, then the npm packages.
#   bash scripts/setup-system.sh          ffmpeg + espeak-ng + the caption fonts (to run Reelfarm)
#   bash scripts/setup-system.sh --test   ...plus chromium (for the browser tests)
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)  # the glyph check and caption layout read fc-list
# (grep without -q: under pipefail, -q would make fc-list die of SIGPIPE and look like a miss)
fc-list 2>/dev/null | grep DejaVuSans >/dev/null || need+=(fonts-dejavu-core)
# The caption font fallback chain (README "Fonts"): CJK, then Arabic/Hebrew/Devanagari/Thai and most
# other scripts, then emoji: in colour from Noto Color Emoji (rasterised by sharp and drawn as vector
# layers, src/render/emoji-art.ts; libass itself draws outline glyphs only), and as outlines from
# Symbola where the colour font is missing.
fc-list 2>/dev/null | grep NotoSansCJK >/dev/null || need+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep NotoSansArabic >/dev/null || need+=(fonts-noto-core)
fc-list 2>/dev/null | grep -i Symbola >/dev/null || need+=(fonts-symbola)
fc-list 2>/dev/null | grep NotoColorEmoji >/dev/null || need+=(fonts-noto-color-emoji)
if [[ "${1:-}" == "--test" ]]; then
  [[ -x /usr/bin/chromium ]] || need+=(chromium)
fi
if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]] && ! command -v sudo >/dev/null; then
    echo "Missing system packages: ${need[*]}. Install them with: apt-get install ${need[*]}" >&2
    exit 1
  fi
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  echo "Installing system packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# npm packages, on a Node that satisfies package.json's engines (scripts/node.sh brings one from the
# npm registry when the machine's is older, so `npm ci` prints no EBADENGINE warning): a clean
# install when node_modules is missing or older than the lock file.
source scripts/node.sh
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
# The S3-compatible server the storage tests start (s3rver, a devDependency; README "Storage").
if [[ "${1:-}" == "--test" && ! -f node_modules/s3rver/bin/s3rver.js ]]; then
  npm install --no-audit --no-fund --no-save s3rver@3.7.1
fi
