#!/usr/bin/env bash
# End-to-end benchmark: builds the CLI (--release, once), generates the synthetic inputs
# (bench/gen.py, deterministic), then times in one run, on the same warm files:
#   grep -c 'state changed'        the bar
#   rg -c with five literals       the stretch (when ripgrep is installed; --no-mmap)
#   certdoctor diagnose --format json   start-up to output
# on the 50 and 200 MB OMADM logs and on a 64 MiB line with no newline; then the CLI on
# the 20 MB bundle; then, on sysdiagnose-shaped .tar.gz files of 100, 200 and 300 MB,
#   gzip -dc FILE > /dev/null        the floor (decompression alone)
#   certdoctor diagnose --format json  (target: at most 1.5x the floor, peak RSS at most
#                                       128 MiB and flat from 100 to 300 MB)
# Best of $RUNS wall times; peak RSS from /usr/bin/time -v. Prints a Markdown table.
# BASE=path/to/an/older/certdoctor adds its rows (timed in the same run, right after this
# build's, sysdiagnoses included) and says whether both write the same report bytes for
# each input. Sysdiagnose peak RSS is printed to 0.1 MiB, flatness being the question.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
DATA=${DATA:-bench/data}
cargo build --release -q -p certdoctor-cli
BIN=target/release/certdoctor
python3 bench/gen.py "$DATA" >&2

