#!/usr/bin/env bash
# Builds libcertdoctor_ffi.so for the app's ABIs with cargo-ndk and generates the Kotlin
# bindings into the library module. Needs the Android NDK (ANDROID_NDK_HOME, or the SDK's
# ndk/<version>) and `cargo install cargo-ndk`. Then: cd android && ./gradlew assembleDebug
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

abis=(arm64-v8a armeabi-v7a x86_64)
rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android

# 16 KB page-size compatible ELF segments (Android 15+ devices with 16 KB pages). Per
# target, so a RUSTFLAGS of the caller's does not get lost.
# With the size flags every shipped build of the library takes (bindings/ffi/mobile-rustflags).
flags="-C link-arg=-Wl,-z,max-page-size=16384 $(grep -v '^#' "$root/bindings/ffi/mobile-rustflags" | tr '\n' ' ')"
export CARGO_TARGET_AARCH64_LINUX_ANDROID_RUSTFLAGS="$flags"
export CARGO_TARGET_ARMV7_LINUX_ANDROIDEABI_RUSTFLAGS="$flags"
export CARGO_TARGET_X86_64_LINUX_ANDROID_RUSTFLAGS="$flags"

# The `mobile` profile (opt-level "z", Cargo.toml) and the link options of
# bindings/ffi/build.rs; the libraries are copied here rather than by cargo-ndk's `-o`, so
# that the profile's directory is named in one place.
triple() {   # (no associative arrays: macOS ships bash 3.2)
  case $1 in
    arm64-v8a) echo aarch64-linux-android ;;
    armeabi-v7a) echo armv7-linux-androideabi ;;
    x86_64) echo x86_64-linux-android ;;
  esac
}
targs=()
for abi in "${abis[@]}"; do targs+=(-t "$abi"); done
cargo ndk "${targs[@]}" --platform 26 build --locked --profile mobile -p certdoctor-ffi
for abi in "${abis[@]}"; do
  mkdir -p "$here/app/src/main/jniLibs/$abi"
  cp "$root/target/$(triple "$abi")/mobile/libcertdoctor_ffi.so" "$here/app/src/main/jniLibs/$abi/"
done

# The Kotlin bindings (package app.certdoctor.ffi, from bindings/ffi/uniffi.toml), generated
# from a host build of the same crate (library mode reads the metadata the crate embeds).
cargo build --locked -p certdoctor-ffi
cargo build --locked -p uniffi-bindgen
case "$(uname -s)" in
  Darwin) host_lib="$root/target/debug/libcertdoctor_ffi.dylib" ;;
  *) host_lib="$root/target/debug/libcertdoctor_ffi.so" ;;
esac
out="$here/certdoctor-kotlin/src/generated/kotlin"
rm -rf "$out"
mkdir -p "$out"
"$root/target/debug/uniffi-bindgen" generate --library "$host_lib" --language kotlin --out-dir "$out"

for abi in "${abis[@]}"; do
  so="$here/app/src/main/jniLibs/$abi/libcertdoctor_ffi.so"
  [ -f "$so" ] || { echo "missing $so" >&2; exit 1; }
  echo "built $so"
done
echo "bindings in $out"
