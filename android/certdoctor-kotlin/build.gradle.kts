// The library as an Android module of the app's build. Its sources are the host-tested
// src/main/kotlin plus the uniffi bindings build-native.sh generates into src/generated/kotlin
// (not committed). Host tests run with tests/kotlin/run.sh, not Gradle.
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "app.certdoctor"
    compileSdk = 35
    defaultConfig {
        minSdk = 26
        consumerProguardFiles("consumer-rules.pro")
    }
    sourceSets["main"].java.srcDirs("src/main/kotlin", "src/generated/kotlin")
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    // The JVM tests of this module are run by tests/kotlin/run.sh against the host library.
    sourceSets["test"].java.setSrcDirs(emptyList<String>())
    sourceSets["test"].kotlin.setSrcDirs(emptyList<String>())
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    // JNA with its Android native dispatch libraries (the @aar, not the desktop jar).
    api("net.java.dev.jna:jna:5.15.0@aar")
}
