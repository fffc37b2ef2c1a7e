#!/usr/bin/env bash
# The Android app on the real Android framework, on the host JVM, without Gradle or the SDK:
#   1. Maven (android/pom.xml) resolves from Maven Central the framework as Robolectric ships
#      it (android-all, API 35; android-all-instrumented for API 35 and 26), Robolectric 4.17,
#      JUnit 4 and JNA;
#   2. aapt2 compiles the app's resources and links them with its manifest (the Gradle file's
#      applicationId, minSdk, targetSdk and version) against the framework's resource table
#      (Debian's framework-res.apk, see below): R and the resource package Robolectric loads;
#   3. kotlinc (-Werror) compiles the generated bindings, the Kotlin library and the app
#      against android-all, then the tests: the app's Robolectric tests and the library's
#      view-model tests;
#   4. JUnit 4 runs them, Robolectric offline, the Rust core through JNA on the host library.
# The host library and the bindings are the ones tests/kotlin/run.sh built in the same run
# when CERTDOCTOR_FFI_BUILT=1 says so (tests/mobile/run-all.sh); otherwise they are built here.
# Closing line: `android: N passed, M failed`; exit status non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
out="$root/target/android"
app="$root/android/app"
lib="$root/android/certdoctor-kotlin"
fixtures="${CERTDOCTOR_ANDROID_FIXTURES:-$root/tests/fixtures/android}"
started=$SECONDS

summary() { echo "android: $1 passed, $2 failed"; }
trap 'rc=$?; [ $rc -eq 0 ] || [ -n "${reported:-}" ] || summary 0 1; exit $rc' EXIT
step() { printf 'android: %s (%d s)\n' "$*" "$((SECONDS - started))" >&2; }

bash "$root/tests/mobile/setup.sh"
kotlinc="${CERTDOCTOR_KOTLIN_PREFIX:-$root/target/mobile-tools/kotlin-2.4.20}/node_modules/kotlin-compiler/bin/kotlinc"
kotlin_home="$(dirname "$(dirname "$(readlink -f "$kotlinc")")")"
rm -rf "$out/classes" "$out/test-classes" "$out/r" "$out/config" "$out/scratch"
mkdir -p "$out/classes" "$out/test-classes" "$out/r/src" "$out/r/classes" "$out/config/com/android/tools" "$out/scratch"

# --- 1. Jars from Maven Central (~/.m2 is reused when it holds them) -------------------------
step "resolving the framework, Robolectric, JUnit and JNA (Maven)"
mkdir -p "$out"
mvn -B -q -f "$root/android/pom.xml" \
  dependency:build-classpath dependency:copy@robolectric-sdks \
  -Dmdep.includeScope=test -Dmdep.outputFile="$out/maven.classpath" \
  -Drobolectric.dependency.dir="$out/robolectric-sdks" >"$out/maven.log" 2>&1 ||
  { cat "$out/maven.log" >&2; exit 1; }
framework="" jna=""
runtime=()
mkdir -p "$out/aar"
while IFS= read -r jar || [ -n "$jar" ]; do   # the file has no final newline
  case "$(basename "$jar")" in
    android-all-*.jar) framework="$jar" ;;   # to compile against (Robolectric runs the instrumented copy)
    jna-*.jar) jna="$jar" ;;
    *.aar)                                   # androidx.test's monitor and idling resource
      classes="$out/aar/$(basename "$jar" .aar).jar"
      [ -f "$classes" ] || unzip -p "$jar" classes.jar >"$classes"
      runtime+=("$classes") ;;
    *) runtime+=("$jar") ;;
  esac
done < <(tr ':' '\n' <"$out/maven.classpath")
[ -n "$framework" ] && [ -n "$jna" ] || { echo "android: Maven gave no android-all or JNA jar" >&2; exit 1; }
runtime_cp="$(IFS=:; echo "${runtime[*]}")"

# --- 2. Host library and bindings ------------------------------------------------------------
so="$root/target/debug/libcertdoctor_ffi.so"
generated="$root/target/kotlin/generated"
if [ "${CERTDOCTOR_FFI_BUILT:-}" != 1 ] || [ ! -f "$so" ] || [ -z "$(find "$generated" -name '*.kt' 2>/dev/null)" ]; then
  step "building the host library and generating the bindings"
  cargo build --locked -p certdoctor-ffi
  bash "$root/tests/build-host-tools.sh"
  generated="$out/generated"
  rm -rf "$generated" && mkdir -p "$generated"
  "$root/target/debug/uniffi-bindgen" generate --library "$so" --language kotlin --no-format --out-dir "$generated" >&2
else
  step "reusing target/debug/libcertdoctor_ffi.so and the bindings of tests/kotlin/run.sh"
fi

# --- 3. Resources: aapt2 compile + link ----------------------------------------------------
# The values the Gradle build puts in the merged manifest, read from app/build.gradle.kts.
gradle_value() { sed -nE "s/^[[:space:]]*$1 = \"?([^\"]+)\"?[[:space:]]*$/\1/p" "$app/build.gradle.kts" | head -1; }
application_id="$(gradle_value applicationId)"
min_sdk="$(gradle_value minSdk)"
target_sdk="$(gradle_value targetSdk)"
version_code="$(gradle_value versionCode)"
version_name="$(gradle_value versionName)"
for v in application_id min_sdk target_sdk version_code version_name; do
  [ -n "${!v}" ] || { echo "android: no $v in $app/build.gradle.kts" >&2; exit 1; }
