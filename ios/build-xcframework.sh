#!/usr/bin/env bash
# Builds certdoctorFFI.xcframework (device + simulator static libraries, with the C header
# and module map) into CertDoctorKit/Frameworks/ and generates the Swift bindings into
# CertDoctorKit/Sources/CertDoctorKit/Generated/. Needs macOS with Xcode and rustup.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
rustup target add "${targets[@]}"
export IPHONEOS_DEPLOYMENT_TARGET=16.0
# The iOS library carries the unified-log reader (a sysdiagnose's logarchive and profile
# state, docs/unified-log.md); Android's does not (its 2 MiB budget, tests/mobile/cdylib-size.sh).
# The size flags every shipped build of the library takes (bindings/ffi/mobile-rustflags).
size_flags="$(grep -v '^#' "$root/bindings/ffi/mobile-rustflags" | tr '\n' ' ')"
for t in "${targets[@]}"; do
  RUSTFLAGS="$size_flags" cargo build --locked --profile mobile --target "$t" -p certdoctor-ffi --features unified-log
done

# Swift bindings + C header + modulemap, from a host build (library mode reads the metadata).
cargo build --locked -p certdoctor-ffi --features unified-log
cargo build --locked -p uniffi-bindgen
ffi="$root/target/ios/ffi"
generated="$here/CertDoctorKit/Sources/CertDoctorKit/Generated"
rm -rf "$ffi" "$generated"
mkdir -p "$ffi/include" "$generated"
"$root/target/debug/uniffi-bindgen" generate --library "$root/target/debug/libcertdoctor_ffi.dylib" \
  --language swift --out-dir "$ffi"
mv "$ffi"/*.swift "$generated/"
mv "$ffi/certdoctorFFI.h" "$ffi/include/"
mv "$ffi/certdoctorFFI.modulemap" "$ffi/include/module.modulemap"

# One library per platform: the two simulator architectures are merged with lipo.
sim="$root/target/ios/sim"
mkdir -p "$sim"
lipo -create \
  "$root/target/aarch64-apple-ios-sim/mobile/libcertdoctor_ffi.a" \
  "$root/target/x86_64-apple-ios/mobile/libcertdoctor_ffi.a" \
  -output "$sim/libcertdoctor_ffi.a"

out="$here/CertDoctorKit/Frameworks/certdoctorFFI.xcframework"
rm -rf "$out"
xcodebuild -create-xcframework \
  -library "$root/target/aarch64-apple-ios/mobile/libcertdoctor_ffi.a" -headers "$ffi/include" \
  -library "$sim/libcertdoctor_ffi.a" -headers "$ffi/include" \
  -output "$out"
echo "built $out"
echo "bindings in $generated"