now_ns() { date +%s%N; }
# Output goes to a file, never /dev/null: GNU grep stops at the first match when its
# output is /dev/null.
OUT=$(mktemp); trap 'rm -f "$OUT" "$OUT.base" "$OUT.new"' EXIT
# best wall time in microseconds of "$@"
best_ms() {
  local best=
  for _ in $(seq "$RUNS"); do
    local t0 t1; t0=$(now_ns); "$@" >"$OUT" 2>&1 || true; t1=$(now_ns)
    local ms=$(( (t1 - t0) / 1000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "$best"   # microseconds
}
# the same with output to /dev/null (gzip -dc, as the floor is defined)
best_ms_null() {
  local best=
  for _ in $(seq "$RUNS"); do
    local t0 t1; t0=$(now_ns); "$@" >/dev/null 2>&1 || true; t1=$(now_ns)
    local ms=$(( (t1 - t0) / 1000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "$best"
}
rss_kib() { { /usr/bin/time -v "$@" 2>&1 >"$OUT" || true; } | awk -F': ' '/Maximum resident/ {print $2}'; }
# KiB → MiB with one decimal (the sysdiagnose rows, where flatness is the question)
mib1() { python3 -c "print(f'{$1/1024:.1f}')"; }
mbps() { python3 -c "print(f'{$1/1e6/($2/1e6):,.0f}')"; }

# The BASE binary's row for input $1 (of $2 bytes; grep took $3 µs, or "" when there is no
# grep row; this build $4 µs), and
# whether both builds write the same report for it.
base_rows() {
  [ -n "${BASE:-}" ] || return 0
  local b brss same
  b=$(best_ms "$BASE" diagnose --format json "$1")
  brss=$(rss_kib "$BASE" diagnose --format json "$1")
  "$BASE" diagnose --format json --now 2026-01-01T00:00:00Z "$1" >"$OUT.base" 2>&1 || true
  "$BIN" diagnose --format json --now 2026-01-01T00:00:00Z "$1" >"$OUT.new" 2>&1 || true
  if cmp -s "$OUT.base" "$OUT.new"; then same="same report bytes"; else same="REPORTS DIFFER"; fi
  rm -f "$OUT.base" "$OUT.new"
  local vs=""
  [ -z "$3" ] || vs=$(python3 -c "print(f'{$3/$b:.2f}')")
  echo "| | | base: $(basename "$BASE") ($same) | $((b / 1000)).$(( (b % 1000) / 100 )) ms | $(mbps "$2" "$b") | $vs | $((brss / 1024)) MiB |"
  echo "| | | this build / base | | | $(python3 -c "print(f'{$b/$4:.2f}x faster' if $4 <= $b else f'{$4/$b:.2f}x slower')") | |"
}

echo "grep -c 'state changed' on the 200 MB log: $(grep -c 'state changed' "$DATA/omadm-200MB.log") lines"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  cpu: $(lscpu | sed -n 's/^Model name: *//p') x $(nproc)  load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| input | size | tool | best of $RUNS | MB/s | vs grep | peak RSS |"
echo "|---|---:|---|---:|---:|---:|---:|"
for f in "$DATA/omadm-50MB.log" "$DATA/omadm-200MB.log"; do
  size=$(stat -c %s "$f")
  cat "$f" >/dev/null   # page cache warm for every tool alike
  g=$(best_ms grep -c 'state changed' "$f")
  grss=$(rss_kib grep -c 'state changed' "$f")
  echo "| $(basename "$f") | $((size >> 20)) MiB | grep -c 'state changed' | $((g / 1000)).$(( (g % 1000) / 100 )) ms | $(mbps "$size" "$g") | 1.00 | $((grss / 1024)) MiB |"
  if command -v rg >/dev/null; then
    r=$(best_ms rg --no-mmap -c -F -e 'state changed' -e 'CertRep@' -e 'Received ' -e 'Sending ' -e 'There are ' "$f")
    echo "| | | rg --no-mmap, 5 literals | $((r / 1000)).$(( (r % 1000) / 100 )) ms | $(mbps "$size" "$r") | $(python3 -c "print(f'{$g/$r:.2f}')") | |"
  fi
  c=$(best_ms "$BIN" diagnose --format json "$f")
  crss=$(rss_kib "$BIN" diagnose --format json "$f")
  echo "| | | certdoctor diagnose --format json | $((c / 1000)).$(( (c % 1000) / 100 )) ms | $(mbps "$size" "$c") | $(python3 -c "print(f'{$g/$c:.2f}')") | $((crss / 1024)) MiB |"
  base_rows "$f" "$size" "$g" "$c"
done
z="$DATA/bundle-20MB.zip"
zsize=$(python3 -c "import zipfile,sys; print(sum(i.file_size for i in zipfile.ZipFile(sys.argv[1]).infolist()))" "$z")
c=$(best_ms "$BIN" diagnose --format json "$z")
crss=$(rss_kib "$BIN" diagnose --format json "$z")
echo "| $(basename "$z") ($(( $(stat -c %s "$z") >> 20 )) MiB zip) | $((zsize >> 20)) MiB inflated | certdoctor diagnose --format json | $((c / 1000)).$(( (c % 1000) / 100 )) ms | $(mbps "$zsize" "$c") | | $((crss / 1024)) MiB |"
base_rows "$z" "$zsize" "" "$c"
l="$DATA/long-line-64MB.log"
lsize=$(stat -c %s "$l")
cat "$l" >/dev/null
g=$(best_ms grep -c 'state changed' "$l")
grss=$(rss_kib grep -c 'state changed' "$l")
echo "| $(basename "$l") (no newline after the SCEP block) | $((lsize >> 20)) MiB | grep -c 'state changed' | $((g / 1000)).$(( (g % 1000) / 100 )) ms | $(mbps "$lsize" "$g") | 1.00 | $((grss / 1024)) MiB |"
c=$(best_ms "$BIN" diagnose --format json "$l")
crss=$(rss_kib "$BIN" diagnose --format json "$l")
echo "| | | certdoctor diagnose --format json | $((c / 1000)).$(( (c % 1000) / 100 )) ms | $(mbps "$lsize" "$c") | $(python3 -c "print(f'{$g/$c:.2f}')") | $((crss / 1024)) MiB |"
base_rows "$l" "$lsize" "$g" "$c"
echo
echo "| sysdiagnose-shaped .tar.gz | compressed | tool | best of $RUNS | MB/s (compressed) | vs gzip -dc | peak RSS |"
echo "|---|---:|---|---:|---:|---:|---:|"
for mb in 100 200 300; do
  f="$DATA/sysdiagnose-${mb}MB.tar.gz"
  size=$(stat -c %s "$f")
  cat "$f" >/dev/null
  g=$(best_ms_null gzip -dc "$f")
  grss=$(rss_kib gzip -dc "$f")
  echo "| $(basename "$f") | $((size >> 20)) MiB | gzip -dc > /dev/null | $((g / 1000)).$(( (g % 1000) / 100 )) ms | $(mbps "$size" "$g") | 1.00 | $(mib1 "$grss") MiB |"
  c=$(best_ms "$BIN" diagnose --format json "$f")
  crss=$(rss_kib "$BIN" diagnose --format json "$f")
  echo "| | | certdoctor diagnose --format json | $((c / 1000)).$(( (c % 1000) / 100 )) ms | $(mbps "$size" "$c") | $(python3 -c "print(f'{$c/$g:.2f}')") | $(mib1 "$crss") MiB |"
  if [ -n "${BASE:-}" ]; then
    b=$(best_ms "$BASE" diagnose --format json "$f")
    brss=$(rss_kib "$BASE" diagnose --format json "$f")
    "$BASE" diagnose --format json --now 2026-01-01T00:00:00Z "$f" >"$OUT.base" 2>&1 || true
    "$BIN" diagnose --format json --now 2026-01-01T00:00:00Z "$f" >"$OUT.new" 2>&1 || true
    if cmp -s "$OUT.base" "$OUT.new"; then same="same report bytes"; else same="REPORTS DIFFER"; fi
    echo "| | | base: $(basename "$BASE") ($same) | $((b / 1000)).$(( (b % 1000) / 100 )) ms | $(mbps "$size" "$b") | $(python3 -c "print(f'{$b/$g:.2f}')") | $(mib1 "$brss") MiB |"
  fi
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
