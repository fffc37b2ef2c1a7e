package app.certdoctor.app

import android.app.Application
import java.util.concurrent.Executor
import java.util.concurrent.Executors

/**
 * The app's process. It owns the thread the screen's slow work runs on (the check, the share
 * renders, KeyChain's blocking calls), so that work outlives the Activity that started it:
 * a language or theme change recreates the Activity, never the work.
 */
open class CertDoctorApp : Application() {
    /** One background thread for the process; the Robolectric tests step their own instead. */
    open val background: Executor by lazy {
        Executors.newSingleThreadExecutor { r -> Thread(r, "certdoctor-app").apply { isDaemon = true } }
    }
}
