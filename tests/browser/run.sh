#!/usr/bin/env bash
# Accessibility and screenshot test of the HTML report: installs Debian's chromium and the
# npm packages only when missing, then runs axe-core at 360/1280 px, light and dark.
# Extra arguments are more HTML reports to check; BROWSER_CLI=0 checks only the goldens.
# Closes with "browser: N passed, M failed".
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
# Besides the goldens, the HTML the real CLI writes for the shared samples, both languages.
reports=()
if [ "${BROWSER_CLI:-1}" = 1 ]; then
  bash ../build-host-tools.sh -q
  bin=../../target/debug/certdoctor
  out=../output/cli
  rm -rf "$out" && mkdir -p "$out"
  # One report per sample directory (the CLI walks it) and the two seed logs on their own.
  for f in ../fixtures/seed/android-seed.log ../fixtures/seed/ios-seed.log \
    ../fixtures/android ../fixtures/ios ../fixtures/windows ../fixtures/certs ../fixtures/server ../fixtures/privacy; do
    [ -e "$f" ] || continue
    for lang in en zh-Hant; do
      name=$(basename "$f" .log)
      [ -d "$f" ] && name="dir-$name"
      html="$out/$name.$lang.html"
      rc=0
      "$bin" diagnose --format html --lang "$lang" --now 2026-06-01T00:00:00Z --output "$html" "$f" || rc=$?
      if [ "$rc" -gt 1 ]; then
        echo "certdoctor failed ($rc) on $f"
        echo "browser: 0 passed, 1 failed"
        exit 1
      fi
      reports+=("$html")
    done
  done
  largest=$(ls -S "$out"/*.html | head -1)
  echo "largest CLI report: $largest ($(wc -c <"$largest") bytes)"
fi
exec node a11y.mjs "${reports[@]}" "$@"
