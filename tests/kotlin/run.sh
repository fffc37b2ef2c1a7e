#!/usr/bin/env bash
# Kotlin library tests on the host JVM, against the host build of the Rust library through
# the real generated bindings. Installs what is missing (tests/mobile/setup.sh), builds the
# FFI crate and the bindgen, generates the Kotlin bindings into target/, compiles the
# library and its tests with kotlinc (-Werror) and runs them with JUnit 4.
# Closing line: `kotlin: N passed, M failed` (and one for the shipped library when asked,
# see CERTDOCTOR_KOTLIN_SHIPPED below); exit status non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
out="$root/target/kotlin"
lib="$root/android/certdoctor-kotlin"
fixtures="${CERTDOCTOR_ANDROID_FIXTURES:-$root/tests/fixtures/android}"

summary() { echo "kotlin: $1 passed, $2 failed"; }
trap 'rc=$?; [ $rc -eq 0 ] || [ -n "${reported:-}" ] || summary 0 1; exit $rc' EXIT

bash "$root/tests/mobile/setup.sh"
kotlinc="${CERTDOCTOR_KOTLIN_PREFIX:-$root/target/mobile-tools/kotlin-2.4.20}/node_modules/kotlin-compiler/bin/kotlinc"

# The .so comes from `cargo build` (cargo test does not produce it); the bindgen is its own
# call, with the workspace's features (tests/build-host-tools.sh says why).
cargo build --locked -p certdoctor-ffi
bash "$root/tests/build-host-tools.sh"
so="$root/target/debug/libcertdoctor_ffi.so"

rm -rf "$out/generated" "$out/classes" "$out/test-classes"
mkdir -p "$out/generated" "$out/classes" "$out/test-classes" "$out/scratch"
"$root/target/debug/uniffi-bindgen" generate --library "$so" --language kotlin --no-format --out-dir "$out/generated" >&2

jna=/usr/share/java/jna.jar
junit=/usr/share/java/junit4.jar
hamcrest=/usr/share/java/hamcrest-core.jar
[ -f "$hamcrest" ] || hamcrest=/usr/share/java/hamcrest.jar

echo "kotlin: compiling the library and its tests" >&2
"$kotlinc" -Werror -jvm-target 17 -no-reflect -cp "$jna" -d "$out/classes" \
  "$out/generated" "$lib/src/main/kotlin" >&2
"$kotlinc" -Werror -jvm-target 17 -cp "$out/classes:$jna:$junit:$hamcrest" -d "$out/test-classes" \
  "$lib/src/test/kotlin" >&2

tests=$(cd "$out/test-classes" && find . -name '*Test.class' | sed 's|^\./||; s|\.class$||; s|/|.|g' | sort)
kotlin_home="$(dirname "$(dirname "$(readlink -f "$kotlinc")")")"
cp="$out/classes:$out/test-classes:$kotlin_home/lib/kotlin-stdlib.jar:$jna:$junit:$hamcrest"
# JUnit against one build of the library; sets passed= and failed= from its log (a JVM
# that dies before reporting counts as one failure).
junit() {   # <directory of libcertdoctor_ffi.so> <log>
  set +e
  java -Xmx512m -Djna.library.path="$1" \
    -Dcertdoctor.fixtures="$fixtures" \
    -Dcertdoctor.generated="$out/generated" \
    -Dcertdoctor.sources="$lib/src/main/kotlin" \
    -Dcertdoctor.scratch="$out/scratch" \
    -cp "$cp" org.junit.runner.JUnitCore $tests | tee "$2"
  local status=${PIPESTATUS[0]}
  set -e
  run=$(grep -oE '^OK \(([0-9]+) tests?\)' "$2" | grep -oE '[0-9]+' || true)
  if [ -n "$run" ]; then
    failed=0
  else
    run=$(grep -oE 'Tests run: [0-9]+' "$2" | grep -oE '[0-9]+' || echo 0)
    failed=$(grep -oE 'Failures: [0-9]+' "$2" | grep -oE '[0-9]+' || echo 1)
  fi
  [ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
  passed=$((run > failed ? run - failed : 0))
}

junit "$root/target/debug" "$out/junit.log"
ok=$([ "$failed" -eq 0 ] && echo 1 || echo 0)
summary "$passed" "$failed"
reported=1
# CERTDOCTOR_KOTLIN_SHIPPED: a directory holding the library an app ships (the stripped
# `mobile` build of tests/mobile/cdylib-size.sh); the same tests run against it too, with
# their own closing line.
if [ -n "${CERTDOCTOR_KOTLIN_SHIPPED:-}" ]; then
  junit "$CERTDOCTOR_KOTLIN_SHIPPED" "$out/junit-shipped.log"
  echo "kotlin (shipped library): $passed passed, $failed failed"
  [ "$failed" -eq 0 ] || ok=0
fi
[ "$ok" -eq 1 ]
