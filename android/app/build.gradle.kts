plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "app.certdoctor.app"
    compileSdk = 35

    defaultConfig {
        applicationId = "app.certdoctor.app"
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        // The ABIs build-native.sh produces.
        ndk { abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64") }
    }

    buildTypes {
        release {
            isMinifyEnabled = true
            isShrinkResources = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    // libcertdoctor_ffi.so per ABI comes from build-native.sh (src/main/jniLibs, not committed).
    // Uncompressed and page-aligned in the APK, so the 16 KB-aligned ELF loads in place on
    // 16 KB page-size devices.
    packaging {
        jniLibs { useLegacyPackaging = false }
    }

    // The app's Robolectric tests (src/test) run with tests/android/run.sh on the host build
    // (Maven-resolved Robolectric, the host libcertdoctor_ffi.so, the fixtures), not Gradle.
    sourceSets["test"].java.setSrcDirs(emptyList<String>())
    sourceSets["test"].kotlin.setSrcDirs(emptyList<String>())
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    implementation(project(":certdoctor-kotlin"))
    implementation("net.java.dev.jna:jna:5.15.0@aar")
    // No androidx: the reports are shared through the app's own ReportsProvider.
}
