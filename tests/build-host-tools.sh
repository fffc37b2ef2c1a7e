#!/usr/bin/env bash
# Builds the host tools the test runners use, the CLI (target/debug/certdoctor) and the
# pinned bindgen (target/debug/uniffi-bindgen), in one cargo call with the workspace's
# feature set: the set `cargo test --workspace` has already built the dependencies with,
# so after the Rust tests this call compiles little more than the two binaries.
# `cargo build -p uniffi-bindgen` or `-p certdoctor-cli` alone resolves features for that
# package only (clap, serde_core, syn, libc, getrandom differ), which rebuilt most
# dependencies: 5 min for the bindgen on 2 cores. The FFI library is left out on purpose:
# it is built by its own `cargo build -p certdoctor-ffi`, so that it never gets the
# bindgen's features of uniffi (`cli`, `bindgen`).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked --workspace --exclude certdoctor-ffi "$@"
