//! Link options of the shared library (the `.so` an app ships), set here so that every
//! build of it gets them, whoever runs cargo:
//!
//! * relative relocations packed: `.rela.dyn` held 170 KB of 24-byte entries that a
//!   packed table stores in a few KB (DT_RELR on the host, glibc ≥ 2.36; Android's own
//!   packing, which its loader reads from API 23 on, below the app's minSdk 26);
//! * identical code folding (`--icf=all`): generic code instantiated twice with the same
//!   machine code is kept once (Rust promises no unique function addresses).
//!
//! Both need lld: the Android NDK links with it, and so does rustc on
//! x86_64-unknown-linux-gnu since 1.90 (the workspace's `rust-version`). Other targets keep
//! their linker's defaults (iOS ships a static library; Apple's linker does its own
//! fixups). `CERTDOCTOR_PLAIN_LINK=1` turns both off, for a build with another linker.
//! Measured in docs/performance.md (`tests/mobile/cdylib-size.sh`).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CERTDOCTOR_PLAIN_LINK");
    if std::env::var_os("CERTDOCTOR_PLAIN_LINK").is_some_and(|v| v == "1") {
        return;
    }
    let cfg = |key: &str| std::env::var(key).unwrap_or_default();
    let (os, env, arch) = (
        cfg("CARGO_CFG_TARGET_OS"),
        cfg("CARGO_CFG_TARGET_ENV"),
        cfg("CARGO_CFG_TARGET_ARCH"),
    );
    let args: &[&str] = match (os.as_str(), env.as_str(), arch.as_str()) {
        ("linux", "gnu", "x86_64") => &["-Wl,-z,pack-relative-relocs", "-Wl,--icf=all"],
        ("android", _, _) => &["-Wl,--pack-dyn-relocs=android", "-Wl,--icf=all"],
        _ => &[],
    };
    for arg in args {
        println!("cargo:rustc-cdylib-link-arg={arg}");
    }
}
