//! JNI glue, Android only (and this crate's host tests, on an in-process JVM).
//!
//! The Kotlin bindings reach the library through JNA, which does not run `JNI_OnLoad`.
//! When the app also calls `System.loadLibrary("certdoctor_ffi")` at start-up, the JVM
//! runs [`JNI_OnLoad`]: logging is routed to logcat right away and the Android API level
//! is logged once. Without that call logging is still set up on the first export called.

use jni::sys::{JNI_ERR, JNI_VERSION_1_6, jint};
use jni::{JNIEnv, JavaVM};

/// A static `int` field such as `android.os.Build$VERSION.SDK_INT`; `None` when the class
/// or field does not exist (the Java exception is cleared, never left pending).
pub(crate) fn static_int(env: &mut JNIEnv, class: &str, field: &str) -> Option<i32> {
    match env.get_static_field(class, field, "I").and_then(|v| v.i()) {
        Ok(v) => Some(v),
        Err(_) => {
            let _ = env.exception_clear();
            None
        }
    }
}

/// What `JNI_OnLoad` does, on any JVM: the thread must be attached to `vm`.
pub(crate) fn on_load(vm: &JavaVM) -> jint {
    crate::platform::init_logging();
    match vm.get_env() {
        Ok(mut env) => {
            let api_level = static_int(&mut env, "android/os/Build$VERSION", "SDK_INT");
            log::info!(
                "certdoctor {} loaded; Android API level {api_level:?}",
                env!("CARGO_PKG_VERSION")
            );
            JNI_VERSION_1_6
        }
        Err(_) => JNI_ERR,
    }
}

/// Run by the JVM when the app loads the library with `System.loadLibrary`.
#[cfg(target_os = "android")]
#[unsafe(no_mangle)]
pub extern "system" fn JNI_OnLoad(vm: JavaVM, _reserved: *mut std::ffi::c_void) -> jint {
    // A panic must not cross into the JVM.
    std::panic::catch_unwind(|| on_load(&vm)).unwrap_or(JNI_ERR)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jni::{InitArgsBuilder, JNIVersion};

    /// One JVM per process: every JNI check runs in this one test.
    #[test]
    fn the_jni_glue_works_on_a_host_jvm() {
        let args = InitArgsBuilder::new()
            .version(JNIVersion::V8)
            .option("-Xcheck:jni")
            .build()
            .unwrap();
        let vm = JavaVM::new(args)
            .expect("a JVM (Java 17 is installed; JAVA_HOME or `java` on PATH locates it)");
        let mut env = vm.attach_current_thread_permanently().unwrap();
        assert_eq!(
            static_int(&mut env, "java/lang/Integer", "MAX_VALUE"),
            Some(i32::MAX)
        );
        // Not on Android: no such class, and no exception left pending.
        assert_eq!(
            static_int(&mut env, "android/os/Build$VERSION", "SDK_INT"),
            None
        );
        assert!(!env.exception_check().unwrap());
        // A field of the wrong type is also `None`, not a crash.
        assert_eq!(static_int(&mut env, "java/lang/Integer", "TYPE"), None);
        assert!(!env.exception_check().unwrap());
        assert_eq!(on_load(&vm), JNI_VERSION_1_6);
    }
}
