#!/usr/bin/env bash
# Every mobile check in one go (what CI runs for issue 5): setup, Kotlin tests, Swift syntax
# check, cross-target cargo checks. Each prints its own closing count; the exit status is
# non-zero when any of them failed, after all have run.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
status=0
bash "$root/tests/mobile/setup.sh" || exit 1
for check in tests/kotlin/run.sh tests/swift/check.sh tests/mobile/cross-check.sh; do
  printf '\n== %s\n' "$check"
  bash "$root/$check" || status=1
done
exit $status
