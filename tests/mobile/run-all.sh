#!/usr/bin/env bash
# Every mobile check in one go (what CI runs): setup, the size of the library an app ships
# (stripped `mobile` build, 2 MiB budget), Kotlin tests against the debug build and that
# shipped one, the Android app compiled against the framework and its Robolectric tests
# (reusing the host library and bindings the Kotlin step built), Swift syntax check,
# cross-target cargo checks. Each prints its own closing line; the exit status is non-zero
# when any of them failed, after all have run.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
status=0
bash "$root/tests/mobile/setup.sh" || exit 1
export CERTDOCTOR_KOTLIN_SHIPPED="$root/target/mobile-size"
for check in tests/mobile/cdylib-size.sh tests/kotlin/run.sh tests/android/run.sh tests/swift/check.sh tests/mobile/cross-check.sh; do
  printf '\n== %s (%d s since start)\n' "$check" "$SECONDS"
  # The Android step reuses the host library and bindings tests/kotlin/run.sh has just built.
  reuse=""
  [ "$check" != tests/android/run.sh ] || reuse=1
  CERTDOCTOR_FFI_BUILT="$reuse" bash "$root/$check" || status=1
done
exit $status
