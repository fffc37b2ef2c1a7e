#!/usr/bin/env bash
# Accessibility and screenshot test of the HTML report: installs Debian's chromium and the
# npm packages only when missing, then runs axe-core at 360/1280 px, light and dark.
# Extra arguments are more HTML reports to check. Closes with "browser: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
fi
if [ ! -d node_modules/puppeteer-core ] || [ ! -d node_modules/axe-core ]; then
  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi
exec node a11y.mjs "$@"
