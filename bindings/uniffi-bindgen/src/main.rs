//! `uniffi-bindgen generate --library target/debug/libcertdoctor_ffi.so --language kotlin …`
fn main() {
    uniffi::uniffi_bindgen_main()
}
