// The Android build: the app and the Kotlin library it calls. Needs the Android SDK (and
// the NDK for build-native.sh); see README.md.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "certdoctor-android"
include(":app", ":certdoctor-kotlin")