done
# aapt2 of Debian is Android 10's: it cannot read the resource table of API 35's android-all
# ("Failed to retrieve resource table"), so it links against Android 10's framework-res.apk.
# Public framework resource IDs never change between levels; Robolectric then runs the
# linked package on API 35's real resources.
framework_res=/usr/share/android-framework-res/framework-res.apk
step "aapt2: compiling and linking the resources (manifest: $application_id, minSdk $min_sdk, targetSdk $target_sdk)"
sed -e "s|<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\">|<manifest xmlns:android=\"http://schemas.android.com/apk/res/android\" package=\"$application_id\">|" \
    -e "s|\${applicationId}|$application_id|g" \
    "$app/src/main/AndroidManifest.xml" >"$out/r/AndroidManifest.xml"
grep -q "package=\"$application_id\"" "$out/r/AndroidManifest.xml" || { echo "android: could not set the manifest's package" >&2; exit 1; }
# aapt2 reports mistakes as warnings too (e.g. a string only in a qualified folder): any output fails.
aapt2 compile --dir "$app/src/main/res" -o "$out/r/compiled.zip" 2>"$out/r/aapt2.log" || { cat "$out/r/aapt2.log" >&2; exit 1; }
aapt2 link -I "$framework_res" --manifest "$out/r/AndroidManifest.xml" \
  --min-sdk-version "$min_sdk" --target-sdk-version "$target_sdk" \
  --version-code "$version_code" --version-name "$version_name" \
  --java "$out/r/src" --output-text-symbols "$out/r/R.txt" \
  -o "$out/r/resources.ap_" "$out/r/compiled.zip" 2>>"$out/r/aapt2.log" || { cat "$out/r/aapt2.log" >&2; exit 1; }
if [ -s "$out/r/aapt2.log" ]; then cat "$out/r/aapt2.log" >&2; echo "android: aapt2 warned (see above)" >&2; exit 1; fi
javac -Werror -Xlint:all -d "$out/r/classes" $(find "$out/r/src" -name '*.java') >&2

# Robolectric without the Android Gradle plugin reads this from the test classpath.
cat >"$out/config/com/android/tools/test_config.properties" <<EOF
android_merged_manifest=$out/r/AndroidManifest.xml
android_resource_apk=$out/r/resources.ap_
android_custom_package=$application_id
EOF

# --- 4. Kotlin against the framework (-Werror) ------------------------------------------------
step "kotlinc: bindings, library and app against $(basename "$framework")"
"$kotlinc" -Werror -jvm-target 17 -no-reflect -cp "$framework:$jna:$out/r/classes" -d "$out/classes" \
  "$generated" "$lib/src/main/kotlin" "$app/src/main/kotlin" >&2
step "kotlinc: the app's Robolectric tests and the library's view-model tests"
"$kotlinc" -Werror -jvm-target 17 -cp "$out/classes:$out/r/classes:$framework:$jna:$runtime_cp" -d "$out/test-classes" \
  "$app/src/test/kotlin" "$lib/src/test/kotlin/app/certdoctor/CheckViewModelTest.kt" >&2

# --- 5. Run ------------------------------------------------------------------------------------
tests=$(cd "$out/test-classes" && find . -name '*Test.class' | sed 's|^\./||; s|\.class$||; s|/|.|g' | sort)
# android-all last: JUnit loads the test classes (android types in their signatures) outside
# the sandbox; inside it, Robolectric loads android.* from the instrumented jar.
cp="$out/test-classes:$app/src/test/resources:$out/classes:$out/r/classes:$out/config:$kotlin_home/lib/kotlin-stdlib.jar:$jna:$runtime_cp:$framework"
step "running $(echo "$tests" | wc -l) test classes (Robolectric offline, API levels in android/app/src/test/resources/robolectric.properties)"
# --add-opens: Robolectric moves java.io.FileDescriptor's fd when a ParcelFileDescriptor closes.
set +e
java -Xmx2g --add-opens=java.base/java.io=ALL-UNNAMED -Djna.library.path="$(dirname "$so")" \
  -Drobolectric.offline=true -Drobolectric.dependency.dir="$out/robolectric-sdks" \
  -Dcertdoctor.fixtures="$fixtures" -Dcertdoctor.scratch="$out/scratch" \
  -cp "$cp" org.junit.runner.JUnitCore $tests | tee "$out/junit.log"
status=${PIPESTATUS[0]}
set -e
run=$(grep -oE '^OK \(([0-9]+) tests?\)' "$out/junit.log" | grep -oE '[0-9]+' || true)
if [ -n "$run" ]; then
  failed=0
else
  run=$(grep -oE 'Tests run: [0-9]+' "$out/junit.log" | grep -oE '[0-9]+' || echo 0)
  failed=$(grep -oE 'Failures: [0-9]+' "$out/junit.log" | grep -oE '[0-9]+' || echo 1)
fi
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
passed=$((run > failed ? run - failed : 0))
step "done"
summary "$passed" "$failed"
reported=1
[ "$failed" -eq 0 ]
