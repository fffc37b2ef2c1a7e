#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time and prints executions per target.
# Usage: fuzz/run.sh [seconds per target, default 60] [target ...]  (default: all)
#
# This toolchain is stable: `cargo fuzz` needs nightly-only flags only for a sanitizer
# (-Zsanitizer=address). `--sanitizer none` builds on stable with libFuzzer coverage
# instrumentation (stable -C flags); panics, aborts, OOM and timeouts are still caught.
# Set SANITIZER=address to run with ASan via RUSTC_BOOTSTRAP=1 instead.
# CONTAINED_PANICS_OK=1: targets archive, zip_bundle and unified_log put the default panic
# hook back, so a panic certdoctor contains (the cab crate's, macos-unifiedlogs') does not
# stop the run; only one escaping certdoctor does.
set -euo pipefail
cd "$(dirname "$0")"
SECS=${1:-60}
shift || true
SAN=${SANITIZER:-none}
if [ "$SAN" = none ]; then FLAGS=(--sanitizer none); ENVV=(); else FLAGS=(--sanitizer "$SAN"); ENVV=(RUSTC_BOOTSTRAP=1); fi
TARGETS=${*:-$(cargo fuzz list)}
env "${ENVV[@]}" cargo fuzz build "${FLAGS[@]}" --debug-assertions
mkdir -p logs
printf '%-14s %12s %10s %s\n' target executions exec/s result
for t in $TARGETS; do
  mkdir -p "corpus/$t"
  # Seed corpora: the repository's fixtures.
  case $t in
    cert_file|pkcs7) cp -n ../tests/fixtures/certs/*.{pem,p7b} "corpus/$t/" 2>/dev/null || true ;;
    android_log) cp -n ../tests/fixtures/android/*.log ../tests/fixtures/android/variants/*.log "corpus/$t/" 2>/dev/null || true ;;
    ios_log) cp -n ../tests/fixtures/ios/* "corpus/$t/" 2>/dev/null || true ;;
    windows_*) cp -n ../tests/fixtures/windows/* "corpus/$t/" 2>/dev/null || true ;;
    archive|zip_bundle)
      # Archives of the fixtures, built once by the archive tests' writers would need Rust:
      # small ones made here with the system's tools.
      tmp=$(mktemp -d)
      cp ../tests/fixtures/android/omadm-success.log ../tests/fixtures/ios/console-scep-installed.log "$tmp/"
      (cd "$tmp" && tar -cf "$OLDPWD/corpus/$t/seed.tar" *.log && gzip -c omadm-success.log > "$OLDPWD/corpus/$t/seed.log.gz" \
        && tar -czf "$OLDPWD/corpus/$t/seed.tgz" *.log) 2>/dev/null || true
      command -v gcab >/dev/null && gcab -c -z -n "corpus/$t/seed.cab" "$tmp"/*.log 2>/dev/null || true
      rm -rf "$tmp" ;;
    mdm_diag) cp -n ../tests/fixtures/windows-mdmdiag/MDMDiag* "corpus/$t/" 2>/dev/null || true ;;
    unified_log)
      find ../tests/fixtures/unified-log ../tests/fixtures/mcstate -type f ! -name '*.md' ! -name 'LICENSE*' -size -256k \
        -exec cp -n {} "corpus/$t/" \; 2>/dev/null || true
      # The iPad log file is larger than -max_len: its first 256 KiB (header, catalogs, chunk sets).
      head -c 262144 ../tests/fixtures/unified-log/0000000000000f85.tracev3 > "corpus/$t/f85-head.tracev3" ;;
  esac
  set +e
  env "${ENVV[@]}" cargo fuzz run "${FLAGS[@]}" --debug-assertions "$t" "corpus/$t" -- \
      -max_total_time="$SECS" -max_len=262144 -rss_limit_mb=1024 -timeout=10 -print_final_stats=1 >"logs/$t.log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$t.log" | grep -o '[0-9]*$' || true)
  [ -z "$execs" ] && execs=$(grep -o '^#[0-9]*' "logs/$t.log" | tail -1 | tr -d '#')
  rate=$(grep -o 'exec/s: [0-9]*' "logs/$t.log" | tail -1 | grep -o '[0-9]*' || true)
  res=ok; [ $rc -ne 0 ] && res="CRASH (see fuzz/logs/$t.log, fuzz/artifacts/$t/)"
  printf '%-14s %12s %10s %s\n' "$t" "${execs:-?}" "${rate:-?}" "$res"
done
