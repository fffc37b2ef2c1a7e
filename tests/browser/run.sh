#!/usr/bin/env bash
# Accessibility and screenshot test of the HTML report: installs Debian's chromium and the
# npm packages only when missing, then runs axe-core at 360/1280 px, light and dark.
# Extra arguments are more HTML reports to check. Closes with "browser: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")"
need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# Traditional Chinese needs a CJK font, or the zh-Hant screenshots show empty boxes.
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || need_apt+=(fonts-noto-cjk)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
if [ ! -d node_modules/puppeteer-core ] || [ ! -d node_modules/axe-core ]; then
  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi
exec node a11y.mjs "$@"
