#!/usr/bin/env bash
# Installs what the mobile host tests need on a fresh Debian 12 machine, skipping
# whatever is already present (safe to run again):
#   - libjna-java (JNA, the runtime of uniffi's Kotlin bindings) and junit4 (tests), via apt;
#   - for the Android app's host build (tests/android/run.sh): aapt (aapt2, Android 10 build
#     tools), android-framework-res (the framework's resource table aapt2 links against) and
#     maven (resolves Robolectric and the framework jars from Maven Central), via apt;
#   - kotlinc 2.4.20 from the npm package `kotlin-compiler` (no Gradle here);
#   - the Rust targets of the cross checks (aarch64-linux-android, aarch64-apple-ios).
# Java 17 is expected to be installed already.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
KOTLIN_VERSION=2.4.20
KOTLIN_PREFIX="${CERTDOCTOR_KOTLIN_PREFIX:-$root/target/mobile-tools/kotlin-$KOTLIN_VERSION}"

missing=()
[ -f /usr/share/java/jna.jar ] || missing+=(libjna-java)
[ -f /usr/share/java/junit4.jar ] || missing+=(junit4)
command -v aapt2 >/dev/null || missing+=(aapt)
[ -f /usr/share/android-framework-res/framework-res.apk ] || missing+=(android-framework-res)
command -v mvn >/dev/null || missing+=(maven)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: apt-get install ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi

kotlinc="$KOTLIN_PREFIX/node_modules/kotlin-compiler/bin/kotlinc"
if [ ! -x "$kotlinc" ]; then
  echo "setup: npm install kotlin-compiler@$KOTLIN_VERSION into $KOTLIN_PREFIX" >&2
  mkdir -p "$KOTLIN_PREFIX"
  npm install --no-save --ignore-scripts --no-audit --no-fund --prefix "$KOTLIN_PREFIX" "kotlin-compiler@$KOTLIN_VERSION" >&2
  chmod +x "$KOTLIN_PREFIX"/node_modules/kotlin-compiler/bin/* 2>/dev/null || true
fi

if command -v rustup >/dev/null; then
  installed="$(rustup target list --installed)"
  for t in aarch64-linux-android aarch64-apple-ios; do
    grep -qx "$t" <<<"$installed" || rustup target add "$t" >&2
  done
fi
echo "setup: ok (kotlinc: $kotlinc)" >&2
